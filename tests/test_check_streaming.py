"""`check` validates each record as the reader hands it over (so a big
ledger never holds every record's raw values at once).  Whatever the text,
the findings and records must be exactly those of reading the whole file
first and validating afterwards, including when the reader gives up on its
fast path half-way through the file and the event builder reads it all.
Every record here is SYNTHETIC."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import record
from iraqsec.reading import ledger, loader

# Five records: valid ones, one with an unknown tactic, a repeated id, a link
# to the record that does not validate; the first ones fill the fast path
# before any edit further down sends the file to the event builder.
SEED = "# SYNTHETIC\n\n" + "\n".join([
    record(id="a"),
    record(id="b", date="2020-09-07", tactic="rockett"),
    record(id="c", date="2020-09-08", summary=">-\n    Folded\n    text."),
    record(id="a", date="2020-09-09"),
    record(id="d", date="2020-09-10") + "  related:\n    - id: b\n      relation: see-also\n",
])
NASTY = ["\t", "\x00", "&a ", "*a", "!!str ", "'", '"', "#", " #", ": ", "\n", "  ", "- ", "---\n", "|+", "[",
         "{", "\\", "\ufeff", "\r", "\u202e", "\n- ", "\n-\n", "010", "0x10", "1:30", " ", "rocket", "id: e\n"]


def _outcome(loaded: ledger.Ledger) -> tuple[Any, ...]:
    return (loaded.findings, loaded.record_count, loaded.omitted,
            [(i.id, raw.line, raw.col) for i, raw in loaded.entries])


_LOAD_FILE = loader.load_file


def _unstreamed(path: Path, shown: str | None = None, max_records: int = loader.MAX_RECORDS,
                sink: loader.RecordSink | None = None) -> loader.LoadedFile:
    return _LOAD_FILE(path, shown, max_records)  # every record comes back whole, then is validated


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(NASTY)), max_size=3), st.sampled_from([None, 1]))
def test_streamed_check_equals_reading_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             edits: list[tuple[int, str]], cap: int | None) -> None:
    text = SEED
    for at, piece in edits:
        at %= len(text) + 1
        text = text[:at] + piece + text[at:]
    path = tmp_path / "incidents.yaml"
    path.write_text(text, encoding="utf-8")
    streamed = _outcome(ledger.load([str(path)], cap))
    with monkeypatch.context() as patch:
        patch.setattr(loader, "load_file", _unstreamed)  # ledger.py imports it when it loads
        assert _outcome(ledger.load([str(path)], cap)) == streamed


def test_a_link_to_a_record_that_does_not_validate_is_not_unknown(
        run: Callable[..., Result], tmp_path: Path) -> None:
    # Only the broken record is reported: the link names a record that exists.
    (tmp_path / "incidents.yaml").write_text(SEED.replace(record(id="a", date="2020-09-09"), ""), encoding="utf-8")
    result = run("check", "incidents.yaml")
    assert result.output == (
        "incidents.yaml:24:3: error: tactic: unknown tactic 'rockett'; did you mean 'rocket'? (valid: rocket, "
        "mortar, missile, drone, airstrike, ied, small-arms, grenade, arson, kidnapping, other, unknown) "
        "[unknown-tactic]\n"
        "1 error, 0 warnings in 4 records (1 file)\n")
    assert result.exit_code == 1
