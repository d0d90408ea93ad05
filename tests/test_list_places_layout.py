"""Issue 13 / issue 10 item 13: `list`'s default table and `places` at 80
columns.  The list shows date (spans and month precision), governorate,
tactic, target, K and W, with every id whole for `show`: in a column when
it fits, else on the line below its row.  `places` never wraps an id and
ends with the located share.  Goldens on the SYNTHETIC v2 fixture; the
shipped ledger for the properties."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SHIPPED
from iraqsec.cli import main

V2 = str(Path(__file__).parent / "fixtures" / "v2" / "incidents.yaml")
CACHE = tempfile.mkdtemp(prefix="iraqsec-list-places-cache-")  # this module's own cache, never the user's
LEFT = "(1 context record not shown: --scope all; 1 withdrawn record not shown: --include-withdrawn)"


@pytest.fixture
def cli(run: Callable[..., Result]) -> Callable[..., Result]:
    return lambda *args, width=80: run("-f", V2, *args, env={"COLUMNS": str(width)})


def test_list_at_120_columns_has_an_id_column(cli: Callable[..., Result]) -> None:
    assert cli("list", width=120).output == f"""\
Id                                  Date            Governorate  Tactic   K  W  Target
2020-08-16-babil-convoys-claimed    2020-08-16..19  Babil        ied      0  ?  Supply convoys
2020-08-20-baghdad-airport-rockets  2020-08-20      Baghdad      rocket   0  2  Airport logistics area
2020-09-anbar-base-attack           2020-09-??      Anbar        unknown  0  0  Air base
2020-09-02-qadisiyyah-convoy-ied    2020-09-02      Qadisiyyah   ied      0  1  Trucks of a contractor
2020-09-02-qadisiyyah-escort-ied    2020-09-02      Qadisiyyah   ied      0  0  The convoy's escort
2020-09-05-baghdad-embassy-rocket   2020-09-05      Baghdad      rocket   ?  ?  Embassy compound
6 incidents {LEFT}
"""


def test_list_in_a_pipe_is_the_80_column_layout(tmp_path: Path) -> None:
    """No terminal and no COLUMNS: drawn at 80, the ids below their rows, no escape sequence."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env["IRAQSEC_CACHE_DIR"] = str(tmp_path)
    out = subprocess.run([sys.executable, "-m", "iraqsec", "-f", V2, "list", "--month", "2020-08"],
                         capture_output=True, text=True, env=env, check=True).stdout
    assert out == """\
Each incident's id (for 'iraqsec show') is on the line below it; at 88 columns
or more it has a column of its own.
Date            Governorate  Tactic  K  W  Target
2020-08-16..19  Babil        ied     0  ?  Supply convoys
  2020-08-16-babil-convoys-claimed
2020-08-20      Baghdad      rocket  0  2  Airport logistics area
  2020-08-20-baghdad-airport-rockets
2 incidents (1 context record not shown: --scope all)
"""


def test_list_columns_without_id_print_no_id_lines(cli: Callable[..., Result]) -> None:
    out = cli("list", "--columns", "date,tactic,target", "--month", "2020-08").output
    assert out == """\
Date            Tactic  Target
2020-08-16..19  ied     Supply convoys
2020-08-20      rocket  Airport logistics area
2 incidents (1 context record not shown: --scope all)
"""


def shipped(*args: str, width: int) -> str:
    env = {"COLUMNS": str(width), "IRAQSEC_LEDGER": str(SHIPPED), "NO_COLOR": "1", "IRAQSEC_CACHE_DIR": CACHE}
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def shipped_records() -> list[dict[str, object]]:
    records: list[dict[str, object]] = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    return records


def test_quick_start_is_a_table_at_80_columns() -> None:
    """The README's quick start, `list --month 2020-09`: a table (not one
    incident per entry), dates shown, each id whole on its own line, in
    date-then-id order."""
    out = shipped("list", "--month", "2020-09", width=80)
    lines = out.splitlines()
    assert lines[2].split() == ["Date", "Governorate", "Tactic", "K", "W", "Target"]
    assert "one incident per entry" not in out
    assert all(len(line) <= 80 for line in lines)
    chosen = sorted((str(r["date"]), str(r["id"])) for r in shipped_records()
                    if str(r["date"]).startswith("2020-09") and r.get("scope", "campaign") == "campaign"
                    and "withdrawn" not in r)
    assert [line.strip() for line in lines if line.startswith("  20")] == [i for _, i in chosen]
    shown = [d if len(d) > 7 else f"{d}-??" for d, _ in chosen]  # a month-precision date shows its day as ??
    assert [line[:10] for line in lines if line.startswith("2020-09-")] == shown


@settings(max_examples=10, deadline=None)
@given(width=st.integers(min_value=40, max_value=200))
def test_places_never_wraps_an_id(width: int) -> None:
    """At any width every place id is whole, as a table cell or an entry's first line."""
    out = shipped("places", width=width)
    places = yaml.safe_load((SHIPPED.parent / "places.yaml").read_text(encoding="utf-8"))
    for place in places:
        assert re.search(rf"^{re.escape(place['id'])}(\s|$)", out, flags=re.M), (width, place["id"])
    assert all(len(line) <= width or re.fullmatch(r"[a-z0-9-]+", line) for line in out.splitlines())


def located_line(records: list[dict[str, object]], noun: str) -> str:
    """The expected closing line, counted here from the YAML itself."""
    site = sum(1 for r in records if r.get("site"))
    coords = sum(1 for r in records if not r.get("site") and r.get("coordinates"))
    share = int(1000 * (site + coords) / len(records)) / 10
    return (f"{site + coords} of {len(records)} {noun} located ({share}%): {site} at a site, "
            f"{coords} by their own coordinates")


@pytest.mark.parametrize(("args", "scope", "month"), [
    ([], "campaign", ""), (["--scope", "all"], "all", ""), (["--month", "2020-09"], "campaign", "2020-09"),
    (["--scope", "context"], "context", ""),
])
def test_places_ends_with_the_located_share(args: list[str], scope: str, month: str) -> None:
    records = [r for r in shipped_records()
               if "withdrawn" not in r and (scope == "all" or r.get("scope", "campaign") == scope)
               and str(r["date"]).startswith(month)]
    noun = {"campaign": "campaign records", "context": "context records", "all": "records"}[scope]
    out = shipped("places", *args, width=200)
    assert out.splitlines()[-1] == located_line(records, noun)


def test_places_located_share_on_stderr_for_machine_formats(cli: Callable[..., Result]) -> None:
    result = cli("places", "--format", "json")
    assert result.stderr.splitlines()[-1] == (
        "iraqsec: 3 of 6 campaign records located (50.0%): 2 at a site, 1 by their own coordinates")
    assert result.stdout.startswith("[")
    filtered = cli("places", "--month", "2020-08", "--include-withdrawn", width=200)
    assert filtered.output.splitlines()[-1] == (
        "1 of 2 campaign records (withdrawn included) located (50.0%): 1 at a site, 0 by their own coordinates")


def test_places_too_narrow_lists_one_place_per_entry(cli: Callable[..., Result]) -> None:
    assert cli("places", width=50).output == """\
Too wide for 50 columns as a table: one place per
entry. Widen the terminal or set COLUMNS for a
table.
baghdad-airport
  Name: Baghdad International Airport
  Kind: airport  Governorate: Baghdad
  Lat, lon: 33.26, 44.23  Incidents: 1
camp-taji
  Name: Camp Taji  Kind: base
  Governorate: Baghdad  Lat, lon: 33.52, 44.26
  Incidents: 0
diwaniyah-town
  Name: Diwaniyah  Kind: town
  Governorate: Qadisiyyah  Lat, lon: 31.99, 44.93
  Incidents: 1
3 places; at them: 2 incidents (1 context record
not shown: --scope all)
3 of 6 campaign records located (50.0%): 2 at a
site, 1 by their own coordinates
"""
