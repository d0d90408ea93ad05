"""`iraqsec export`: every format through the command line.  All records are SYNTHETIC."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from hypothesis import given
from hypothesis import strategies as st

from conftest import SHIPPED, record
from iraqsec.reading.ledger import load
from iraqsec.record import vocab
from iraqsec.rendering.plain import CSV_COLUMNS, markdown_cell

LEDGER = """\
# SYNTHETIC test ledger: invented incidents, not real events.
- id: 2020-09-06-baghdad-airport-rockets
  date: 2020-09-06
  governorate: Baghdad
  place: Baghdad International Airport
  coordinates: [33.2625, 44.2346]
  geo_precision: exact
  tactic: rocket
  target_type: airport
  target: Airport car park
  target_country: US
  killed: 0
  wounded: 2
  claimed_by: [Ashab al-Kahf]
  attributed_to: [Kataib Hezbollah, Ashab al-Kahf]
  evidence: confirmed
  summary: Synthetic record one.
  sources:
    - https://example.org/one
    - title: Synthetic report
      publisher: Example Wire
      published: 2020-09-07
  tags: [synthetic, airport]

- id: 2020-10-basra-convoy-ied
  date: 2020-10
  governorate: Basra
  place: "البصرة road"
  tactic: ied
  target_type: logistics-convoy
  target: Supply trucks
  killed: null
  wounded: null
  evidence: confirmed
  summary: |-
    Synthetic record two | with a pipe,
    a second line and *stars*.
  sources:
    - title: Untitled synthetic source

- id: 2020-11-02-anbar-base-rockets
  date: 2020-11-02
  governorate: Anbar
  place: Ain al-Asad
  coordinates: [33.8, 42.44]
  geo_precision: site
  tactic: rocket
  target_type: military-base
  target: Air base
  killed: 1
  wounded: 0
  evidence: confirmed
  summary: Synthetic record three.
  sources:
    - https://example.org/three

- id: 2020-12-20-baghdad-embassy-drone
  date: 2020-12-20
  governorate: Baghdad
  place: Green Zone
  tactic: drone
  target_type: diplomatic-mission
  target: Embassy compound
  killed: 0
  wounded: 0
  evidence: confirmed
  summary: Synthetic record four.
  sources:
    - https://example.org/four
"""

ACTORS = """\
# SYNTHETIC actor registry for tests.
- name: Kataib Hezbollah
  kind: faction
  aliases: [KH]
- name: Ashab al-Kahf
  kind: front
  linked_to: [Kataib Hezbollah]
  sources:
    - https://example.org/link
"""

IDS = ["2020-09-06-baghdad-airport-rockets", "2020-10-basra-convoy-ied", "2020-11-02-anbar-base-rockets",
       "2020-12-20-baghdad-embassy-drone"]


@pytest.fixture
def export(write: Callable[..., Path], run: Callable[..., Result]) -> Callable[..., Result]:
    """Run `iraqsec -f incidents.yaml export ...` over the synthetic ledger."""
    write(LEDGER)
    write(ACTORS, "actors.yaml")

    def _export(*args: str) -> Result:
        return run("-f", "incidents.yaml", "export", *args)

    return _export


def test_csv_parses_back(export: Callable[..., Result]) -> None:
    result = export("--format", "csv")
    assert result.exit_code == 0
    assert result.stderr == ""
    rows = list(csv.reader(io.StringIO(result.stdout_bytes.decode("utf-8"), newline="")))
    assert rows[0] == list(CSV_COLUMNS)
    assert [r[0] for r in rows[1:]] == IDS
    first = dict(zip(CSV_COLUMNS, rows[1], strict=True))
    assert first["latitude"] == "33.2625" and first["longitude"] == "44.2346"
    assert first["attributed_to"] == "Kataib Hezbollah; Ashab al-Kahf"
    assert first["sources"] == "https://example.org/one; Synthetic report"
    assert first["tags"] == "synthetic; airport"
    second = dict(zip(CSV_COLUMNS, rows[2], strict=True))
    assert second["place"] == "البصرة road"
    assert second["killed"] == "" and second["latitude"] == ""
    assert second["summary"] == "Synthetic record two | with a pipe,\na second line and *stars*."
    assert second["sources"] == "Untitled synthetic source"


def test_csv_excel_has_a_bom(export: Callable[..., Result]) -> None:
    plain = export("--format", "csv").stdout_bytes
    excel = export("--format", "csv", "--excel").stdout_bytes
    assert excel == b"\xef\xbb\xbf" + plain


def test_json_and_ndjson_are_the_contract_records(export: Callable[..., Result]) -> None:
    records = json.loads(export("--format", "json").stdout)
    assert [r["id"] for r in records] == IDS
    assert all(list(r) == list(vocab.INCIDENT_FIELDS) for r in records)
    assert records[1]["date"] == "2020-10"
    assert records[1]["killed"] is None
    assert records[0]["coordinates"] == [33.2625, 44.2346]
    assert records[0]["sources"][1] == {"title": "Synthetic report", "publisher": "Example Wire",
                                        "published": "2020-09-07"}
    lines = export("--format", "ndjson").stdout.splitlines()
    assert [json.loads(line) for line in lines] == records


def test_geojson_points_are_lon_lat(export: Callable[..., Result]) -> None:
    result = export("--format", "geojson")
    assert result.exit_code == 0
    assert result.stderr == ("iraqsec: 2 incidents without coordinates or a site left out of the GeoJSON; "
                             "--governorate-fallback places them at its capital\n")
    doc = json.loads(result.stdout)
    assert doc["type"] == "FeatureCollection"
    assert [f["id"] for f in doc["features"]] == [IDS[0], IDS[2]]
    first = doc["features"][0]
    assert first["type"] == "Feature"
    assert first["geometry"] == {"type": "Point", "coordinates": [44.2346, 33.2625]}
    assert list(first["properties"]) == [*(f for f in vocab.INCIDENT_FIELDS if f != "coordinates"), "location"]
    assert (first["properties"]["geo_precision"], first["properties"]["location"]) == ("exact", "coordinates")
    assert first["properties"]["claimed_by"] == ["Ashab al-Kahf"]
    assert doc["features"][1]["geometry"]["coordinates"] == [42.44, 33.8]


def test_sqlite_needs_an_output_file(export: Callable[..., Result]) -> None:
    result = export("--format", "sqlite")
    assert result.exit_code == 2
    assert "give its path with -o PATH" in result.stderr


def test_sqlite_database(export: Callable[..., Result], tmp_path: Path) -> None:
    result = export("-o", "out.sqlite")
    assert result.exit_code == 0
    assert result.stderr == "iraqsec: wrote 4 incidents to out.sqlite (sqlite)\n"
    conn = sqlite3.connect(tmp_path / "out.sqlite")
    tactics = dict(conn.execute("SELECT tactic, count(*) FROM incidents GROUP BY tactic").fetchall())
    assert tactics == dict(Counter(["rocket", "ied", "rocket", "drone"]))
    assert conn.execute("SELECT killed, wounded, month, month_precision, latitude FROM incidents "
                        "WHERE id = ?", (IDS[1],)).fetchone() == (None, None, "2020-10", 1, None)
    assert conn.execute("SELECT typeof(killed), typeof(latitude) FROM incidents WHERE id = ?",
                        (IDS[0],)).fetchone() == ("integer", "real")
    assert conn.execute("SELECT sum(killed), sum(wounded) FROM incidents").fetchone() == (1, 2)
    assert conn.execute("SELECT position, url, title, publisher, published FROM sources WHERE incident_id = ? "
                        "ORDER BY position", (IDS[0],)).fetchall() == [
        (0, "https://example.org/one", None, None, None),
        (1, None, "Synthetic report", "Example Wire", "2020-09-07")]
    assert conn.execute("SELECT actor FROM claims").fetchall() == [("Ashab al-Kahf",)]
    assert conn.execute("SELECT a.actor, count(*) FROM attributions a JOIN incidents i ON i.id = a.incident_id "
                        "GROUP BY a.actor ORDER BY a.actor").fetchall() == [("Ashab al-Kahf", 1),
                                                                             ("Kataib Hezbollah", 1)]
    assert conn.execute("SELECT name, kind, aliases, linked_to FROM actors ORDER BY name").fetchall() == [
        ("Ashab al-Kahf", "front", "", "Kataib Hezbollah"), ("Kataib Hezbollah", "faction", "KH", "")]
    assert conn.execute("SELECT tag FROM tags ORDER BY tag").fetchall() == [("airport",), ("synthetic",)]
    indexes = {r[0] for r in conn.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")}
    for column in ("date", "tactic", "target_type", "governorate"):
        assert f"CREATE INDEX incidents_{column} ON incidents ({column})" in indexes
    assert conn.execute("PRAGMA user_version").fetchone() == (2,)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_sqlite_replaces_an_old_database(export: Callable[..., Result], tmp_path: Path) -> None:
    (tmp_path / "out.db").write_bytes(b"not a database")
    assert export("--month", "2020-11", "-o", "out.db").exit_code == 0
    conn = sqlite3.connect(tmp_path / "out.db")
    assert conn.execute("SELECT id FROM incidents").fetchall() == [(IDS[2],)]


MARKDOWN = """\
| Date | Governorate | Place | Tactic | Target type | Target | Killed | Wounded | Claimed by | Attributed to \
| Evidence | Summary | Id |
| --- | --- | --- | --- | --- | --- | ---: | ---: | --- | --- | --- | --- | --- |
| 2020-09-06 | Baghdad | Baghdad International Airport | rocket | airport | Airport car park | 0 | 2 \
| Ashab al-Kahf | Kataib Hezbollah; Ashab al-Kahf | confirmed | Synthetic record one. \
| 2020-09-06-baghdad-airport-rockets |
| 2020-10-?? | Basra | البصرة road | ied | logistics-convoy | Supply trucks | ? | ? |  |  \
| confirmed | Synthetic record two \\| with a pipe,<br>a second line and \\*stars\\*. | 2020-10-basra-convoy-ied |
"""


def test_markdown_table(export: Callable[..., Result]) -> None:
    result = export("--format", "markdown", "--month", "2020-09", "--month", "2020-10")
    assert result.exit_code == 0
    assert result.stdout == MARKDOWN


def _split_row(row: str) -> list[str]:
    """Cells of a pipe-table row, honouring backslash escapes."""
    cells, current, i = [], "", 1
    while i < len(row) - 1:
        if row[i] == "\\":
            current += row[i:i + 2]
            i += 2
            continue
        if row[i] == "|":
            cells.append(current)
            current = ""
        else:
            current += row[i]
        i += 1
    return [c.strip() for c in cells + [current]]


@given(st.text())
def test_markdown_cell_stays_one_cell(text: str) -> None:
    cell = markdown_cell(text)
    assert "\n" not in cell and "\r" not in cell
    assert _split_row(f"| {cell} | x |") == [cell, "x"]


def test_output_file_and_format_from_its_name(export: Callable[..., Result], tmp_path: Path) -> None:
    result = export("-o", "out.geojson")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == ("iraqsec: 2 incidents without coordinates or a site left out of the GeoJSON; "
                             "--governorate-fallback places them at its capital\n"
                             "iraqsec: wrote 2 incidents to out.geojson (geojson)\n")
    assert len(json.loads((tmp_path / "out.geojson").read_text("utf-8"))["features"]) == 2
    (tmp_path / "out.csv").write_text("old contents\n")
    assert export("-o", "out.csv").exit_code == 0
    assert (tmp_path / "out.csv").read_bytes() == export("--format", "csv").stdout_bytes
    assert sorted(p.name for p in tmp_path.iterdir()) == ["actors.yaml", "incidents.yaml", "out.csv",
                                                          "out.geojson"]


@pytest.mark.parametrize(("args", "message"), [
    ((), "give --format"),
    (("-o", "out.txt"), "give --format"),
    (("--format", "json", "--excel"), "--excel applies to --format csv only"),
    (("--format", "xml"), "'xml' is not one of"),
    (("--format", "csv", "-o", "incidents.yaml"), "incidents.yaml is a file of the ledger"),
    (("--format", "json", "-o", "./actors.yaml"), "actors.yaml is a file of the ledger"),
])
def test_usage_errors(export: Callable[..., Result], args: tuple[str, ...], message: str) -> None:
    result = export(*args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_unwritable_output(export: Callable[..., Result]) -> None:
    result = export("--format", "csv", "-o", "no/such/dir/out.csv")
    assert result.exit_code == 2
    assert result.stderr == ("Error: -o no/such/dir/out.csv is in a directory that does not exist (no/such/dir); "
                             "create it first or give another path\n")


def test_ledger_with_errors_is_refused(write: Callable[..., Path], run: Callable[..., Result]) -> None:
    write(LEDGER.replace("tactic: drone", "tactic: drones"))
    result = run("-f", "incidents.yaml", "export", "--format", "json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "unknown tactic 'drones'" in result.stderr


def test_export_filters_accept_actor_aliases(run: Callable[..., Result]) -> None:
    fixture = str(Path(__file__).parent / "fixtures" / "incidents.yaml")
    rows = json.loads(run("-f", fixture, "export", "--format", "json", "--actor", "ahl al-kahf").output)
    assert [r["id"] for r in rows] == ["2020-08-14-qadisiyyah-convoy-ied", "2020-09-unknown-babil-convoy"]


# Capitals that data/places.yaml lists: the fallback must put a record at that
# entry's cited point.  The other five were read from the pages cited in record/vocab.py.
CAPITAL_PLACES = {"Anbar": "ramadi", "Babil": "hillah", "Baghdad": "baghdad", "Basra": "basra",
                  "Dhi Qar": "nasiriyah", "Erbil": "erbil-city", "Karbala": "karbala", "Kirkuk": "kirkuk",
                  "Maysan": "amarah", "Muthanna": "samawah", "Najaf": "najaf", "Qadisiyyah": "diwaniyah",
                  "Salah al-Din": "tikrit", "Wasit": "kut"}
CAPITALS_READ = {"Diyala": [44.633, 33.75], "Duhok": [43.0, 36.867], "Halabja": [45.987825, 35.179631],
                 "Nineveh": [43.13, 36.34], "Sulaymaniyah": [45.43556, 35.55722]}


def test_governorate_fallback_puts_records_at_the_cited_capitals(
        write: Callable[..., Path], run: Callable[..., Result]) -> None:
    shipped = load([str(SHIPPED)]).places
    assert shipped is not None
    places = shipped.by_id
    names = sorted(vocab.GOVERNORATES)
    write("".join(record(id=f"2020-09-{n + 1:02d}-synthetic-{n}", date=f"2020-09-{n + 1:02d}",
                         governorate=f'"{name}"') + "\n" for n, name in enumerate(names)))
    result = run("-f", "incidents.yaml", "export", "--format", "geojson", "--governorate-fallback")
    assert result.exit_code == 0, result.output
    points = {f["properties"]["governorate"]: f["geometry"]["coordinates"]
              for f in json.loads(result.stdout)["features"]}
    expected = {g: [places[p].coordinates[1], places[p].coordinates[0]] for g, p in CAPITAL_PLACES.items()}
    assert points == {**expected, **CAPITALS_READ}
