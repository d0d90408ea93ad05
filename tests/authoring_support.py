"""Helpers for the authoring and CI tests: synthetic records and ledgers,
and the command line run in-process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from iraqsec.cli import main

SRC = str(Path(__file__).resolve().parent.parent / "src")


def record(ident: str = "2020-09-06-baghdad-airport-rocket", **changes: Any) -> dict[str, Any]:
    """A valid synthetic incident as plain data; `changes` override fields
    (a value of None removes an optional field)."""
    data: dict[str, Any] = {
        "id": ident,
        "date": "2020-09-06",
        "governorate": "Baghdad",
        "place": "Test Airport",
        "tactic": "rocket",
        "target_type": "airport",
        "target": "A car park",
        "target_country": "US",
        "killed": 0,
        "wounded": 1,
        "evidence": "reported",
        "summary": "Two test rockets hit a car park.",
        "sources": ["https://example.org/report-1"],
    }
    for key, value in changes.items():
        if value is None and key not in ("killed", "wounded"):
            data.pop(key, None)
        else:
            data[key] = value
    return data


def as_yaml(records: Sequence[Mapping[str, Any]]) -> str:
    """Records as block YAML written by hand (keys in the order given, JSON
    quoting), so tests do not depend on the writer they test."""
    out = []
    for data in records:
        lines = []
        for i, (key, value) in enumerate(data.items()):
            lead = "- " if i == 0 else "  "
            if isinstance(value, list) and value:
                lines.append(f"{lead}{key}:")
                lines += [f"    - {json.dumps(item, ensure_ascii=False)}" for item in value]
            elif isinstance(value, str) and key in ("date", "published"):
                lines.append(f"{lead}{key}: {value}")
            else:
                lines.append(f"{lead}{key}: {json.dumps(value, ensure_ascii=False)}")
        out.append("\n".join(lines) + "\n")
    return "\n".join(out)


def write_ledger(directory: Path, records: Sequence[Mapping[str, Any]], name: str = "incidents.yaml",
                 actors: str | None = None) -> Path:
    path = directory / name
    path.write_text(as_yaml(records), encoding="utf-8")
    if actors is not None:
        (directory / "actors.yaml").write_text(actors, encoding="utf-8")
    return path


ACTORS = """\
- name: Kataib Hezbollah
  kind: faction
  aliases: [KH, Kata'ib Hizballah]
- name: Ashab al-Kahf
  kind: front
  aliases: [People of the Cave]
"""


def run(*args: str, input: str | bytes | None = None, env: Mapping[str, str] | None = None) -> Result:
    """`iraqsec ARGS...` in-process, stdout and stderr kept apart."""
    environ = {"GITHUB_ACTIONS": "", "NO_COLOR": "1", "IRAQSEC_LEDGER": "", **(env or {})}
    return CliRunner().invoke(main, list(args), input=input, env=environ, catch_exceptions=False)


def subprocess_env(**extra: str) -> dict[str, str]:
    """The environment for `python -m iraqsec` in a child process."""
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "IRAQSEC_LEDGER")}
    env["PYTHONPATH"] = SRC + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def spawn(*args: str, env: Mapping[str, str] | None = None, cwd: Path | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "iraqsec", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=dict(env or subprocess_env()), cwd=cwd)
