"""Exporting incidents to the formats analysts use elsewhere.

Text formats are built as strings (`render`); the SQLite database is built
in a temporary directory and its bytes then written by the output path rule
(`writing/outputs.py`: atomically, to a regular file), so that a reader never sees
a half-written database.

Choices made here, documented in `docs/interop.md`:

* csv is `plain.to_csv` (lists joined with "; ", a source as its URL or
  else its title); `excel=True` puts a UTF-8 byte-order mark first, which is
  what makes Excel read the file as UTF-8 rather than a legacy code page.
  Text cells that a spreadsheet would run as a formula (starting with =, +,
  -, @, tab or CR) get a leading apostrophe there (`plain.csv_cell`).
* GeoJSON places an incident at its own coordinates, else at its site's
  (places.yaml), with the record's `geo_precision` among the properties;
  with `governorate_fallback` the rest go to their governorate's capital,
  marked `geo_precision: governorate` (what ACLED does for its lowest
  precision).  Incidents still unlocated are left out (many GIS tools reject
  or silently drop features whose geometry is null); the caller is told how
  many.  Every other field is a property, plus `location` saying which of
  the three placed it; `coordinates` is not repeated in the properties
  because the ledger's [lat, lon] next to GeoJSON's [lon, lat] invites
  exactly the mistake the format is meant to prevent.
* markdown escapes the characters that would change a table or turn text
  into markup: ledger text is data.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from iraqsec.record import vocab
from iraqsec.record.model import Actor, Incident, Place, Source
from iraqsec.rendering import plain
from iraqsec.rendering.plain import markdown_cell, shown_date

FORMATS: tuple[str, ...] = ("csv", "json", "ndjson", "geojson", "sqlite", "markdown")
# File name endings that name a format when --format is not given.
SUFFIXES: dict[str, str] = {
    ".csv": "csv",
    ".json": "json",
    ".ndjson": "ndjson",
    ".jsonl": "ndjson",
    ".geojson": "geojson",
    ".sqlite": "sqlite",
    ".sqlite3": "sqlite",
    ".db": "sqlite",
    ".md": "markdown",
    ".markdown": "markdown",
}
SCHEMA_VERSION = 2
BOM = "\ufeff"


def format_for(path: Path) -> str | None:
    """The format a file name implies, if any."""
    return SUFFIXES.get(path.suffix.lower())


# --- text formats ----------------------------------------------------------


def to_csv(incidents: Iterable[Incident], excel: bool = False) -> str:
    text = plain.to_csv(incidents)
    return BOM + text if excel else text


def location(incident: Incident, places: Mapping[str, Place], governorate_fallback: bool = False
             ) -> tuple[tuple[float, float], str, str | None] | None:
    """([lat, lon], how it was found, geo_precision) of an incident: its own
    coordinates, else its site's, else (if asked) its governorate's capital;
    None when none applies."""
    if incident.coordinates is not None:
        lat, lon = incident.coordinates
        return (lat, lon), "coordinates", incident.geo_precision
    place = places.get(incident.site) if incident.site else None
    if place is not None:
        lat, lon = place.coordinates
        return (lat, lon), "site", incident.geo_precision
    if governorate_fallback:
        return vocab.GOVERNORATE_CAPITALS[incident.governorate][1], "governorate-capital", "governorate"
    return None


def geojson_feature(incident: Incident, where: tuple[tuple[float, float], str, str | None]) -> dict[str, Any]:
    """A Point feature at `where` (see `location`)."""
    (lat, lon), found, precision = where
    properties = {k: v for k, v in plain.record_dict(incident).items() if k != "coordinates"}
    properties["geo_precision"] = precision
    properties["location"] = found
    return {
        "type": "Feature",
        "id": incident.id,
        # RFC 7946 section 3.1.1: longitude first, then latitude.
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": properties,
    }


def to_geojson(incidents: Iterable[Incident], places: Mapping[str, Place] | None = None,
               governorate_fallback: bool = False) -> tuple[str, int]:
    """(a FeatureCollection as text, how many incidents were left out
    for want of a location)."""
    features, left_out = [], 0
    for incident in incidents:
        where = location(incident, places or {}, governorate_fallback)
        if where is None:
            left_out += 1
        else:
            features.append(geojson_feature(incident, where))
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, indent=2) + "\n", left_out


MARKDOWN_COLUMNS: tuple[str, ...] = (
    "Date", "Governorate", "Place", "Tactic", "Target type", "Target", "Killed", "Wounded",
    "Claimed by", "Attributed to", "Evidence", "Summary", "Id",
)
# Inline markup characters, escaped with a backslash (CommonMark allows a
# backslash before any ASCII punctuation); `|` would end a table cell.


def _count(value: int | None) -> str:
    return "?" if value is None else str(value)


def markdown_row(incident: Incident) -> list[str]:
    cells = [
        shown_date(incident.date, incident.date_end), incident.governorate, incident.place, incident.tactic,
        incident.target_type, incident.target, _count(incident.killed), _count(incident.wounded),
        "; ".join(incident.claimed_by), "; ".join(incident.attributed_to), incident.evidence or "ungraded",
        incident.summary, incident.id,
    ]
    return [markdown_cell(c) for c in cells]


def to_markdown(incidents: Iterable[Incident]) -> str:
    """A GitHub-flavoured pipe table, one row per incident."""
    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(cells) + " |"

    align = ["---:" if c in ("Killed", "Wounded") else "---" for c in MARKDOWN_COLUMNS]
    lines = [line(MARKDOWN_COLUMNS), line(align)]
    lines += [line(markdown_row(i)) for i in incidents]
    return "\n".join(lines) + "\n"


def render(fmt: str, incidents: Sequence[Incident], excel: bool = False, places: Mapping[str, Place] | None = None,
           governorate_fallback: bool = False) -> tuple[str, int]:
    """(text, incidents left out) for every format but sqlite."""
    if fmt == "csv":
        return to_csv(incidents, excel), 0
    if fmt == "json":
        return plain.to_json(incidents), 0
    if fmt == "ndjson":
        return plain.to_ndjson(incidents), 0
    if fmt == "geojson":
        return to_geojson(incidents, places, governorate_fallback)
    if fmt == "markdown":
        return to_markdown(incidents), 0
    raise ValueError(f"no text rendering for format {fmt!r}")


# --- sqlite ----------------------------------------------------------------

SCHEMA = """
CREATE TABLE incidents (
    id TEXT PRIMARY KEY,
    date TEXT NOT NULL,             -- as written: YYYY-MM-DD, or YYYY-MM (month precision)
    month TEXT NOT NULL,            -- YYYY-MM, for grouping
    month_precision INTEGER NOT NULL CHECK (month_precision IN (0, 1)),
    governorate TEXT NOT NULL,
    place TEXT NOT NULL,
    latitude REAL,
    longitude REAL,
    tactic TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target TEXT NOT NULL,
    target_country TEXT,
    killed INTEGER,                 -- NULL: not reported
    wounded INTEGER,                -- NULL: not reported
    summary TEXT NOT NULL,
    notes TEXT,
    date_end TEXT,                  -- the last possible day when the date is a span
    site TEXT,                      -- places.id
    geo_precision TEXT,
    evidence TEXT,                  -- NULL: not graded
    scope TEXT NOT NULL,
    withdrawn_reason TEXT,          -- NULL: not withdrawn
    superseded_by TEXT
);
CREATE INDEX incidents_date ON incidents (date);
CREATE INDEX incidents_tactic ON incidents (tactic);
CREATE INDEX incidents_target_type ON incidents (target_type);
CREATE INDEX incidents_governorate ON incidents (governorate);

CREATE TABLE sources (
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    position INTEGER NOT NULL,      -- 0-based order in the record
    url TEXT,
    title TEXT,
    publisher TEXT,
    published TEXT,
    PRIMARY KEY (incident_id, position)
);
CREATE TABLE claims (
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    actor TEXT NOT NULL,
    PRIMARY KEY (incident_id, actor)
);
CREATE INDEX claims_actor ON claims (actor);
CREATE TABLE attributions (
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    actor TEXT NOT NULL,
    PRIMARY KEY (incident_id, actor)
);
CREATE INDEX attributions_actor ON attributions (actor);
CREATE TABLE tags (
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    tag TEXT NOT NULL,
    PRIMARY KEY (incident_id, tag)
);
CREATE INDEX tags_tag ON tags (tag);
CREATE TABLE related (
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    related_id TEXT NOT NULL,       -- may name a record left out of this export
    relation TEXT NOT NULL,         -- responds-to, same-attack, see-also
    PRIMARY KEY (incident_id, related_id, relation)
);
CREATE INDEX related_related_id ON related (related_id);
CREATE TABLE places (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    governorate TEXT NOT NULL,
    latitude REAL NOT NULL,
    longitude REAL NOT NULL,
    aliases TEXT NOT NULL,          -- joined with "; "
    notes TEXT
);
CREATE TABLE actors (
    name TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    aliases TEXT NOT NULL,          -- joined with "; "
    linked_to TEXT NOT NULL,        -- joined with "; "
    notes TEXT
);
"""


def _source_row(incident_id: str, position: int, source: str | Source) -> tuple[Any, ...]:
    if isinstance(source, str):
        return incident_id, position, source, None, None, None
    return incident_id, position, source.url, source.title, source.publisher, source.published


def _incident_row(incident: Incident) -> tuple[Any, ...]:
    lat, lon = incident.coordinates if incident.coordinates else (None, None)
    return (incident.id, incident.date, incident.month, int(incident.month_precision), incident.governorate,
            incident.place, lat, lon, incident.tactic, incident.target_type, incident.target,
            incident.target_country, incident.killed, incident.wounded, incident.summary, incident.notes,
            incident.date_end, incident.site, incident.geo_precision, incident.evidence, incident.scope,
            incident.withdrawn.reason if incident.withdrawn else None,
            incident.withdrawn.superseded_by if incident.withdrawn else None)


def fill_database(conn: sqlite3.Connection, incidents: Sequence[Incident], actors: Sequence[Actor],
                  places: Sequence[Place] = ()) -> None:
    conn.executescript(SCHEMA)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    conn.executemany(f"INSERT INTO incidents VALUES ({', '.join('?' * 23)})", [_incident_row(i) for i in incidents])
    conn.executemany("INSERT INTO related VALUES (?, ?, ?)",
                     list(dict.fromkeys((i.id, r.id, r.relation) for i in incidents for r in i.related)))
    conn.executemany("INSERT INTO places VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     [(p.id, p.name, p.kind, p.governorate, *p.coordinates, "; ".join(p.aliases), p.notes)
                      for p in places])
    conn.executemany("INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?)",
                     [_source_row(i.id, n, s) for i in incidents for n, s in enumerate(i.sources)])
    # A name listed twice in one record is one link.
    conn.executemany("INSERT INTO claims VALUES (?, ?)",
                     [(i.id, a) for i in incidents for a in dict.fromkeys(i.claimed_by)])
    conn.executemany("INSERT INTO attributions VALUES (?, ?)",
                     [(i.id, a) for i in incidents for a in dict.fromkeys(i.attributed_to)])
    conn.executemany("INSERT INTO tags VALUES (?, ?)", [(i.id, t) for i in incidents for t in dict.fromkeys(i.tags)])
    conn.executemany("INSERT INTO actors VALUES (?, ?, ?, ?, ?)",
                     [(a.name, a.kind, "; ".join(a.aliases), "; ".join(a.linked_to), a.notes) for a in actors])


def sqlite_bytes(incidents: Sequence[Incident], actors: Sequence[Actor], places: Sequence[Place] = ()) -> bytes:
    """The whole database file, built in a private temporary directory."""
    with tempfile.TemporaryDirectory(prefix="iraqsec-export-") as tmp:
        path = Path(tmp) / "export.sqlite"
        conn = sqlite3.connect(path)
        try:
            with conn:
                fill_database(conn, incidents, actors, places)
        finally:
            conn.close()
        return path.read_bytes()

