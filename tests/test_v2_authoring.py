"""Record format v2 when writing: `add` (prompts and JSON), `fmt` and
`import acled`.  Every record here is SYNTHETIC."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from authoring_support import ACTORS, as_yaml, record, run, write_ledger
from iraqsec.reading.ledger import load
from test_import_acled import ROCKETS, acled_csv

PLACES = (Path(__file__).parent / "fixtures" / "v2" / "places.yaml").read_text(encoding="utf-8")


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    path = write_ledger(tmp_path, [record()], actors=ACTORS)
    (tmp_path / "places.yaml").write_text(PLACES, encoding="utf-8")
    return path


# --- add ----------------------------------------------------------------------

ANSWERS = [
    "2020-09-10",
    "Baghdad",
    "Baghdad International Airport",
    "Diwaniyah",  # a place of places.yaml, but in Qadisiyyah: asked again
    "biap",  # an alias, stored as the place's id
    "",  # no coordinates of its own
    "site",  # geo precision
    "rocket",
    "airport",
    "The airport's logistics area",
    "US",
    "0",
    "0",
    "",
    "",
    "Claimed",
    "context",
    "Rockets hit the airport.",
    "https://example.org/v2-add",
    "",
    "",
    "",
    "",  # the proposed id
    "y",
]


def test_prompts_ask_for_site_precision_evidence_and_scope(ledger: Path) -> None:
    result = run("-f", str(ledger), "add", "--interactive", input="\n".join(ANSWERS) + "\n")
    assert result.exit_code == 0, result.output
    assert ledger.read_text(encoding="utf-8").endswith("""
- id: 2020-09-10-baghdad-international-airport-rocket
  date: 2020-09-10
  governorate: Baghdad
  place: Baghdad International Airport
  site: baghdad-airport
  geo_precision: site
  tactic: rocket
  target_type: airport
  target: The airport's logistics area
  target_country: US
  killed: 0
  wounded: 0
  claimed_by: []
  attributed_to: []
  evidence: claimed
  scope: context
  summary: Rockets hit the airport.
  sources:
    - https://example.org/v2-add
""")
    assert result.stderr.splitlines() == [
        "  'diwaniyah-town' is in Qadisiyyah, not Baghdad; correct the governorate or choose a place in it"]
    assert "Site (a place of places.yaml: id, name or alias; Tab completes; empty if none): biap\n" in result.stdout
    assert "Evidence (how well the event is established; docs/codebook.md) (confirmed, reported, claimed, " \
        "disputed): Claimed\n" in result.stdout
    assert run("-f", str(ledger), "check", "--strict").exit_code == 0


def test_prompts_without_places_yaml_skip_the_site(tmp_path: Path) -> None:
    path = write_ledger(tmp_path, [record()])
    answers = ["2020-09-10", "Baghdad", "Somewhere", "33.3, 44.4", "near", "rocket", "airport", "x", "", "0", "0",
               "", "", "reported", "", "s", "https://example.org/a", "", "", "", "", "y"]
    result = run("-f", str(path), "add", "--interactive", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "Site" not in result.stdout
    assert "  coordinates: [33.3, 44.4]\n  geo_precision: near\n" in path.read_text(encoding="utf-8")


def json_file(tmp_path: Path, value: object) -> Path:
    path = tmp_path / "new.json"
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


def test_json_records_are_checked_against_places_and_links(ledger: Path, tmp_path: Path) -> None:
    before = ledger.read_bytes()
    bad = [record("a-1", site="nowhere", geo_precision="site"),
           record("a-2", governorate="Babil", site="diwaniyah-town", geo_precision="near"),
           record("a-3", related=[{"id": "missing-record", "relation": "see-also"}]),
           record("a-4", date="2020-09-01", related=[{"id": "2020-09-06-baghdad-airport-rocket",
                                                      "relation": "responds-to"}])]
    result = run("-f", str(ledger), "add", "--json", str(json_file(tmp_path, bad)))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[-1] == "iraqsec add: nothing added: 4 error(s) in the input; the ledger is unchanged"
    messages = [line.split(": error: ", 1)[1] for line in lines if ": error: " in line]
    assert messages == [
        "record 1: site: 'nowhere' is not in places.yaml; add it to places.yaml with its coordinates and sources "
        "[unknown-site]",
        f"record 2: site: 'diwaniyah-town' is in Qadisiyyah ({tmp_path / 'places.yaml'}:20) but the record says "
        "governorate Babil; correct the governorate or the site [site-governorate]",
        "record 3: related[0].id: no record has the id 'missing-record'; link the id of an existing record "
        "[unknown-id]",
        "record 4: related[0]: 'a-4' (2020-09-01) cannot respond to '2020-09-06-baghdad-airport-rocket', dated later "
        "(2020-09-06); the later record responds to the earlier one: move the link there, or correct the dates "
        "[responds-to-later]",
    ]
    assert ledger.read_bytes() == before


def test_an_ungraded_json_record_is_added_with_a_warning(ledger: Path, tmp_path: Path) -> None:
    new = record("2020-09-11-x", date="2020-09-11", evidence=None,
                 related=[{"id": "2020-09-06-baghdad-airport-rocket", "relation": "responds-to"}])
    result = run("-f", str(ledger), "add", "--json", str(json_file(tmp_path, new)))
    assert (result.exit_code, result.stdout) == (0, "2020-09-11-x\n")
    assert result.stderr.endswith("warning: record 1: '2020-09-11-x' has no evidence grade; add evidence: one of "
                                  "confirmed, reported, claimed, disputed (docs/codebook.md) [ungraded]\n")
    assert "  related:\n    - id: 2020-09-06-baghdad-airport-rocket\n      relation: responds-to\n" in \
        ledger.read_text(encoding="utf-8")


# --- fmt ----------------------------------------------------------------------

MESSY_V2 = """\
- withdrawn: {superseded_by: b, reason: "Same event as b"}
  tags: [x]
  related: [{relation: see-also, id: b}]
  scope: context
  evidence: reported
  summary: S
  sources: ["https://example.org/a"]
  wounded: 0
  killed: 0
  target: T
  target_type: airport
  tactic: unknown
  geo_precision: site
  site: baghdad-airport
  place: P
  governorate: Baghdad
  date_end: 2020-09-08
  date: 2020-09-06
  id: a

- {id: b, date: 2020-09-07, governorate: Baghdad, place: P, tactic: rocket, target_type: airport, target: T,
   killed: 0, wounded: 0, evidence: confirmed, summary: S, sources: ["https://example.org/b"]}
"""
CANONICAL_V2 = """\
- id: a
  date: 2020-09-06
  date_end: 2020-09-08
  governorate: Baghdad
  place: P
  site: baghdad-airport
  geo_precision: site
  tactic: unknown
  target_type: airport
  target: T
  killed: 0
  wounded: 0
  claimed_by: []
  attributed_to: []
  evidence: reported
  scope: context
  related:
    - id: b
      relation: see-also
  summary: S
  sources:
    - https://example.org/a
  tags: [x]
  withdrawn:
    reason: Same event as b
    superseded_by: b

- id: b
  date: 2020-09-07
  governorate: Baghdad
  place: P
  tactic: rocket
  target_type: airport
  target: T
  killed: 0
  wounded: 0
  claimed_by: []
  attributed_to: []
  evidence: confirmed
  summary: S
  sources:
    - https://example.org/b
"""


def test_fmt_orders_the_new_keys_as_the_contract_lists_them(tmp_path: Path) -> None:
    path = tmp_path / "incidents.yaml"
    path.write_text(MESSY_V2, encoding="utf-8")
    (tmp_path / "places.yaml").write_text(PLACES, encoding="utf-8")
    before = load([str(path)]).incidents
    result = run("fmt", str(path))
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8") == CANONICAL_V2
    assert load([str(path)]).incidents == before
    assert run("fmt", "--check", str(path)).exit_code == 0
    assert run("check", "--strict", str(path)).exit_code == 0


def test_fmt_on_a_version_1_ledger_changes_only_layout(tmp_path: Path) -> None:
    v1 = [record("b", date="2020-09-07", evidence=None, coordinates=[33.3, 44.4]),
          record("a", evidence=None, claimed_by=["Ashab al-Kahf"], tags=["x-y"])]
    path = tmp_path / "incidents.yaml"
    path.write_text(as_yaml(v1), encoding="utf-8")
    before = load([str(path)])
    assert {f.rule for f in before.findings} == {"ungraded", "coordinates-precision"}
    assert run("fmt", str(path)).exit_code == 0
    text = path.read_text(encoding="utf-8")
    after = load([str(path)])
    assert sorted(after.incidents, key=lambda i: i.id) == sorted(before.incidents, key=lambda i: i.id)
    for key in ("evidence", "scope", "related", "withdrawn", "geo_precision", "site", "date_end"):
        assert f"  {key}:" not in text, key
    assert sorted((f.rule, f.message) for f in after.findings) == sorted((f.rule, f.message) for f in before.findings)


# --- import acled -------------------------------------------------------------


@pytest.mark.parametrize(("precision", "expected"), [("1", "exact"), ("2", "near"), ("3", "governorate")])
def test_acled_geo_precision_and_evidence(write: Callable[..., Path], run: Callable[..., Result], precision: str,
                                          expected: str) -> None:
    from conftest import VALID

    write(VALID)
    write(acled_csv([{**ROCKETS, "geo_precision": precision}]), "acled.csv")
    result = run("-f", "incidents.yaml", "import", "acled", "-o", "-", "acled.csv")
    assert result.exit_code == 0, result.output
    assert f"  coordinates: [33.23, 44.38]\n  geo_precision: {expected}\n" in result.stdout
    assert "  evidence: reported\n" in result.stdout


def test_acled_unknown_geo_precision_is_left_unsaid(write: Callable[..., Path], run: Callable[..., Result]) -> None:
    from conftest import VALID

    write(VALID)
    write(acled_csv([{**ROCKETS, "geo_precision": "7"}]), "acled.csv")
    result = run("-f", "incidents.yaml", "import", "acled", "-o", "-", "acled.csv")
    assert result.exit_code == 0, result.output
    assert "geo_precision" not in result.stdout.split("notes:")[0]
    assert "ACLED's geo_precision '7' is not one of 1, 2, 3" in " ".join(result.stdout.split())
