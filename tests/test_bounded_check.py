"""Bounded work for hostile ledgers (issue 10, item 8): findings are capped
per rule with one line counting the rest, an option lifts the cap, and
inputs too large for bounded memory are refused up front naming the limit.
Every record here is SYNTHETIC."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import VALID, record
from iraqsec.reading.loader import MAX_LEDGER_BYTES, MAX_RECORDS

MISSING = ["id", "date", "governorate", "place", "tactic", "target_type", "target", "killed", "wounded",
           "summary", "sources"]


def _empty_records(n: int) -> str:
    return "- {}\n" * n


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.integers(min_value=1, max_value=30), cap=st.integers(min_value=0, max_value=40))
def test_findings_are_capped_per_rule(records: int, cap: int, write: Callable[..., Path],
                                      run: Callable[..., Result]) -> None:
    write(_empty_records(records))
    result = run("--no-cache", "check", "--max-per-rule", str(cap), "incidents.yaml")
    assert result.exit_code == 1
    total = records * len(MISSING)
    shown = total if cap == 0 else min(cap, total)
    lines = result.stdout.splitlines()
    assert sum(1 for line in lines if line.endswith("[missing-key]")) == shown
    expected_tail = [f"{total:,} errors, 0 warnings in {records:,} record{'s' if records > 1 else ''} (1 file)"]
    if shown < total:
        more = total - shown
        expected_tail.insert(0, f"... and {more:,} more error{'' if more == 1 else 's'} [missing-key] not shown "
                                f"(the first {cap:,} of each rule are; --max-per-rule 0 shows all)")
    assert lines[-len(expected_tail):] == expected_tail
    assert lines[0] == "incidents.yaml:1:3: error: missing required key 'id' [missing-key]" or shown == 0


def test_default_cap_is_100_per_rule(write: Callable[..., Path], run: Callable[..., Result]) -> None:
    write(_empty_records(50) + VALID + VALID.replace("2020-09-06-baghdad", "2020-09-06-basra"))
    result = run("--no-cache", "check", "incidents.yaml")
    lines = result.stdout.splitlines()
    assert len([line for line in lines if line.endswith("[missing-key]")]) == 100
    assert lines[-2:] == [
        "... and 450 more errors [missing-key] not shown (the first 100 of each rule are; --max-per-rule 0 shows all)",
        "550 errors, 1 warning in 52 records (1 file)",
    ]
    assert "[probable-duplicate]" in result.stdout  # other rules keep their own 100


def test_the_cap_holds_for_json_and_github(write: Callable[..., Path], run: Callable[..., Result]) -> None:
    write(_empty_records(3))
    result = run("--no-cache", "check", "--max-per-rule", "2", "--format", "json", "incidents.yaml")
    assert len(json.loads(result.stdout)) == 2
    assert result.stderr == ("... and 31 more errors [missing-key] not shown (the first 2 of each rule are; "
                             "--max-per-rule 0 shows all)\n")
    result = run("--no-cache", "check", "--max-per-rule", "2", "--format", "github", "incidents.yaml")
    assert result.stdout.count("::error ") == 2
    assert result.stderr.splitlines()[-1] == "33 errors, 0 warnings in 3 records (1 file)"


def test_strict_counts_omitted_warnings_as_errors(write: Callable[..., Path], run: Callable[..., Result]) -> None:
    dup = [record(id=f"2020-09-06-baghdad-rockets-{i}") for i in range(4)]
    write("".join(dup))
    result = run("--no-cache", "check", "--strict", "--max-per-rule", "1", "incidents.yaml")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-2:] == [
        "... and 2 more errors [probable-duplicate] not shown (the first 1 of each rule are; --max-per-rule 0 "
        "shows all)",
        "3 errors, 0 warnings in 4 records (1 file)",
    ]
    result = run("--no-cache", "check", "--max-per-rule", "1", "incidents.yaml")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "0 errors, 3 warnings in 4 records (1 file)"


def test_a_million_empty_records_cost_little(write: Callable[..., Path], run: Callable[..., Result]) -> None:
    write(_empty_records(1_000_000))  # 5 MB, the reported case
    result = run("--no-cache", "check", "incidents.yaml")
    assert result.exit_code == 1
    assert result.stdout == (
        f"incidents.yaml:{MAX_RECORDS + 1}:3: error: the ledger holds more than {MAX_RECORDS:,} records, the most "
        "iraqsec reads (a bound on memory); this file was not checked [too-many-records]\n"
        "1 error, 0 warnings in 0 records (1 file)\n")


def test_the_record_limit_spans_files(write: Callable[..., Path], run: Callable[..., Result],
                                      tmp_path: Path) -> None:
    (tmp_path / "dir").mkdir()
    write(_empty_records(MAX_RECORDS // 2 + 1), "dir/a.yaml")
    write(_empty_records(MAX_RECORDS // 2), "dir/b.yaml")
    result = run("--no-cache", "check", "dir")
    assert result.exit_code == 1
    assert "dir/b.yaml:100000:3: error: the ledger holds more than 200,000 records" in result.stdout


@pytest.mark.parametrize("command", [["check", "big.yaml"], ["-f", "big.yaml", "list"],
                                     ["-f", "big.yaml", "summary", "--by", "month"]])
def test_a_200_mb_file_is_refused_before_it_is_read(command: list[str], tmp_path: Path,
                                                    run: Callable[..., Result]) -> None:
    big = tmp_path / "big.yaml"
    with open(big, "wb") as out:  # sparse: 200 MB on paper, nothing on disk
        out.write(b"[")
        out.truncate(200 * 1000 * 1000)
    result = run("--no-cache", *command)
    assert result.exit_code == 1
    message = (f"big.yaml:1:1: error: the file is 200.0 MB; iraqsec reads at most {MAX_LEDGER_BYTES / 1e6:,.0f} MB "
               "of ledger (a bound on memory), so this file was not read [too-large]")
    assert message in result.stdout + result.stderr


def test_the_byte_limit_spans_files(tmp_path: Path, run: Callable[..., Result]) -> None:
    (tmp_path / "dir").mkdir()
    for name in ("a.yaml", "b.yaml"):
        with open(tmp_path / "dir" / name, "wb") as out:
            out.write(b"# synthetic\n")
            out.truncate(MAX_LEDGER_BYTES // 2 + 10)
    result = run("--no-cache", "check", "dir")
    assert result.exit_code == 1
    assert "dir/b.yaml:1:1: error: the ledger's files total 128.0 MB; iraqsec reads at most 128 MB" in result.stdout
    assert os.path.getsize(tmp_path / "dir" / "a.yaml") < MAX_LEDGER_BYTES


def test_fmt_refuses_a_flood_of_broken_records_with_capped_findings(write: Callable[..., Path],
                                                                    run: Callable[..., Result]) -> None:
    path = write(_empty_records(300))
    result = run("fmt", "incidents.yaml")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 101  # the first 100 findings of the rule, then the count of all
    assert lines[-1] == "iraqsec fmt: incidents.yaml: 3300 error(s); fix them first (the file is left as it is)"
    assert path.read_text(encoding="utf-8") == _empty_records(300)
