"""`--version` and `--help` load neither the models, the YAML parser nor rich."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import sys
from iraqsec.cli import main
try:
    main([{arg!r}])
except SystemExit:
    pass
heavy = sorted(m for m in ("pydantic", "yaml", "rich", "iraqsec.record.model", "iraqsec.reading.loader")
               if m in sys.modules)
print("heavy:", heavy, file=sys.stderr)
"""


@pytest.mark.parametrize("arg", ["--version", "--help"])
def test_start_up_imports_nothing_heavy(arg: str) -> None:
    done = subprocess.run([sys.executable, "-c", PROBE.format(arg=arg)], capture_output=True, text=True, check=True)
    assert done.stderr.strip().splitlines()[-1] == "heavy: []"


WARM_PROBE = """
import sys
from iraqsec.cli import main
try:
    main({args!r})
except SystemExit:
    pass
heavy = sorted(m for m in ("pydantic", "yaml", "rich", "iraqsec.record.model", "iraqsec.reading.loader")
               if m in sys.modules)
print("heavy:", heavy, file=sys.stderr)
"""
LEDGER = Path(__file__).resolve().parent.parent / "data" / "incidents.yaml"


@pytest.mark.parametrize("args", [
    ["summary", "--by", "month", "--by", "tactic", "--format", "json"],
    ["summary", "--by", "actor", "--format", "csv", "--scope", "all"],
    ["trend", "--format", "json"],
    ["list", "--month", "2024-01", "--format", "json"],
    ["list", "--format", "ids", "--scope", "all"],
])
@pytest.mark.parametrize("registries", [False, True])
def test_warm_machine_reports_load_neither_pydantic_yaml_nor_rich(args: list[str], registries: bool,
                                                                   tmp_path: Path) -> None:
    """From a warm cache, JSON, CSV and id output read the cached Facts and
    JSON texts: no model, so no pydantic (whose import alone costs a good
    part of the 0.3 s these commands may take at 100,000 records).  With
    the shipped actors.yaml and places.yaml beside the ledger too: the
    registries (models) are built only when a filter names an actor or a
    place."""
    ledger = tmp_path / "incidents.yaml"
    ledger.write_bytes(LEDGER.read_bytes())
    if registries:
        for name in ("actors.yaml", "places.yaml"):
            (tmp_path / name).write_bytes((LEDGER.parent / name).read_bytes())
    env = {**os.environ, "IRAQSEC_CACHE_DIR": str(tmp_path / "cache"), "IRAQSEC_LEDGER": str(ledger)}
    probe = [sys.executable, "-c", WARM_PROBE.format(args=args)]
    first = subprocess.run(probe, capture_output=True, text=True, check=True, env=env)  # fills the cache
    assert "pydantic" in first.stderr.strip().splitlines()[-1]  # (the full load validated the models)
    warm = subprocess.run(probe, capture_output=True, text=True, check=True, env=env)
    assert warm.stderr.strip().splitlines()[-1] == "heavy: []"
    assert warm.stdout == first.stdout and warm.stdout
