"""Issue 10, item 2: no report ever cuts a figure or splits a header, at any
width or in a pipe.  Every report over the shipped ledger (real data, with
figures such as 125 and 301 and long actor names) is drawn at widths 40 to
200; every figure it shows at an unlimited width must appear whole at each
of them, with no ellipsis.  Golden tables pin the layouts at fixed widths
on SYNTHETIC records."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SHIPPED, record
from iraqsec.analysis.reports import FIELDS
from iraqsec.cli import main
from iraqsec.record.vocab import TARGET_TYPES

REPORTS: list[list[str]] = [
    ["list"],
    ["list", "--columns", "id,date,governorate,place,tactic,target-type,target,killed,wounded,claimed-by"],
    ["summary", "--by", "tactic"],
    ["summary", "--by", "actor"],
    ["summary", "--by", "claimed-by"],
    ["summary", "--by", "attributed-to"],
    ["summary", "--by", "tactic", "--by", "governorate"],
    ["summary", "--by", "month", "--by", "actor"],
    ["summary", "--by", "month", "--by", "target-type"],
    ["summary", "--by", "month", "--by", "tactic", "--from", "2020-06", "--to", "2020-10"],
    ["summary", "--by", "month", "--by", "claimed-by", "--month", "2020-09"],
    ["trend"],
    ["trend", "--by", "actor"],
    ["trend", "--period", "quarter"],
    ["trend", "--period", "year"],
    ["trend", "--by", "actor", "--period", "quarter"],
    ["summary", "--by", "month", "--period", "quarter"],
    ["summary", "--by", "month", "--by", "actor", "--period", "quarter"],
    ["summary", "--by", "month", "--by", "tactic", "--period", "year", "--from", "2020-06"],
]
# Every grouping, alone and crossed with month, and every trend: drawn at a few widths each.
ALL_REPORTS: list[list[str]] = [
    *(["summary", "--by", f] for f in FIELDS),
    *(["summary", "--by", "month", "--by", f] for f in FIELDS if f != "month"),
    *(["trend", "--by", f] for f in FIELDS if f != "month"),
    *(["summary", "--by", "month", "--by", f, "--period", p] for f in FIELDS if f != "month"
      for p in ("quarter", "year")),
    *(["trend", "--by", f, "--period", "year"] for f in FIELDS if f != "month"),
]
NUMBER = re.compile(r"\d+")
CACHE = tempfile.mkdtemp(prefix="iraqsec-layout-cache-")  # this module's own cache, never the user's


def draw(args: list[str], width: int) -> str:
    """A report at this width, through the command line."""
    env = {"COLUMNS": str(width), "IRAQSEC_LEDGER": str(SHIPPED), "NO_COLOR": "1", "IRAQSEC_CACHE_DIR": CACHE}
    result = CliRunner().invoke(main, args, env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


WIDE = {tuple(args): draw(args, 2000) for args in REPORTS + ALL_REPORTS}  # one table each: everything fits


def assert_whole(args: list[str], text: str, width: int | None) -> None:
    """Every figure of the unlimited-width report appears whole (as many
    times), no ellipsis anywhere, no line wider than the width (an id or a
    URL excepted: those are printed whole by design), every id whole."""
    wide = WIDE[tuple(args)]
    missing = Counter(NUMBER.findall(wide)) - Counter(NUMBER.findall(text))
    assert not missing, f"{args} at {width}: figures cut or lost: {dict(missing)}\n{text}"
    assert "…" not in text
    if args[0] == "list":
        for ident in re.findall(r"^\d{4}-\d\d-[a-z0-9-]+", wide, flags=re.M):
            assert re.search(rf"(^|\s){re.escape(ident)}(\s|$)", text, flags=re.M), ident
    if width is not None:  # only an id, printed whole on a line of its own (or indented under its row), may be wider
        too_wide = [line for line in text.splitlines() if len(line) > width]
        assert all(args[0] == "list" and re.fullmatch(r" *[a-z0-9-]+", line) for line in too_wide), too_wide


@pytest.mark.parametrize("args", REPORTS, ids=lambda a: " ".join(a))
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(width=st.integers(min_value=40, max_value=200))
def test_every_report_keeps_every_figure_whole_at_any_width(args: list[str], width: int) -> None:
    assert_whole(args, draw(args, width), width)


@pytest.mark.parametrize("width", [40, 41, 79, 80, 81, 120, 200])
def test_every_report_at_the_edges(width: int) -> None:
    for args in REPORTS:
        assert_whole(args, draw(args, width), width)


@pytest.mark.parametrize("args", ALL_REPORTS, ids=lambda a: " ".join(a))
def test_every_grouping_keeps_every_figure_whole(args: list[str]) -> None:
    for width in (40, 57, 80, 133, 200):
        assert_whole(args, draw(args, width), width)


@pytest.mark.parametrize("args", REPORTS, ids=lambda a: " ".join(a))
def test_every_report_in_a_pipe(args: list[str], tmp_path: Path) -> None:
    """A pipe (no terminal, no COLUMNS) is drawn at 80 columns, figures whole."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env.update({"IRAQSEC_LEDGER": str(SHIPPED), "IRAQSEC_CACHE_DIR": str(tmp_path)})
    out = subprocess.run([sys.executable, "-m", "iraqsec", *args], capture_output=True, text=True, env=env,
                         check=True).stdout
    assert_whole(args, out, None)
    assert "\x1b" not in out


def test_pivot_terms_are_never_split() -> None:
    """The headers of `--by month --by target-type` (or its row labels when
    transposed) are whole at every width: no `logistics-/convoy`."""
    args = ["summary", "--by", "month", "--by", "target-type"]
    for width in range(40, 201, 20):
        text = draw(args, width)
        for term in TARGET_TYPES:
            if term in WIDE[tuple(args)]:
                assert re.search(rf"(^|\s){re.escape(term)}(\s|$)", text, flags=re.M), (width, term)


# --- golden layouts on SYNTHETIC records ------------------------------------

WIDE_LEDGER = "".join(
    record(id=f"2020-0{m}-0{d}-synthetic-{i}", date=f"2020-0{m}-0{d}", killed=str(k), wounded=str(w),
           claimed_by=f"[{claim}]", attributed_to=f"[{blame}]")
    for i, (m, d, k, w, claim, blame) in enumerate([
        (8, 1, 0, 125, '"Popular Mobilization Forces"', '"Iran-backed militias"'),
        (8, 2, 3, 0, '"Saraya Qasim al-Jabbarin"', '"Iran-backed militias"'),
        (9, 3, 0, 301, "", '"Kataib Hezbollah"'),
        (9, 4, 1, 2, '"Ashab al-Kahf"', '"Kataib Hezbollah", "Iran-backed militias"'),
    ]))


@pytest.fixture
def wide(write: Callable[..., Path], run: Callable[..., Result]) -> Callable[..., str]:
    write(WIDE_LEDGER)

    def _run(width: int, *args: str) -> str:
        result = run("-f", "incidents.yaml", *args, env={"COLUMNS": str(width)})
        assert result.exit_code == 0, result.output
        return result.output

    return _run


def test_pivot_that_fits_is_one_table(wide: Callable[..., str]) -> None:
    assert wide(120, "summary", "--by", "month", "--by", "claimed-by") == """\
Month   Ashab al-Kahf Popular Mobilization Forces Saraya Qasim al-Jabbarin (none) All K   W ?
2020-08             ·                           1                        1      ·   2 3 125 0
2020-09             1                           ·                        ·      1   2 1 303 0
Total               1                           1                        1      1   4 4 428 0
Claimed by: the groups that claimed the attack; (none) = no claim reported. An incident claimed by two groups counts
under each, so rows can add to more than the total; the total counts each incident once.
"""


def test_pivot_too_wide_is_transposed_and_says_so(wide: Callable[..., str]) -> None:
    assert wide(80, "summary", "--by", "month", "--by", "claimed-by") == """\
Transposed to fit 80 columns: claimed by as rows, months as columns.
Claimed by                  2020-08 2020-09 Total
Ashab al-Kahf                     ·       1     1
Popular Mobilization Forces       1       ·     1
Saraya Qasim al-Jabbarin          1       ·     1
(none)                            ·       1     1
All                               2       2     4
Killed                            3       1     4
Wounded                         125     303   428
Unrep.                            0       0     0
Claimed by: the groups that claimed the attack; (none) = no claim reported. An
incident claimed by two groups counts under each, so rows can add to more than
the total; the total counts each incident once.
"""


def test_pivot_split_into_blocks_says_so(wide: Callable[..., str], write: Callable[..., Path]) -> None:
    months = "".join(record(id=f"2021-{m:02d}-01-synthetic", date=f"2021-{m:02d}-01") for m in range(1, 13))
    write(WIDE_LEDGER + months)
    assert wide(60, "summary", "--by", "month", "--by", "claimed-by", "--from", "2020-08", "--to", "2021-12") == """\
Too wide for 60 columns: split into 2 blocks of columns,
each repeating the Month column. Widen the terminal or set
COLUMNS for one table.
Month   Ashab al-Kahf Popular Mobilization Forces
2020-08             ·                           1
2020-09             1                           ·
2020-10             ·                           ·
2020-11             ·                           ·
2020-12             ·                           ·
2021-01             ·                           ·
2021-02             ·                           ·
2021-03             ·                           ·
2021-04             ·                           ·
2021-05             ·                           ·
2021-06             ·                           ·
2021-07             ·                           ·
2021-08             ·                           ·
2021-09             ·                           ·
2021-10             ·                           ·
2021-11             ·                           ·
2021-12             ·                           ·
Total               1                           1

Month   Saraya Qasim al-Jabbarin (none) All K   W ?
2020-08                        1      ·   2 3 125 0
2020-09                        ·      1   2 1 303 0
2020-10                        ·      ·   0 0   0 0
2020-11                        ·      ·   0 0   0 0
2020-12                        ·      ·   0 0   0 0
2021-01                        ·      1   1 0   0 0
2021-02                        ·      1   1 0   0 0
2021-03                        ·      1   1 0   0 0
2021-04                        ·      1   1 0   0 0
2021-05                        ·      1   1 0   0 0
2021-06                        ·      1   1 0   0 0
2021-07                        ·      1   1 0   0 0
2021-08                        ·      1   1 0   0 0
2021-09                        ·      1   1 0   0 0
2021-10                        ·      1   1 0   0 0
2021-11                        ·      1   1 0   0 0
2021-12                        ·      1   1 0   0 0
Total                          1     13  16 4 428 0
Claimed by: the groups that claimed the attack; (none) = no
claim reported. An incident claimed by two groups counts
under each, so rows can add to more than the total; the
total counts each incident once.
"""


def test_summary_narrows_then_lists_one_group_per_entry(wide: Callable[..., str]) -> None:
    assert wide(40, "summary", "--by", "attributed-to") == """\
Attributed to        Inc. K   W ?
Iran-backed militias    3 4 127 0
Kataib Hezbollah        2 1 303 0
Total                   4 4 428 0
Narrow layout: Inc. = incidents, K =
killed, W = wounded, ? = unreported.
Attributed to: the actors officials or
analysts blamed; (none) = nobody blamed.
An incident blamed on two actors counts
under each, so rows can add to more than
the total; the total counts each
incident once.
"""
    lines = wide(30, "summary", "--by", "claimed-by", "--by", "attributed-to").splitlines()
    assert lines[:8] == [
        "Too wide for 30 columns as a",
        "table: one group per entry.",
        "Widen the terminal or set",
        "COLUMNS for a table.",
        "Ashab al-Kahf / Iran-backed",
        "militias",
        "  Incidents: 1  Killed: 1",
        "  Wounded: 2  Unrep.: 0",
    ]
