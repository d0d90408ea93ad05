"""list, show, summary and trend through the CLI: golden tables at 80 columns,
exact JSON and CSV numbers.  The ledger is tests/fixtures/incidents.yaml
(SYNTHETIC records, text full of rich markup on purpose)."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from conftest import record
from iraqsec.reading.ledger import load

FIXTURE = str(Path(__file__).parent / "fixtures" / "incidents.yaml")


@pytest.fixture
def cli(run: Callable[..., Result]) -> Callable[..., Result]:
    return lambda *args: run("-f", FIXTURE, *args)


def test_list_table(cli: Callable[..., Result]) -> None:
    """At 80 columns the Id column does not fit: each id is on the line below its row."""
    assert cli("list").output == """\
Each incident's id (for 'iraqsec show') is on the line below it; at 101 columns
or more it has a column of its own.
Date        Governorate  Tactic  K  W  Target
2020-07-05  Baghdad      rocket  0  1  US embassy compound
  2020-07-05-baghdad-green-zone-rocket
2020-08-14  Qadisiyyah   ied     ?  ?  Contractor trucks carrying coalition
                                       supplies
  2020-08-14-qadisiyyah-convoy-ied
2020-09-??  Babil        ied     0  0  Supply convoy
  2020-09-unknown-babil-convoy
2020-09-03  Baghdad      rocket  0  0  [link=http://x]Security company[/link]
                                       [/]
  2020-09-03-baghdad-company-rocket
2020-09-15  Baghdad      ied     2  3  British embassy convoy
  2020-09-15-baghdad-embassy-convoy-ied
5 incidents
"""


@pytest.mark.parametrize(("args", "ids"), [
    (["--month", "2020-09"], ["2020-09-unknown-babil-convoy", "2020-09-03-baghdad-company-rocket",
                              "2020-09-15-baghdad-embassy-convoy-ied"]),
    (["--month", "2020-07", "--month", "2020-08"], ["2020-07-05-baghdad-green-zone-rocket",
                                                    "2020-08-14-qadisiyyah-convoy-ied"]),
    (["--from", "2020-09-01", "--to", "2020-09-30"], ["2020-09-unknown-babil-convoy",
                                                      "2020-09-03-baghdad-company-rocket",
                                                      "2020-09-15-baghdad-embassy-convoy-ied"]),
    (["--from", "2020-09-10"], ["2020-09-15-baghdad-embassy-convoy-ied"]),  # month precision excluded
    (["--to", "2020-08"], ["2020-07-05-baghdad-green-zone-rocket", "2020-08-14-qadisiyyah-convoy-ied"]),
    (["--tactic", "ied", "--governorate", "babylon"], ["2020-09-unknown-babil-convoy"]),
    (["--governorate", "IQ-QA"], ["2020-08-14-qadisiyyah-convoy-ied"]),
    (["--target-type", "logistics-convoy", "--target-type", "diplomatic-convoy"],
     ["2020-08-14-qadisiyyah-convoy-ied", "2020-09-unknown-babil-convoy", "2020-09-15-baghdad-embassy-convoy-ied"]),
    (["--actor", "ahl al-kahf"], ["2020-08-14-qadisiyyah-convoy-ied", "2020-09-unknown-babil-convoy"]),
    (["--actor", "Hezbollah Battalions"], ["2020-07-05-baghdad-green-zone-rocket", "2020-09-unknown-babil-convoy"]),
    (["--target-country", "gb"], ["2020-09-03-baghdad-company-rocket", "2020-09-15-baghdad-embassy-convoy-ied"]),
    (["--casualties"], ["2020-07-05-baghdad-green-zone-rocket", "2020-09-15-baghdad-embassy-convoy-ied"]),
    (["--search", "ESCALATION"], ["2020-09-03-baghdad-company-rocket"]),
    (["--search", "[/]"], ["2020-09-03-baghdad-company-rocket"]),
    (["--reverse", "--limit", "2"], ["2020-09-15-baghdad-embassy-convoy-ied", "2020-09-03-baghdad-company-rocket"]),
])
def test_filters(cli: Callable[..., Result], args: list[str], ids: list[str]) -> None:
    result = cli("list", "--format", "ids", *args)
    assert result.output.splitlines() == ids


@pytest.mark.parametrize(("args", "message"), [
    (["--tactic", "rockets"], "Invalid value for '--tactic': unknown tactic 'rockets' (did you mean 'rocket'?); "
                              "valid: rocket, mortar, missile, drone, airstrike, ied, small-arms, grenade, arson, "
                              "kidnapping, other"),
    (["--governorate", "Atlantis"], "Invalid value for '--governorate': unknown governorate 'Atlantis'"),
    (["--month", "2020-9"], "Invalid value for '--month': '2020-9' is not a month; write YYYY-MM (e.g. 2020-09) "
                                         "or a year (YYYY)"),
    (["--from", "2020-02-30"], "Invalid value for '--from': '2020-02-30' is not a date"),
    (["--actor", "Nobody"], "Invalid value for '--actor': unknown actor 'Nobody'; known: Ashab al-Kahf"),
    (["--from", "2020-09", "--to", "2020-08"], "--from is after --to"),
])
def test_bad_filters_are_usage_errors(cli: Callable[..., Result], args: list[str], message: str) -> None:
    result = cli("list", *args)
    assert result.exit_code == 2
    assert message in result.output


def test_list_json_is_the_contract_shape(cli: Callable[..., Result]) -> None:
    records = json.loads(cli("list", "--format", "json").output)
    assert [r["date"] for r in records] == ["2020-07-05", "2020-08-14", "2020-09", "2020-09-03", "2020-09-15"]
    assert list(records[0]) == ["id", "date", "date_end", "governorate", "place", "site", "coordinates",
                                "geo_precision", "tactic", "target_type", "target", "target_country", "killed",
                                "wounded", "claimed_by", "attributed_to", "evidence", "scope", "related", "summary",
                                "sources", "notes", "tags", "withdrawn"]
    assert [(r["evidence"], r["scope"], r["related"], r["withdrawn"]) for r in records][:2] == [
        ("confirmed", "campaign", [], None), ("reported", "campaign", [], None)]
    assert records[1]["killed"] is None and records[4]["wounded"] == 3
    assert records[4]["sources"] == [{"title": "A synthetic report", "url": "https://example.org/5",
                                      "publisher": "Example News", "published": "2020-09-16"}]
    assert records[3]["place"] == "[bold]Qadisiyah[/] district :skull:"


def test_list_ndjson_csv_yaml(cli: Callable[..., Result], tmp_path: Path) -> None:
    lines = cli("list", "--format", "ndjson").output.splitlines()
    assert [json.loads(line)["id"] for line in lines][2] == "2020-09-unknown-babil-convoy"
    rows = list(csv.DictReader(io.StringIO(cli("list", "--format", "csv").output)))
    assert [(r["id"][:10], r["killed"], r["wounded"]) for r in rows] == [
        ("2020-07-05", "0", "1"), ("2020-08-14", "", ""), ("2020-09-un", "0", "0"),
        ("2020-09-03", "0", "0"), ("2020-09-15", "2", "3")]
    assert rows[2]["claimed_by"] == "Ashab al-Kahf" and rows[4]["sources"] == "https://example.org/5"
    (tmp_path / "round.yaml").write_text(cli("list", "--format", "yaml").output)
    assert load([str(tmp_path / "round.yaml")]).incidents == load([FIXTURE]).incidents


def test_show_table_prints_markup_literally(cli: Callable[..., Result]) -> None:
    assert cli("show", "2020-09-03-baghdad-company-rocket").output == """\
id              2020-09-03-baghdad-company-rocket
date            2020-09-03
governorate     Baghdad
place           [bold]Qadisiyah[/] district :skull:
tactic          rocket
target type     private-company
target          [link=http://x]Security company[/link] [/]
target country  GB
killed          0
wounded         0
evidence        confirmed
scope           campaign
summary         Synthetic record whose text is full of markup: [red]red[/red]
                :fire: [/].
notes           Notes mention the word escalation.
source 1        https://example.org/4
"""


def test_show_json_yaml_and_unknown_id(cli: Callable[..., Result]) -> None:
    assert json.loads(cli("show", "2020-09-unknown-babil-convoy", "--format", "json").output)["date"] == "2020-09"
    assert cli("show", "2020-09-unknown-babil-convoy", "--format", "yaml").output.startswith(
        "- id: 2020-09-unknown-babil-convoy\n  date: 2020-09\n")
    missing = cli("show", "2020-09-15-baghdad-embassy-convoy")
    assert missing.exit_code == 1
    assert missing.output == ("iraqsec: no incident with id '2020-09-15-baghdad-embassy-convoy'; did you mean: "
                              "2020-09-15-baghdad-embassy-convoy-ied, 2020-07-05-baghdad-green-zone-rocket, "
                              "2020-09-03-baghdad-company-rocket?\n")


def test_summary_table(cli: Callable[..., Result]) -> None:
    assert cli("summary", "--by", "tactic").output == """\
Tactic  Incidents  Killed  Wounded  Unrep.
ied             3       2        3       1
rocket          2       0        1       0
Total           5       2        4       1
"""


def test_summary_pivot_shows_every_month(cli: Callable[..., Result]) -> None:
    assert cli("summary", "--by", "month", "--by", "tactic", "--from", "2020-06", "--to", "2020-10").output == """\
Month   ied rocket All K W ?
2020-06   ·      ·   0 0 0 0
2020-07   ·      1   1 0 1 0
2020-08   1      ·   1 0 0 1
2020-09   2      1   3 2 3 0
2020-10   ·      ·   0 0 0 0
Total     3      2   5 2 4 1
"""


def test_summary_actor_counts_each_incident_once_in_the_total(cli: Callable[..., Result]) -> None:
    assert cli("summary", "--by", "actor").output == """\
Actor             Incidents  Killed  Wounded  Unrep.
Ashab al-Kahf             2       0        0       1
Kataib Hezbollah          2       0        1       0
(none)                    2       2        3       0
Total                     5       2        4       1
Actor: claimed by or attributed to. An incident counts once under each actor it
names, so rows can add to more than the total; the total counts each incident
once.
"""


def test_summary_json_matches_independent_counts(cli: Callable[..., Result]) -> None:
    rows = json.loads(cli("summary", "--by", "month", "--by", "tactic", "--format", "json").output)
    incidents = load([FIXTURE]).incidents
    expected = Counter((i.date[:7], i.tactic) for i in incidents)
    got = {(r["month"], r["tactic"]): r["incidents"] for r in rows}
    assert {k: v for k, v in got.items() if v} == dict(expected)
    assert set(got) == {(m, t) for m in ("2020-07", "2020-08", "2020-09") for t in ("ied", "rocket")}
    assert set(rows[0]) == {"month", "tactic", "incidents", "killed", "wounded", "unreported"}
    unreported = {(r["month"], r["tactic"]): r["unreported"] for r in rows}
    assert unreported == {("2020-07", "ied"): 0, ("2020-07", "rocket"): 0, ("2020-08", "ied"): 1,
                          ("2020-08", "rocket"): 0, ("2020-09", "ied"): 0, ("2020-09", "rocket"): 0}
    killed = {(r["month"], r["tactic"]): r["killed"] for r in rows}
    assert killed[("2020-09", "ied")] == 2


def test_summary_csv_and_markdown(cli: Callable[..., Result]) -> None:
    assert cli("summary", "--by", "governorate", "--format", "csv").output == (
        "governorate,incidents,killed,wounded,unreported\nBabil,1,0,0,0\nBaghdad,3,2,4,0\n"
        "Qadisiyyah,1,0,0,1\n")
    assert cli("summary", "--by", "target-country", "--format", "markdown").output == """\
| Target country | Incidents | Killed | Wounded | Unreported |
|---|---:|---:|---:|---:|
| GB | 2 | 2 | 3 | 0 |
| US | 2 | 0 | 1 | 1 |
| (none) | 1 | 0 | 0 | 0 |
"""


def test_trend_table(cli: Callable[..., Result]) -> None:
    assert cli("trend").output == """\
Month    Incidents                                        K  W  Change
2020-07  ███████████████ 1                                0  1
2020-08  ▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓ 1                                0  0     +0%
2020-09  ███████████████▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒░░░░░░░░░░░░░░░ 3  2  3   +200%  ▲ rising
Evidence: █ confirmed  ▓ reported  ▒ claimed  ░ disputed  ┈ ungraded
Escalation: at least 3 incidents and 1.5x the mean of the previous 3 months.
▲ rising: an escalation month with more incidents than the month before.
■ high: an escalation month with as many or fewer; the level stays high.
"""


def test_trend_by_and_json(cli: Callable[..., Result]) -> None:
    assert cli("trend", "--by", "actor").output == """\
Actor             2020-07 .. 2020-09  Total  Peak
Ashab al-Kahf     ·██                     2  2020-08
Kataib Hezbollah  █·█                     2  2020-07
(none)            ··█                     2  2020-09
"""
    points = json.loads(cli("trend", "--format", "json").output)
    assert points == [
        {"month": "2020-07", "incidents": 1, "killed": 0, "wounded": 1, "change": None, "escalation": False,
         "signal": None, "evidence": {"confirmed": 1, "reported": 0, "claimed": 0, "disputed": 0, "ungraded": 0}},
        {"month": "2020-08", "incidents": 1, "killed": 0, "wounded": 0, "change": 0.0, "escalation": False,
         "signal": None, "evidence": {"confirmed": 0, "reported": 1, "claimed": 0, "disputed": 0, "ungraded": 0}},
        {"month": "2020-09", "incidents": 3, "killed": 2, "wounded": 3, "change": 2.0, "escalation": True,
         "signal": "rising",
         "evidence": {"confirmed": 1, "reported": 0, "claimed": 1, "disputed": 1, "ungraded": 0}},
    ]


def test_save_svg_and_html(cli: Callable[..., Result], tmp_path: Path) -> None:
    svg, html = tmp_path / "t.svg", tmp_path / "t.html"
    result = cli("trend", "--save-svg", str(svg), "--save-html", str(html))
    assert result.exit_code == 0
    assert svg.read_text().startswith("<svg") and "escalation" in svg.read_text()
    assert "2020-09" in html.read_text()


def test_no_escape_sequences_in_a_pipe_or_with_no_color(cli: Callable[..., Result],
                                                        run: Callable[..., Result]) -> None:
    for command in (["list"], ["summary", "--by", "month", "--by", "actor"], ["trend"], ["trend", "--by", "tactic"]):
        assert "\x1b" not in cli(*command).output
        assert "\x1b" not in run("-f", FIXTURE, *command, env={"NO_COLOR": "1"}).output


def test_markup_in_actor_names_is_summarised_literally(write: Callable[..., Path], run: Callable[..., Result]) -> None:
    write(record(claimed_by='["[bold]Front[/bold] :skull:", "[/]"]', summary="'[link=x]y[/link] :fire:'"))
    table = run("-f", "incidents.yaml", "summary", "--by", "actor")
    assert table.exit_code == 0, table.output
    assert table.output.splitlines()[1:3] == [
        "[/]                                 1       0        0       0",
        "[bold]Front[/bold] :skull:          1       0        0       0",
    ]
    rows = json.loads(run("-f", "incidents.yaml", "summary", "--by", "actor", "--format", "json").output)
    assert [r["actor"] for r in rows] == ["[/]", "[bold]Front[/bold] :skull:"]
    trend = run("-f", "incidents.yaml", "trend", "--by", "actor")
    assert "[bold]Front[/bold] :skull:" in trend.output
