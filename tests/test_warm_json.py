"""`list --format json` from the cache prints each record's JSON as it was
encoded when the cache was filled (no model rebuilt, no encoder run): the
output is byte-identical to json.dumps of the records, with and without the
cache.  Every record here is SYNTHETIC (hypothesis)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incident_strategies import incidents
from iraqsec.cli import main
from iraqsec.record.model import Incident, Withdrawn
from iraqsec.rendering.plain import indented_json, record_dict, rows_to_json
from iraqsec.writing.writer import dump_records

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20))
JSON_VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)), max_leaves=25)


@settings(max_examples=400, deadline=None)
@given(JSON_VALUES, st.sampled_from(["", "  ", "    "]))
def test_indented_json_is_json_dumps_byte_for_byte(value: Any, indent: str) -> None:
    expected = json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + indent)
    assert indented_json(value, indent) == expected


def test_summary_rows_are_json_dumps() -> None:
    rows = [{"month": "2020-09", "tactic": None, "incidents": 3, "killed": 0}, {"month": "2020-10"}]
    assert rows_to_json(rows) == json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    assert rows_to_json([]) == "[]\n"


def _list_json(ledger: Path, *options: str) -> str:
    result = CliRunner().invoke(main, [*options, "-f", str(ledger), "list", "--scope", "all",
                                       "--include-withdrawn", "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _standalone(incident: Incident) -> Incident:
    """Without links to records the ledger lacks (an error: never cached)."""
    withdrawn = incident.withdrawn and Withdrawn(reason=incident.withdrawn.reason)
    return incident.model_copy(update={"related": [], "withdrawn": withdrawn})


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(incidents().map(_standalone), min_size=0, max_size=4, unique_by=lambda i: i.id))
def test_list_json_is_identical_with_a_cold_and_a_warm_cache(records: list[Incident]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ledger = Path(tmp) / "incidents.yaml"
        ledger.write_text(dump_records(records) if records else "[]\n", encoding="utf-8")
        cache = Path(tmp) / "cache"
        old = os.environ.get("IRAQSEC_CACHE_DIR")
        os.environ["IRAQSEC_CACHE_DIR"] = str(cache)
        try:
            plain = _list_json(ledger, "--no-cache")
            cold = _list_json(ledger)
            assert len(list(cache.glob("ledger-*.bin"))) == 1  # the cache was filled...
            warm = _list_json(ledger)  # ...and this one read from it
        finally:
            if old is None:
                del os.environ["IRAQSEC_CACHE_DIR"]
            else:
                os.environ["IRAQSEC_CACHE_DIR"] = old
    ordered = sorted(records, key=lambda i: (i.date, i.id))
    expected = json.dumps([record_dict(i) for i in ordered], ensure_ascii=False, indent=2) + "\n"
    assert plain == cold == warm == expected
