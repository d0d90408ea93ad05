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
`iraqsec schema > schema/incidents.schema.json`.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import TypeAdapter

from . import vocab
from .model import Incident

DRAFT = "https://json-schema.org/draft/2020-12/schema"
# A URN: the schema has no canonical web address, and editors load it by path.
SCHEMA_ID = "urn:iraqsec:schema:incidents:1"
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
}
_PUBLISHED = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"


def ledger_schema() -> dict[str, Any]:
    """The schema of a ledger file: an array of incidents."""
    generated = TypeAdapter(list[Incident]).json_schema()
    incident = generated["$defs"]["Incident"]
    for name, text in DESCRIPTIONS.items():
        incident["properties"][name]["description"] = text
    _coordinate_bounds(incident["properties"]["coordinates"])
    _term_descriptions(incident["properties"]["tactic"], vocab.TACTICS)
    _term_descriptions(incident["properties"]["target_type"], vocab.TARGET_TYPES)
    published = generated["$defs"]["Source"]["properties"]["published"]["anyOf"][0]
    published.update(pattern=_PUBLISHED, description="Publication date: YYYY, YYYY-MM or YYYY-MM-DD.")
    return {
        "$schema": DRAFT,
        "$id": SCHEMA_ID,
        "title": "iraqsec ledger file",
        "description": "A list of incidents in the iraqsec record format, version 1.",
        **generated,
    }


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


def schema_text() -> str:
    """The schema as the file `schema/incidents.schema.json` holds it."""
    return json.dumps(ledger_schema(), indent=2, ensure_ascii=False) + "\n"
