"""Record format v2 in the reading commands: the default view and what it
leaves out, the new filters, summaries, the evidence-segmented trend, show,
places, and exports.  The ledger is tests/fixtures/v2 (SYNTHETIC records):
8 records, one context, one withdrawn, one ungraded, one date span."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from iraqsec.reading.ledger import load

V2 = str(Path(__file__).parent / "fixtures" / "v2" / "incidents.yaml")
LEFT_OUT = "1 context record not shown: --scope all; 1 withdrawn record not shown: --include-withdrawn"


@pytest.fixture
def cli(run: Callable[..., Result]) -> Callable[..., Result]:
    return lambda *args, **kw: run("-f", V2, *args, **kw)


def ids(result: Result) -> list[str]:
    assert result.exit_code == 0, result.output
    return result.stdout.split()


def test_the_fixture_is_valid_with_one_ungraded_warning(cli: Callable[..., Result]) -> None:
    result = cli("check")
    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == "0 errors, 1 warning in 8 records (1 file)"


def test_list_leaves_out_context_and_withdrawn_and_says_so(cli: Callable[..., Result]) -> None:
    assert cli("list").output == """\
Each incident's id (for 'iraqsec show') is on the line below it; at 90 columns
or more it has a column of its own.
Date            Governorate  Tactic   K  W  Target
2020-08-16..19  Babil        ied      0  ?  Supply convoys
  2020-08-16-babil-convoys-claimed
2020-08-20      Baghdad      rocket   0  2  Airport logistics area
  2020-08-20-baghdad-airport-rockets
2020-09-??      Anbar        unknown  0  0  Air base
  2020-09-anbar-base-attack
2020-09-02      Qadisiyyah   ied      0  1  Trucks of a contractor
  2020-09-02-qadisiyyah-convoy-ied
2020-09-02      Qadisiyyah   ied      0  0  The convoy's escort
  2020-09-02-qadisiyyah-escort-ied
2020-09-05      Baghdad      rocket   ?  ?  Embassy compound
  2020-09-05-baghdad-embassy-rocket
6 incidents (1 context record not shown: --scope all; 1 withdrawn record not
shown: --include-withdrawn)
"""


def test_list_shows_a_date_span(cli: Callable[..., Result]) -> None:
    assert cli("list", "--columns", "date,governorate,tactic,killed,wounded,target").output == """\
Date            Governorate  Tactic   K  W  Target
2020-08-16..19  Babil        ied      0  ?  Supply convoys
2020-08-20      Baghdad      rocket   0  2  Airport logistics area
2020-09-??      Anbar        unknown  0  0  Air base
2020-09-02      Qadisiyyah   ied      0  1  Trucks of a contractor
2020-09-02      Qadisiyyah   ied      0  0  The convoy's escort
2020-09-05      Baghdad      rocket   ?  ?  Embassy compound
6 incidents (1 context record not shown: --scope all; 1 withdrawn record not
shown: --include-withdrawn)
"""


def test_scope_and_include_withdrawn(cli: Callable[..., Result]) -> None:
    assert ids(cli("list", "--format", "ids", "--scope", "context")) == ["2020-08-21-baghdad-taji-raid"]
    context = cli("list", "--scope", "context")
    assert " ".join(context.output.splitlines()[-2:]) == (
        "1 incident (6 campaign records not shown: --scope all; 1 withdrawn record not shown: "
        "--include-withdrawn)")
    assert len(ids(cli("list", "--format", "ids", "--scope", "all"))) == 7
    assert len(ids(cli("list", "--format", "ids", "--scope", "all", "--include-withdrawn"))) == 8
    assert cli("list", "--scope", "all", "--include-withdrawn").output.splitlines()[-1] == "8 incidents"
    withdrawn = cli("list", "--format", "ids", "--include-withdrawn")
    assert "2020-09-05-baghdad-embassy-mortar" in ids(withdrawn)
    assert withdrawn.stderr == "iraqsec: 1 context record not shown: --scope all\n"
    bad = cli("list", "--scope", "core")
    assert bad.exit_code == 2 and "'core' is not one of 'campaign', 'context', 'all'" in bad.output


def test_machine_formats_say_what_was_left_out_on_stderr(cli: Callable[..., Result]) -> None:
    result = cli("list", "--format", "json")
    assert [r["id"] for r in json.loads(result.stdout)][:2] == [
        "2020-08-16-babil-convoys-claimed", "2020-08-20-baghdad-airport-rockets"]
    assert result.stderr == f"iraqsec: {LEFT_OUT}\n"
    first = json.loads(result.stdout)[0]
    assert (first["date"], first["date_end"], first["evidence"], first["scope"]) == (
        "2020-08-16", "2020-08-19", "claimed", "campaign")


@pytest.mark.parametrize(("args", "expected"), [
    (["--evidence", "ungraded", "--evidence", "claimed"],
     ["2020-08-16-babil-convoys-claimed", "2020-09-05-baghdad-embassy-rocket"]),
    (["--evidence", "CONFIRMED"], ["2020-08-20-baghdad-airport-rockets"]),
    (["--evidence", "confirmed", "--scope", "all"],
     ["2020-08-20-baghdad-airport-rockets", "2020-08-21-baghdad-taji-raid"]),
    (["--tag", "convoy-campaign"], ["2020-08-16-babil-convoys-claimed", "2020-09-02-qadisiyyah-convoy-ied"]),
    (["--tag", "convoy-campaign", "--tag", "rocket-campaign"],
     ["2020-08-16-babil-convoys-claimed", "2020-08-20-baghdad-airport-rockets",
      "2020-09-02-qadisiyyah-convoy-ied"]),
    (["--without-tag", "convoy-campaign", "--without-tag", "rocket-campaign"],
     ["2020-09-anbar-base-attack", "2020-09-02-qadisiyyah-escort-ied", "2020-09-05-baghdad-embassy-rocket"]),
    (["--site", "BIAP"], ["2020-08-20-baghdad-airport-rockets"]),
    (["--site", "baghdad airport", "--site", "Taji", "--scope", "all"],
     ["2020-08-20-baghdad-airport-rockets", "2020-08-21-baghdad-taji-raid"]),
    (["--site", "diwaniyah-town"], ["2020-09-02-qadisiyyah-convoy-ied"]),
    (["--tactic", "unknown"], ["2020-09-anbar-base-attack"]),
])
def test_new_filters(cli: Callable[..., Result], args: list[str], expected: list[str]) -> None:
    assert ids(cli("list", "--format", "ids", *args)) == expected


@pytest.mark.parametrize(("args", "message"), [
    (["--evidence", "likely"], "Invalid value for '--evidence': unknown evidence grade 'likely'; valid: confirmed, "
                               "reported, claimed, disputed, ungraded"),
    (["--tag", "Bad_Tag"], "Invalid value for '--tag': 'Bad_Tag' is not a tag; tags are kebab-case, e.g. "
                           "rocket-campaign"),
    (["--without-tag", "x y"], "Invalid value for '--without-tag': 'x y' is not a tag"),
    (["--site", "baghdad-airprt"], "Invalid value for '--site': unknown place 'baghdad-airprt'; did you mean: "
                                   "baghdad-airport?"),
    (["--site", "nowhere"], "Invalid value for '--site': unknown place 'nowhere'; 'iraqsec places' lists them"),
])
def test_bad_filter_values_are_usage_errors(cli: Callable[..., Result], args: list[str], message: str) -> None:
    result = cli("list", *args)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


def test_summary_by_evidence(cli: Callable[..., Result]) -> None:
    assert cli("summary", "--by", "evidence").output == """\
Evidence   Incidents  Killed  Wounded  Unrep.
confirmed          1       0        2       0
reported           2       0        1       0
claimed            1       0        0       1
disputed           1       0        0       0
ungraded           1       0        0       1
Total              6       0        3       2
(1 context record not shown: --scope all; 1 withdrawn record not shown:
--include-withdrawn)
"""
    rows = json.loads(cli("summary", "--by", "evidence", "--format", "json").stdout)
    assert rows == [
        {"evidence": "confirmed", "incidents": 1, "killed": 0, "wounded": 2, "unreported": 0},
        {"evidence": "reported", "incidents": 2, "killed": 0, "wounded": 1, "unreported": 0},
        {"evidence": "claimed", "incidents": 1, "killed": 0, "wounded": 0, "unreported": 1},
        {"evidence": "disputed", "incidents": 1, "killed": 0, "wounded": 0, "unreported": 0},
        {"evidence": None, "incidents": 1, "killed": 0, "wounded": 0, "unreported": 1},
    ]


def test_summary_by_scope_and_month(cli: Callable[..., Result]) -> None:
    assert cli("summary", "--by", "scope", "--scope", "all").output == """\
Scope     Incidents  Killed  Wounded  Unrep.
campaign          6       0        3       2
context           1       1        0       0
Total             7       1        3       2
(1 withdrawn record not shown: --include-withdrawn)
"""
    rows = json.loads(cli("summary", "--by", "month", "--by", "scope", "--scope", "all", "--include-withdrawn",
                          "--format", "json").stdout)
    assert rows == [
        {"month": "2020-08", "scope": "campaign", "incidents": 2, "killed": 0, "wounded": 2, "unreported": 1},
        {"month": "2020-08", "scope": "context", "incidents": 1, "killed": 1, "wounded": 0, "unreported": 0},
        {"month": "2020-09", "scope": "campaign", "incidents": 5, "killed": 0, "wounded": 1, "unreported": 1},
        {"month": "2020-09", "scope": "context", "incidents": 0, "killed": 0, "wounded": 0, "unreported": 0},
    ]


TREND = """\
Month    Incidents                                        K  W  Change
2020-08  ███████████▒▒▒▒▒▒▒▒▒▒▒ 2                         0  2
2020-09  ▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓░░░░░░░░░░░░┈┈┈┈┈┈┈┈┈┈┈ 4  0  1   +100%  ▲ rising
Evidence: █ confirmed  ▓ reported  ▒ claimed  ░ disputed  ┈ ungraded
Escalation: at least 3 incidents and 1.5x the mean of the previous 3 months.
▲ rising: an escalation month with more incidents than the month before.
■ high: an escalation month with as many or fewer; the level stays high.
(1 context record not shown: --scope all; 1 withdrawn record not shown:
--include-withdrawn)
"""


def test_trend_segments_by_evidence_in_a_pipe_and_without_colour(cli: Callable[..., Result]) -> None:
    piped = cli("trend")
    assert piped.output == TREND
    no_color = cli("trend", env={"NO_COLOR": "1", "COLUMNS": "80"})
    assert no_color.output == TREND
    assert "\x1b" not in piped.output + no_color.output


def test_trend_segments_are_coloured_on_a_terminal() -> None:
    from iraqsec.analysis.reports import series
    from iraqsec.rendering.render import console, trend_table

    points = series(load([V2]).incidents, ["2020-08", "2020-09"])
    out = io.StringIO()
    for renderable in trend_table(points)(80):
        console(file=out, width=80, force_terminal=True, color_system="standard").print(renderable)
    # green confirmed, yellow claimed: colour on top of the glyphs, which alone tell the grades apart
    assert "\x1b[32m███" in out.getvalue() and "\x1b[33m▒▒▒" in out.getvalue()


def test_trend_json_has_per_evidence_counts(cli: Callable[..., Result]) -> None:
    points = json.loads(cli("trend", "--format", "json", "--scope", "all").stdout)
    assert points == [
        {"month": "2020-08", "incidents": 3, "killed": 1, "wounded": 2, "change": None, "escalation": False,
         "signal": None, "evidence": {"confirmed": 2, "reported": 0, "claimed": 1, "disputed": 0, "ungraded": 0}},
        {"month": "2020-09", "incidents": 4, "killed": 0, "wounded": 1, "change": 0.3333333333333333,
         "escalation": False, "signal": None,
         "evidence": {"confirmed": 0, "reported": 2, "claimed": 0, "disputed": 1, "ungraded": 1}},
    ]


def test_trend_by_evidence(cli: Callable[..., Result]) -> None:
    assert cli("trend", "--by", "evidence", "--include-withdrawn").output == """\
Evidence   2020-08 .. 2020-09  Total  Peak
confirmed  █·                      1  2020-08
reported   ·█                      3  2020-09
claimed    █·                      1  2020-08
disputed   ·█                      1  2020-09
ungraded   ·█                      1  2020-09
(1 context record not shown: --scope all)
"""


def test_show_a_withdrawn_record(cli: Callable[..., Result]) -> None:
    result = cli("show", "2020-09-05-baghdad-embassy-mortar")
    assert result.exit_code == 0
    assert result.output.splitlines()[:3] == [
        "WITHDRAWN      the same event as the rocket record, misreported as mortars",
        "superseded by  2020-09-05-baghdad-embassy-rocket (2020-09-05, rocket)",
        "id             2020-09-05-baghdad-embassy-mortar"]
    data = json.loads(cli("show", "2020-09-05-baghdad-embassy-mortar", "--format", "json").stdout)
    assert data["withdrawn"] == {"reason": "the same event as the rocket record, misreported as mortars",
                                 "superseded_by": "2020-09-05-baghdad-embassy-rocket"}


def test_show_lists_links_both_ways(cli: Callable[..., Result]) -> None:
    assert cli("show", "2020-08-20-baghdad-airport-rockets").output == """\
id              2020-08-20-baghdad-airport-rockets
date            2020-08-20
governorate     Baghdad
place           Baghdad International Airport
site            baghdad-airport (Baghdad International Airport)
geo precision   site
tactic          rocket
target type     airport
target          Airport logistics area
target country  US
killed          0
wounded         2
evidence        confirmed
scope           campaign
answered by     2020-08-21-baghdad-taji-raid (2020-08-21, small-arms)
summary         Synthetic rocket record confirmed by an official statement.
tags            rocket-campaign
source 1        https://example.org/v2/b
"""
    raid = cli("show", "2020-08-21-baghdad-taji-raid").output
    assert "responds to    2020-08-20-baghdad-airport-rockets (2020-08-20, rocket)\n" in raid
    assert "scope          context\n" in raid
    for one, other in (("convoy", "escort"), ("escort", "convoy")):
        shown = cli("show", f"2020-09-02-qadisiyyah-{one}-ied").output
        assert f"part of the same attack as  2020-09-02-qadisiyyah-{other}-ied (2020-09-02, ied)\n" in shown
    span = cli("show", "2020-08-16-babil-convoys-claimed").output
    assert "date         2020-08-16..19\n" in span and "evidence     claimed\n" in span


def test_places_lists_the_gazetteer_with_incident_counts(cli: Callable[..., Result]) -> None:
    assert cli("places").output == """\
Id               Name              Kind     Governorate  Lat, lon      Incidents
baghdad-airport  Baghdad           airport  Baghdad      33.26, 44.23          1
                 International
                 Airport
camp-taji        Camp Taji         base     Baghdad      33.52, 44.26          0
diwaniyah-town   Diwaniyah         town     Qadisiyyah   31.99, 44.93          1
3 places; at them: 2 incidents (1 context record not shown: --scope all)
3 of 6 campaign records located (50.0%): 2 at a site, 1 by their own coordinates
"""
    rows = json.loads(cli("places", "--format", "json", "--scope", "all").stdout)
    assert [(r["id"], r["incidents"]) for r in rows] == [("baghdad-airport", 1), ("camp-taji", 1),
                                                         ("diwaniyah-town", 1)]
    assert rows[0] == {"id": "baghdad-airport", "name": "Baghdad International Airport", "kind": "airport",
                       "governorate": "Baghdad", "latitude": 33.26, "longitude": 44.23,
                       "aliases": ["BIAP", "Baghdad airport"], "incidents": 1}
    assert cli("places", "--format", "csv").stdout.splitlines()[1] == (
        "baghdad-airport,Baghdad International Airport,airport,Baghdad,33.26,44.23,BIAP; Baghdad airport,1")


def test_places_without_a_gazetteer(run: Callable[..., Result]) -> None:
    result = run("-f", str(Path(__file__).parent / "fixtures" / "incidents.yaml"), "places")
    assert (result.exit_code, result.stdout) == (0, "")
    assert "no places.yaml beside the ledger" in result.stderr


# --- exports ---------------------------------------------------------------------


def test_csv_carries_the_new_fields(cli: Callable[..., Result]) -> None:
    rows = list(csv.DictReader(io.StringIO(cli("export", "--format", "csv", "--scope", "all",
                                               "--include-withdrawn").stdout)))
    by_id = {r["id"]: r for r in rows}
    raid = by_id["2020-08-21-baghdad-taji-raid"]
    assert (raid["scope"], raid["site"], raid["geo_precision"], raid["evidence"], raid["related"]) == (
        "context", "camp-taji", "near", "confirmed", "responds-to 2020-08-20-baghdad-airport-rockets")
    assert by_id["2020-08-16-babil-convoys-claimed"]["date_end"] == "2020-08-19"
    mortar = by_id["2020-09-05-baghdad-embassy-mortar"]
    assert (mortar["withdrawn"], mortar["superseded_by"]) == (
        "the same event as the rocket record, misreported as mortars", "2020-09-05-baghdad-embassy-rocket")
    assert by_id["2020-09-05-baghdad-embassy-rocket"]["evidence"] == ""


def test_sqlite_has_places_and_related_tables(cli: Callable[..., Result], tmp_path: Path) -> None:
    result = cli("export", "-o", str(tmp_path / "v2.sqlite"), "--scope", "all", "--include-withdrawn")
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(tmp_path / "v2.sqlite")
    assert conn.execute("SELECT id, kind, governorate, latitude, longitude, aliases FROM places ORDER BY id"
                        ).fetchall() == [
        ("baghdad-airport", "airport", "Baghdad", 33.26, 44.23, "BIAP; Baghdad airport"),
        ("camp-taji", "base", "Baghdad", 33.52, 44.26, "Taji"),
        ("diwaniyah-town", "town", "Qadisiyyah", 31.99, 44.93, "")]
    assert conn.execute("SELECT * FROM related ORDER BY incident_id").fetchall() == [
        ("2020-08-21-baghdad-taji-raid", "2020-08-20-baghdad-airport-rockets", "responds-to"),
        ("2020-09-02-qadisiyyah-convoy-ied", "2020-09-02-qadisiyyah-escort-ied", "same-attack")]
    assert conn.execute("SELECT evidence, count(*) FROM incidents GROUP BY evidence ORDER BY evidence"
                        ).fetchall() == [(None, 1), ("claimed", 1), ("confirmed", 2), ("disputed", 1),
                                         ("reported", 3)]
    assert conn.execute("SELECT date_end, site, geo_precision, scope, withdrawn_reason, superseded_by FROM "
                        "incidents WHERE id = '2020-09-05-baghdad-embassy-mortar'").fetchone() == (
        None, None, None, "campaign", "the same event as the rocket record, misreported as mortars",
        "2020-09-05-baghdad-embassy-rocket")
    # the join an analyst writes: incidents at a place, with its coordinates
    assert conn.execute("SELECT i.id, p.latitude FROM incidents i JOIN places p ON p.id = i.site "
                        "WHERE i.scope = 'campaign' ORDER BY i.id").fetchall() == [
        ("2020-08-20-baghdad-airport-rockets", 33.26), ("2020-09-02-qadisiyyah-convoy-ied", 31.99)]


def test_geojson_uses_own_or_site_coordinates(cli: Callable[..., Result]) -> None:
    result = cli("export", "--format", "geojson")
    features = {f["id"]: f for f in json.loads(result.stdout)["features"]}
    assert {i: (f["geometry"]["coordinates"], f["properties"]["geo_precision"], f["properties"]["location"])
            for i, f in features.items()} == {
        "2020-08-20-baghdad-airport-rockets": ([44.23, 33.26], "site", "site"),
        "2020-09-02-qadisiyyah-convoy-ied": ([44.93, 31.99], "near", "site"),
        "2020-09-02-qadisiyyah-escort-ied": ([44.9, 31.9], "exact", "coordinates"),
    }
    assert result.stderr == (f"iraqsec: {LEFT_OUT}\n"
                             "iraqsec: 3 incidents without coordinates or a site left out of the GeoJSON; "
                             "--governorate-fallback places them at its capital\n")


def test_geojson_governorate_fallback(cli: Callable[..., Result]) -> None:
    result = cli("export", "--format", "geojson", "--governorate-fallback")
    features = {f["id"]: f for f in json.loads(result.stdout)["features"]}
    assert len(features) == 6
    assert {i: (f["geometry"]["coordinates"], f["properties"]["geo_precision"], f["properties"]["location"])
            for i, f in features.items() if f["properties"]["location"] == "governorate-capital"} == {
        "2020-08-16-babil-convoys-claimed": ([44.44, 32.48], "governorate", "governorate-capital"),
        "2020-09-anbar-base-attack": ([43.3125, 33.4197], "governorate", "governorate-capital"),
        "2020-09-05-baghdad-embassy-rocket": ([44.3615, 33.3128], "governorate", "governorate-capital"),
    }
    assert result.stderr == f"iraqsec: {LEFT_OUT}\n"
    misused = cli("export", "--format", "csv", "--governorate-fallback")
    assert misused.exit_code == 2
    assert "--governorate-fallback applies to --format geojson only" in misused.output


def test_exporting_onto_places_yaml_is_refused(cli: Callable[..., Result]) -> None:
    target = str(Path(V2).parent / "places.yaml")
    result = cli("export", "--format", "json", "-o", target)
    assert result.exit_code == 2 and "is a file of the ledger" in result.output


# --- cache ------------------------------------------------------------------------


V2_QUERIES = [
    ("list", "--format", "json", "--scope", "all", "--include-withdrawn"),
    ("list", "--evidence", "ungraded", "--format", "ids"),
    ("list", "--site", "Taji", "--scope", "context", "--format", "ids"),
    ("summary", "--by", "evidence", "--format", "json"),
    ("trend", "--format", "json"),
    ("places", "--format", "json", "--scope", "all"),
    ("show", "2020-09-05-baghdad-embassy-mortar", "--format", "json"),
    ("export", "--format", "geojson", "--governorate-fallback"),
]


def test_the_cache_carries_the_new_fields(run: Callable[..., Result]) -> None:
    for query in V2_QUERIES:
        full = run("--no-cache", "-f", V2, *query)
        stored = run("-f", V2, *query)  # the first cached run writes the cache
        cached = run("-f", V2, *query)  # this one reads it
        assert full.exit_code == 0, full.output
        assert (stored.stdout, stored.stderr) == (full.stdout, full.stderr), query
        assert (cached.stdout, cached.stderr) == (full.stdout, full.stderr), query


def test_the_cached_models_equal_the_loaded_ones(run: Callable[..., Result]) -> None:
    from iraqsec.reading.ledger import load_cached

    run("-f", V2, "list")  # writes the cache
    cached = load_cached([V2])
    assert cached.snapshot is not None
    assert cached.incidents == load([V2]).incidents
    assert cached.places is not None and [p.id for p in cached.places.places] == [
        "baghdad-airport", "camp-taji", "diwaniyah-town"]


# --- completion and columns -------------------------------------------------------


@pytest.mark.parametrize(("words", "expected"), [
    (f"iraqsec -f {V2} list --site b", ["Baghdad airport", "Baghdad International Airport", "baghdad-airport",
                                         "BIAP"]),
    ("iraqsec list --evidence c", ["claimed", "confirmed"]),
    ("iraqsec list --scope c", ["campaign", "context"]),
])
def test_completion_of_v2_values(run: Callable[..., Result], words: str, expected: list[str]) -> None:
    from test_analyst_options import complete

    assert complete(run, words) == expected


def test_list_columns_for_evidence_scope_and_site(cli: Callable[..., Result]) -> None:
    result = cli("list", "--columns", "id,evidence,scope,site", "--scope", "all")
    assert result.output.splitlines()[:4] == [
        "Id                                  Evidence   Scope     Site",
        "2020-08-16-babil-convoys-claimed    claimed    campaign",
        "2020-08-20-baghdad-airport-rockets  confirmed  campaign  baghdad-airport",
        "2020-08-21-baghdad-taji-raid        confirmed  context   camp-taji"]
