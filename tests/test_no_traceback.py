"""No traceback, ever (issue 10, items 7 and 11): a full disk, a closed pipe,
a closed stdin, hostile JSON and ACLED numbers each end as one clear line
and exit 1 or 2; values typed on the command line are echoed escaped and
shortened.  Every record here is SYNTHETIC (or the shipped ledger)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result
from hypothesis import given, settings
from hypothesis import strategies as st

from authoring_support import subprocess_env
from conftest import SHIPPED, VALID
from test_import_acled import ROCKETS, acled_csv

SHIPPED_ID = "2019-10-28-baghdad-taji-base-mortar-rounds"
# Every command that writes to standard output, with arguments that make it write.
WRITERS: list[list[str]] = [
    ["check", "incidents.yaml"],
    ["-f", "incidents.yaml", "list"],
    ["-f", "incidents.yaml", "list", "--format", "json"],
    ["-f", "incidents.yaml", "list", "--format", "csv"],
    ["-f", "incidents.yaml", "show", SHIPPED_ID],
    ["-f", "incidents.yaml", "summary", "--by", "month"],
    ["-f", "incidents.yaml", "trend"],
    ["-f", "incidents.yaml", "export", "--format", "csv"],
    ["-f", "incidents.yaml", "export", "--format", "json"],
    ["-f", "incidents.yaml", "import", "acled", "acled.csv", "-o", "-"],
    ["-f", "incidents.yaml", "fmt", "--check", "unformatted.yaml"],
    ["schema"],
    ["--help"],
    ["--version"],
]


def _cli(args: list[str], cwd: Path, stdout: Any) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "iraqsec", *args], stdout=stdout, stdin=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, cwd=cwd, env=subprocess_env(), timeout=60, check=False)


@pytest.fixture(scope="module")
def ledger_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("shipped")
    shutil.copy(SHIPPED, folder / "incidents.yaml")
    shutil.copy(SHIPPED.parent / "actors.yaml", folder / "actors.yaml")
    (folder / "acled.csv").write_text(acled_csv([ROCKETS]), encoding="utf-8")
    (folder / "unformatted.yaml").write_text(VALID.replace("  killed: 0\n", "  killed:   0\n"), encoding="utf-8")
    return folder


@contextlib.contextmanager
def _full_device() -> Iterator[Any]:
    """/dev/full, checked to be the device (tests elsewhere on a shared
    machine, run as root, may briefly replace device nodes)."""
    for _ in range(50):
        full = open("/dev/full", "wb")  # noqa: SIM115 - closed below
        if stat.S_ISCHR(os.fstat(full.fileno()).st_mode):
            break
        full.close()
        time.sleep(0.1)
    else:
        pytest.fail("/dev/full is not a character device on this machine")
    try:
        yield full
    finally:
        full.close()


# machine formats say on stderr what the default scope left out; that note is not the error
LEFT_OUT_NOTE = re.compile(r"^iraqsec: .* not shown: --(scope all|include-withdrawn)\n")


def _one_line(stderr: bytes) -> str:
    text = LEFT_OUT_NOTE.sub("", stderr.decode("utf-8"))
    assert "Traceback" not in text
    assert "Exception ignored" not in text
    assert text.count("\n") == 1, text
    return text


@pytest.mark.parametrize("args", WRITERS, ids=lambda a: " ".join(a[-3:]))
def test_stdout_on_a_full_disk(args: list[str], ledger_dir: Path) -> None:
    with _full_device() as full:
        done = _cli(args, ledger_dir, full)
    assert done.returncode == 1
    assert _one_line(done.stderr) == "iraqsec: cannot write: no space left on the device\n"


@pytest.mark.parametrize("args", WRITERS, ids=lambda a: " ".join(a[-3:]))
def test_stdout_a_closed_pipe(args: list[str], ledger_dir: Path) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # like `| head -0`: nobody will ever read
    try:
        done = _cli(args, ledger_dir, write_end)
    finally:
        os.close(write_end)
    assert done.returncode == 1
    assert _one_line(done.stderr) == "iraqsec: standard output was closed before all output was written\n"


@pytest.mark.parametrize("args", WRITERS, ids=lambda a: " ".join(a[-3:]))
def test_stdout_closed(args: list[str], ledger_dir: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "iraqsec", *args], stdin=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          cwd=ledger_dir, env=subprocess_env(), timeout=60, check=False,
                          preexec_fn=lambda: os.close(1))  # like `>&-`
    assert done.returncode == 1
    assert _one_line(done.stderr) == "iraqsec: cannot write: standard output is closed\n"


def test_add_json_with_stdout_on_a_full_disk(tmp_path: Path) -> None:
    (tmp_path / "incidents.yaml").write_text(VALID, encoding="utf-8")
    record = VALID.replace("2020-09-06-baghdad-airport-rockets", "2020-09-07-baghdad-airport-rockets")
    (tmp_path / "new.json").write_text(json.dumps(yaml.safe_load(record)[0] | {"date": "2020-09-07"}),
                                       encoding="utf-8")
    with _full_device() as full:
        done = _cli(["-f", "incidents.yaml", "add", "--json", "new.json"], tmp_path, full)
    assert done.returncode == 1
    assert _one_line(done.stderr) == "iraqsec: cannot write: no space left on the device\n"


def test_add_json_from_a_closed_stdin(ledger_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "incidents.yaml").write_text(VALID, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "iraqsec", "-f", "incidents.yaml", "add", "--json", "-"],
                          stdin=None, capture_output=True, cwd=tmp_path,
                          env=subprocess_env(), timeout=60, check=False, close_fds=True,
                          preexec_fn=lambda: os.close(0))
    assert done.returncode == 2
    assert _one_line(done.stderr) == ("Error: --json -: standard input is closed; pipe the JSON in or give a file\n")
    assert (tmp_path / "incidents.yaml").read_text(encoding="utf-8") == VALID


@pytest.mark.parametrize("depth", [33, 1_000, 100_000])
@pytest.mark.parametrize("opening", ["[", "{\"a\": "])
def test_add_json_nested_deep(depth: int, opening: str, write: Callable[..., Path],
                              run: Callable[..., Result]) -> None:
    write(VALID)
    closing = "]" if opening == "[" else "}"
    result = run("-f", "incidents.yaml", "add", "--json", "-", input=opening * depth + "1" + closing * depth)
    assert result.exit_code == 1
    assert result.stderr == (
        f"<stdin>:1:1: error: the JSON is nested {depth:,} levels deep; a record needs 4 and at most 32 are read "
        "[too-deep]\niraqsec add: the input is not a ledger record; the ledger is unchanged\n")


def test_brackets_inside_json_strings_are_text(write: Callable[..., Path], run: Callable[..., Result]) -> None:
    write(VALID)
    record = ('{"id": "2020-09-07-baghdad-test", "date": "2020-09-07", "governorate": "Baghdad", '
              '"place": "Baghdad", "tactic": "rocket", "target_type": "airport", "target": "' + "[" * 100 + '", '
              '"killed": 0, "wounded": 0, "summary": "Synthetic ' + "{" * 500 + '", '
              '"sources": ["https://example.org/a"]}')
    result = run("-f", "incidents.yaml", "add", "--json", "-", input=record)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "2020-09-07-baghdad-test\n"


@settings(max_examples=20, deadline=None)
@given(digits=st.integers(min_value=31, max_value=6000), sign=st.sampled_from(["", "-"]))
def test_add_json_huge_integer(digits: int, sign: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    from click.testing import CliRunner

    from iraqsec.cli import main

    folder = tmp_path_factory.mktemp("huge")
    (folder / "incidents.yaml").write_text(VALID, encoding="utf-8")
    text = '{"killed": ' + sign + "7" * digits + "}"
    result = CliRunner().invoke(main, ["-f", str(folder / "incidents.yaml"), "add", "--json", "-"], input=text)
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stderr == (
        f"<stdin>:1:12: error: a number of {digits + len(sign):,} digits; a count has at most 30 [bad-value]\n"
        "iraqsec add: the input is not a ledger record; the ledger is unchanged\n")


@pytest.mark.parametrize("column", ["fatalities", "latitude", "longitude", "timestamp", "event_id_cnty"])
def test_acled_huge_integer(column: str, write: Callable[..., Path], run: Callable[..., Result]) -> None:
    write(VALID)
    write(acled_csv([ROCKETS | {column: "9" * 5000}]), "acled.csv")
    result = run("-f", "incidents.yaml", "import", "acled", "acled.csv", "-o", "new.yaml")
    assert "Traceback" not in result.stderr
    assert result.exit_code in (0, 1)
    if column == "fatalities":
        assert result.stderr.startswith("acled.csv:2: error: fatalities has 5,000 digits; a count has at most 30\n")
    for line in result.stderr.splitlines():
        assert len(line) < 1000


def test_typed_values_are_escaped_and_shortened(write: Callable[..., Path], run: Callable[..., Result]) -> None:
    write(VALID)
    result = run("-f", "incidents.yaml", "show", "\x1b[31mred\u202e" + "x" * 10_000)
    assert result.exit_code == 1
    assert result.stderr == ("iraqsec: no incident with id '\\x1b[31mred\\u202e" + "x" * 51
                             + "… (10,009 characters)'; 'iraqsec list --format ids' lists them\n")


@pytest.mark.parametrize("args", [
    ["list", "--actor", "{v}"], ["list", "--tactic", "{v}"], ["list", "--governorate", "{v}"],
    ["list", "--month", "{v}"], ["summary", "--by", "{v}"], ["list", "--format", "{v}"], ["show", "{v}"],
    ["export", "--format", "{v}"], ["{v}"],
])
def test_no_typed_value_reaches_the_terminal_raw(args: list[str], write: Callable[..., Path],
                                                 run: Callable[..., Result]) -> None:
    write(VALID)
    value = "\x1b]0;pwned\x07\u202e\nline2" + "k" * 1_000_000
    result = run("-f", "incidents.yaml", *[a.replace("{v}", value) for a in args])
    assert result.exit_code in (1, 2)
    assert "\x1b" not in result.output + result.stderr
    assert "\u202e" not in result.output + result.stderr
    assert "\nline2" not in result.stderr  # a typed line break is shown as \n, not obeyed
    assert len(result.stderr) < 4000


def test_a_bare_command_shows_its_help(run: Callable[..., Result]) -> None:
    result = run()
    assert result.exit_code == 2
    assert result.stderr.startswith("Usage: ")
    assert "[OPTIONS] COMMAND [ARGS]...\n\n  A sourced ledger" in result.stderr
    assert "  check    Check ledger files and report every problem.\n" in result.stderr
