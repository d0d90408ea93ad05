"""Shared fixtures.  Every record built here is SYNTHETIC test data."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from iraqsec.cli import main

VALID = """\
- id: 2020-09-06-baghdad-airport-rockets
  date: 2020-09-06
  governorate: Baghdad
  place: Baghdad International Airport
  tactic: rocket
  target_type: airport
  target: Airport car park
  target_country: US
  killed: 0
  wounded: 0
  claimed_by: []
  attributed_to: []
  evidence: reported
  summary: Synthetic test record.
  sources:
    - https://example.org/report
"""


def record(**fields: str) -> str:
    """A synthetic record as YAML text, with fields replaced or added
    (value None removes a key).  Keys keep the contract's order."""
    lines = VALID.splitlines()
    out: list[str] = []
    replaced: set[str] = set()
    for line in lines:
        key = line[2:].split(":", 1)[0] if line.startswith(("- ", "  ")) and not line.startswith("    ") else None
        if key in fields:
            replaced.add(key)
            value = fields[key]
            if value is None:
                continue
            prefix = "- " if line.startswith("- ") else "  "
            out.append(f"{prefix}{key}: {value}")
            if key == "sources":
                continue
        elif key is None and "sources" in fields and fields["sources"] is not None:
            continue  # drop the original source items
        elif key is None and "sources" in fields:
            continue
        else:
            out.append(line)
    for key, value in fields.items():
        if key not in replaced and value is not None:
            out.append(f"  {key}: {value}")
    return "\n".join(out) + "\n"


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    def _write(text: str | bytes, name: str = "incidents.yaml") -> Path:
        path = tmp_path / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Result]:
    """Run the CLI in tmp_path with a clean environment and an 80-column terminal."""
    monkeypatch.chdir(tmp_path)
    for var in ("IRAQSEC_LEDGER", "GITHUB_ACTIONS", "NO_COLOR"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("COLUMNS", "80")
    # Never touch the user's cache: each test gets its own.
    monkeypatch.setenv("IRAQSEC_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))

    def _run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        runner = CliRunner()
        return runner.invoke(main, list(args), input=input, env=env, catch_exceptions=False)

    return _run


REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / "data" / "incidents.yaml"
os.environ.setdefault("COLUMNS", "80")
