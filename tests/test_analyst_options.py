"""Issue 10, items 3, 13, 14, 15 and 16 through the command line: claims
apart from attributions, ids in `list` and whole URLs in `show`, rising
versus high months in `trend`, years as dates, `--limit` help, where `add`
and `import --append` write (in date order), and shell completion.  The
ledgers are tests/fixtures (SYNTHETIC) or built here (SYNTHETIC)."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import VALID, record
from iraqsec.cli import main
from iraqsec.record.vocab import GOVERNORATES

FIXTURE = str(Path(__file__).parent / "fixtures" / "incidents.yaml")


@pytest.fixture
def cli(run: Callable[..., Result]) -> Callable[..., Result]:
    return lambda *args, **kw: run("-f", FIXTURE, *args, **kw)


# --- item 3: claims and attributions ----------------------------------------


def test_summary_by_claimed_by_counts_claims_only(cli: Callable[..., Result]) -> None:
    assert cli("summary", "--by", "claimed-by").output == """\
Claimed by     Incidents  Killed  Wounded  Unrep.
Ashab al-Kahf          2       0        0       1
(none)                 3       2        4       0
Total                  5       2        4       1
Claimed by: the groups that claimed the attack; (none) = no claim reported. An
incident claimed by two groups counts under each, so rows can add to more than
the total; the total counts each incident once.
"""


def test_summary_by_attributed_to_json_rows(cli: Callable[..., Result]) -> None:
    rows = json.loads(cli("summary", "--by", "attributed-to", "--format", "json").output)
    assert rows == [
        {"attributed_to": "Kataib Hezbollah", "incidents": 2, "killed": 0, "wounded": 1, "unreported": 0},
        {"attributed_to": None, "incidents": 3, "killed": 2, "wounded": 3, "unreported": 1},
    ]
    rows = json.loads(cli("summary", "--by", "month", "--by", "claimed-by", "--format", "json").output)
    assert [r for r in rows if r["incidents"]] == [
        {"month": "2020-07", "claimed_by": None, "incidents": 1, "killed": 0, "wounded": 1, "unreported": 0},
        {"month": "2020-08", "claimed_by": "Ashab al-Kahf", "incidents": 1, "killed": 0, "wounded": 0,
         "unreported": 1},
        {"month": "2020-09", "claimed_by": "Ashab al-Kahf", "incidents": 1, "killed": 0, "wounded": 0,
         "unreported": 0},
        {"month": "2020-09", "claimed_by": None, "incidents": 2, "killed": 2, "wounded": 3, "unreported": 0},
    ]


def test_actor_rows_that_add_to_more_than_the_total_say_why(write: Callable[..., Path],
                                                             run: Callable[..., Result]) -> None:
    write(record(claimed_by="[Front A]", attributed_to="[Faction B]"))
    out = run("-f", "incidents.yaml", "summary", "--by", "actor").output
    assert out == """\
Actor      Incidents  Killed  Wounded  Unrep.
Faction B          1       0        0       0
Front A            1       0        0       0
Total              1       0        0       0
Actor: claimed by or attributed to. An incident counts once under each actor it
names, so rows can add to more than the total; the total counts each incident
once.
"""


@pytest.mark.parametrize("command", [["list", "--format", "ids"], ["export", "--format", "csv"],
                                     ["summary", "--by", "tactic", "--format", "csv"],
                                     ["trend", "--format", "json"]])
def test_claimed_by_and_attributed_to_filter_every_reading_command(cli: Callable[..., Result],
                                                                    command: list[str]) -> None:
    claimed = cli(*command, "--claimed-by", "ahl al-kahf")  # an alias, any case
    attributed = cli(*command, "--attributed-to", "Kataib Hezbollah", "--claimed-by", "Ashab al-Kahf")
    assert claimed.exit_code == 0 and attributed.exit_code == 0, claimed.output + attributed.output
    ids = cli("list", "--format", "ids", "--claimed-by", "ahl al-kahf").output.splitlines()
    assert ids == ["2020-08-14-qadisiyyah-convoy-ied", "2020-09-unknown-babil-convoy"]
    both = cli("list", "--format", "ids", "--attributed-to", "Hezbollah Battalions", "--claimed-by",
               "Ashab al-Kahf").output.splitlines()
    assert both == ["2020-09-unknown-babil-convoy"]
    if command[0] == "summary":
        assert claimed.output.splitlines() == ["tactic,incidents,killed,wounded,unreported", "ied,2,0,0,1"]


def test_unknown_claimant_is_a_usage_error(cli: Callable[..., Result]) -> None:
    result = cli("list", "--attributed-to", "Nobody")
    assert result.exit_code == 2
    assert "Invalid value for '--attributed-to': unknown actor 'Nobody'; known: Ashab al-Kahf, Kataib Hezbollah" \
        in result.output


# --- item 13: ids in list, whole URLs in show ----------------------------------


def test_list_columns_option(cli: Callable[..., Result]) -> None:
    assert cli("list", "--columns", "id,date,governorate,killed", "--limit", "2").output == """\
Id                                    Date        Governorate  K
2020-07-05-baghdad-green-zone-rocket  2020-07-05  Baghdad      0
2020-08-14-qadisiyyah-convoy-ied      2020-08-14  Qadisiyyah   ?
2 incidents
"""
    bad = cli("list", "--columns", "id,colour")
    assert bad.exit_code == 2
    assert "unknown column 'colour'; choose from id, date, governorate" in bad.output


def test_show_prints_long_urls_whole(write: Callable[..., Path], run: Callable[..., Result]) -> None:
    url = "https://example.org/" + "a-very-long-path-segment/" * 6 + "report.html"
    write(record(sources=f"\n    - {url}\n    - title: A synthetic report\n      url: {url}?x=1"))
    out = run("-f", "incidents.yaml", "show", "2020-09-06-baghdad-airport-rockets", env={"COLUMNS": "30"}).output
    assert out.splitlines()[0] == "id              2020-09-06-baghdad-airport-rockets"  # wider than 30: whole
    assert out.splitlines()[-4:] == [
        f"source 1        {url}",
        "source 2        A synthetic",
        "                report",
        f"                {url}?x=1",
    ]


# --- item 14: rising versus high ---------------------------------------------


def test_trend_tells_a_rising_month_from_one_that_stays_high(write: Callable[..., Path],
                                                             run: Callable[..., Result]) -> None:
    counts = {"2020-05": 1, "2020-06": 1, "2020-07": 6, "2020-08": 4, "2020-09": 1}
    write("".join(record(id=f"{m}-0{n}-synthetic", date=f"{m}-0{n + 1}")
                  for m, c in counts.items() for n in range(c)))
    assert run("-f", "incidents.yaml", "trend", env={"COLUMNS": "80"}).output == """\
Month    Incidents                                        K  W  Change
2020-05  ▓▓▓▓▓▓▓▓ 1                                       0  0
2020-06  ▓▓▓▓▓▓▓▓ 1                                       0  0     +0%
2020-07  ▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓ 6  0  0   +500%  ▲ rising
2020-08  ▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓ 4                 0  0    -33%  ■ high
2020-09  ▓▓▓▓▓▓▓▓ 1                                       0  0    -75%
Evidence: █ confirmed  ▓ reported  ▒ claimed  ░ disputed  ┈ ungraded
Escalation: at least 3 incidents and 1.5x the mean of the previous 3 months.
▲ rising: an escalation month with more incidents than the month before.
■ high: an escalation month with as many or fewer; the level stays high.
"""
    points = json.loads(run("-f", "incidents.yaml", "trend", "--format", "json").output)
    assert [(p["month"], p["escalation"], p["signal"]) for p in points] == [
        ("2020-05", False, None), ("2020-06", False, None), ("2020-07", True, "rising"),
        ("2020-08", True, "high"), ("2020-09", False, None)]


# --- item 15: years, --limit help, add and import agree, date order --------------


@pytest.mark.parametrize(("args", "same_as"), [
    (["--from", "2020"], ["--from", "2020-01-01"]),
    (["--to", "2020"], ["--to", "2020-12-31"]),
    (["--month", "2020"], ["--from", "2020-01", "--to", "2020-12"]),
    (["--from", "2021"], ["--from", "2021-01-01"]),
])
def test_a_year_is_accepted_wherever_a_month_is(cli: Callable[..., Result], args: list[str],
                                                same_as: list[str]) -> None:
    for command in (["list", "--format", "ids"], ["summary", "--by", "month", "--format", "csv"]):
        result = cli(*command, *args)
        assert result.exit_code == 0, result.output
        assert result.output == cli(*command, *same_as).output
    assert cli("list", "--format", "ids", "--from", "2020").output.count("\n") == 5


def test_a_year_is_not_a_month_of_another_form(cli: Callable[..., Result]) -> None:
    result = cli("list", "--from", "20201")
    assert result.exit_code == 2
    assert "'20201' is not a date; write YYYY-MM-DD, YYYY-MM or YYYY" in result.output


def test_limit_help_and_error_are_readable(cli: Callable[..., Result]) -> None:
    help_text = " ".join(cli("list", "--help").output.split())
    assert "--limit N Show at most N incidents (a whole number, 0 or more); with --reverse, the N newest." \
        in help_text
    assert "x>=0" not in help_text
    bad = cli("list", "--limit", "-1")
    assert bad.exit_code == 2
    assert "Invalid value for '--limit': -1 is negative; give a whole number, 0 or more" in bad.output


def _json_record(ident: str, date: str) -> dict[str, object]:
    return {"id": ident, "date": date, "governorate": "Baghdad", "place": "Synthetic place", "tactic": "rocket",
            "target_type": "airport", "target": "Synthetic target", "killed": 0, "wounded": 0,
            "summary": "Synthetic test record.", "sources": ["https://example.org/x"]}


def test_add_inserts_in_date_order_so_fmt_check_passes(write: Callable[..., Path],
                                                        run: Callable[..., Result], tmp_path: Path) -> None:
    later = VALID.replace("2020-09-06", "2020-10-06")
    write("# SYNTHETIC ledger\n\n" + VALID + "\n" + later)
    new = [_json_record("2020-09-20-synthetic-middle", "2020-09-20"),
           _json_record("2020-01-02-synthetic-first", "2020-01-02"),
           _json_record("2020-12-01-synthetic-last", "2020-12-01")]
    (tmp_path / "new.json").write_text(json.dumps(new))
    added = run("-f", "incidents.yaml", "add", "--json", "new.json")
    assert added.exit_code == 0, added.output
    assert run("-f", "incidents.yaml", "fmt", "--check", "incidents.yaml").exit_code == 0
    assert run("-f", "incidents.yaml", "list", "--format", "ids").output.splitlines() == [
        "2020-01-02-synthetic-first", "2020-09-06-baghdad-airport-rockets", "2020-09-20-synthetic-middle",
        "2020-10-06-baghdad-airport-rockets", "2020-12-01-synthetic-last"]
    text = (tmp_path / "incidents.yaml").read_text()
    assert text.startswith("# SYNTHETIC ledger\n\n- id: 2020-01-02-synthetic-first\n")
    assert VALID in text and later in text  # old records kept byte for byte


def test_add_and_import_append_write_to_the_same_file(write: Callable[..., Path], run: Callable[..., Result],
                                                      tmp_path: Path) -> None:
    write(VALID, "a.yaml")
    write(VALID.replace("2020-09-06-baghdad", "2020-09-07-baghdad").replace("2020-09-06", "2020-09-07"), "b.yaml")
    (tmp_path / "new.json").write_text(json.dumps(_json_record("2020-09-08-synthetic-added", "2020-09-08")))
    assert run("-f", "a.yaml", "-f", "b.yaml", "add", "--json", "new.json").exit_code == 0
    assert "2020-09-08-synthetic-added" in (tmp_path / "a.yaml").read_text()
    assert "synthetic-added" not in (tmp_path / "b.yaml").read_text()
    help_text = " ".join(run("import", "acled", "--help").output.split())
    assert "Add the new records to the ledger file 'iraqsec add' writes to (the first -f file), in date order" \
        in help_text


# --- item 16: completion ------------------------------------------------------


def complete(run: Callable[..., Result], words: str) -> list[str]:
    """What bash completion offers for the last word, as `iraqsec` installed."""
    parts = words.split(" ")
    env = {"_IRAQSEC_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(len(parts) - 1)}
    result = CliRunner().invoke(main, [], prog_name="iraqsec", env=env)
    assert result.exit_code == 0, result.output
    return [line.split(",", 1)[1] for line in result.output.splitlines() if line]


@pytest.mark.parametrize(("words", "expected"), [
    ("iraqsec list --tactic r", ["rocket"]),
    ("iraqsec summary --target-type diplomatic-", ["diplomatic-convoy", "diplomatic-mission"]),
    ("iraqsec trend --governorate ni", ["Ninawa", "Nineveh", "Ninewa"]),
    ("iraqsec trend --governorate ", sorted(GOVERNORATES, key=str.casefold)),  # canonical names only
    ("iraqsec list --target-country i", ["ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT"]),
    ("iraqsec -f " + FIXTURE + " list --actor hez", ["Hezbollah Battalions"]),
    ("iraqsec -f " + FIXTURE + " summary --claimed-by a", ["Ahl al-Kahf", "Ashab al-Kahf"]),
    ("iraqsec -f " + FIXTURE + " show 2020-09-", ["2020-09-03-baghdad-company-rocket",
                                                  "2020-09-15-baghdad-embassy-convoy-ied",
                                                  "2020-09-unknown-babil-convoy"]),
    ("iraqsec list --columns id,ta", ["id,tactic", "id,target-type", "id,target", "id,target-country"]),
    ("iraqsec summary --by claimed", ["claimed-by"]),
])
def test_completion_of_values(run: Callable[..., Result], words: str, expected: list[str]) -> None:
    assert complete(run, words) == expected


def test_completion_with_an_unreadable_ledger_completes_nothing(run: Callable[..., Result]) -> None:
    assert complete(run, "iraqsec -f /nonexistent/x.yaml show 2020") == []


def test_bash_completion_script_completes_in_a_real_bash(tmp_path: Path) -> None:
    """The documented bash setup, run in bash: `eval` the script, then ask
    for the completions of a partly typed actor name."""
    bin_dir = Path(sys.executable).parent
    if not (bin_dir / "iraqsec").exists() or shutil.which("bash") is None:
        pytest.skip("needs bash and the installed iraqsec script")  # pragma: no cover
    script = ('eval "$(_IRAQSEC_COMPLETE=bash_source iraqsec)"; '
              f"COMP_WORDS=(iraqsec -f {FIXTURE} list --actor As); COMP_CWORD=5; "
              '_iraqsec_completion iraqsec; printf "%s\\n" "${COMPREPLY[@]}"')
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
           "IRAQSEC_CACHE_DIR": str(tmp_path)}
    out = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env, check=True).stdout
    assert out == "Ashab al-Kahf\n"


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(old=st.lists(st.tuples(st.dates(dt.date(2019, 10, 1), dt.date(2021, 12, 31)), st.booleans(), st.booleans()),
                    max_size=6),
       new=st.lists(st.tuples(st.dates(dt.date(2019, 10, 1), dt.date(2021, 12, 31)), st.booleans()),
                    min_size=1, max_size=4),
       header=st.booleans())
def test_add_keeps_any_formatted_ledger_formatted(tmp_path_factory: pytest.TempPathFactory,
                                                  old: list[tuple[dt.date, bool, bool]],
                                                  new: list[tuple[dt.date, bool]], header: bool) -> None:
    """Whatever the dates (day or month precision) and comments of a
    formatted ledger, `add` leaves it formatted, every old record intact."""
    tmp = tmp_path_factory.mktemp("order")
    texts = []
    for n, (day, month_only, comment) in enumerate(old):
        date = day.strftime("%Y-%m") if month_only else day.isoformat()
        texts.append(("# a curator's note\n" if comment else "") + record(id=f"{date}-synthetic-old-{n}", date=date))
    ledger = tmp / "incidents.yaml"
    ledger.write_text(("# SYNTHETIC ledger\n\n" if header else "") + "\n".join(texts), encoding="utf-8")
    runner = CliRunner()
    env = {"IRAQSEC_CACHE_DIR": str(tmp / "cache"), "COLUMNS": "80"}
    assert runner.invoke(main, ["fmt", str(ledger)], env=env).exit_code == 0
    before = [r for r in ledger.read_text().split("\n\n") if "- id:" in r]
    records = [_json_record(f"{d.strftime('%Y-%m') if m else d.isoformat()}-synthetic-new-{n}",
                            d.strftime("%Y-%m") if m else d.isoformat()) for n, (d, m) in enumerate(new)]
    (tmp / "new.json").write_text(json.dumps(records))
    added = runner.invoke(main, ["-f", str(ledger), "add", "--json", str(tmp / "new.json")], env=env)
    assert added.exit_code == 0, added.output
    check = runner.invoke(main, ["fmt", "--check", str(ledger)], env=env)
    assert check.exit_code == 0, check.output + ledger.read_text()
    text = ledger.read_text()
    assert all(block in text for block in before)
    ids = runner.invoke(main, ["-f", str(ledger), "list", "--format", "ids"], env=env).output.split()
    assert len(ids) == len(old) + len(new)
