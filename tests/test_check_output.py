"""`iraqsec check --format text|json|github`: exact output for CI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from authoring_support import as_yaml, record, run
from iraqsec.cli import main

TACTICS = "rocket, mortar, missile, drone, airstrike, ied, small-arms, grenade, arson, kidnapping, other, unknown"


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    """Two records: an unknown tactic (error) and a probable duplicate (warning)."""
    path = tmp_path / "incidents.yaml"
    path.write_text(as_yaml([record("a", tactic="rockt"), record("b"), record("c")]), encoding="utf-8")
    return path


def test_text_lists_every_finding_then_the_tally(ledger: Path) -> None:
    result = run("check", str(ledger))
    assert result.exit_code == 1
    assert result.stdout == (
        f"{ledger}:5:3: error: tactic: unknown tactic 'rockt'; did you mean 'rocket'? (valid: {TACTICS}) "
        "[unknown-tactic]\n"
        f"{ledger}:31:3: warning: 'c' may be the same event as 'b' ({ledger}:16): same day, governorate, tactic "
        "and target type; merge them, or tag both 'distinct-incident' if they differ [probable-duplicate]\n"
        "1 error, 1 warning in 3 records (1 file)\n")


def test_strict_makes_warnings_errors(ledger: Path) -> None:
    ledger.write_text(as_yaml([record("b"), record("c")]), encoding="utf-8")
    assert run("check", str(ledger)).exit_code == 0
    strict = run("check", "--strict", str(ledger))
    assert strict.exit_code == 1
    assert strict.stdout.endswith("1 error, 0 warnings in 2 records (1 file)\n")


def test_json_gives_every_finding_with_its_place(ledger: Path) -> None:
    result = run("check", "--format", "json", str(ledger))
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [
        {"path": str(ledger), "line": 5, "column": 3, "severity": "error", "rule": "unknown-tactic",
         "message": f"tactic: unknown tactic 'rockt'; did you mean 'rocket'? (valid: {TACTICS})"},
        {"path": str(ledger), "line": 31, "column": 3, "severity": "warning", "rule": "probable-duplicate",
         "message": f"'c' may be the same event as 'b' ({ledger}:16): same day, governorate, tactic and target "
                    "type; merge them, or tag both 'distinct-incident' if they differ"},
    ]
    assert result.stderr == ""


def test_github_prints_workflow_commands_and_the_tally_on_stderr(ledger: Path) -> None:
    result = run("check", "--format", "github", str(ledger))
    assert result.exit_code == 1
    path = str(ledger).replace(":", "%3A").replace(",", "%2C")
    assert result.stdout == (
        f"::error file={path},line=5,col=3,title=unknown-tactic::tactic: unknown tactic 'rockt'; did you mean "
        f"'rocket'? (valid: {TACTICS})\n"
        f"::warning file={path},line=31,col=3,title=probable-duplicate::'c' may be the same event as 'b' "
        f"({ledger}:16): same day, governorate, tactic and target type; merge them, or tag both "
        "'distinct-incident' if they differ\n")
    assert result.stderr == "1 error, 1 warning in 3 records (1 file)\n"


def test_github_escapes_percent_line_breaks_colons_and_commas(tmp_path: Path) -> None:
    path = tmp_path / "odd:name,1.yaml"
    path.write_text(as_yaml([record("a", tactic="50%\r\nrocket")]), encoding="utf-8")
    result = run("check", "--format", "github", str(path))
    shown = str(path).replace(":", "%3A").replace(",", "%2C")
    assert shown.endswith("odd%3Aname%2C1.yaml")
    assert result.stdout.splitlines()[0] == (
        f"::error file={shown},line=5,col=3,title=unknown-tactic::tactic: unknown tactic '50%25%0D%0Arocket'; "
        f"did you mean 'rocket'? (valid: {TACTICS})")


def test_github_is_the_default_under_github_actions(ledger: Path) -> None:
    result = run("check", str(ledger), env={"GITHUB_ACTIONS": "true"})
    assert result.stdout.startswith("::error file=")
    assert result.stderr == "1 error, 1 warning in 3 records (1 file)\n"
    explicit = run("check", "--format", "text", str(ledger), env={"GITHUB_ACTIONS": "true"})
    assert explicit.stdout.startswith(f"{ledger}:5:3: error:")


def test_control_characters_in_values_never_reach_the_terminal(tmp_path: Path) -> None:
    path = tmp_path / "i.yaml"
    path.write_text(as_yaml([record("a")]).replace('tactic: "rocket"', 'tactic: "\\e[31mred\\x9b"'),
                    encoding="utf-8")
    # color=True: click would pass escape sequences through, as it does to a terminal.
    result = CliRunner().invoke(main, ["check", str(path)], color=True, env={"GITHUB_ACTIONS": ""})
    assert "\x1b" not in result.output and "\x9b" not in result.output
    assert "unknown tactic '\\x1b[31mred\\x9b'" in result.output
    for fmt in ("github", "json"):
        out = CliRunner().invoke(main, ["check", "--format", fmt, str(path)], color=True).output
        assert "\x1b" not in out and "\x9b" not in out
