"""`iraqsec schema` for record format v2 and `iraqsec schema --places`: a v2
ledger validates, and every bad input of issue 11 that a schema can express
is rejected.  Records here are SYNTHETIC."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from authoring_support import record, run
from iraqsec.reading.loader import load_file
from iraqsec.writing.schema import schema_text

ROOT = Path(__file__).resolve().parent.parent
V2 = ROOT / "tests" / "fixtures" / "v2"


def validator_of(text: str) -> Draft202012Validator:
    schema = json.loads(text)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@pytest.fixture(scope="module")
def ledger_validator() -> Draft202012Validator:
    return validator_of(run("schema").stdout)


@pytest.fixture(scope="module")
def places_validator() -> Draft202012Validator:
    return validator_of(run("schema", "--places").stdout)


def as_json(path: Path) -> Any:
    return json.loads(json.dumps([raw.data for raw in load_file(path).records]))


def test_the_kept_places_schema_is_current() -> None:
    kept = ROOT / "schema" / "places.schema.json"
    assert kept.read_text(encoding="utf-8") == schema_text(places=True), \
        "schema/places.schema.json is stale: run 'iraqsec schema --places > schema/places.schema.json'"


def test_the_schema_says_version_2(ledger_validator: Draft202012Validator) -> None:
    schema = ledger_validator.schema
    assert schema["$id"] == "urn:iraqsec:schema:incidents:2"
    incident = schema["$defs"]["Incident"]
    assert list(incident["properties"]) == [
        "id", "date", "date_end", "governorate", "place", "site", "coordinates", "geo_precision", "tactic",
        "target_type", "target", "target_country", "killed", "wounded", "claimed_by", "attributed_to", "evidence",
        "scope", "related", "summary", "sources", "notes", "tags", "withdrawn"]
    assert "unknown" in incident["properties"]["tactic"]["enum"]


def test_a_v2_ledger_and_its_places_validate(ledger_validator: Draft202012Validator,
                                             places_validator: Draft202012Validator) -> None:
    assert list(ledger_validator.iter_errors(as_json(V2 / "incidents.yaml"))) == []
    assert list(places_validator.iter_errors(as_json(V2 / "places.yaml"))) == []


V2_RECORD = record(evidence="confirmed", scope="campaign", site="baghdad-airport", geo_precision="site",
                   date_end="2020-09-08", related=[{"id": "other-record", "relation": "see-also"}],
                   withdrawn={"reason": "a duplicate", "superseded_by": "other-record"})


@pytest.mark.parametrize(("change", "why"), [
    ({"evidence": "likely"}, "evidence: likely"),
    ({"scope": "core"}, "scope: core"),
    ({"site": None, "coordinates": None}, "geo_precision without site or coordinates"),
    ({"geo_precision": None}, "site without geo_precision"),
    ({"geo_precision": "city"}, "unknown geo_precision"),
    ({"date": "2020-09"}, "date_end with a month-precision date"),
    ({"date_end": "2020-09"}, "date_end a month"),
    ({"related": [{"id": "other-record", "relation": "answers"}]}, "an unknown relation"),
    ({"related": [{"id": "other-record"}]}, "a link without a relation"),
    ({"related": [{"id": "Bad Id", "relation": "see-also"}]}, "a link to a malformed id"),
    ({"withdrawn": {"superseded_by": "other-record"}}, "withdrawn without a reason"),
    ({"withdrawn": {"reason": ""}}, "withdrawn with an empty reason"),
    ({"withdrawn": "a hoax"}, "withdrawn as text"),
    ({"tactic": "unknwn"}, "a misspelt tactic"),
])
def test_v2_bad_records_are_rejected(ledger_validator: Draft202012Validator, change: dict[str, Any],
                                     why: str) -> None:
    assert ledger_validator.is_valid([V2_RECORD]), "the base record is valid"
    bad = {k: v for k, v in {**V2_RECORD, **change}.items() if v is not None}
    assert not ledger_validator.is_valid([bad]), why


PLACE = {"id": "baghdad-airport", "name": "Baghdad International Airport", "kind": "airport",
         "governorate": "Baghdad", "coordinates": [33.26, 44.23], "sources": ["https://example.org/a"]}


@pytest.mark.parametrize(("change", "why"), [
    ({"coordinates": [41.99, 44.93]}, "coordinates outside Iraq"),
    ({"coordinates": [44.23, 33.26]}, "latitude and longitude swapped"),
    ({"sources": None}, "no sources"),
    ({"sources": []}, "empty sources"),
    ({"governorate": "Diwaniyah"}, "a governorate alias"),
    ({"kind": "city"}, "an unknown kind"),
    ({"id": "Baghdad Airport"}, "a malformed id"),
    ({"nmae": "x"}, "an unknown key"),
])
def test_bad_places_are_rejected(places_validator: Draft202012Validator, change: dict[str, Any], why: str) -> None:
    assert places_validator.is_valid([PLACE])
    bad = {k: v for k, v in {**PLACE, **change}.items() if v is not None}
    assert not places_validator.is_valid([bad]), why
