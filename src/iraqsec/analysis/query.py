"""Selecting incidents: pure functions over records, no I/O.

A month-precision incident (`date: 2020-09`) meets a day range only when
the range covers its whole month, since the day it happened is unknown:
`--from 2020-09-01 --to 2020-09-30` includes it, `--from 2020-09-10` does
not.  `--month` and month-form `--from/--to` always include it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import operator
from collections import Counter
from collections.abc import Iterable, Sequence
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
    _actor_set: frozenset[str] = field(init=False, repr=False, compare=False, default=frozenset())

    def __post_init__(self) -> None:
        object.__setattr__(self, "_actor_set", frozenset(self.actors))

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
        return (self._date_ok(incident)
                and _member(incident.evidence or UNGRADED, self.evidence)
                and _member(incident.site, self.sites)
                and (not self.tags or not set(self.tags).isdisjoint(incident.tags))
                and (not self.without_tags or set(self.without_tags).isdisjoint(incident.tags))
                and _member(incident.tactic, self.tactics)
                and _member(incident.target_type, self.target_types)
                and _member(incident.governorate, self.governorates)
                and _member(incident.target_country, self.target_countries)
                and (not self.actors or not self._actor_set.isdisjoint(incident.actors))
                and _any_of(incident.claimed_by, self.claimed_by)
                and _any_of(incident.attributed_to, self.attributed_to)
                and (not self.casualties or bool(incident.killed) or bool(incident.wounded))
                and (self.search is None or _contains(incident, self.search)))

    def _date_ok(self, incident: Record) -> bool:
        if self.months and incident.month not in self.months:
            return False
        if self.start is None and self.end is None:
            return True
        first, last = day_span(incident.date)
        return (self.start is None or first >= self.start) and (self.end is None or last <= self.end)


def _member(value: str | None, allowed: Sequence[str]) -> bool:
    return not allowed or value in allowed


def _any_of(names: Sequence[str], wanted: Sequence[str]) -> bool:
    return not wanted or any(name in wanted for name in names)


def _contains(incident: Record, needle: str) -> bool:
    if isinstance(incident, Facts):  # a caller's mistake: `Ledger.records` gives the records for a search
        raise TypeError("a text search reads the records; Facts hold no texts")
    folded = needle.casefold()
    return any(folded in (text or "").casefold()
               for text in (incident.place, incident.target, incident.summary, incident.notes))


def day_span(date: str) -> tuple[dt.date, dt.date]:
    """First and last day a date string can mean."""
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
        return (i for i in incidents if filters.matches(i))
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
        kinds = Counter((i.scope, i.is_withdrawn) for i in incidents if filters.selects(i))
    counts = {"context": 0, "campaign": 0, "withdrawn": 0}
    for (scope, withdrawn), count in kinds.items():
        if not filters.viewed(scope, withdrawn):
            reason = "withdrawn" if withdrawn and not filters.include_withdrawn else \
                "context" if scope == "context" else "campaign"
            counts[reason] += count
    return LeftOut(**counts)


_SCOPE = operator.attrgetter("scope")
_WITHDRAWN = operator.attrgetter("is_withdrawn")
