"""Plain writers (json, ndjson, csv, yaml): no rich, no escape sequences.

The JSON shape of a record is the contract's: every field by its name,
absent optionals as null (lists as []), dates as written.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from iraqsec.record import vocab

if TYPE_CHECKING:
    from iraqsec.record.model import Incident, Source

CSV_COLUMNS: tuple[str, ...] = (
    "id", "date", "date_end", "governorate", "place", "site", "latitude", "longitude", "geo_precision", "tactic",
    "target_type", "target", "target_country", "killed", "wounded", "claimed_by", "attributed_to", "evidence",
    "scope", "related", "summary", "sources", "notes", "tags", "withdrawn", "superseded_by",
)
LIST_SEPARATOR = "; "
LIST_COLUMNS: dict[str, str] = {  # --columns name -> heading
    "id": "Id", "date": "Date", "governorate": "Governorate", "place": "Place", "tactic": "Tactic",
    "target-type": "Target type", "target": "Target", "target-country": "Country", "killed": "K",
    "wounded": "W", "claimed-by": "Claimed by", "attributed-to": "Attributed to", "evidence": "Evidence",
    "scope": "Scope", "site": "Site",
}
DEFAULT_LIST_COLUMNS: tuple[str, ...] = ("id", "date", "governorate", "tactic", "killed", "wounded", "target")


def shown_date(date: str, date_end: str | None = None) -> str:
    """A date for display: month precision shows its unknown day as ??, a
    span only what its end changes (2020-08-16..19, 2020-08-30..09-02)."""
    if len(date) == 7:
        return f"{date}-??"
    if date_end is None:
        return date
    if date_end[:7] == date[:7]:
        return f"{date}..{date_end[8:]}"
    if date_end[:4] == date[:4]:
        return f"{date}..{date_end[5:]}"
    return f"{date}..{date_end}"


def record_dict(incident: Incident) -> dict[str, Any]:
    """An incident as a JSON-ready mapping in the contract's field order."""
    data = incident.model_dump(mode="json")
    data["sources"] = [_source(s) for s in incident.sources]
    if incident.withdrawn is not None:
        data["withdrawn"] = incident.withdrawn.model_dump(mode="json", exclude_none=True)
    return {key: data.get(key) for key in vocab.INCIDENT_FIELDS}


def _source(source: str | Source) -> Any:
    if isinstance(source, str):
        return source
    return {k: v for k, v in source.model_dump(mode="json").items() if v is not None}


def to_json(incidents: Iterable[Incident], items: Iterable[str] | None = None) -> str:
    """The incidents as one JSON array; `items`, when given, are their
    `json_item` texts already made (the cache keeps them)."""
    texts = list(items if items is not None else map(json_item, incidents))
    return "[\n" + ",\n".join(texts) + "\n]\n" if texts else "[]\n"


def json_item(incident: Incident) -> str:
    """An incident as an element of `to_json`'s array, as json.dumps(...,
    indent=2) writes it there: one level in."""
    return "  " + indented_json(record_dict(incident), "  ")


_TEXT = json.encoder.encode_basestring  # what json.dumps writes text with under ensure_ascii=False (C)


def indented_json(value: Any, indent: str = "") -> str:
    """`json.dumps(value, ensure_ascii=False, indent=2)`, byte for byte, for
    JSON values whose mapping keys are text, written `indent` deep.  json's
    own encoder for indented output is a chain of Python generators; this
    follows the value's shape directly, several times faster."""
    if isinstance(value, str):
        return _TEXT(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = indent + "  "
        body = ",\n".join(f"{inner}{_TEXT(k)}: {indented_json(v, inner)}" for k, v in value.items())
        return f"{{\n{body}\n{indent}}}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        inner = indent + "  "
        body = ",\n".join(inner + indented_json(v, inner) for v in value)
        return f"[\n{body}\n{indent}]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if type(value) is int or (type(value) is float and math.isfinite(value)):
        return repr(value)  # as json writes them
    return json.dumps(value)  # anything else (NaN, a subclass) exactly as json does


def to_ndjson(incidents: Iterable[Incident]) -> str:
    return "".join(json.dumps(record_dict(i), ensure_ascii=False) + "\n" for i in incidents)


def rows_to_json(rows: Sequence[dict[str, Any]]) -> str:
    return indented_json(list(rows)) + "\n"


def csv_row(incident: Incident) -> list[Any]:
    lat, lon = incident.coordinates if incident.coordinates else (None, None)
    values: dict[str, Any] = {
        **record_dict(incident),
        "latitude": lat,
        "longitude": lon,
        "claimed_by": LIST_SEPARATOR.join(incident.claimed_by),
        "attributed_to": LIST_SEPARATOR.join(incident.attributed_to),
        "sources": LIST_SEPARATOR.join(s if isinstance(s, str) else (s.url or s.title) for s in incident.sources),
        "tags": LIST_SEPARATOR.join(incident.tags),
        "related": LIST_SEPARATOR.join(f"{link.relation} {link.id}" for link in incident.related),
        "withdrawn": incident.withdrawn.reason if incident.withdrawn else None,
        "superseded_by": incident.withdrawn.superseded_by if incident.withdrawn else None,
    }
    return ["" if values[c] is None else values[c] for c in CSV_COLUMNS]


def to_csv(incidents: Iterable[Incident]) -> str:
    return table_to_csv(CSV_COLUMNS, (csv_row(i) for i in incidents))


def table_to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Every CSV this tool writes goes through here, so that no cell can be
    run by a spreadsheet as a formula (see `csv_cell`)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue()


# A spreadsheet runs a cell whose text starts with one of these as a formula
# (or, for tab and CR, may shift it so that the next character does).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """Text starting like a formula gets a leading apostrophe, which every
    common spreadsheet shows as text and does not run; numbers are left as
    numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|&~])")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def markdown_cell(text: str) -> str:
    """Ledger text as one table cell that renders as the same text."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", text.strip())
    return _LINE_BREAK.sub("<br>", escaped)


def rows_to_markdown(header: Sequence[str], rows: Iterable[Sequence[Any]], numeric_from: int) -> str:
    """A pipe table; columns from `numeric_from` on are right-aligned."""
    align = ["---" if i < numeric_from else "---:" for i in range(len(header))]
    lines = ["| " + " | ".join(markdown_cell(h) for h in header) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(markdown_cell(str(v)) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
