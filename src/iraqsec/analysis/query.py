"""Selecting incidents: pure functions over records, no I/O.

A month-precision incident (`date: 2020-09`) meets a day range only when
the range covers its whole month, since the day it happened is unknown:
`--from 2020-09-01 --to 2020-09-30` includes it, `--from 2020-09-10` does
not.  `--month` and month-form `--from/--to` always include it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import operator
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple, TypeVar, Union

from iraqsec.record.vocab import DEFAULT_SCOPE

if TYPE_CHECKING:  # only named: warm reports read Facts and never load pydantic (docs/performance.md)
    from iraqsec.record.model import Incident

UNGRADED = "ungraded"  # the --evidence term for records without a grade


class Facts(NamedTuple):
    """What filters other than `--search`, sorting and reports read of an
    incident: a light stand-in for `Incident` that the cache hands out fast
    (reports over 100,000 records need not rebuild 100,000 models).  No
    texts: decoding 100,000 summaries would cost more than the report; a
    search goes through the records (from the cache, its text index finds
    them)."""

    id: str
    date: str
    governorate: str
    tactic: str
    target_type: str
    target_country: str | None
    killed: int | None
    wounded: int | None
    actors: tuple[str, ...]
    month: str
    claimed_by: tuple[str, ...]
    attributed_to: tuple[str, ...]
    evidence: str | None
    scope: str
    site: str | None
    tags: tuple[str, ...]
    is_withdrawn: bool


def facts(incident: Incident) -> Facts:
    return Facts(incident.id, incident.date, incident.governorate, incident.tactic,
                 incident.target_type, incident.target_country, incident.killed, incident.wounded,
                 tuple(incident.actors), incident.month,
                 tuple(incident.claimed_by), tuple(incident.attributed_to), incident.evidence,
                 incident.scope, incident.site, tuple(incident.tags), incident.withdrawn is not None)


Record = Union["Incident", Facts]
R = TypeVar("R", "Incident", Facts, Record)


@dataclass(frozen=True)
class Filters:
    """What to select.  Options OR within a field, AND across fields."""

    months: tuple[str, ...] = ()
    start: dt.date | None = None
    end: dt.date | None = None
    tactics: tuple[str, ...] = ()
    target_types: tuple[str, ...] = ()
    governorates: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    claimed_by: tuple[str, ...] = ()
    attributed_to: tuple[str, ...] = ()
    target_countries: tuple[str, ...] = ()
    casualties: bool = False
    search: str | None = None
    evidence: tuple[str, ...] = ()  # "ungraded" selects records without a grade
    tags: tuple[str, ...] = ()
    without_tags: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    scope: str = DEFAULT_SCOPE  # a scope term, or "all"
    include_withdrawn: bool = False
    _checks: tuple[Callable[[Record], bool], ...] = field(init=False, repr=False, compare=False, default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "_checks", tuple(_checks(self)))

    def matches(self, incident: Record) -> bool:
        return self.in_view(incident) and self.selects(incident)

    def in_view(self, incident: Record) -> bool:
        """Within the scope and withdrawn choice (the contract's default view)."""
        return self.viewed(incident.scope, incident.is_withdrawn)

    def viewed(self, scope: str, withdrawn: bool) -> bool:
        return (self.scope == "all" or scope == self.scope) and (self.include_withdrawn or not withdrawn)

    @property
    def view_only(self) -> bool:
        """Whether only the view chooses (no other filter is given)."""
        return self == Filters(scope=self.scope, include_withdrawn=self.include_withdrawn)

    def selects(self, incident: Record) -> bool:
        """Meets every other filter."""
        return all(check(incident) for check in self._checks)

    def passing(self, incidents: Iterable[R]) -> list[R]:
        """The records that meet every other filter, in the order given: one
        pass per filter given, over what the previous ones left (a call of
        `selects` per record ran every test, given or not)."""
        pool = list(incidents)
        for check in self._checks:
            pool = list(filter(check, pool))
        return pool


def _checks(f: Filters) -> Iterator[Callable[[Record], bool]]:
    """One test per filter given (beyond the view): what `selects` means."""
    if f.months:
        months = frozenset(f.months)
        yield lambda i: i.month in months
    if f.start is not None or f.end is not None:
        yield functools.partial(_in_range, start=f.start, end=f.end)
    for name, wanted in (("evidence", f.evidence), ("site", f.sites), ("tactic", f.tactics),
                         ("target_type", f.target_types), ("governorate", f.governorates),
                         ("target_country", f.target_countries)):
        if wanted:
            yield _one_of(name, frozenset(wanted))
    if f.tags:
        tags = frozenset(f.tags)
        yield lambda i: not tags.isdisjoint(i.tags)
    if f.without_tags:
        without = frozenset(f.without_tags)
        yield lambda i: without.isdisjoint(i.tags)
    for name, wanted in (("actors", f.actors), ("claimed_by", f.claimed_by), ("attributed_to", f.attributed_to)):
        if wanted:
            yield _any_of(name, frozenset(wanted))
    if f.casualties:
        yield lambda i: bool(i.killed) or bool(i.wounded)
    if f.search is not None:
        yield functools.partial(_contains, needle=f.search)


def _one_of(name: str, wanted: frozenset[str]) -> Callable[[Record], bool]:
    """The record's `name` is one of `wanted` (a missing evidence grade is
    the term "ungraded")."""
    value = operator.attrgetter(name)
    if name == "evidence":
        return lambda i: (i.evidence or UNGRADED) in wanted
    return lambda i: value(i) in wanted


def _any_of(name: str, wanted: frozenset[str]) -> Callable[[Record], bool]:
    """The record's list `name` names one of `wanted`."""
    names = operator.attrgetter(name)
    return lambda i: not wanted.isdisjoint(names(i))


def _in_range(incident: Record, start: dt.date | None, end: dt.date | None) -> bool:
    first, last = _day_span(incident.date)
    return (start is None or first >= start) and (end is None or last <= end)


def _contains(incident: Record, needle: str) -> bool:
    if isinstance(incident, Facts):  # a caller's mistake: `Ledger.records` gives the records for a search
        raise TypeError("a text search reads the records; Facts hold no texts")
    folded = needle.casefold()
    return any(folded in (text or "").casefold()
               for text in (incident.place, incident.target, incident.summary, incident.notes))


def day_span(date: str) -> tuple[dt.date, dt.date]:
    """First and last day a date string can mean."""
    return _day_span(date)


@functools.lru_cache(maxsize=1 << 16)  # a ledger has far fewer dates than records; bounded whatever the input
def _day_span(date: str) -> tuple[dt.date, dt.date]:
    year, month = int(date[:4]), int(date[5:7])
    if len(date) == 7:
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    day = dt.date(year, month, int(date[8:10]))
    return day, day


def sort_key(incident: Record) -> tuple[str, str]:
    """Date then id; a month-precision date sorts before the month's days."""
    return incident.date, incident.id


_EVERYTHING = Filters(scope="all", include_withdrawn=True)
_SORT_KEY = operator.attrgetter("date", "id")  # sort_key, at C speed


def select(incidents: Iterable[R], filters: Filters, reverse: bool = False,
           limit: int | None = None) -> list[R]:
    chosen = sorted(matching(incidents, filters), key=_SORT_KEY, reverse=reverse)
    return chosen if limit is None else chosen[:limit]


def matching(incidents: Iterable[R], filters: Filters) -> Iterable[R]:
    """The records that meet `filters`, in the order given.  Without any
    filter but the view (the default view of a report), one inline test per
    record instead of a call of `Filters.matches`: 100,000 calls cost more
    than a warm report may take."""
    if filters == _EVERYTHING:
        return incidents
    if not filters.view_only:
        return filters.passing(i for i in incidents if filters.in_view(i))
    scope, withdrawn_too = filters.scope, filters.include_withdrawn
    if scope == "all":
        return [i for i in incidents if not i.is_withdrawn]  # (withdrawn_too is False here)
    if withdrawn_too:
        return [i for i in incidents if i.scope == scope]
    return [i for i in incidents if i.scope == scope and not i.is_withdrawn]


@dataclass(frozen=True)
class LeftOut:
    """Records that met the filters but that the scope or withdrawn choice
    left out: what a count line owes its reader."""

    context: int = 0
    campaign: int = 0
    withdrawn: int = 0

    def note(self) -> str:
        """e.g. "3 context records not shown: --scope all"."""
        parts = []
        if self.context:
            parts.append(f"{self.context} context record{_s(self.context)} not shown: --scope all")
        if self.campaign:
            parts.append(f"{self.campaign} campaign record{_s(self.campaign)} not shown: --scope all")
        if self.withdrawn:
            parts.append(f"{self.withdrawn} withdrawn record{_s(self.withdrawn)} not shown: --include-withdrawn")
        return "; ".join(parts)


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def left_out(incidents: Iterable[Record], filters: Filters) -> LeftOut:
    """How many records meet the filters but not the view, by reason
    (a withdrawn record is counted as withdrawn whatever its scope)."""
    if filters.view_only:  # every record meets the other filters: count the (scope, withdrawn) pairs at C speed
        pool = list(incidents)
        kinds = Counter(zip(map(_SCOPE, pool), map(_WITHDRAWN, pool), strict=True))
    else:
        kinds = Counter((i.scope, i.is_withdrawn) for i in filters.passing(incidents))
    counts = {"context": 0, "campaign": 0, "withdrawn": 0}
    for (scope, withdrawn), count in kinds.items():
        if not filters.viewed(scope, withdrawn):
            reason = "withdrawn" if withdrawn and not filters.include_withdrawn else \
                "context" if scope == "context" else "campaign"
            counts[reason] += count
    return LeftOut(**counts)


_SCOPE = operator.attrgetter("scope")
_WITHDRAWN = operator.attrgetter("is_withdrawn")
