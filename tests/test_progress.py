"""Progress bars: on stderr when it is a terminal, never in a pipe, never
under --format json, and never in the results.  Records here are SYNTHETIC."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import VALID

LEDGER = "".join(VALID.replace("2020-09-06-baghdad", f"r{n}-baghdad").replace("2020-09-06", f"2020-09-{n:02d}")
                 + "\n" for n in range(1, 29))


def _run(args: list[str], path: Path, stderr_terminal: bool) -> tuple[int, bytes, bytes]:
    """Exit code, stdout and stderr of iraqsec with stderr on a pseudo-terminal or a pipe."""
    env = {**os.environ, "IRAQSEC_PROGRESS": "always", "IRAQSEC_CACHE_DIR": str(path.parent / "cache"),
           "COLUMNS": "100", "TERM": "xterm"}
    argv = [sys.executable, "-m", "iraqsec", *(str(path) if a == "LEDGER" else a for a in args)]
    if not stderr_terminal:
        proc = subprocess.run(argv, env=env, capture_output=True, timeout=120)
        return proc.returncode, proc.stdout, proc.stderr
    main, secondary = pty.openpty()
    try:
        with subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=secondary) as proc:
            os.close(secondary)
            out = proc.stdout.read() if proc.stdout else b""
            chunks = []
            while True:
                try:
                    chunk = os.read(main, 65536)
                except OSError:  # the terminal closed: the process is done
                    break
                if not chunk:
                    break
                chunks.append(chunk)
            return proc.wait(timeout=120), out, b"".join(chunks)
    finally:
        os.close(main)


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_a_bar_on_a_terminal_and_the_same_results(tmp_path: Path) -> None:
    path = tmp_path / "incidents.yaml"
    path.write_text(LEDGER, encoding="utf-8")
    code, out, err = _run(["check", "LEDGER"], path, stderr_terminal=True)
    assert code == 0
    assert out == b"0 errors, 0 warnings in 28 records (1 file)\n"
    assert b"reading and checking" in err and b"\x1b[" in err  # drawn on the terminal, then cleared
    assert _run(["check", "LEDGER"], path, stderr_terminal=False) == (0, out, b"")


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
@pytest.mark.parametrize("args", [["check", "--format", "json", "LEDGER"],
                                  ["--no-cache", "-f", "LEDGER", "list", "--format", "json"]])
def test_no_bar_under_json(tmp_path: Path, args: list[str]) -> None:
    path = tmp_path / "incidents.yaml"
    path.write_text(LEDGER, encoding="utf-8")
    code, out, err = _run(args, path, stderr_terminal=True)
    assert code == 0 and out.startswith(b"[") and err == b""
