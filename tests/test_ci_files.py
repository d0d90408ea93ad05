"""The pre-commit hook and the GitHub workflow this repository ships."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent


def load(relpath: str) -> Any:
    return yaml.safe_load((ROOT / relpath).read_text(encoding="utf-8"))


def test_the_pre_commit_hook() -> None:
    hooks = load(".pre-commit-hooks.yaml")
    assert [h["id"] for h in hooks] == ["iraqsec-check"]
    hook = hooks[0]
    assert (hook["entry"], hook["language"], hook["pass_filenames"]) == ("iraqsec check --strict", "python", False)
    files = re.compile(hook["files"])
    assert files.search("data/incidents.yaml") and files.search("data/2020.yml") and files.search("data/actors.yaml")
    assert not files.search("src/iraqsec/data/x.yaml") and not files.search("data/notes.md")


def test_the_workflow_checks_what_a_pull_request_adds() -> None:
    workflow = load(".github/workflows/ledger.yml")
    trigger = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert trigger["pull_request"]["paths"] == ["data/**"]
    steps = workflow["jobs"]["check"]["steps"]
    assert steps[0] == {"uses": "actions/checkout@v4", "with": {"fetch-depth": 0}}
    assert steps[1]["uses"] == "actions/setup-python@v5"
    assert steps[2]["run"] == "python -m pip install ."
    assert steps[3]["env"] == {"BASE_REF": "${{ github.base_ref }}"}
    assert steps[3]["run"] == 'iraqsec check --new-since "origin/$BASE_REF"'
