"""`iraqsec import acled`: ACLED-shaped CSV in, checked records out.

Every row here is SYNTHETIC: invented events with invented ids (IRQ9xxxx),
shaped like ACLED's two CSV layouts.  No row of a real ACLED export is used.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import VALID
from iraqsec.interop import acled
from iraqsec.reading.loader import parse_text

OLD_COLUMNS = (
    "data_id", "iso", "event_id_cnty", "event_id_no_cnty", "event_date", "year", "time_precision", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
    "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities", "timestamp", "iso3",
)
NEW_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
)
BASE = {
    "iso": "368", "iso3": "IRQ", "year": "2020", "time_precision": "1", "region": "Middle East", "country": "Iraq",
    "geo_precision": "1", "source_scale": "National", "timestamp": "1589155200",  # 2020-05-11 UTC
    "event_type": "Explosions/Remote violence", "actor1": "Unidentified Armed Group (Iraq)", "inter1": "3",
    "fatalities": "0", "source": "Synthetic Wire",
}


def acled_csv(rows: Sequence[dict[str, str]], columns: Sequence[str] = OLD_COLUMNS) -> str:
    """An ACLED-shaped CSV of SYNTHETIC rows; unset columns are empty."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: "" for c in columns} | BASE | row)
    return out.getvalue()


ROCKETS = {
    "data_id": "1", "event_id_cnty": "IRQ90001", "event_id_no_cnty": "90001", "event_date": "6-May-20",
    "sub_event_type": "Shelling/artillery/missile attack", "admin1": "Baghdad", "admin2": "Mahmudiya",
    "location": "Al Rashid", "latitude": "33.2300", "longitude": "44.3800",
    "notes": "SYNTHETIC: two Katyusha rockets fell near a farm; no damage reported.",
}
CONVOY = {
    "event_id_cnty": "IRQ90002", "event_date": "7-May-20", "sub_event_type": "Remote explosive/landmine/IED",
    "actor2": "Civilians (Iraq)", "inter2": "7", "admin1": "Thi-Qar", "admin2": "Nasiriyah", "location": "Nasiriyah",
    "latitude": "31.05", "longitude": "46.26", "fatalities": "1",
    "notes": "SYNTHETIC: a roadside bomb hit a convoy of trucks carrying supplies for the coalition.",
}
TURKISH_STRIKE = {
    "event_id_cnty": "IRQ90003", "event_date": "7-May-20", "sub_event_type": "Air/drone strike",
    "actor1": "Military Forces of Turkey (2016-)", "inter1": "8", "actor2": "PKK: Kurdistan Workers Party",
    "inter2": "2", "admin1": "Dahuk", "location": "Invented Valley", "latitude": "37.1", "longitude": "43.3",
    "notes": "SYNTHETIC: a Turkish drone struck a hideout.",
}
MILITIA_DRONE = {
    "event_id_cnty": "IRQ90004", "event_date": "8-May-20", "sub_event_type": "Air/drone strike",
    "admin1": "Erbil", "location": "Erbil", "latitude": "36.23", "longitude": "43.96",
    "notes": "SYNTHETIC: an explosive-laden drone fell inside the airport perimeter.",
}
KIDNAP = {
    "event_id_cnty": "IRQ90005", "event_date": "8-May-20", "event_type": "Violence against civilians",
    "sub_event_type": "Abduction/forced disappearance", "actor2": "Civilians (Iraq)", "inter2": "7",
    "admin1": "Sala al-Din", "location": "Tikrit", "latitude": "34.6", "longitude": "43.68",
    "notes": "SYNTHETIC: gunmen abducted a shepherd.",
}
CLASH = {
    "event_id_cnty": "IRQ90006", "event_date": "9-May-20", "event_type": "Battles", "sub_event_type": "Armed clash",
    "actor1": "Military Forces of Iraq (2018-)", "inter1": "1", "actor2": "Islamic State (Iraq)", "inter2": "2",
    "admin1": "Ninewa", "location": "Invented Village", "latitude": "40.5", "longitude": "43.1",
    "time_precision": "3", "fatalities": "2", "notes": "SYNTHETIC: soldiers clashed with militants.",
}
PROTEST = {
    "event_id_cnty": "IRQ90007", "event_date": "9-May-20", "event_type": "Protests",
    "sub_event_type": "Peaceful protest", "actor1": "Protesters (Iraq)", "inter1": "6", "admin1": "Basrah",
    "location": "Basrah", "latitude": "30.5", "longitude": "47.8", "notes": "SYNTHETIC: a protest.",
}
ABROAD = {
    "event_id_cnty": "SYR90008", "event_date": "9-May-20", "country": "Syria", "admin1": "Hasakah",
    "sub_event_type": "Air/drone strike", "location": "Nowhere", "notes": "SYNTHETIC: outside Iraq.",
}
ROWS = [ROCKETS, CONVOY, TURKISH_STRIKE, MILITIA_DRONE, KIDNAP, CLASH, PROTEST, ABROAD]

# What heads every review file (for a CSV named acled.csv): ACLED's terms.
HEADER = """\
# Records derived from ACLED data (acled.csv) by 'iraqsec import acled', for
# your own review. ACLED's terms of use forbid redistributing its data or
# building a dataset that substitutes for it: do not commit these records to a
# public ledger or publish them. Their summaries are ACLED's wording: grade,
# rewrite and source each record from the reports themselves first
# (docs/interop.md, "ACLED's terms").
"""
TERMS_NOTE = ("iraqsec: they derive from ACLED data: for your own review, not for a public ledger (ACLED's "
              "terms; docs/interop.md)\n")
ROCKETS_YAML = """\
- id: 2020-05-06-al-rashid-acled-irq90001
  date: 2020-05-06
  governorate: Baghdad
  place: Al Rashid, Mahmudiya district
  coordinates: [33.23, 44.38]
  geo_precision: exact
  tactic: rocket
  target_type: other
  target: not named by ACLED
  killed: 0
  wounded: null
  claimed_by: []
  attributed_to: []
  evidence: reported
  summary: "SYNTHETIC: two Katyusha rockets fell near a farm; no damage reported."
  sources:
    - title: ACLED event IRQ90001
      publisher: ACLED
      published: 2020-05-11
  notes: "Imported from ACLED event IRQ90001 (Explosions/Remote violence:
    Shelling/artillery/missile attack). ACLED's actors, in its order (which implies no
    direction): Unidentified Armed Group (Iraq). ACLED's sources: Synthetic Wire. ACLED
    records 0 fatalities both when none were reported and when the number is unknown.
    ACLED does not code the wounded."
  tags: [acled-irq90001]
"""


@pytest.fixture
def ledger(write: Callable[..., Path]) -> Path:
    """A one-record SYNTHETIC ledger to import into."""
    return write(VALID)


def _records(text: str) -> list[dict[str, Any]]:
    """The records of YAML output, read by the project's own loader (dates stay text)."""
    loaded = parse_text(text, "output")
    assert loaded.findings == []
    return [raw.data for raw in loaded.records]


def test_one_row_exactly(write: Callable[..., Path], run: Callable[..., Result], ledger: Path) -> None:
    write(acled_csv([ROCKETS]), "acled.csv")
    result = run("-f", "incidents.yaml", "import", "acled", "-o", "-", "acled.csv")
    assert result.exit_code == 0
    assert result.stdout == HEADER + ROCKETS_YAML
    assert result.stderr == ("iraqsec: acled.csv: 1 row (pre-2023 layout): 1 new incident written to standard "
                             "output; 0 already in the ledger; 0 rows skipped; 0 of other event types and 0 outside "
                             "Iraq left out\n" + TERMS_NOTE)


def test_old_layout_mapping(write: Callable[..., Path], run: Callable[..., Result], ledger: Path) -> None:
    write(acled_csv(ROWS), "acled.csv")
    result = run("-f", "incidents.yaml", "import", "acled", "-o", "-", "acled.csv")
    assert result.exit_code == 0
    records = {r["tags"][0]: r for r in _records(result.stdout)}
    mapped = {tag: (r["date"], r["governorate"], r["tactic"], r["target_type"], r["killed"])
              for tag, r in records.items()}
    assert mapped == {
        "acled-irq90001": ("2020-05-06", "Baghdad", "rocket", "other", 0),
        "acled-irq90002": ("2020-05-07", "Dhi Qar", "ied", "logistics-convoy", 1),
        "acled-irq90003": ("2020-05-07", "Duhok", "airstrike", "militia", 0),
        "acled-irq90004": ("2020-05-08", "Erbil", "drone", "airport", 0),
        "acled-irq90005": ("2020-05-08", "Salah al-Din", "kidnapping", "civilian", 0),
        "acled-irq90006": ("2020-05", "Nineveh", "small-arms", "militia", 2),
    }
    clash = records["acled-irq90006"]
    assert clash["id"] == "2020-05-invented-village-acled-irq90006"
    assert "coordinates" not in clash
    assert "ACLED's coordinates [40.5, 43.1] lie outside Iraq's bounding box and were left out." in clash["notes"]
    assert "time precision 3" in clash["notes"]
    assert "target_country" not in records["acled-irq90003"]
    assert result.stderr.endswith("8 rows (pre-2023 layout): 6 new incidents written to standard output; 0 already "
                                  "in the ledger; 0 rows skipped; 1 of other event types and 1 outside Iraq left "
                                  "out\n" + TERMS_NOTE)


def test_all_types_and_another_country(write: Callable[..., Path], run: Callable[..., Result], ledger: Path) -> None:
    write(acled_csv(ROWS), "acled.csv")
    result = run("-f", "incidents.yaml", "import", "acled", "-o", "-", "--all-types", "acled.csv")
    tactics = {r["tags"][0]: r["tactic"] for r in _records(result.stdout)}
    assert len(tactics) == 7 and tactics["acled-irq90007"] == "other"
    result = run("-f", "incidents.yaml", "import", "acled", "-o", "-", "--country", "syria", "acled.csv")
    assert result.stdout == HEADER
    assert result.stderr == ("acled.csv:9: skipped: admin1 'Hasakah' is not a governorate of Iraq\n"
                             "iraqsec: acled.csv: 8 rows (pre-2023 layout): 0 new incidents written to standard "
                             "output; 0 already in the ledger; 1 row skipped; 0 of other event types and 7 outside "
                             "syria left out\n" + TERMS_NOTE)


def test_new_layout(write: Callable[..., Path], run: Callable[..., Result], ledger: Path) -> None:
    rows = [
        ROCKETS | {"event_date": "2020-05-06", "disorder_type": "Political violence"},
        KIDNAP | {"event_date": "8 May 2020", "inter2": "Civilians", "civilian_targeting": "Civilian targeting"},
        CLASH | {"event_date": "09 May 2020", "inter2": "Rebel group", "time_precision": "1", "latitude": "36.3",
                 "tags": "local administrators"},
        MILITIA_DRONE | {"event_date": "8-May-2020", "actor2": "Civilians (Iraq)", "inter2": "Civilians",
                         "notes": "SYNTHETIC: a drone hit a house.", "civilian_targeting": "Civilian targeting"},
    ]
    write(acled_csv(rows, NEW_COLUMNS), "acled.csv")
    result = run("-f", "incidents.yaml", "import", "acled", "-o", "-", "acled.csv")
    assert result.exit_code == 0, result.stderr
    records = {r["tags"][0]: r for r in _records(result.stdout)}
    assert {t: (r["date"], r["tactic"], r["target_type"]) for t, r in records.items()} == {
        "acled-irq90001": ("2020-05-06", "rocket", "other"),
        "acled-irq90005": ("2020-05-08", "kidnapping", "civilian"),
        "acled-irq90006": ("2020-05-09", "small-arms", "militia"),
        "acled-irq90004": ("2020-05-08", "drone", "civilian"),
    }
    assert records["acled-irq90006"]["coordinates"] == [36.3, 43.1]
    assert "target_country" not in records["acled-irq90006"]
    assert "ACLED tags: local administrators." in records["acled-irq90006"]["notes"]
    assert "(2023+ layout)" in result.stderr


def test_output_passes_check(write: Callable[..., Path], run: Callable[..., Result], ledger: Path,
                             tmp_path: Path) -> None:
    write(acled_csv(ROWS), "acled.csv")
    result = run("-f", "incidents.yaml", "import", "acled", "--all-types", "acled.csv", "-o", "new.yaml")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "7 new incidents written to new.yaml" in result.stderr
    check = run("check", "new.yaml")
    assert check.exit_code == 0, check.stdout
    assert check.stdout.endswith("0 errors, 0 warnings in 7 records (1 file)\n")


def test_output_file_is_not_overwritten(write: Callable[..., Path], run: Callable[..., Result], ledger: Path,
                                        tmp_path: Path) -> None:
    write(acled_csv([ROCKETS]), "acled.csv")
    write("keep me\n", "new.yaml")
    result = run("-f", "incidents.yaml", "import", "acled", "acled.csv", "-o", "new.yaml")
    assert result.exit_code == 2
    assert "new.yaml exists; give --force to replace it" in result.stderr
    assert (tmp_path / "new.yaml").read_text() == "keep me\n"
    assert run("-f", "incidents.yaml", "import", "acled", "acled.csv", "-o", "new.yaml", "--force").exit_code == 0
    assert (tmp_path / "new.yaml").read_text() == HEADER + ROCKETS_YAML


@pytest.mark.parametrize(("args", "message"), [
    (("-o", "x.yaml", "--append"), "-o and --append exclude each other"),
    (("-o", "incidents.yaml", "--force"), "incidents.yaml is a file of the ledger in force; use --append"),
    (("--append", "--force"), "--force replaces a review file; it does not apply with --append"),
    (("missing.csv",), "does not exist"),
])
def test_usage_errors(write: Callable[..., Path], run: Callable[..., Result], ledger: Path,
                      args: tuple[str, ...], message: str) -> None:
    write(acled_csv([ROCKETS]), "acled.csv")
    csv_args = () if "missing.csv" in args else ("acled.csv",)
    result = run("-f", "incidents.yaml", "import", "acled", *csv_args, *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_append_keeps_old_bytes_and_reimport_adds_nothing(write: Callable[..., Path], run: Callable[..., Result],
                                                          tmp_path: Path) -> None:
    old = ("# SYNTHETIC ledger with CRLF line ends and a comment kept as written\r\n" + VALID.replace("\n", "\r\n"))
    path = write(old.encode("utf-8"))
    write(acled_csv(ROWS), "acled.csv")
    first = run("-f", "incidents.yaml", "import", "acled", "--append", "acled.csv")
    assert first.exit_code == 0
    assert first.stdout == ""
    assert "6 new incidents added in date order to incidents.yaml; 0 already in the ledger" in first.stderr
    after = path.read_bytes()
    # the new records go in date order; the comment touching the old record is its own (as fmt reads
    # it) and stays with it, byte for byte
    assert after.startswith(b"- id: 2020-05-invented-village-acled-irq90006\r\n")
    assert after.endswith(b"\r\n\r\n" + old.encode("utf-8"))
    assert b"\n" not in after.replace(b"\r\n", b"")
    second = run("-f", "incidents.yaml", "import", "acled", "--append", "acled.csv")
    assert second.exit_code == 0
    assert "0 new incidents added in date order to incidents.yaml; 6 already in the ledger" in second.stderr
    assert path.read_bytes() == after
    again = run("-f", "incidents.yaml", "import", "acled", "-o", "-", "acled.csv")
    assert again.stdout == HEADER
    check = run("-f", "incidents.yaml", "check")
    assert check.exit_code == 0
    assert check.stdout.endswith("0 errors, 0 warnings in 7 records (1 file)\n")


def test_renamed_record_is_known_by_its_tag(write: Callable[..., Path], run: Callable[..., Result]) -> None:
    write(VALID.replace("2020-09-06-baghdad-airport-rockets", "2020-05-06-renamed-by-a-curator")
          + "  tags: [acled-irq90001]\n")
    write(acled_csv([ROCKETS, KIDNAP]), "acled.csv")
    result = run("-f", "incidents.yaml", "import", "acled", "-o", "-", "acled.csv")
    assert [r["id"] for r in _records(result.stdout)] == ["2020-05-08-tikrit-acled-irq90005"]
    assert "1 already in the ledger" in result.stderr


def test_append_refuses_a_ledger_with_errors(write: Callable[..., Path], run: Callable[..., Result]) -> None:
    path = write(VALID.replace("tactic: rocket", "tactic: rockets"))
    write(acled_csv([ROCKETS]), "acled.csv")
    before = path.read_bytes()
    result = run("-f", "incidents.yaml", "import", "acled", "--append", "acled.csv")
    assert result.exit_code == 1
    assert "unknown tactic 'rockets'" in result.stderr
    assert "the ledger has 1 error(s)" in result.stderr
    assert path.read_bytes() == before


def test_rejected_rows_are_skipped_by_line(write: Callable[..., Path], run: Callable[..., Result],
                                           ledger: Path) -> None:
    rows = [
        ROCKETS | {"notes": "SYNTHETIC: a description\nover two lines."},
        KIDNAP | {"admin1": "Atlantis"},
        CLASH | {"event_date": "9-May-68", "time_precision": "1", "latitude": "36.3"},  # 2068: the future
        CONVOY | {"event_id_cnty": ""},
        ROCKETS | {"event_date": "7-May-20"},
    ]
    write(acled_csv(rows), "acled.csv")
    result = run("-f", "incidents.yaml", "import", "acled", "-o", "-", "acled.csv")
    assert result.exit_code == 0
    assert [r["tags"] for r in _records(result.stdout)] == [["acled-irq90001"]]
    assert result.stderr.splitlines()[:4] == [
        "acled.csv:4: skipped: admin1 'Atlantis' is not a governorate of Iraq",
        "acled.csv:5: skipped: event IRQ90006: date: '2068-05-09' is in the future",
        "acled.csv:6: skipped: event_id_cnty is empty; the event could not be traced back to ACLED",
        "acled.csv:7: skipped: event IRQ90001 appears again (first at line 2)",
    ]


def test_malformed_rows_refuse_the_file(write: Callable[..., Path], run: Callable[..., Result], ledger: Path,
                                        tmp_path: Path) -> None:
    rows = [
        ROCKETS | {"notes": "SYNTHETIC: a quoted description\nthat spans\nthree lines."},
        KIDNAP | {"event_date": "31-Foo-20"},
        CLASH | {"fatalities": "2.5"},
        CONVOY | {"latitude": "north"},
        MILITIA_DRONE | {"event_date": "30 February 2020"},
    ]
    write(acled_csv(rows), "acled.csv")
    result = run("-f", "incidents.yaml", "import", "acled", "acled.csv", "-o", "new.yaml")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "acled.csv:5: error: event_date '31-Foo-20' is not a date in a form ACLED writes (2020-05-06, "
        "06 May 2020, 6 May 2020 or 6-May-20)\n"
        "acled.csv:6: error: fatalities '2.5' is not a whole number\n"
        "acled.csv:7: error: latitude 'north' is not a number\n"
        "acled.csv:8: error: event_date '30 February 2020' is not a day of the calendar\n"
        "Error: acled.csv: 4 malformed row(s); nothing was imported. Fix them, or export the file again from ACLED\n")
    assert not (tmp_path / "new.yaml").exists()


def test_escape_sequences_in_cells_never_reach_the_terminal(write: Callable[..., Path], run: Callable[..., Result],
                                                            ledger: Path) -> None:
    rows = [ROCKETS | {"event_date": "6-May-20\x1b[2J"}, KIDNAP | {"admin1": "\x1b]0;pwned\x07Atlantis"}]
    write(acled_csv(rows), "acled.csv")
    result = run("-f", "incidents.yaml", "import", "acled", "-o", "-", "acled.csv")
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert result.stderr.startswith("acled.csv:2: error: event_date '6-May-20\ufffd[2J' is not a date")


@pytest.mark.parametrize(("content", "message"), [
    (b"", "acled.csv:1: the file is empty; expected an ACLED CSV export with a header row"),
    (b"event_id_cnty,event_date\nIRQ1,6-May-20\n",
     "acled.csv:1: missing ACLED column(s): event_type, sub_event_type, actor1, actor2, country, admin1, location, "
     "latitude, longitude, source, notes, fatalities; is this an ACLED CSV export?"),
    (acled_csv([ROCKETS, ROCKETS]).encode().replace(b"farm", b"ferme \xe9", 2),
     "acled.csv:2: the file is not UTF-8 text (byte 0xE9); export it again from ACLED as CSV (UTF-8)"),
    (acled_csv([ROCKETS]).encode() + b"IRQ1,2\n",
     "acled.csv:3: error: the row has 2 fields but the header has 31"),
])
def test_unreadable_files(write: Callable[..., Path], run: Callable[..., Result], ledger: Path,
                          content: bytes, message: str) -> None:
    write(content, "acled.csv")
    result = run("-f", "incidents.yaml", "import", "acled", "-o", "-", "acled.csv")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_timestamp_is_the_published_day(write: Callable[..., Path], run: Callable[..., Result],
                                        ledger: Path) -> None:
    rows = [ROCKETS | {"timestamp": "9999999999"}, KIDNAP | {"timestamp": ""}, CONVOY | {"timestamp": "1600000000"}]
    write(acled_csv(rows), "acled.csv")
    records = _records(run("-f", "incidents.yaml", "import", "acled", "-o", "-", "acled.csv").stdout)
    assert [r["sources"] for r in records] == [
        [{"title": "ACLED event IRQ90001", "publisher": "ACLED"}],
        [{"title": "ACLED event IRQ90002", "publisher": "ACLED", "published": "2020-09-13"}],
        [{"title": "ACLED event IRQ90005", "publisher": "ACLED"}],
    ]


def test_bom_and_crlf_are_read(write: Callable[..., Path], run: Callable[..., Result], ledger: Path) -> None:
    write(b"\xef\xbb\xbf" + acled_csv([ROCKETS]).replace("\n", "\r\n").encode(), "acled.csv")
    result = run("-f", "incidents.yaml", "import", "acled", "-o", "-", "acled.csv")
    assert result.exit_code == 0
    assert result.stdout == HEADER + ROCKETS_YAML


def test_long_notes_are_trimmed_at_a_word(write: Callable[..., Path], run: Callable[..., Result],
                                          ledger: Path) -> None:
    notes = "SYNTHETIC: " + " ".join(f"word{i}" for i in range(300))
    write(acled_csv([ROCKETS | {"notes": notes}]), "acled.csv")
    record = _records(run("-f", "incidents.yaml", "import", "acled", "-o", "-", "acled.csv").stdout)[0]
    summary = record["summary"]
    assert isinstance(summary, str)
    assert len(summary) <= 1000 and summary.endswith("\u2026")
    assert notes.startswith(summary[:-1]) and notes[len(summary) - 1] == " "
    assert "ACLED's description was shortened to fit the summary." in str(record["notes"])


# --- the mapping tables ----------------------------------------------------

@pytest.mark.parametrize(("admin1", "canonical"), [
    ("Babylon", "Babil"), ("Basrah", "Basra"), ("Thi-Qar", "Dhi Qar"), ("Qadissiya", "Qadisiyyah"),
    ("Sala al-Din", "Salah al-Din"), ("Ninewa", "Nineveh"), ("Missan", "Maysan"), ("Wassit", "Wasit"),
    ("Dahuk", "Duhok"), ("Al Anbar", "Anbar"), ("Anbar", "Anbar"), ("Kerbala", "Karbala"), ("Kirkuk", "Kirkuk"),
    ("Baghdad", "Baghdad"), ("Diyala", "Diyala"), ("Erbil", "Erbil"), ("Sulaymaniyah", "Sulaymaniyah"),
    ("Muthanna", "Muthanna"), ("Najaf", "Najaf"), ("Halabja", "Halabja"), ("IQ-SD", "Salah al-Din"),
    ("Hasakah", None),
])
def test_admin1_names(admin1: str, canonical: str | None) -> None:
    assert acled.governorate_for(admin1) == canonical


@pytest.mark.parametrize(("sub_event", "notes", "actor1", "tactic"), [
    ("Shelling/artillery/missile attack", "mortar rounds and then rockets", "", "mortar"),
    ("Shelling/artillery/missile attack", "a Katyusha hit", "", "rocket"),
    ("Shelling/artillery/missile attack", "a ballistic missile", "", "missile"),
    ("Shelling/artillery/missile attack", "artillery shelling", "", "other"),
    ("Air/drone strike", "a drone struck", "Unidentified Armed Group (Iraq)", "drone"),
    ("Air/drone strike", "a drone struck", "Military Forces of the United States (2017-2021)", "airstrike"),
    ("Air/drone strike", "jets bombed", "Unidentified Armed Group (Iraq)", "airstrike"),
    ("Remote explosive/landmine/IED", "", "", "ied"),
    ("Suicide bomb", "", "", "ied"),
    ("Armed clash", "", "", "small-arms"),
    ("Attack", "", "", "small-arms"),
    ("Grenade", "", "", "grenade"),
    ("Abduction/forced disappearance", "", "", "kidnapping"),
    ("Looting/property destruction", "protesters set fire to the office", "", "arson"),
    ("Looting/property destruction", "shops were looted", "", "other"),
    ("Peaceful protest", "", "", "other"),
    ("Chemical weapon", "", "", "other"),
])
def test_tactics(sub_event: str, notes: str, actor1: str, tactic: str) -> None:
    assert acled.tactic_for(sub_event, notes, actor1) == tactic


@pytest.mark.parametrize(("notes", "actor2", "inter2", "target_type"), [
    ("a convoy near the US embassy", "", "", "diplomatic-convoy"),
    ("rockets hit the embassy", "", "", "diplomatic-mission"),
    ("a logistic convoy of the coalition", "", "", "logistics-convoy"),
    ("an army convoy", "Military Forces of Iraq (2018-)", "1", "military-convoy"),
    ("near the airport", "", "", "airport"),
    ("a fire in an IDP camp", "", "", "civilian"),
    ("rockets hit Balad air base", "", "", "military-base"),
    ("a bomb at a school", "", "", "educational"),
    ("the office of an oil company", "", "", "private-company"),
    ("peace companies ambushed militants", "Islamic State (Iraq)", "2", "militia"),
    ("", "Government of Iraq (2018-)", "1", "government"),
    ("a PMF checkpoint", "", "", "militia"),
    ("militants wounded a shepherd and a PMF fighter", "Civilians (Iraq)", "7", "civilian"),
    ("", "Police Forces of Iraq (2018-)", "1", "other"),
])
def test_target_types(notes: str, actor2: str, inter2: str, target_type: str) -> None:
    assert acled.target_type_for(notes, actor2, inter2) == target_type


def test_country_codes() -> None:
    assert acled.country_code("Military Forces of Iraq (2018-) Rapid Reaction Force") == "IQ"
    assert acled.country_code("Military Forces of the United States (2017-2021)") == "US"
    assert acled.country_code("Government of Iraq (2018-)") == "IQ"
    assert acled.country_code("Civilians (Iraq)") is None


# --- the date parser -------------------------------------------------------

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


@given(st.dates(min_value=dt.date(1969, 1, 1), max_value=dt.date(2068, 12, 31)))
def test_acled_dates_read_back(day: dt.date) -> None:
    month = MONTHS[day.month - 1]
    for text in (day.isoformat(), f"{day.day:02d} {month} {day.year}", f"{day.day} {month} {day.year}",
                 f"{day.day}-{month[:3]}-{day.year % 100:02d}", f"{day.day} {month[:3]} {day.year}"):
        assert acled.parse_acled_date(text) == day, text


@given(st.text(max_size=30))
def test_acled_dates_fail_only_with_a_message(text: str) -> None:
    try:
        day = acled.parse_acled_date(text)
    except ValueError as exc:
        assert str(exc).startswith(f"'{text}' is not ")
    else:
        assert isinstance(day, dt.date)


@given(st.text(max_size=1500))
def test_trim_respects_the_limit(text: str) -> None:
    trimmed = acled.trim(text, 1000)
    assert len(trimmed) <= 1000
    if len(text) <= 1000:
        assert trimmed == text
    else:
        assert trimmed.endswith("\u2026") and text.startswith(trimmed[:-1])


def test_docs_show_the_tables_the_code_uses() -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "interop.md").read_text("utf-8")
    for canonical, spellings in acled.ACLED_ADMIN1.items():
        assert f"| {canonical} | {', '.join(spellings)} |" in doc
    rules = [line.split("|")[2].strip() for line in doc.splitlines() if re.match(r"^\| \d+ \| `", line)]
    assert rules == [f"`{term}`" for term, _ in acled.TARGET_RULES]
    for sub_event, tactic in acled.SUB_EVENT_TACTICS.items():
        assert f"| {sub_event} | `{tactic}` |" in doc


TRIGGERS = ["embassy", "convoy", "trucks", "coalition", "airport", "IDP camp", "base", "school", "oil company",
            "ministry", "PMF", "militia", "village", "Government of Iraq", "Civilians (Iraq)"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TRIGGERS), max_size=4), st.sampled_from(TRIGGERS + [""]),
       st.sampled_from(["", "1", "2", "3", "4", "7", "Rebel group", "Civilians"]), st.sampled_from(["", "x"]))
def test_target_type_rules_hold_in_their_order(words: list[str], actor2: str, inter2: str, civil: str) -> None:
    # The rules of TARGET_RULES read eagerly, top to bottom: the first that
    # holds decides.  target_type_for stops searching at that rule.
    text, kind = f"{actor2} {' '.join(words)}", acled.inter_kind(inter2)
    convoy, diplomatic = bool(acled._CONVOY.search(text)), bool(acled._DIPLOMATIC.search(text))
    rules = [("diplomatic-convoy", convoy and diplomatic), ("diplomatic-mission", diplomatic),
             ("logistics-convoy", convoy and bool(acled._LOGISTICS.search(text))), ("military-convoy", convoy),
             ("airport", bool(acled._AIRPORT.search(text))), ("civilian", bool(acled._DISPLACED_CAMP.search(text))),
             ("military-base", bool(acled._BASE.search(text))),
             ("educational", bool(acled._EDUCATIONAL.search(text))),
             ("private-company", bool(acled._COMPANY.search(text))),
             ("government", actor2.startswith("Government of") or bool(acled._GOVERNMENT.search(text))),
             ("militia", kind in ("rebel", "political-militia", "identity-militia")),
             ("civilian", kind == "civilians" or actor2.startswith("Civilians") or bool(civil)),
             ("militia", bool(acled._MILITIA.search(text)))]
    expected = next((term for term, holds in rules if holds), "other")
    assert acled.target_type_for(" ".join(words), actor2, inter2, civil) == expected
