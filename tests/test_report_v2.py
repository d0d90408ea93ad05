"""`iraqsec report` on a format-v2 ledger (tests/fixtures/v2, SYNTHETIC):
the default view and what it leaves out, evidence segments, sites and
location precision on the map, date spans, context and withdrawn records."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from htmltree import Node, parse

V2 = str(Path(__file__).parent / "fixtures" / "v2" / "incidents.yaml")
LEFT_OUT = "1 context record not shown: --scope all; 1 withdrawn record not shown: --include-withdrawn"


def build(run: Callable[..., Result], *args: str) -> Node:
    result = run("-f", V2, "report", *args, "-o", "report.html")
    assert result.exit_code == 0, result.output
    return parse(Path("report.html").read_text(encoding="utf-8"))


def rows(doc: Node) -> dict[str, Node]:
    return {str(tr.attrs["data-id"]): tr for tr in doc.by_id("incidents").find_all("tr") if "data-id" in tr.attrs}


@pytest.mark.parametrize("args", [[], ["--scope", "all"], ["--include-withdrawn"], ["--scope", "context"],
                                  ["--scope", "all", "--include-withdrawn"], ["--evidence", "ungraded"],
                                  ["--site", "Taji", "--scope", "all"]])
def test_rows_follow_lists_view(run: Callable[..., Result], args: list[str]) -> None:
    doc = build(run, *args)
    expected = run("-f", V2, "list", "--format", "ids", *args).stdout.split()
    assert list(rows(doc)) == expected


def test_the_headline_says_what_the_default_left_out(run: Callable[..., Result]) -> None:
    header = build(run).find_all("header")[0].text()
    assert f"{LEFT_OUT}." in header
    assert "not shown" not in build(run, "--scope", "all", "--include-withdrawn").find_all("header")[0].text()


def test_bars_are_split_by_evidence_as_summary_counts(run: Callable[..., Result]) -> None:
    doc = build(run)
    summary = json.loads(run("-f", V2, "summary", "--by", "month", "--by", "evidence", "--format", "json").stdout)
    expected = {(r["month"], r["evidence"] or "ungraded"): r["incidents"] for r in summary if r["incidents"]}
    drawn = {}
    for month in doc.by_id("trend-chart").find_all("g", class_="month"):
        for rect in month.find_all("rect", class_="seg"):
            grade = next(c[2:] for c in str(rect.attrs["class"]).split() if c.startswith("g-"))
            count = int(rect.find_all("title")[0].text().split(": ")[1].split()[0])
            drawn[(month.attrs["data-month"], grade)] = count
    assert drawn == expected
    assert ("2020-09", "disputed") in drawn and ("2020-09", "ungraded") in drawn


def test_sites_and_precision_on_the_map(run: Callable[..., Result]) -> None:
    doc = build(run, "--scope", "all")
    points = {str(g.attrs["data-id"]): str(g.attrs["class"]) for g in doc.by_id("map").find_all("g", class_="pt")}
    assert points == {  # own coordinates, or the site's from places.yaml
        "2020-08-20-baghdad-airport-rockets": "pt p-site",
        "2020-08-21-baghdad-taji-raid": "pt p-near",
        "2020-09-02-qadisiyyah-convoy-ied": "pt p-near",
        "2020-09-02-qadisiyyah-escort-ied": "pt p-exact",
    }
    details = rows(doc)["2020-08-20-baghdad-airport-rockets"].find_all("dl")[0]
    fields = {dt.text(): dd.text() for dt, dd in zip(details.find_all("dt"), details.find_all("dd"), strict=True)}
    assert fields["Site"] == "Baghdad International Airport (baghdad-airport)"
    assert fields["Location precision"] == "site: inside the named site"
    legend = doc.by_id("where").text()
    assert "within about 25 km" in legend and "exact spot" in legend


def test_spans_context_and_withdrawn_are_shown(run: Callable[..., Result]) -> None:
    table = rows(build(run, "--scope", "all", "--include-withdrawn"))
    dates = {i: tr.find_all("td")[0].text() for i, tr in table.items()}
    assert dates["2020-08-16-babil-convoys-claimed"] == "2020-08-16..19"
    assert dates["2020-09-anbar-base-attack"] == "2020-09-??"
    assert dates["2020-08-21-baghdad-taji-raid"] == "2020-08-21context"
    assert dates["2020-09-05-baghdad-embassy-mortar"] == "2020-09-05withdrawn"
    mortar = table["2020-09-05-baghdad-embassy-mortar"].find_all("dl")[0]
    fields = {dt.text(): dd.text() for dt, dd in zip(mortar.find_all("dt"), mortar.find_all("dd"), strict=True)}
    assert fields["Withdrawn"] == ("the same event as the rocket record, misreported as mortars "
                                   "(superseded by 2020-09-05-baghdad-embassy-rocket)")
    evidence = {i: tr.find_all("td")[5].text() for i, tr in table.items()}
    assert evidence["2020-09-05-baghdad-embassy-rocket"] == "ungraded"
    assert evidence["2020-09-02-qadisiyyah-escort-ied"] == "disputed"
