"""What `iraqsec report` shows, as data: pure functions from the selected
incidents to the page's parts (headline, monthly bars by evidence grade,
pivots, map points, governorate counts, actors).  No I/O and no HTML:
`rendering/htmlpage.py` draws this.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from iraqsec.analysis.query import UNGRADED
from iraqsec.analysis.reports import Measures, Pivot, pivot, series
from iraqsec.interop.export import location as find_location
from iraqsec.record import vocab
from iraqsec.record.model import Actor, Incident, Place

UNSTATED = "unstated"  # precision of a location without geo_precision (a version 1 record)


def grade(incident: Incident) -> str:
    """The record's evidence grade, or `ungraded`."""
    return incident.evidence or UNGRADED


@dataclass(frozen=True)
class Located:
    lat: float
    lon: float
    precision: str  # a geo_precision term


def location(incident: Incident, places: Mapping[str, Place]) -> Located | None:
    """Where the map puts an incident: its own coordinates, else its site's
    (as `export --format geojson` does); None when it has neither (it then
    counts only for its governorate)."""
    found = find_location(incident, places)
    if found is None:
        return None
    (lat, lon), _, precision = found
    return Located(lat, lon, precision or UNSTATED)


@dataclass(frozen=True)
class Headline:
    first_month: str | None
    last_month: str | None
    incidents: int
    killed: int
    wounded: int
    killed_unreported: int  # incidents whose killed figure was not reported
    wounded_unreported: int
    escalations: list[tuple[str, str | None]]  # (month, "rising"/"high"/None)
    generated: str  # YYYY-MM-DD
    revision: str | None  # the ledger's git revision, when it has one
    left_out: str  # what the default scope left out, in words ("" for nothing)


@dataclass(frozen=True)
class MonthBar:
    month: str
    segments: dict[str, int]  # grade -> incidents, every grade present
    incidents: int
    killed: int
    wounded: int
    escalation: bool
    signal: str | None


@dataclass(frozen=True)
class MapPoint:
    id: str
    date: str
    tactic: str
    target: str
    place: str
    located: Located


@dataclass(frozen=True)
class GovernorateCount:
    name: str
    capital: str
    lat: float
    lon: float
    incidents: int
    located: int  # of those, how many have a point of their own


@dataclass
class ActorRow:
    name: str
    kind: str | None  # None: not in actors.yaml
    claimed: int
    attributed: int
    fronts: list[ActorRow] = field(default_factory=list)
    linked_to: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Page:
    title: str
    headline: Headline
    months: list[MonthBar]
    by_tactic: Pivot
    by_target_type: Pivot
    points: list[MapPoint]
    governorates: list[GovernorateCount]
    incidents: list[Incident]
    actors: list[ActorRow]
    sites: dict[str, str]  # places.yaml id -> name, for the incidents' sites


def build(title: str, incidents: Sequence[Incident], months: Sequence[str], actors: Sequence[Actor],
          places: Mapping[str, Place], generated: str, revision: str | None,
          left_out: str = "") -> Page:
    """The page for `incidents` (already filtered, in date-then-id order)
    over `months` (every month the report covers)."""
    bars = month_bars(incidents, months)
    points = map_points(incidents, places)
    return Page(
        title=title,
        headline=headline(incidents, months, bars, generated, revision, left_out),
        months=bars,
        by_tactic=pivot(incidents, "tactic", months),
        by_target_type=pivot(incidents, "target_type", months),
        points=points,
        governorates=governorate_counts(incidents, points),
        incidents=list(incidents),
        actors=actor_rows(incidents, actors),
        sites={i.site: places[i.site].name for i in incidents if i.site is not None and i.site in places},
    )


def headline(incidents: Sequence[Incident], months: Sequence[str], bars: Sequence[MonthBar], generated: str,
             revision: str | None, left_out: str) -> Headline:
    total = Measures()
    for incident in incidents:
        total.add(incident)
    return Headline(
        first_month=months[0] if months else None,
        last_month=months[-1] if months else None,
        incidents=total.incidents,
        killed=total.killed,
        wounded=total.wounded,
        killed_unreported=sum(1 for i in incidents if i.killed is None),
        wounded_unreported=sum(1 for i in incidents if i.wounded is None),
        escalations=[(b.month, b.signal) for b in bars if b.escalation],
        generated=generated,
        revision=revision,
        left_out=left_out,
    )


def month_bars(incidents: Sequence[Incident], months: Sequence[str]) -> list[MonthBar]:
    """The monthly series with each month's incidents split by evidence grade."""
    return [MonthBar(p.month, dict(p.evidence), p.incidents, p.killed, p.wounded, p.escalation,
                     p.signal)
            for p in series(incidents, months)]


def map_points(incidents: Sequence[Incident], places: Mapping[str, Place]) -> list[MapPoint]:
    out = []
    for incident in incidents:
        where = location(incident, places)
        if where is not None:
            out.append(MapPoint(incident.id, incident.date, incident.tactic, incident.target, incident.place, where))
    return out


def governorate_counts(incidents: Sequence[Incident], points: Sequence[MapPoint]) -> list[GovernorateCount]:
    """Every governorate, in the vocabulary's order, with its incidents."""
    counts = Counter(i.governorate for i in incidents)
    located_ids = {p.id for p in points}
    located = Counter(i.governorate for i in incidents if i.id in located_ids)
    return [GovernorateCount(name, capital, lat, lon, counts[name], located[name])
            for name, (capital, (lat, lon)) in vocab.GOVERNORATE_CAPITALS.items()]


def actor_rows(incidents: Sequence[Incident], actors: Sequence[Actor]) -> list[ActorRow]:
    """Claimed and attributed counts per actor: factions first, each with the
    fronts linked to it beneath (a front linked to three factions appears
    under each), then every other actor named.  A front's counts are its
    own; they are never added to a faction's, since a link is a belief."""
    claimed = Counter(name for i in incidents for name in i.claimed_by)
    attributed = Counter(name for i in incidents for name in i.attributed_to)
    registry = {a.name: a for a in actors}

    def row(name: str) -> ActorRow:
        actor = registry.get(name)
        return ActorRow(name, actor.kind if actor else None, claimed[name], attributed[name],
                        linked_to=list(actor.linked_to) if actor else [])

    def named(r: ActorRow) -> bool:
        return bool(r.claimed or r.attributed)

    factions = {a.name: row(a.name) for a in actors if a.kind == "faction"}
    placed: set[str] = set()
    for actor in actors:
        if actor.kind != "front":
            continue
        for faction in actor.linked_to:
            front = row(actor.name)
            if faction in factions and named(front):
                factions[faction].fronts.append(front)
                placed.add(actor.name)
    shown = [f for f in factions.values() if named(f) or f.fronts]
    others = [row(name) for name in {*claimed, *attributed} if name not in factions and name not in placed]
    order = _by_count
    for shown_faction in shown:
        shown_faction.fronts.sort(key=order)
    return sorted(shown, key=order) + sorted((r for r in others if named(r)), key=order)


def _by_count(row: ActorRow) -> tuple[int, str]:
    return -(row.claimed + row.attributed), row.name
