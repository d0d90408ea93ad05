"""Record format v2 in `iraqsec check`: every new field and rule, and every
bad input of issue 11, located exactly.  Every record here is SYNTHETIC."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import VALID, record
from iraqsec.reading.loader import RawRecord
from iraqsec.record.model import Incident
from iraqsec.record.rules import validate_record

F = "incidents.yaml"
P = "places.yaml"

PLACES = """\
# SYNTHETIC gazetteer for tests.
- id: baghdad-airport
  name: Baghdad International Airport
  aliases: [BIAP, Baghdad airport]
  kind: airport
  governorate: Baghdad
  coordinates: [33.26, 44.23]
  sources:
    - https://example.org/airport

- id: diwaniyah-town
  name: Diwaniyah
  kind: town
  governorate: Qadisiyyah
  coordinates: [31.99, 44.93]
  sources:
    - https://example.org/diwaniyah
"""


def other(ident: str, **fields: str) -> str:
    return "\n" + record(id=ident, **fields)


# (name, ledger text, places.yaml text or None, the exact finding lines)
BAD_INPUTS: list[tuple[str, str, str | None, list[str]]] = [
    ("evidence: likely", record(evidence="likely"), None,
     [f"{F}:13:3: error: evidence: unknown evidence grade 'likely' (valid: confirmed, reported, claimed, "
      "disputed) [unknown-evidence]"]),
    ("scope: core", record(scope="core"), None,
     [f"{F}:17:3: error: scope: unknown scope 'core' (valid: campaign, context) [unknown-scope]"]),
    ("geo_precision without site or coordinates", record(geo_precision="near"), None,
     [f"{F}:17:3: error: geo_precision is given without site or coordinates; add the site (an id of "
      "places.yaml) or the coordinates it describes, or remove it [stray-geo-precision]"]),
    ("unknown geo_precision", record(coordinates="[33.3, 44.4]", geo_precision="city"), None,
     [f"{F}:18:3: error: geo_precision: unknown geo_precision 'city' (valid: exact, site, near, district, "
      "governorate) [unknown-geo-precision]"]),
    ("site without geo_precision", record(site="baghdad-airport"), PLACES,
     [f"{F}:17:3: error: site is given without geo_precision; add geo_precision (exact, site, near, district, "
      "governorate) [missing-geo-precision]"]),
    ("site not in places.yaml", record(site="baghdad-airprt", geo_precision="site"), PLACES,
     [f"{F}:17:3: error: site: 'baghdad-airprt' is not in places.yaml; did you mean 'baghdad-airport'? "
      "[unknown-site]"]),
    ("site in another governorate", record(governorate="Babil", site="diwaniyah-town", geo_precision="near"),
     PLACES,
     [f"{F}:17:3: error: site: 'diwaniyah-town' is in Qadisiyyah ({P}:11) but the record says governorate "
      "Babil; correct the governorate or the site [site-governorate]"]),
    ("date_end before date", record(date_end="2020-09-05"), None,
     [f"{F}:17:3: error: date_end '2020-09-05' is not after date '2020-09-06'; it must be a later day (remove "
      "it when the day is known) [bad-date-end]"]),
    ("date_end equal to date", record(date_end="2020-09-06"), None,
     [f"{F}:17:3: error: date_end '2020-09-06' is not after date '2020-09-06'; it must be a later day (remove "
      "it when the day is known) [bad-date-end]"]),
    ("date_end more than 31 days after", record(date_end="2020-10-08"), None,
     [f"{F}:17:3: error: date_end '2020-10-08' is 32 days after date '2020-09-06'; the limit is 31 (use a "
      "month-precision date instead) [bad-date-end]"]),
    ("date_end with a month-precision date", record(date="2020-09", date_end="2020-09-19"), None,
     [f"{F}:17:3: error: date_end needs a day-precision date, but date is the month '2020-09'; give the first "
      "possible day as date, or remove date_end [bad-date-end]"]),
    ("date_end a month", record(date_end="2020-10"), None,
     [f"{F}:17:3: error: date_end: '2020-10' is a month; date_end is a day, YYYY-MM-DD [bad-date-end]"]),
    ("related to a missing id", record(related="\n    - id: 2020-09-07-nowhere\n      relation: see-also"),
     None,
     [f"{F}:18:7: error: related[0].id: no record has the id '2020-09-07-nowhere'; link the id of an existing "
      "record [unknown-id]"]),
    ("related to itself",
     record(related="\n    - id: 2020-09-06-baghdad-airport-rockets\n      relation: same-attack"), None,
     [f"{F}:18:7: error: related[0] points at the record itself; link another record's id [self-link]"]),
    ("unknown relation", record(related="\n    - id: x\n      relation: answers") + other("x", tactic="mortar"),
     None,
     [f"{F}:19:7: error: related[0].relation: unknown relation 'answers' (valid: responds-to, same-attack, "
      "see-also) [unknown-relation]"]),
    ("unknown related key", record(related="\n    - id: x\n      kind: see-also") + other("x", tactic="mortar"),
     None,
     [f"{F}:19:7: error: unknown key 'related[0].kind'; did you mean 'id'? [unknown-key]",
      f"{F}:18:7: error: missing required key 'related[0].relation' [missing-key]"]),
    ("responds-to a later record",
     record(related="\n    - id: later\n      relation: responds-to") + other("later", date="2020-09-08"), None,
     [f"{F}:19:7: error: related[0]: '2020-09-06-baghdad-airport-rockets' (2020-09-06) cannot respond to "
      "'later', dated later (2020-09-08); the later record responds to the earlier one: move the link there, "
      "or correct the dates [responds-to-later]"]),
    ("withdrawn without a reason", record(withdrawn="\n    superseded_by: x") + other("x", tactic="mortar"), None,
     [f"{F}:17:3: error: missing required key 'withdrawn.reason' (say why the record was taken back) "
      "[missing-key]"]),
    ("withdrawn superseded by a missing record",
     record(withdrawn="\n    reason: a duplicate\n    superseded_by: 2020-09-06-baghdad-airport-rocket"), None,
     [f"{F}:19:5: error: withdrawn.superseded_by: no record has the id '2020-09-06-baghdad-airport-rocket'; did "
      "you mean '2020-09-06-baghdad-airport-rockets'? [unknown-id]"]),
    ("withdrawn superseded by a withdrawn record",
     record(withdrawn="\n    reason: a duplicate\n    superseded_by: x")
     + other("x", tactic="mortar", withdrawn="\n    reason: a hoax\n    superseded_by: y")
     + other("y", tactic="ied"), None,
     [f"{F}:19:5: error: withdrawn.superseded_by: 'x' is itself withdrawn; name the record that stands now "
      "('y'?) [withdrawn-superseding]"]),
    ("withdrawn as text", record(withdrawn="a hoax"), None,
     [f"{F}:17:3: error: withdrawn must be a mapping, not text [bad-type]"]),
    ("places.yaml: coordinates outside Iraq", VALID,
     PLACES.replace("coordinates: [31.99, 44.93]", "coordinates: [41.99, 44.93]"),
     [f"{P}:15:3: error: coordinates: [41.99, 44.93] is outside Iraq (lat 29.0-37.4, lon 38.7-48.8) "
      "[bad-coordinates]"]),
    ("places.yaml: duplicate id", VALID, PLACES.replace("id: diwaniyah-town", "id: baghdad-airport"),
     [f"{P}:11:3: error: place id 'baghdad-airport' is already used at {P}:2; ids must be unique "
      "[duplicate-place]"]),
    ("places.yaml: no sources", VALID, PLACES.replace("  sources:\n    - https://example.org/diwaniyah\n", ""),
     [f"{P}:11:3: error: missing required key 'sources' (list the URLs of the reports you read) [missing-key]"]),
    ("places.yaml: empty sources", VALID,
     PLACES.replace("  sources:\n    - https://example.org/diwaniyah\n", "  sources: []\n"),
     [f"{P}:16:3: error: sources is empty; list the reports the record is built from [no-sources]"]),
    ("places.yaml: governorate alias", VALID, PLACES.replace("governorate: Qadisiyyah", "governorate: Diwaniyah"),
     [f"{P}:14:3: error: governorate: 'Diwaniyah' is an alias; the ledger uses the canonical name 'Qadisiyyah' "
      "[governorate-alias]"]),
    ("places.yaml: unknown kind and key", VALID, PLACES.replace("kind: town", "kind: city\n  nmae: x"),
     [f"{P}:13:3: error: kind: unknown place kind 'city' (valid: base, airport, diplomatic, company-site, town, "
      "district, road, other) [unknown-place-kind]",
      f"{P}:14:3: error: unknown key 'nmae'; did you mean 'name'? [unknown-key]"]),
]


@pytest.mark.parametrize(("name", "text", "places", "expected"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_is_located(name: str, text: str, places: str | None, expected: list[str],
                              write: Callable[..., Path], run: Callable[..., Result]) -> None:
    write(text)
    if places is not None:
        write(places, P)
    result = run("check", F)
    lines = result.output.splitlines()
    assert sorted(lines[:-1]) == sorted(expected), name
    assert lines[-1].startswith(f"{len(expected)} error"), name
    assert result.exit_code == 1
    assert "Traceback" not in result.output


GOOD_V2 = record(date_end="2020-09-08", site="baghdad-airport", geo_precision="site", tactic="unknown",
                 scope="campaign", evidence="confirmed", tags="[rocket-campaign]",
                 related="\n    - id: 2020-09-09-baghdad-airport-strike\n      relation: see-also") + other(
    "2020-09-09-baghdad-airport-strike", date="2020-09-09", tactic="airstrike", target_type="militia",
    scope="context", evidence="disputed", coordinates="[33.27, 44.24]", geo_precision="exact",
    related="\n    - id: 2020-09-06-baghdad-airport-rockets\n      relation: responds-to") + other(
    "2020-09-06-withdrawn-copy", tactic="mortar",
    withdrawn="\n    reason: the same event as the rockets record\n"
              "    superseded_by: 2020-09-06-baghdad-airport-rockets")


def test_every_new_field_used_well_passes_strict(write: Callable[..., Path], run: Callable[..., Result]) -> None:
    write(GOOD_V2)
    write(PLACES, P)
    result = run("check", "--strict", F)
    assert (result.exit_code, result.output) == (0, "0 errors, 0 warnings in 3 records (1 file)\n")


def test_a_version_1_ledger_gets_only_ungraded_warnings(write: Callable[..., Path],
                                                        run: Callable[..., Result]) -> None:
    v1 = VALID.replace("  evidence: reported\n", "")
    write(v1 + other("second", tactic="mortar").replace("  evidence: reported\n", ""))
    result = run("check", F)
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        f"{F}:1:3: warning: '2020-09-06-baghdad-airport-rockets' has no evidence grade; add evidence: one of "
        "confirmed, reported, claimed, disputed (docs/codebook.md) [ungraded]",
        f"{F}:17:3: warning: 'second' has no evidence grade; add evidence: one of confirmed, reported, claimed, "
        "disputed (docs/codebook.md) [ungraded]",
        "0 errors, 2 warnings in 2 records (1 file)"]
    strict = run("check", "--strict", F)
    assert strict.exit_code == 1 and strict.output.endswith("2 errors, 0 warnings in 2 records (1 file)\n")
    allowed = run("check", "--strict", "--allow", "ungraded", F)
    assert allowed.exit_code == 0 and allowed.output.endswith("0 errors, 2 warnings in 2 records (1 file)\n")


def test_version_1_coordinates_without_precision_are_a_warning(write: Callable[..., Path],
                                                               run: Callable[..., Result]) -> None:
    write(record(coordinates="[33.3, 44.4]"))
    result = run("check", F)
    assert (result.exit_code, result.output.splitlines()) == (0, [
        f"{F}:17:3: warning: coordinates are given without geo_precision; add geo_precision: exact when they are "
        "the spot itself, else site, near, district or governorate [coordinates-precision]",
        "0 errors, 1 warning in 1 record (1 file)"])
    assert run("check", "--strict", "--allow", "coordinates-precision", F).exit_code == 0


def test_allow_names_a_warning_rule(write: Callable[..., Path], run: Callable[..., Result]) -> None:
    write(VALID)
    result = run("check", "--strict", "--allow", "bad-id", F)
    assert result.exit_code == 2
    assert "'bad-id' is not one of 'ungraded', 'coordinates-precision', 'probable-duplicate', 'unknown-actor'" \
        in result.output


def test_a_withdrawn_id_stays_reserved(write: Callable[..., Path], run: Callable[..., Result]) -> None:
    write(record(withdrawn="\n    reason: a hoax") + other("2020-09-06-baghdad-airport-rockets", tactic="mortar"))
    result = run("check", F)
    assert result.output.splitlines()[0] == (
        f"{F}:20:3: error: id '2020-09-06-baghdad-airport-rockets' is already used at {F}:1; ids must be unique "
        "[duplicate-id]")


def test_a_withdrawn_record_needs_no_grade_and_names_no_registered_actor(write: Callable[..., Path],
                                                                         run: Callable[..., Result]) -> None:
    write(record(evidence=None, claimed_by="[Nobody Known]", withdrawn="\n    reason: a hoax"))
    write("- name: Somebody\n  kind: faction\n", "actors.yaml")
    result = run("check", "--strict", F)
    assert (result.exit_code, result.output) == (0, "0 errors, 0 warnings in 1 record (1 file)\n")


def test_places_yaml_is_not_read_as_a_ledger_in_a_directory(write: Callable[..., Path],
                                                             run: Callable[..., Result], tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    write(record(site="baghdad-airport", geo_precision="site"), "data/incidents.yaml")
    write(PLACES, "data/places.yaml")
    result = run("check", "--strict", "data")
    assert (result.exit_code, result.output) == (0, "0 errors, 0 warnings in 1 record (1 file)\n")


# --- properties of the whole-record rules ------------------------------------------

BASE = {"id": "a", "date": "2020-09-06", "governorate": "Baghdad", "place": "P", "tactic": "rocket",
        "target_type": "airport", "target": "T", "killed": 0, "wounded": 0, "evidence": "reported", "summary": "S",
        "sources": ["https://example.org/a"]}


def rules_of(data: dict[str, object]) -> set[str]:
    _, findings = validate_record(RawRecord("l.yaml", 1, 3, data), Incident, "incident")
    return {f.rule for f in findings}


@settings(max_examples=150, deadline=None)
@given(st.dates(dt.date(2019, 1, 1), dt.date(2021, 12, 31)), st.integers(-40, 40), st.booleans())
def test_date_end_is_accepted_exactly_within_the_span(day: dt.date, offset: int, month_only: bool) -> None:
    date = day.isoformat()[:7] if month_only else day.isoformat()
    end = (day + dt.timedelta(days=offset)).isoformat()
    ok = not month_only and 1 <= offset <= 31
    assert rules_of({**BASE, "date": date, "date_end": end}) == (set() if ok else {"bad-date-end"})


@settings(max_examples=60, deadline=None)
@given(st.booleans(), st.booleans(), st.one_of(st.none(), st.sampled_from(["exact", "site", "near", "district",
                                                                          "governorate"])))
def test_geo_precision_goes_with_a_location(site: bool, coordinates: bool, precision: str | None) -> None:
    data: dict[str, object] = dict(BASE)
    if site:
        data["site"] = "baghdad-airport"
    if coordinates:
        data["coordinates"] = [33.3, 44.4]
    if precision:
        data["geo_precision"] = precision
    expected = set()
    if site and precision is None:
        expected = {"missing-geo-precision"}
    elif not site and not coordinates and precision is not None:
        expected = {"stray-geo-precision"}
    assert rules_of(data) == expected
