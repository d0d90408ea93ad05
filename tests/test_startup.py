"""`--version` and `--help` load neither the models, the YAML parser nor rich."""

from __future__ import annotations

import subprocess
import sys

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
