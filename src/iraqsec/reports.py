"""Reports: pure functions from incidents to rows and series.  No I/O.

Measures: `incidents` (a count), `killed` and `wounded` (sums of reported
figures; an unreported figure adds nothing) and `unreported` (incidents in
the group whose killed or wounded figure was not reported).

Grouping by a list field counts an incident once under each name it holds,
and under None when it holds none: `claimed-by` (the groups that claimed
it), `attributed-to` (the actors officials or analysts blamed) and `actor`
(either, each name once per incident).  Such rows can add to more than the
number of incidents; the totals count each incident once.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from . import vocab
from .model import Place
from .query import UNGRADED, Filters, Record

FIELDS: dict[str, str] = {  # command-line name -> JSON key
    "month": "month",
    "tactic": "tactic",
    "target-type": "target_type",
    "governorate": "governorate",
    "actor": "actor",
    "claimed-by": "claimed_by",
    "attributed-to": "attributed_to",
    "target-country": "target_country",
    "evidence": "evidence",
    "scope": "scope",
}
# The evidence segments of a trend bar, strongest first; records without a
# grade come last.
EVIDENCE_ORDER: tuple[str, ...] = (*vocab.EVIDENCE, UNGRADED)
# Fields whose value is a list of names: an incident counts under each one.
MULTI: frozenset[str] = frozenset({"actor", "claimed_by", "attributed_to"})
# What the table says under a grouping by each list field.
MULTI_NOTES: dict[str, str] = {
    "actor": "Actor: claimed by or attributed to. An incident counts once under each actor it names, "
             "so rows can add to more than the total; the total counts each incident once.",
    "claimed_by": "Claimed by: the groups that claimed the attack; (none) = no claim reported. An incident "
                  "claimed by two groups counts under each, so rows can add to more than the total; "
                  "the total counts each incident once.",
    "attributed_to": "Attributed to: the actors officials or analysts blamed; (none) = nobody blamed. An "
                     "incident blamed on two actors counts under each, so rows can add to more than the "
                     "total; the total counts each incident once.",
}
MEASURES: tuple[str, ...] = ("incidents", "killed", "wounded", "unreported")
ESCALATION_RATIO = 1.5
ESCALATION_MIN = 3
ESCALATION_WINDOW = 3


def _values(incident: Record, field: str) -> list[Any]:
    if field == "month":
        return [incident.month]
    if field == "actor":
        return list(incident.actors) or [None]
    if field in MULTI:
        return list(getattr(incident, field)) or [None]
    return [getattr(incident, field)]


@dataclass
class Measures:
    incidents: int = 0
    killed: int = 0
    wounded: int = 0
    unreported: int = 0

    def add(self, incident: Record) -> None:
        self.incidents += 1
        self.killed += incident.killed or 0
        self.wounded += incident.wounded or 0
        if incident.killed is None or incident.wounded is None:
            self.unreported += 1


def months_between(first: str, last: str) -> list[str]:
    """Every month from first to last inclusive, as YYYY-MM."""
    year, month = int(first[:4]), int(first[5:7])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def month_span(incidents: Sequence[Record], start: str | None = None, end: str | None = None) -> list[str]:
    """The months a report shows: the filter's range, else the data's."""
    months = [i.month for i in incidents]
    first = start or (min(months) if months else None)
    last = end or (max(months) if months else None)
    if first is None or last is None:
        return []
    return months_between(first, last)


def report_months(filters: Filters, records: Sequence[Record]) -> list[str]:
    """Every month a report shows: the filters' range (--from/--to, or the
    --month values), else the span of the selected records."""
    start = filters.start.strftime("%Y-%m") if filters.start else (min(filters.months) if filters.months else None)
    end = filters.end.strftime("%Y-%m") if filters.end else (max(filters.months) if filters.months else None)
    months = month_span(records, start, end)
    return [m for m in months if m in filters.months] if filters.months else months


def group(incidents: Iterable[Record], fields: Sequence[str]) -> dict[tuple[Any, ...], Measures]:
    """Measures per combination of field values (JSON field names)."""
    out: dict[tuple[Any, ...], Measures] = {}
    if MULTI.intersection(fields):  # an incident may count under several names
        for incident in incidents:
            for key in itertools.product(*(_values(incident, f) for f in fields)):
                out.setdefault(key, Measures()).add(incident)
        return out
    # One key per incident: read the fields at C speed (reports over 100,000 records).
    getter = operator.attrgetter(*fields)
    one = len(fields) == 1
    for incident in incidents:
        value = getter(incident)
        key = (value,) if one else value
        measures = out.get(key)
        if measures is None:
            measures = out[key] = Measures()
        measures.add(incident)
    return out


# Fields whose values are shown in their vocabulary's order (strongest
# evidence first), not alphabetically.
_VOCABULARY_ORDER: dict[str, tuple[str, ...]] = {"evidence": tuple(vocab.EVIDENCE), "scope": tuple(vocab.SCOPES)}


def _order(values: Iterable[Any], field: str = "") -> list[Any]:
    terms = _VOCABULARY_ORDER.get(field)
    if terms:
        return sorted(set(values), key=lambda v: (v is None, terms.index(v) if v in terms else len(terms), str(v)))
    return sorted(set(values), key=lambda v: (v is None, str(v)))


def summary_rows(incidents: Sequence[Record], fields: Sequence[str],
                 months: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Tidy rows, one per group.  With `month` among the fields, every month
    in `months` appears (crossed with every value of the other field)."""
    groups = group(incidents, fields)
    axes = []
    for i, field in enumerate(fields):
        seen = [key[i] for key in groups]
        axes.append(list(months) if field == "month" and months else _order(seen, field))
    rows = []
    for key in itertools.product(*axes):
        if "month" not in fields and key not in groups:
            continue
        m = groups.get(key, Measures())
        rows.append({**dict(zip(fields, key, strict=True)),
                     "incidents": m.incidents, "killed": m.killed, "wounded": m.wounded,
                     "unreported": m.unreported})
    return rows


@dataclass
class Pivot:
    """Months as rows, the other field's values as columns, with totals."""

    field: str
    columns: list[Any]
    months: list[str]
    cells: dict[tuple[str, Any], int]
    row_totals: dict[str, Measures]
    column_totals: dict[Any, int]
    total: Measures


def pivot(incidents: Sequence[Record], field: str, months: Sequence[str]) -> Pivot:
    cells: dict[tuple[str, Any], int] = {}
    row_totals = {m: Measures() for m in months}
    total = Measures()
    for incident in incidents:
        if incident.month not in row_totals:
            continue
        row_totals[incident.month].add(incident)
        total.add(incident)
        for value in _values(incident, field):
            cells[(incident.month, value)] = cells.get((incident.month, value), 0) + 1
    columns = _order((v for _, v in cells), field)
    column_totals = {c: sum(n for (_, v), n in cells.items() if v == c) for c in columns}
    return Pivot(field, columns, list(months), cells, row_totals, column_totals, total)


@dataclass
class Point:
    """One month of a trend."""

    month: str
    incidents: int
    killed: int
    wounded: int
    change: float | None  # month-over-month, as a fraction; None after a zero month
    escalation: bool  # the escalation rule holds (is_escalation)
    signal: str | None  # "rising" or "high" when it holds (see escalation_signal), else None
    evidence: dict[str, int]  # incidents by evidence grade (EVIDENCE_ORDER; "ungraded" for none)


def is_escalation(count: int, previous: Sequence[int]) -> bool:
    """At least ESCALATION_MIN incidents and at least ESCALATION_RATIO times
    the mean of the previous ESCALATION_WINDOW months (fewer at the start)."""
    window = list(previous)[-ESCALATION_WINDOW:]
    if count < ESCALATION_MIN or not window:
        return False
    return count >= ESCALATION_RATIO * (sum(window) / len(window))


def escalation_signal(count: int, previous: Sequence[int]) -> str | None:
    """How an escalation month reads: "rising" when it also has more
    incidents than the month before (the level is going up), "high" when it
    has as many or fewer (the level stays well above the months before it,
    though it no longer rises); None when the escalation rule does not hold."""
    if not is_escalation(count, previous):
        return None
    return "rising" if count > previous[-1] else "high"


def series(incidents: Sequence[Record], months: Sequence[str]) -> list[Point]:
    groups = group(incidents, ["month"])
    grades: dict[tuple[str, str], int] = {}
    for incident in incidents:
        key = (incident.month, incident.evidence or UNGRADED)
        grades[key] = grades.get(key, 0) + 1
    points: list[Point] = []
    counts: list[int] = []
    for month in months:
        m = groups.get((month,), Measures())
        previous = counts[-1] if counts else None
        change = None if not previous else (m.incidents - previous) / previous
        signal = escalation_signal(m.incidents, counts)
        evidence = {grade: grades.get((month, grade), 0) for grade in EVIDENCE_ORDER}
        points.append(Point(month, m.incidents, m.killed, m.wounded, change, signal is not None, signal, evidence))
        counts.append(m.incidents)
    return points


def segments(counts: Sequence[int], top: int, width: int) -> list[int]:
    """Lengths of a bar's segments: the bar for sum(counts) scaled so that
    `top` fills `width`, cut where the running totals fall (so the segments
    add up to exactly the whole bar's length)."""
    if not top:
        return [0] * len(counts)
    out, running, start = [], 0, 0
    for n in counts:
        running += n
        end = round(running * width / top)
        out.append(end - start)
        start = end
    return out


def series_by(incidents: Sequence[Record], field: str, months: Sequence[str]) -> dict[Any, list[int]]:
    """Monthly incident counts per value of `field`."""
    groups = group(incidents, ["month", field])
    values = _order((v for _, v in groups), field)
    return {v: [groups[(m, v)].incidents if (m, v) in groups else 0 for m in months] for v in values}


SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(counts: Sequence[int]) -> str:
    """One character per month; `·` for none, scaled to the row's maximum."""
    top = max(counts, default=0)
    if top == 0:
        return "·" * len(counts)
    return "".join("·" if n == 0 else SPARKS[min(len(SPARKS) - 1, (n * len(SPARKS) - 1) // top)] for n in counts)


def by_key(field: str) -> Callable[[dict[str, Any]], Any]:
    return lambda row: row[field]


def place_rows(places: Sequence[Place], records: Iterable[Record]) -> list[dict[str, Any]]:
    """One row per place of the gazetteer, in id order, with the number of
    `records` whose site it is."""
    counts: dict[str | None, int] = {}
    for record in records:
        counts[record.site] = counts.get(record.site, 0) + 1
    return [{"id": p.id, "name": p.name, "kind": p.kind, "governorate": p.governorate,
             "latitude": p.coordinates[0], "longitude": p.coordinates[1], "aliases": list(p.aliases),
             "incidents": counts.get(p.id, 0)} for p in sorted(places, key=lambda p: p.id)]
