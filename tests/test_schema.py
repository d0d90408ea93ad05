"""`iraqsec schema`: the JSON Schema of a ledger file, and its kept copy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from jsonschema import Draft202012Validator

from authoring_support import record, run
from incident_strategies import incidents
from iraqsec.reading.loader import load_file
from iraqsec.record.model import Incident
from iraqsec.rendering.plain import record_dict
from iraqsec.writing.schema import schema_text

ROOT = Path(__file__).resolve().parent.parent
KEPT = ROOT / "schema" / "incidents.schema.json"


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(schema_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def test_the_kept_copy_is_current() -> None:
    assert KEPT.read_text(encoding="utf-8") == schema_text(), \
        "schema/incidents.schema.json is stale: run 'iraqsec schema > schema/incidents.schema.json'"


def test_the_command_prints_the_schema() -> None:
    result = run("schema")
    assert (result.exit_code, result.stdout) == (0, KEPT.read_text(encoding="utf-8"))
    schema = json.loads(result.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "array" and schema["items"] == {"$ref": "#/$defs/Incident"}
    incident = schema["$defs"]["Incident"]
    assert incident["additionalProperties"] is False
    assert incident["required"] == ["id", "date", "governorate", "place", "tactic", "target_type", "target",
                                    "killed", "wounded", "summary", "sources"]


def test_the_shipped_ledger_is_valid(validator: Draft202012Validator) -> None:
    loaded = load_file(ROOT / "data" / "incidents.yaml")
    as_json = json.loads(json.dumps([raw.data for raw in loaded.records]))
    assert as_json
    assert list(validator.iter_errors(as_json)) == []


def test_a_full_record_is_valid(validator: Draft202012Validator) -> None:
    full = record(coordinates=[33.26, 44.23], claimed_by=["X"], attributed_to=["Y"], notes="n", tags=["a-b"],
                  date="2020-09", sources=["https://example.org/a",
                                           {"title": "T", "url": "http://example.org/b", "publisher": "P",
                                            "published": "2020-09-07"}, {"title": "T2", "published": "2020"}])
    assert list(validator.iter_errors([full])) == []


@pytest.mark.parametrize(("change", "why"), [
    ({"governate": "Basra"}, "unknown key"),
    ({"tactic": "rockt"}, "bad tactic"),
    ({"target_type": "base"}, "bad target type"),
    ({"governorate": "Basrah"}, "an alias, not the canonical name"),
    ({"killed": "3"}, "string killed"),
    ({"killed": 1.5}, "float killed"),
    ({"wounded": -1}, "negative count"),
    ({"wounded": True}, "boolean count"),
    ({"sources": []}, "no sources"),
    ({"sources": ["ftp://example.org"]}, "not an http(s) URL"),
    ({"sources": [{"url": "https://example.org"}]}, "a source without a title"),
    ({"sources": [{"title": "T", "published": "Sept 2020"}]}, "bad published date"),
    ({"id": "Bad Id"}, "bad id"),
    ({"date": "2020-9-6"}, "unpadded date"),
    ({"coordinates": [44.2, 33.3]}, "latitude and longitude swapped"),
    ({"coordinates": [33.3]}, "one coordinate"),
    ({"target_country": "usa"}, "bad country code"),
    ({"tags": ["Not Kebab"]}, "bad tag"),
    ({"place": ""}, "empty text"),
    ({"summary": "x" * 1001}, "too long"),
])
def test_bad_records_are_rejected(validator: Draft202012Validator, change: dict[str, Any], why: str) -> None:
    assert not validator.is_valid([{**record(), **change}]), why


@pytest.mark.parametrize("key", ["id", "date", "governorate", "sources", "killed"])
def test_missing_required_keys_are_rejected(validator: Draft202012Validator, key: str) -> None:
    bad = record()
    del bad[key]
    assert not validator.is_valid([bad])


def test_the_top_level_is_a_list(validator: Draft202012Validator) -> None:
    assert not validator.is_valid(record())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(incidents())
def test_every_record_the_model_accepts_the_schema_accepts(incident: Incident) -> None:
    validator = Draft202012Validator(json.loads(schema_text()))
    assert list(validator.iter_errors([record_dict(incident)])) == []
