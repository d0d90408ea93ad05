"""Issue 13, item 5: reports over the whole span, by month, quarter or year
(`--period`), readable at 80 columns.  Goldens on a SYNTHETIC ledger
(tests/period_fixture.py) and over the shipped ledger's whole span."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from conftest import REPO, SHIPPED, record
from iraqsec.cli import main
from period_fixture import period_ledger

GOLDEN = REPO / "tests" / "golden"
CACHE = tempfile.mkdtemp(prefix="iraqsec-periods-cache-")  # this module's own cache, never the user's


@pytest.fixture
def periods(write: Callable[..., Path], run: Callable[..., Result]) -> Callable[..., Result]:
    write(period_ledger())

    def _run(*args: str) -> Result:
        return run("-f", "incidents.yaml", *args, env={"NO_COLOR": "1"})

    return _run


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def test_trend_by_quarter(periods: Callable[..., Result]) -> None:
    assert ok(periods("trend", "--period", "quarter")) == """\
Quarter   Incidents                                       K  W  Change
2019-Q4*  ██████ 1                                        0  0
2020-Q1   ██████▓▓▓▓▓▓▓▒▒▒▒▒▒ 3                           1  0   +200%
2020-Q2   ▓▓▓▓▓▓▓▓▓▓▓▓▓ 2                                 0  0    -33%
2020-Q3   █████████████▓▓▓▓▓▓▓▓▓▓▓▓▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒ 7  4  0   +250%  ▲ rising
2020-Q4   ░░░░░░ 1                                        0  0    -86%
2021-Q1   ▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒ 6        0  0   +500%  ▲ rising
2021-Q2*  ███████████████████████████████ 5               5  0    -17%
Evidence: █ confirmed  ▓ reported  ▒ claimed  ░ disputed  ┈ ungraded
Escalation: at least 3 incidents and 1.5x the mean of the previous 3 quarters.
▲ rising: an escalation quarter with more incidents than the quarter before.
■ high: an escalation quarter with as many or fewer; the level stays high.
* partial quarters, only some of their months in the range: 2019-Q4 (2019-12),
2021-Q2 (2021-04). Their counts cover only those months; a partial quarter is
never marked an escalation nor compared with.
"""


def test_trend_by_year(periods: Callable[..., Result]) -> None:
    assert ok(periods("trend", "--period", "year")) == """\
Year   Incidents                                                  K  W  Change
2019*  ████ 1                                                     0  0
2020   ████████████▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒░░░░ 13  5  0  +1200%
2021*  █████████████████████▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒ 11          5  0    -15%
Evidence: █ confirmed  ▓ reported  ▒ claimed  ░ disputed  ┈ ungraded
Escalation: at least 3 incidents and 1.5x the mean of the previous 3 years.
▲ rising: an escalation year with more incidents than the year before.
■ high: an escalation year with as many or fewer; the level stays high.
* partial years, only some of their months in the range: 2019 (2019-12), 2021
(2021-01..2021-04). Their counts cover only those months; a partial year is
never marked an escalation nor compared with.
"""


def test_escalation_per_quarter_compares_whole_quarters_only(periods: Callable[..., Result]) -> None:
    """2020-Q1 (3) has no whole quarter before it (2019-Q4 holds only
    December): not judged.  2020-Q3 (7) >= 1.5 x mean(3, 2); 2021-Q1 (6)
    >= 1.5 x mean(2, 7, 1) = 5; the partial 2021-Q2 is never judged."""
    rows = json.loads(ok(periods("trend", "--period", "quarter", "--format", "json")))
    assert [(r["quarter"], r["incidents"], r["signal"], r["partial"]) for r in rows] == [
        ("2019-Q4", 1, None, True), ("2020-Q1", 3, None, False), ("2020-Q2", 2, None, False),
        ("2020-Q3", 7, "rising", False), ("2020-Q4", 1, None, False), ("2021-Q1", 6, "rising", False),
        ("2021-Q2", 5, None, True)]
    assert rows[3]["evidence"] == {"confirmed": 2, "reported": 2, "claimed": 3, "disputed": 0, "ungraded": 0}
    assert rows[3]["change"] == 2.5


def test_a_range_cutting_quarters_marks_them(periods: Callable[..., Result]) -> None:
    out = ok(periods("trend", "--period", "quarter", "--from", "2020-02", "--to", "2020-11"))
    assert out.splitlines()[1].startswith("2020-Q1*  ")
    assert out.splitlines()[4].startswith("2020-Q4*  ")
    assert out.splitlines()[-3:] == [
        "* partial quarters, only some of their months in the range: 2020-Q1",
        "(2020-02..2020-03), 2020-Q4 (2020-10..2020-11). Their counts cover only those",
        "months; a partial quarter is never marked an escalation nor compared with."]


def test_summary_by_quarter_table_and_json(periods: Callable[..., Result]) -> None:
    assert ok(periods("summary", "--by", "month", "--period", "quarter", "--from", "2020")) == """\
Quarter   Incidents  Killed  Wounded  Unrep.
2020-Q1           3       1        0       0
2020-Q2           2       0        0       0
2020-Q3           7       4        0       0
2020-Q4           1       0        0       0
2021-Q1           6       0        0       0
2021-Q2*          5       5        0       0
Total            24      10        0       0
* partial quarter, only some of its months in the range: 2021-Q2 (2021-04). Its
counts cover only those months; a partial quarter is never marked an escalation
nor compared with.
"""
    rows = json.loads(ok(periods("summary", "--by", "month", "--period", "quarter", "--from", "2020-04",
                                 "--to", "2020-12", "--format", "json")))
    assert rows == [
        {"quarter": "2020-Q2", "incidents": 2, "killed": 0, "wounded": 0, "unreported": 0},
        {"quarter": "2020-Q3", "incidents": 7, "killed": 4, "wounded": 0, "unreported": 0},
        {"quarter": "2020-Q4", "incidents": 1, "killed": 0, "wounded": 0, "unreported": 0},
    ]


def test_summary_pivot_by_year(periods: Callable[..., Result]) -> None:
    assert ok(periods("summary", "--by", "month", "--by", "tactic", "--period", "year")) == """\
Year  drone ied rocket All  K W ?
2019*     ·   ·      1   1  0 0 0
2020      2   6      5  13  5 0 0
2021*     ·   6      5  11  5 0 0
Total     2  12     11  25 10 0 0
* partial years, only some of their months in the range: 2019 (2019-12), 2021
(2021-01..2021-04). Their counts cover only those months; a partial year is
never marked an escalation nor compared with.
"""
    csv = ok(periods("summary", "--by", "tactic", "--by", "month", "--period", "year", "--format", "csv"))
    assert csv.splitlines()[:3] == ["tactic,year,incidents,killed,wounded,unreported",
                                    "drone,2019,0,0,0,0", "drone,2020,2,0,0,0"]


def test_sparklines_by_quarter(periods: Callable[..., Result]) -> None:
    assert ok(periods("trend", "--by", "tactic", "--period", "quarter")).splitlines()[:4] == [
        "Tactic  2019-Q4 .. 2021-Q2  Total  Peak",
        "drone   ···█···                 2  2020-Q3",
        "ied     ·▂▃▄·█·                12  2021-Q1",
        "rocket  ▂▄·▄▂·█                11  2021-Q2"]
    rows = json.loads(ok(periods("trend", "--by", "tactic", "--period", "year", "--format", "json")))
    assert rows[1] == {"tactic": "ied", "counts": {"2019": 0, "2020": 6, "2021": 6}}


def test_month_json_keeps_its_shape(periods: Callable[..., Result]) -> None:
    """--period month (the default) is the contract's shape: keyed `month`, no new key."""
    rows = json.loads(ok(periods("trend", "--format", "json")))
    assert list(rows[0]) == ["month", "incidents", "killed", "wounded", "change", "escalation", "signal",
                             "evidence"]
    assert rows == json.loads(ok(periods("trend", "--period", "month", "--format", "json")))
    summary = json.loads(ok(periods("summary", "--by", "month", "--format", "json")))
    assert summary[0] == {"month": "2019-12", "incidents": 1, "killed": 0, "wounded": 0, "unreported": 0}


def test_period_without_month_grouping_is_a_usage_error(periods: Callable[..., Result]) -> None:
    result = periods("summary", "--by", "tactic", "--period", "year")
    assert result.exit_code == 2
    assert result.output == "Error: --period year groups the months of --by month; add --by month\n"
    bad = periods("trend", "--period", "week")
    assert bad.exit_code == 2
    assert "'week' is not one of 'month', 'quarter', 'year'" in bad.output


def test_a_long_monthly_report_suggests_quarters(write: Callable[..., Path], run: Callable[..., Result]) -> None:
    """More than 36 months drawn by month: the table ends with the suggestion; 36 or fewer, it does not."""
    write("".join(record(id=f"{y}-{m:02d}-01-synthetic", date=f"{y}-{m:02d}-01")
                  for y in (2020, 2021, 2022) for m in range(1, 13)) + record(id="2023-01-01-synthetic",
                                                                              date="2023-01-01"))
    hint = "37 months drawn: --period quarter draws 13 quarters, --period year 4 years."
    for args in (["trend"], ["summary", "--by", "month"], ["summary", "--by", "month", "--by", "tactic"],
                 ["trend", "--by", "tactic"]):
        out = ok(run("-f", "incidents.yaml", *args))
        assert hint in out.splitlines(), args
        assert hint not in ok(run("-f", "incidents.yaml", *args, "--to", "2022-12")), args
        assert "months drawn" not in ok(run("-f", "incidents.yaml", *args, "--period", "quarter")), args


# --- the shipped ledger's whole span ----------------------------------------


def shipped(*args: str, width: int = 80) -> str:
    env = {"COLUMNS": str(width), "IRAQSEC_LEDGER": str(SHIPPED), "NO_COLOR": "1", "IRAQSEC_CACHE_DIR": CACHE}
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("name", ["trend-quarter", "trend-year", "summary-evidence-year"])
def test_shipped_ledger_by_period_at_80_columns(name: str) -> None:
    """Goldens over the whole span (tests/golden/NAME.txt; `python
    tools/update_examples.py` redraws them after a ledger change); the numbers
    are checked against the monthly report below, not only pinned."""
    args = {"trend-quarter": ["trend", "--period", "quarter"], "trend-year": ["trend", "--period", "year"],
            "summary-evidence-year": ["summary", "--by", "month", "--by", "evidence", "--period", "year"]}[name]
    out = shipped(*args)
    assert out == (GOLDEN / f"{name}.txt").read_text(encoding="utf-8")
    assert max(len(line) for line in out.splitlines()) <= 80


@pytest.mark.parametrize("period", ["quarter", "year"])
def test_shipped_periods_add_up_to_the_months(period: str) -> None:
    """Every quarter and year of the whole span holds exactly its months' incidents, killed and wounded."""
    months = json.loads(shipped("trend", "--format", "json"))
    grouped = json.loads(shipped("trend", "--period", period, "--format", "json"))
    sums: dict[str, list[int]] = {}
    for row in months:
        label = row["month"][:4] if period == "year" else f"{row['month'][:4]}-Q{(int(row['month'][5:]) - 1) // 3 + 1}"
        total = sums.setdefault(label, [0, 0, 0])
        for i, key in enumerate(("incidents", "killed", "wounded")):
            total[i] += row[key]
    assert {r[period]: [r["incidents"], r["killed"], r["wounded"]] for r in grouped} == sums
    assert sum(v[0] for v in sums.values()) == sum(r["incidents"] for r in months) > 300
