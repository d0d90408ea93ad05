"""The console examples of the README and docs/data.md are real output: each
`$ iraqsec ...` in a ```console block is run on the shipped ledger at 80
columns, from the top of the repository, and must print exactly what the page
shows.  After a ledger change, `python tools/update_examples.py` rewrites them."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO
from iraqsec.cli import main

PAGES = ("README.md", "docs/data.md")


def examples() -> list[tuple[str, str]]:
    out = []
    for page in PAGES:
        text = (REPO / page).read_text(encoding="utf-8")
        for block in re.findall(r"```console\n(.*?)```", text, flags=re.S):
            for part in re.split(r"^\$ ", block, flags=re.M)[1:]:
                command, _, expected = part.partition("\n")
                out.append((command, expected))
    return out


@pytest.mark.parametrize(("command", "expected"), examples(), ids=[c for c, _ in examples()])
def test_readme_example_is_real_output(command: str, expected: str, monkeypatch: pytest.MonkeyPatch,
                                       tmp_path: Path) -> None:
    words = shlex.split(command)
    assert words[0] == "iraqsec"
    monkeypatch.chdir(REPO)
    env = {"COLUMNS": "80", "IRAQSEC_LEDGER": "", "NO_COLOR": "1", "IRAQSEC_CACHE_DIR": str(tmp_path)}
    result = CliRunner().invoke(main, words[1:], env=env, catch_exceptions=False)
    assert result.output == expected
