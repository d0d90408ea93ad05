"""Reports: pure functions from incidents to rows and series.  No I/O.

Measures: `incidents` (a count), `killed` and `wounded` (sums of reported
figures; an unreported figure adds nothing) and `unreported` (incidents in
the group whose killed or wounded figure was not reported).

Grouping by a list field counts an incident once under each name it holds,
and under None when it holds none: `claimed-by` (the groups that claimed
it), `attributed-to` (the actors officials or analysts blamed) and `actor`
(either, each name once per incident).  Such rows can add to more than the
number of incidents; the totals count each incident once.

Periods: reports over months can group them into quarters (`2020-Q3`) or
years (`2020`).  A period covers only the months the report shows (the
filters' range, else the span of the selected records); a period with only
some of its months in that range is *partial*: its counts are for those
months, it is never marked an escalation, and it never serves as one of the
previous periods an escalation is measured against (a part of a quarter
is not comparable with a whole one).
"""

from __future__ import annotations

import itertools
import math
import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from iraqsec.analysis.query import UNGRADED, Filters, Record
from iraqsec.record import vocab

if TYPE_CHECKING:
    from iraqsec.record.model import Incident, Place

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
# The periods a report can group months into, and how many months each has.
PERIODS: dict[str, int] = {"month": 1, "quarter": 3, "year": 12}
# Above this many months a monthly table or bar chart grows long: it suggests --period quarter.
LONG_SPAN = 36


def period_of(month: str, period: str = "month") -> str:
    """The label of the period a YYYY-MM month falls in: the month itself,
    its quarter (2020-Q3) or its year (2020)."""
    if period == "quarter":
        return f"{month[:4]}-Q{(int(month[5:7]) - 1) // 3 + 1}"
    if period == "year":
        return month[:4]
    return month


def periods(months: Sequence[str], period: str = "month") -> dict[str, list[str]]:
    """The periods the months fall in, in order, each with its months."""
    out: dict[str, list[str]] = {}
    for month in months:
        out.setdefault(period_of(month, period), []).append(month)
    return out


def partial_periods(months: Sequence[str], period: str) -> dict[str, list[str]]:
    """The periods only some of whose months are among `months`, with those months."""
    return {label: inside for label, inside in periods(months, period).items() if len(inside) < PERIODS[period]}


def partial_note(months: Sequence[str], period: str) -> str | None:
    """What the marked (*) periods hold, or None when every period is whole."""
    partial = partial_periods(months, period)
    if not partial:
        return None
    spans = [f"{label} ({m[0]}" + (f"..{m[-1]})" if len(m) > 1 else ")") for label, m in partial.items()]
    many = len(partial) > 1
    return (f"* partial {period}{'s' if many else ''}, only some of {'their' if many else 'its'} months in the "
            f"range: {', '.join(spans)}. {'Their' if many else 'Its'} counts cover only those months; a partial "
            f"{period} is never marked an escalation nor compared with.")


def long_span_note(months: Sequence[str], period: str) -> str | None:
    """The suggestion a long monthly report ends with."""
    if period != "month" or len(months) <= LONG_SPAN:
        return None
    quarters, years = len(periods(months, "quarter")), len(periods(months, "year"))
    return (f"{len(months)} months drawn: --period quarter draws {quarters} quarters, "
            f"--period year {years} years.")


def period_notes(months: Sequence[str], period: str) -> list[str]:
    """What a report over these months says under its table: the partial
    periods, and the suggestion of quarters over a long monthly span."""
    return [n for n in (partial_note(months, period), long_span_note(months, period)) if n]


def _values(incident: Record, field: str, period: str = "month") -> list[Any]:
    if field == "month":
        return [period_of(incident.month, period)]
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


def group(incidents: Iterable[Record], fields: Sequence[str],
          period: str = "month") -> dict[tuple[Any, ...], Measures]:
    """Measures per combination of field values (JSON field names); the
    field `month` groups by `period`."""
    out: dict[tuple[Any, ...], Measures] = {}
    if MULTI.intersection(fields) or (period != "month" and "month" in fields):
        for incident in incidents:  # an incident may count under several names, or a month needs relabelling
            for key in itertools.product(*(_values(incident, f, period) for f in fields)):
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
                 months: Sequence[str] = (), period: str = "month") -> list[dict[str, Any]]:
    """Tidy rows, one per group.  With `month` among the fields, every
    period of `months` appears (crossed with every value of the other
    field), under the key `month`, `quarter` or `year`."""
    groups = group(incidents, fields, period)
    axes = []
    for i, field in enumerate(fields):
        seen = [key[i] for key in groups]
        axes.append(list(periods(months, period)) if field == "month" and months else _order(seen, field))
    names = [period if f == "month" else f for f in fields]
    rows = []
    for key in itertools.product(*axes):
        if "month" not in fields and key not in groups:
            continue
        m = groups.get(key, Measures())
        rows.append({**dict(zip(names, key, strict=True)),
                     "incidents": m.incidents, "killed": m.killed, "wounded": m.wounded,
                     "unreported": m.unreported})
    return rows


@dataclass
class Pivot:
    """Periods (`months`: months, quarters or years) as rows, the other
    field's values as columns, with totals."""

    field: str
    columns: list[Any]
    months: list[str]
    cells: dict[tuple[str, Any], int]
    row_totals: dict[str, Measures]
    column_totals: dict[Any, int]
    total: Measures
    period: str = "month"
    partial: frozenset[str] = frozenset()  # the partial periods (see the module's note)


def pivot(incidents: Sequence[Record], field: str, months: Sequence[str], period: str = "month") -> Pivot:
    """The pivot of `field` by period, over the periods of `months`."""
    cells: dict[tuple[str, Any], int] = {}
    inside = set(months)
    labels = list(periods(months, period))
    row_totals = {p: Measures() for p in labels}
    total = Measures()
    for incident in incidents:
        if incident.month not in inside:
            continue
        key = period_of(incident.month, period)
        row_totals[key].add(incident)
        total.add(incident)
        for value in _values(incident, field):
            cells[(key, value)] = cells.get((key, value), 0) + 1
    columns = _order((v for _, v in cells), field)
    column_totals = {c: sum(n for (_, v), n in cells.items() if v == c) for c in columns}
    return Pivot(field, columns, labels, cells, row_totals, column_totals, total, period,
                 frozenset(partial_periods(months, period)))


@dataclass
class Point:
    """One period of a trend (a month unless the series is by quarter or year)."""

    month: str  # the period's label: 2020-09, 2020-Q3 or 2020
    incidents: int
    killed: int
    wounded: int
    change: float | None  # month-over-month, as a fraction; None after a zero month
    escalation: bool  # the escalation rule holds (is_escalation)
    signal: str | None  # "rising" or "high" when it holds (see escalation_signal), else None
    evidence: dict[str, int]  # incidents by evidence grade (EVIDENCE_ORDER; "ungraded" for none)
    partial: bool = False  # only some of the period's months are in the range (never for a month)


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


def series(incidents: Sequence[Record], months: Sequence[str], period: str = "month") -> list[Point]:
    """One point per period of `months`.  The escalation rule compares a
    period with the previous whole periods (see the module's note on
    partial periods); the change is on the period before, whole or not."""
    groups = group(incidents, ["month"], period)
    grades: dict[tuple[str, str], int] = {}
    for incident in incidents:
        key = (period_of(incident.month, period), incident.evidence or UNGRADED)
        grades[key] = grades.get(key, 0) + 1
    partial = partial_periods(months, period)
    points: list[Point] = []
    counts: list[int] = []  # the whole periods so far
    previous: int | None = None
    for label in periods(months, period):
        m = groups.get((label,), Measures())
        change = None if not previous else (m.incidents - previous) / previous
        signal = None if label in partial else escalation_signal(m.incidents, counts)
        evidence = {grade: grades.get((label, grade), 0) for grade in EVIDENCE_ORDER}
        points.append(Point(label, m.incidents, m.killed, m.wounded, change, signal is not None, signal, evidence,
                            label in partial))
        if label not in partial:
            counts.append(m.incidents)
        previous = m.incidents
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


def series_by(incidents: Sequence[Record], field: str, months: Sequence[str],
              period: str = "month") -> dict[Any, list[int]]:
    """Incident counts per period of `months`, per value of `field`."""
    groups = group(incidents, ["month", field], period)
    values = _order((v for _, v in groups), field)
    labels = list(periods(months, period))
    return {v: [groups[(p, v)].incidents if (p, v) in groups else 0 for p in labels] for v in values}


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


@dataclass
class Located:
    """How many records a map can place: at a site of the gazetteer, or by
    their own coordinates (and no site)."""

    records: int = 0
    at_site: int = 0
    by_coordinates: int = 0

    @property
    def located(self) -> int:
        return self.at_site + self.by_coordinates

    def line(self, noun: str) -> str:
        """e.g. "340 of 352 campaign records located (96.5%): 330 at a site,
        10 by their own coordinates".  The share is rounded down, so 100%
        means every one."""
        share = f" ({math.floor(1000 * self.located / self.records) / 10}%)" if self.records else ""
        return (f"{self.located:,} of {self.records:,} {noun} located{share}: {self.at_site:,} at a site, "
                f"{self.by_coordinates:,} by their own coordinates")


def located(incidents: Iterable[Incident]) -> Located:
    out = Located()
    for incident in incidents:
        out.records += 1
        if incident.site:
            out.at_site += 1
        elif incident.coordinates:
            out.by_coordinates += 1
    return out
