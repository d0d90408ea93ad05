"""Which files a check reads, and what text they may hold (issue 10, items 9
and 10).  Every record here is SYNTHETIC."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import VALID, record

BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
NO_FILE = ("Error: no ledger file to read: the ledger paths given (or $IRAQSEC_LEDGER) name none; "
           "pass -f PATH or set it to a ledger file or directory\n")


# --- item 9: a check that reads no file fails; a file named twice is read once


@pytest.mark.parametrize("value", [os.pathsep, os.pathsep * 3, f" {os.pathsep} "])
@pytest.mark.parametrize("command", [["check", "--strict"], ["list"], ["summary", "--by", "month"]])
def test_a_ledger_variable_naming_no_file(value: str, command: list[str], run: Callable[..., Result],
                                          write: Callable[..., Path]) -> None:
    write(VALID)  # ./data/incidents.yaml does not exist; the variable wins
    result = run(*command, env={"IRAQSEC_LEDGER": value})
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.endswith(NO_FILE) or result.stderr.endswith(
        "no such ledger file or directory\n")  # ' ' is a (missing) path of its own


def test_the_same_file_given_twice_is_read_once(write: Callable[..., Path], run: Callable[..., Result],
                                                tmp_path: Path) -> None:
    write(VALID)
    (tmp_path / "link.yaml").symlink_to(tmp_path / "incidents.yaml")
    (tmp_path / "sub").mkdir()
    result = run("check", "incidents.yaml", "./incidents.yaml", str(tmp_path / "incidents.yaml"), "link.yaml", ".")
    assert result.exit_code == 0
    assert result.stdout == "0 errors, 0 warnings in 1 record (1 file)\n"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.lists(st.sampled_from(["a.yaml", "./a.yaml", "b.yaml", "dir", "dir/c.yaml", "./dir/"]),
                      min_size=1, max_size=8))
def test_any_repetition_reads_each_file_once(order: list[str], tmp_path: Path, run: Callable[..., Result]) -> None:
    (tmp_path / "dir").mkdir(exist_ok=True)
    ids = {"a.yaml": "2020-09-06-a", "b.yaml": "2020-09-06-b", "dir/c.yaml": "2020-09-06-c"}
    for name, ident in ids.items():
        (tmp_path / name).write_text(record(id=ident, tactic="rocket" if name != "b.yaml" else "mortar",
                                            governorate="Baghdad" if name != "dir/c.yaml" else "Basra"),
                                     encoding="utf-8")
    files = {("dir/c.yaml" if p.startswith(("dir", "./dir")) else p.removeprefix("./")) for p in order}
    result = run("check", *order)
    assert result.exit_code == 0, result.stdout
    n, s = len(files), "s" if len(files) > 1 else ""
    assert result.stdout == f"0 errors, 0 warnings in {n} record{s} ({n} file{s})\n"


# --- item 10: bidirectional controls are errors, the marks are text


@pytest.mark.parametrize("char", BIDI)
@pytest.mark.parametrize("key", ["place", "target", "summary", "notes"])
def test_bidi_controls_are_refused(char: str, key: str, write: Callable[..., Path], run: Callable[..., Result]) -> None:
    write(record(**{key: f'"Ab{char}cd"'}))
    result = run("--no-cache", "check", "incidents.yaml")
    assert result.exit_code == 1
    line = {"place": 4, "target": 7, "summary": 14, "notes": 17}[key]
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"incidents.yaml:{line}:3: error: {key}: text contains the bidirectional control "
                            f"U+{ord(char):04X} ")
    assert first.endswith("at character 3, which reorders how the text is displayed; remove it (the marks U+200E "
                          "and U+200F are allowed) [bidi-control]")
    assert char not in result.stdout  # the message itself never carries the control


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=st.text(alphabet="abc \u0627\u0644\u200e\u200f", max_size=20), char=st.sampled_from(BIDI),
       field=st.sampled_from(["place", "target", "summary"]))
def test_a_bidi_control_anywhere_is_found_at_its_position(before: str, char: str, field: str,
                                                          write: Callable[..., Path],
                                                          run: Callable[..., Result]) -> None:
    text = f"x{before}{char}y"
    write(record(**{field: '"' + text + '"'}))
    result = run("--no-cache", "check", "incidents.yaml")
    assert result.exit_code == 1
    assert f"U+{ord(char):04X}" in result.stdout
    assert f"at character {len(before) + 2}," in result.stdout
    assert "[bidi-control]" in result.stdout


def test_arabic_marks_are_allowed(write: Callable[..., Path], run: Callable[..., Result]) -> None:
    write(record(place='"\u0627\u0644\u0628\u0635\u0631\u0629\u200f (Basra)\u200e"'))
    result = run("--no-cache", "check", "--strict", "incidents.yaml")
    assert result.exit_code == 0, result.stdout
