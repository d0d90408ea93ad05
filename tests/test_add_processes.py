"""`iraqsec add` as separate processes: concurrent adds all land, and a
process killed at any moment leaves the old file or the new one."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from authoring_support import record, spawn, subprocess_env, write_ledger
from iraqsec.reading.ledger import load
from iraqsec.writing.writer import PAUSE_ENV


def test_twenty_concurrent_adds_all_land(tmp_path: Path) -> None:
    ledger = write_ledger(tmp_path, [record()])
    inputs = []
    for n in range(20):
        path = tmp_path / f"r{n}.json"
        path.write_text(json.dumps(record(f"2020-08-{n + 1:02d}-test-{n}", date=f"2020-08-{n + 1:02d}")))
        inputs.append(path)
    procs = [spawn("-f", str(ledger), "add", "--json", str(p)) for p in inputs]
    outcomes = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in procs]  # type: ignore[union-attr]
    assert [o[0] for o in outcomes] == [0] * 20, [o[2] for o in outcomes if o[0]]
    assert sorted(o[1].decode().strip() for o in outcomes) == sorted(f"2020-08-{n + 1:02d}-test-{n}"
                                                                     for n in range(20))
    loaded = load([str(ledger)])
    assert loaded.findings == []
    assert len(loaded.incidents) == 21


def _batch(tmp_path: Path, size: int) -> Path:
    path = tmp_path / "batch.json"
    path.write_text(json.dumps([record(f"2020-07-01-batch-{n}", date="2020-07-01", place=f"Site {n}",
                                       tags=["distinct-incident"]) for n in range(size)]))
    return path


def _expected_new(tmp_path: Path, old: bytes, batch: Path) -> bytes:
    """The file an add that is not killed writes (made on a copy)."""
    copy = tmp_path / "copy" / "incidents.yaml"
    copy.parent.mkdir()
    copy.write_bytes(old)
    subprocess.run([sys.executable, "-m", "iraqsec", "-f", str(copy), "add", "--json", str(batch)],
                   env=subprocess_env(), check=True, capture_output=True)
    return copy.read_bytes()


def test_killed_between_the_temporary_file_and_the_rename_leaves_the_old_file(tmp_path: Path) -> None:
    ledger = write_ledger(tmp_path, [record()])
    old = ledger.read_bytes()
    proc = spawn("-f", str(ledger), "add", "--json", str(_batch(tmp_path, 3)), env=subprocess_env(**{PAUSE_ENV: "30"}))
    try:
        while not list(tmp_path.glob(".incidents.yaml.*.tmp")):  # the new content is written, not yet renamed
            assert proc.poll() is None, proc.stderr.read()  # type: ignore[union-attr]
            time.sleep(0.01)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert ledger.read_bytes() == old


def test_killed_at_random_moments_the_ledger_is_never_torn(tmp_path: Path) -> None:
    ledger = write_ledger(tmp_path, [record()])
    old = ledger.read_bytes()
    batch = _batch(tmp_path, 300)
    new = _expected_new(tmp_path, old, batch)
    env = subprocess_env(**{PAUSE_ENV: "0.2"})
    rng = random.Random(5)
    # An add takes a few tenths of a second (start, check, write, pause):
    # the kills land in every phase of it, and some after it.
    for _ in range(10):
        ledger.write_bytes(old)
        proc = spawn("-f", str(ledger), "add", "--json", str(batch), env=env)
        time.sleep(rng.uniform(0.0, 0.7))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert ledger.read_bytes() in (old, new)
    assert load([str(ledger)]).errors == []
