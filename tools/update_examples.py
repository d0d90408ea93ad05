"""Rewrite the outputs that tests pin to the shipped ledger, after the ledger changes.

    python tools/update_examples.py

Every `$ iraqsec ...` line in a ```console block of README.md and docs/data.md
is run again, exactly as tests/test_readme_examples.py runs it (80 columns,
NO_COLOR, from the top of the repository), and the output under it replaced;
the whole-span goldens of tests/golden/ are drawn again as tests/test_periods.py
draws them.  Read the diff before committing: a changed figure should be one the
ledger change explains.
"""

from __future__ import annotations

import os
import re
import shlex
import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner

from iraqsec.cli import main

REPO = Path(__file__).resolve().parent.parent
PAGES = ("README.md", "docs/data.md")
GOLDENS = {
    "trend-quarter": ["trend", "--period", "quarter"],
    "trend-year": ["trend", "--period", "year"],
    "summary-evidence-year": ["summary", "--by", "month", "--by", "evidence", "--period", "year"],
}


def run(args: list[str], env: dict[str, str]) -> str:
    result = CliRunner().invoke(main, args, env=env, catch_exceptions=False)
    if result.exit_code != 0:
        sys.exit(f"iraqsec {shlex.join(args)} failed:\n{result.output}")
    return result.stdout


def rewrite_page(page: Path, env: dict[str, str]) -> None:
    def block(match: re.Match[str]) -> str:
        parts = re.split(r"^\$ ", match.group(1), flags=re.M)[1:]
        commands = [part.partition("\n")[0] for part in parts]
        return "```console\n" + "".join(f"$ {c}\n{run(shlex.split(c)[1:], env)}" for c in commands) + "```"

    text = page.read_text(encoding="utf-8")
    page.write_text(re.sub(r"```console\n(.*?)```", block, text, flags=re.S), encoding="utf-8")


def main_() -> None:
    with tempfile.TemporaryDirectory() as cache:
        pages_env = {"COLUMNS": "80", "IRAQSEC_LEDGER": "", "NO_COLOR": "1", "IRAQSEC_CACHE_DIR": cache}
        shipped_env = {**pages_env, "IRAQSEC_LEDGER": str(REPO / "data" / "incidents.yaml")}
        os.chdir(REPO)
        for page in PAGES:
            rewrite_page(REPO / page, pages_env)
        for name, args in GOLDENS.items():
            (REPO / "tests" / "golden" / f"{name}.txt").write_text(run(args, shipped_env), encoding="utf-8")


if __name__ == "__main__":
    main_()
