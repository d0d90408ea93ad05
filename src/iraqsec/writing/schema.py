"""The JSON Schema (draft 2020-12) of a ledger file, from the models.

Editors that speak JSON Schema (VS Code's YAML extension and others built on
yaml-language-server) validate and complete records as they are typed when
the ledger's first line is

    # yaml-language-server: $schema=../schema/incidents.schema.json

The schema is generated from `model.Incident` by pydantic, then given what
the models check in code rather than in types: the coordinate bounds, the
form of `published`, short descriptions, and descriptions of the vocabulary
terms for completion menus.  Checks that need the whole ledger (unique ids,
actor names) or today's date stay with `iraqsec check`.

A copy is kept at `schema/incidents.schema.json`; regenerate it with
`iraqsec schema > schema/incidents.schema.json`.  `places.yaml` has its own
schema (`iraqsec schema --places > schema/places.schema.json`).

Of the version 2 rules, the schema states those a schema can: the
vocabularies, `geo_precision` required with `site` and allowed only with
`site` or `coordinates`, `date_end` only after a day-precision `date`, a
withdrawn record's reason, a place's sources and bounds.  What needs other
records or arithmetic on dates (links to existing ids, `responds-to`
looking back, spans of at most 31 days, sites present in places.yaml,
unique place ids) stays with `iraqsec check`.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import TypeAdapter

from iraqsec.record import vocab
from iraqsec.record.model import Incident, Place

DRAFT = "https://json-schema.org/draft/2020-12/schema"
# A URN: the schema has no canonical web address, and editors load it by path.
SCHEMA_ID = "urn:iraqsec:schema:incidents:2"
PLACES_SCHEMA_ID = "urn:iraqsec:schema:places:2"
DESCRIPTIONS = {
    "id": "Unique id, lower-case words and digits joined by hyphens: YYYY-MM-DD-place-what.",
    "date": "YYYY-MM-DD, or YYYY-MM when only the month is known; not after today.",
    "governorate": "The governorate, by its canonical name.",
    "place": "Town, district or site.",
    "coordinates": "[latitude, longitude] in decimal degrees, inside Iraq.",
    "tactic": "How the attack was carried out.",
    "target_type": "What kind of target was hit or aimed at.",
    "target": "What was hit or aimed at.",
    "target_country": "ISO 3166-1 alpha-2 code of the country whose interests were targeted (US, GB, IQ, ...).",
    "killed": "People killed: a whole number, 0 when reported as none, null when not reported.",
    "wounded": "People wounded: a whole number, 0 when reported as none, null when not reported.",
    "claimed_by": "Canonical names (actors.yaml) of the actors that claimed the attack.",
    "attributed_to": "Canonical names (actors.yaml) of the actors officials or analysts blamed.",
    "summary": "One to three sentences in the curator's own words.",
    "sources": "The reports the record is built from: URLs, or mappings with a title.",
    "notes": "Free text for curators: uncertainties, conflicting reports.",
    "tags": "Kebab-case tags; 'distinct-incident' marks a record that only looks like a duplicate.",
    "date_end": "YYYY-MM-DD: the event happened on one day from date to date_end (at most 31 days later).",
    "site": "The id of the place of places.yaml the event happened at or near.",
    "geo_precision": "How close the location (site or coordinates) is to the event; required with either.",
    "evidence": "How well the event is established; a record without it is 'ungraded'.",
    "scope": "campaign (default): part of the campaign; context: an event that shapes it.",
    "related": "Links to other records: {id, relation}.",
    "withdrawn": "The record was taken back: {reason, superseded_by}; its id stays reserved.",
}
PLACE_DESCRIPTIONS = {
    "id": "Unique id, lower-case words and digits joined by hyphens; what incidents name as their site.",
    "name": "The place's usual name.",
    "aliases": "Other spellings met in reports.",
    "kind": "What kind of place it is.",
    "governorate": "The governorate, by its canonical name.",
    "coordinates": "[latitude, longitude] in decimal degrees, inside Iraq.",
    "sources": "Where the name and coordinates were read: URLs, or mappings with a title.",
    "notes": "Free text for curators.",
}
_DAY = r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"
_PUBLISHED = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"


def ledger_schema() -> dict[str, Any]:
    """The schema of a ledger file: an array of incidents."""
    generated = TypeAdapter(list[Incident]).json_schema()
    incident = generated["$defs"]["Incident"]
    for name, text in DESCRIPTIONS.items():
        incident["properties"][name]["description"] = text
    _coordinate_bounds(incident["properties"]["coordinates"])
    properties = incident["properties"]
    for name, terms in (("tactic", vocab.TACTICS), ("target_type", vocab.TARGET_TYPES), ("evidence", vocab.EVIDENCE),
                        ("scope", vocab.SCOPES), ("geo_precision", vocab.GEO_PRECISIONS)):
        _term_descriptions(_enum_of(properties[name]), terms)
    _term_descriptions(generated["$defs"]["Related"]["properties"]["relation"], vocab.RELATIONS)
    # The whole-record rules a schema can state (an optional key written as
    # null is as good as absent, as the models read it).
    incident["dependentSchemas"] = {
        "site": {"anyOf": [_null("site"), _given("geo_precision", "string")]},
        "geo_precision": {"anyOf": [_null("geo_precision"), _given("site", "string"),
                                    _given("coordinates", "array")]},
        "date_end": {"anyOf": [_null("date_end"), {"properties": {"date": {"pattern": _DAY}}}]},
    }
    _published(generated)
    return {
        "$schema": DRAFT,
        "$id": SCHEMA_ID,
        "title": "iraqsec ledger file",
        "description": "A list of incidents in the iraqsec record format, version 2.",
        **generated,
    }


def places_schema() -> dict[str, Any]:
    """The schema of places.yaml: an array of places."""
    generated = TypeAdapter(list[Place]).json_schema()
    place = generated["$defs"]["Place"]
    for name, text in PLACE_DESCRIPTIONS.items():
        place["properties"][name]["description"] = text
    pair = place["properties"]["coordinates"]
    _coordinate_bounds({"anyOf": [pair]})
    _term_descriptions(place["properties"]["kind"], vocab.PLACE_KINDS)
    _published(generated)
    return {
        "$schema": DRAFT,
        "$id": PLACES_SCHEMA_ID,
        "title": "iraqsec places file",
        "description": "places.yaml: the named places incidents point at with 'site' (record format, version 2).",
        **generated,
    }


def _null(key: str) -> dict[str, Any]:
    return {"properties": {key: {"type": "null"}}}


def _given(key: str, kind: str) -> dict[str, Any]:
    return {"required": [key], "properties": {key: {"type": kind}}}


def _published(generated: dict[str, Any]) -> None:
    published = generated["$defs"]["Source"]["properties"]["published"]["anyOf"][0]
    published.update(pattern=_PUBLISHED, description="Publication date: YYYY, YYYY-MM or YYYY-MM-DD.")


def _enum_of(prop: dict[str, Any]) -> dict[str, Any]:
    """The enum schema inside an optional property (`anyOf` with null)."""
    options: list[dict[str, Any]] = prop.get("anyOf", [prop])
    return next((option for option in options if "enum" in option), prop)


def _coordinate_bounds(prop: dict[str, Any]) -> None:
    (lat_lo, lat_hi), (lon_lo, lon_hi) = vocab.LAT_RANGE, vocab.LON_RANGE
    pair = prop["anyOf"][0]
    pair["prefixItems"] = [
        {"type": "number", "minimum": lat_lo, "maximum": lat_hi, "description": "latitude"},
        {"type": "number", "minimum": lon_lo, "maximum": lon_hi, "description": "longitude"},
    ]


def _term_descriptions(prop: dict[str, Any], terms: Any) -> None:
    # A keyword editors show in completion menus; validators ignore it.
    prop["enumDescriptions"] = [terms[term] for term in prop["enum"]]


def schema_text(places: bool = False) -> str:
    """The schema as the file `schema/incidents.schema.json` (or, with
    `places`, `schema/places.schema.json`) holds it."""
    return json.dumps(places_schema() if places else ledger_schema(), indent=2, ensure_ascii=False) + "\n"
