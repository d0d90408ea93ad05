"""Issue 13, item 7: ACLED's terms.  `import acled` writes a review file
for the user's own use by default (./acled-review.yaml, git-ignored here,
headed by a comment on ACLED's terms), never the ledger; `--append` adds
to the ledger only when asked, with a warning.  Every CSV row here is
SYNTHETIC (tests/test_import_acled.py)."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from conftest import REPO, VALID
from test_import_acled import HEADER, ROCKETS, ROCKETS_YAML, TERMS_NOTE, acled_csv

SUMMARY = ("iraqsec: acled.csv: 1 row (pre-2023 layout): 1 new incident written to acled-review.yaml; 0 already in "
           "the ledger; 0 rows skipped; 0 of other event types and 0 outside Iraq left out\n")
WARNING = ("iraqsec: warning: incidents.yaml now holds records derived from ACLED data. ACLED's terms of use forbid "
           "redistributing its data or building a dataset that substitutes for it: do not commit or publish this "
           "ledger unless your ACLED licence allows it (docs/interop.md).\n")


@pytest.fixture
def setup(write: Callable[..., Path]) -> Path:
    write(acled_csv([ROCKETS]), "acled.csv")
    return write(VALID)


def test_default_is_a_review_file_not_the_ledger(setup: Path, run: Callable[..., Result], tmp_path: Path) -> None:
    before = setup.read_bytes()
    result = run("-f", "incidents.yaml", "import", "acled", "acled.csv")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == SUMMARY + TERMS_NOTE
    review = tmp_path / "acled-review.yaml"
    assert review.read_text(encoding="utf-8") == HEADER + ROCKETS_YAML
    assert setup.read_bytes() == before  # the ledger is untouched
    assert run("-f", "incidents.yaml", "import", "acled", "acled.csv", "-o", "-").stdout == review.read_text()
    check = run("check", "acled-review.yaml")
    assert check.exit_code == 0, check.output
    assert check.stdout.endswith("0 errors, 0 warnings in 1 record (1 file)\n")


def test_an_existing_review_file_is_kept_unless_forced(setup: Path, run: Callable[..., Result],
                                                      tmp_path: Path) -> None:
    review = tmp_path / "acled-review.yaml"
    review.write_text("my notes\n")
    result = run("-f", "incidents.yaml", "import", "acled", "acled.csv")
    assert result.exit_code == 2
    assert result.stderr == ("Error: acled-review.yaml exists; give --force to replace it, -o PATH for another "
                             "review file, or --append to add to the ledger\n")
    assert review.read_text() == "my notes\n"
    assert run("-f", "incidents.yaml", "import", "acled", "acled.csv", "--force").exit_code == 0
    assert review.read_text() == HEADER + ROCKETS_YAML


def test_a_review_file_path_that_is_no_regular_file_is_refused(setup: Path, run: Callable[..., Result],
                                                                tmp_path: Path) -> None:
    (tmp_path / "acled-review.yaml").mkdir()
    result = run("-f", "incidents.yaml", "import", "acled", "acled.csv")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: the review file acled-review.yaml is a directory")


def test_append_is_explicit_and_warns(setup: Path, run: Callable[..., Result], tmp_path: Path) -> None:
    result = run("-f", "incidents.yaml", "import", "acled", "acled.csv", "--append")
    assert result.exit_code == 0, result.output
    assert result.stderr.endswith(WARNING)
    assert "acled-irq90001" in setup.read_text()
    assert not (tmp_path / "acled-review.yaml").exists()
    again = run("-f", "incidents.yaml", "import", "acled", "acled.csv", "--append")  # nothing new: no warning
    assert again.exit_code == 0
    assert "warning" not in again.stderr


def test_help_says_what_the_terms_mean(run: Callable[..., Result]) -> None:
    text = " ".join(re.sub(r"-\n\s+", "-", run("import", "acled", "--help").output).split())  # rejoin a-/b
    assert "ACLED's terms of use forbid redistributing its data or building a dataset that substitutes for it" in text
    assert "./acled-review.yaml (git-ignored in this project; -o PATH for another, - for standard output)" in text
    assert "They derive from ACLED data: do not publish that ledger unless ACLED's terms allow it." in text


def test_the_default_review_file_is_git_ignored_here() -> None:
    git = shutil.which("git")
    if git is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    for path in ("acled-review.yaml", "data/acled-review.yaml"):
        assert subprocess.run([git, "check-ignore", "-q", path], cwd=REPO, check=False).returncode == 0, path


def test_interop_doc_states_the_terms() -> None:
    text = " ".join((REPO / "docs" / "interop.md").read_text(encoding="utf-8").split())
    assert "### ACLED's terms" in (REPO / "docs" / "interop.md").read_text(encoding="utf-8")
    assert "acled-review.yaml" in text and "--append" in text
