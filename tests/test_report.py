"""`iraqsec report` through the command line, read back with a parser:
the page's figures against `list`/`summary` on the same ledger, escaping of
hostile text, the content security policy, output paths.  Ledgers here are
SYNTHETIC (tests/fixtures and tests/report_support.py)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import re
import subprocess
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from hypothesis import given, settings
from hypothesis import strategies as st

import report_support as synthetic
from conftest import SHIPPED
from htmltree import Node, parse
from iraqsec.rendering import htmlpage
from iraqsec.rendering.markup import el, link, safe_url

FIXTURE = str(Path(__file__).parent / "fixtures" / "incidents.yaml")


def build(run: Callable[..., Result], ledger: str, *args: str, out: str = "report.html") -> Node:
    result = run("-f", ledger, "report", *args, "-o", out)
    assert result.exit_code == 0, result.output
    return parse(Path(out).read_text(encoding="utf-8"))


def listed(run: Callable[..., Result], ledger: str, *args: str) -> list[dict[str, object]]:
    result = run("-f", ledger, "list", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    records: list[dict[str, object]] = json.loads(result.stdout)
    return records


def row_ids(doc: Node) -> list[str]:
    return [str(tr.attrs["data-id"]) for tr in doc.by_id("incidents").find_all("tr") if "data-id" in tr.attrs]


def test_headline_figures_are_the_ledgers(run: Callable[..., Result]) -> None:
    result = run("-f", FIXTURE, "report", "-o", "report.html")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "iraqsec: wrote report.html (5 incidents, 0 on the map)\n"
    doc = parse(Path("report.html").read_text(encoding="utf-8"))
    records = listed(run, FIXTURE)
    assert doc.by_id("h-incidents").text() == str(len(records)) == "5"
    assert doc.by_id("h-killed").text() == str(sum(int(r["killed"] or 0) for r in records)) == "2"  # type: ignore[call-overload]
    assert doc.by_id("h-wounded").text() == "4"
    header = doc.find_all("header")[0].text()
    assert "2020-07 to 2020-09" in header
    assert "killed (1 incident unreported)" in header
    assert "wounded (1 incident unreported)" in header
    assert doc.by_id("h-escalations").text() == "2020-09 (rising)"  # 3 incidents after 1 and 1


def test_escalation_months_in_the_headline_and_chart(run: Callable[..., Result], tmp_path: Path) -> None:
    ledger = str(synthetic.write(tmp_path / "l", synthetic.ledger(15)))
    doc = build(run, ledger)
    trend = json.loads(run("-f", ledger, "trend", "--format", "json").stdout)
    expected = [p["month"] for p in trend if p["escalation"]]
    assert expected  # the synthetic ledger has some
    assert doc.by_id("h-escalations").text() == ", ".join(f"{p['month']} ({p['signal']})" for p in trend
                                                          if p["escalation"])
    marked = [g.attrs["data-month"] for g in doc.find_all("g", class_="month") if g.find_all(class_="esc-mark")]
    assert marked == expected


@pytest.mark.parametrize("args", [[], ["--tactic", "rocket"], ["--governorate", "Babylon", "--from", "2020-01"],
                                  ["--search", "CONVOY"], ["--month", "2020-03", "--month", "2020-04"],
                                  ["--actor", "Ashab al-Kahf"], ["--casualties"]])
def test_table_rows_are_lists_incidents(run: Callable[..., Result], tmp_path: Path, args: list[str]) -> None:
    ledger = str(synthetic.write(tmp_path / "l", synthetic.ledger(15)))
    doc = build(run, ledger, *args)
    ids = run("-f", ledger, "list", "--format", "ids", *args).stdout.split()
    assert row_ids(doc) == ids
    assert len(ids) > 0


@pytest.mark.parametrize(("field", "table"), [("tactic", "pivot-tactic"), ("target-type", "pivot-target-type")])
def test_pivots_are_summarys_counts(run: Callable[..., Result], tmp_path: Path, field: str, table: str) -> None:
    ledger = str(synthetic.write(tmp_path / "l", synthetic.ledger(15)))
    doc = build(run, ledger)
    rows = json.loads(run("-f", ledger, "summary", "--by", "month", "--by", field, "--format", "json").stdout)
    key = field.replace("-", "_")
    expected = {(r["month"], r[key]): r["incidents"] for r in rows if r["incidents"]}
    pivot = doc.by_id(table)
    columns = [th.text() for th in pivot.find_all("thead")[0].find_all("th")][1:-1]
    seen = {}
    for tr in pivot.find_all("tbody")[0].find_all("tr"):
        month = tr.find_all("th")[0].text()
        for column, td in zip(columns, tr.find_all("td")[:-1], strict=True):
            if td.text() != "·":
                seen[(month, column)] = int(td.text())
    assert seen == expected
    assert len(pivot.find_all("tbody")[0].find_all("tr")) == 15  # every month, empty ones too


def test_pivot_shading() -> None:
    assert [htmlpage.shade(v, 10) for v in (0, 1, 2, 3, 5, 8, 10)] == ["s0", "s1", "s1", "s2", "s3", "s4", "s5"]
    assert htmlpage.shade(1, 1) == "s5"
    assert htmlpage.shade(0, 0) == "s0"


def test_map_points_and_governorate_counts(run: Callable[..., Result], tmp_path: Path) -> None:
    ledger = str(synthetic.write(tmp_path / "l", synthetic.ledger(15)))
    doc = build(run, ledger)
    records = listed(run, ledger)
    located = sorted(str(r["id"]) for r in records if r["coordinates"])
    assert sorted(str(g.attrs["data-id"]) for g in doc.by_id("map").find_all("g", class_="pt")) == located
    counts = Counter(str(r["governorate"]) for r in records)
    shown = {g.attrs["data-governorate"]: int(str(g.attrs["data-count"])) for g in doc.find_all("g", class_="gov")}
    assert len(shown) == 19
    assert {k: v for k, v in shown.items() if v} == dict(counts)
    table = {tr.find_all("td")[0].text(): int(tr.find_all("td")[1].text())
             for tr in doc.by_id("governorates").find_all("tbody")[0].find_all("tr")}
    assert table == shown


def test_month_precision_dates_show_as_in_list(run: Callable[..., Result]) -> None:
    doc = build(run, FIXTURE)
    dates = [tr.find_all("td")[0].text() for tr in doc.by_id("incidents").find_all("tbody")[0].find_all("tr")]
    assert dates == ["2020-07-05", "2020-08-14", "2020-09-??", "2020-09-03", "2020-09-15"]


def test_a_row_opens_to_summary_notes_actors_and_sources(run: Callable[..., Result]) -> None:
    doc = build(run, FIXTURE)
    record = next(r for r in listed(run, FIXTURE) if r["claimed_by"] and r["attributed_to"])
    row = next(tr for tr in doc.by_id("incidents").find_all("tr") if tr.attrs.get("data-id") == record["id"])
    details = row.find_all("details")[0]
    terms = [dt.text() for dt in details.find_all("dt")]
    values = [dd.text() for dd in details.find_all("dd")]
    fields = dict(zip(terms, values, strict=True))
    assert fields["Summary"] == record["summary"]
    assert fields["Claimed by"] == "; ".join(record["claimed_by"])  # type: ignore[arg-type]
    assert fields["Attributed to"] == "; ".join(record["attributed_to"])  # type: ignore[arg-type]
    assert fields["Id"] == record["id"]
    links = details.find_all("a")
    assert links and all(a.attrs["rel"] == "noopener noreferrer" for a in links)


def test_actors_fronts_under_their_factions(run: Callable[..., Result], tmp_path: Path) -> None:
    ledger = str(synthetic.write(tmp_path / "l", synthetic.ledger(15)))
    doc = build(run, ledger)
    records = listed(run, ledger)
    claimed = Counter(a for r in records for a in r["claimed_by"])  # type: ignore[attr-defined]
    attributed = Counter(a for r in records for a in r["attributed_to"])  # type: ignore[attr-defined]
    rows = [[td.text() for td in tr.find_all("td")] for tr in doc.find_all("table", class_="actors")[0].find_all("tr")
            if tr.find_all("td")]
    kh, front = "Kataib Hezbollah", "Ashab al-Kahf"
    assert rows == [
        [kh, "faction", "0", str(attributed[kh])],
        [f"↳ {front}", "front", str(claimed[front]), "0"],
        ["Asaib Ahl al-Haq", "faction", "0", "0"],
        [f"↳ {front}", "front", str(claimed[front]), "0"],
    ]


def test_hostile_text_stays_text(run: Callable[..., Result], tmp_path: Path) -> None:
    ledger = str(synthetic.write(tmp_path / "l", synthetic.ledger(3) + synthetic.hostile()))
    doc = build(run, ledger)
    scripts = doc.find_all("script")
    assert len(scripts) == 1 and scripts[0].text() == htmlpage.SCRIPT
    assert not doc.find_all("img") and not doc.find_all("iframe")
    assert not [b for b in doc.find_all("b") if "id" not in b.attrs]  # the headline's own <b>s only
    for node in doc.iter():
        assert not [a for a in node.attrs if a.startswith("on")], node
    for a in doc.find_all("a"):
        assert re.match(r"^https?://", str(a.attrs["href"])) and a.attrs["rel"] == "noopener noreferrer"
    row = doc.find_all("tr", data_id="2020-05-01-hostile-text")[0]
    assert row.find_all("summary")[0].text() == synthetic.HOSTILE_TARGET
    fields = {dt.text(): dd.text() for dt, dd in zip(row.find_all("dt"), row.find_all("dd"), strict=True)}
    assert fields["Place"] == synthetic.HOSTILE_PLACE
    assert fields["Notes"] == synthetic.HOSTILE_NOTES
    assert fields["Claimed by"] == "<b onmouseover=alert(3)>Group</b>"
    # the URL with quotes and angle brackets is shown as text, never as a link
    assert fields["Sources"].startswith(synthetic.HOSTILE_TITLE)
    assert len(doc.by_id("incidents").find_all("tbody")[0].find_all("tr")) == len(row_ids(doc))


def test_content_security_policy_allows_only_the_page_itself(run: Callable[..., Result]) -> None:
    text = Path(SHIPPED).read_text(encoding="utf-8")
    assert text  # the shipped ledger is there
    doc = build(run, str(SHIPPED))
    policy = doc.find_all("meta", http_equiv="Content-Security-Policy")[0].attrs["content"] or ""
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    style, script = doc.find_all("style")[0].text(), doc.find_all("script")[0].text()

    def digest(s: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"

    assert directives == {"default-src": "'none'", "style-src": digest(style), "script-src": digest(script),
                          "img-src": "data:", "base-uri": "'none'", "form-action": "'none'"}
    assert "url(" not in style and "@import" not in style
    for node in doc.iter():  # nothing the browser would fetch
        for name in ("src", "srcset", "data", "poster", "xlink:href"):
            assert name not in node.attrs
        if node.tag == "link":
            assert node.attrs["href"] == "data:,"
        if "style" in node.attrs:
            pytest.fail(f"inline style attribute on {node.tag}: the policy would block it")


def test_shipped_ledger(run: Callable[..., Result]) -> None:
    doc = build(run, str(SHIPPED))
    ids = run("-f", str(SHIPPED), "list", "--format", "ids").stdout.split()
    assert row_ids(doc) == ids and len(ids) >= 150
    assert len(doc.by_id("trend-chart").find_all("g", class_="month")) == len(
        json.loads(run("-f", str(SHIPPED), "trend", "--format", "json").stdout))


@pytest.mark.parametrize(("months", "labels"), [(15, 15), (63, 21)])
def test_chart_for_15_and_63_months(run: Callable[..., Result], tmp_path: Path, months: int, labels: int) -> None:
    ledger = str(synthetic.write(tmp_path / "l", synthetic.ledger(months)))
    doc = build(run, ledger)
    chart = doc.by_id("trend-chart")
    assert len(chart.find_all("g", class_="month")) == months
    month_labels = [t for t in chart.find_all("text", class_="tick") if t.find_all("tspan")]
    assert len(month_labels) == labels  # every month, or every quarter
    width = int(str(chart.attrs["width"]))
    assert width <= 1100  # a 63-month chart scrolls within reason


def test_title_option(run: Callable[..., Result]) -> None:
    doc = build(run, FIXTURE, "--title", "Rockets & <drones>")
    assert doc.find_all("title")[0].text() == "Rockets & <drones>"
    assert doc.find_all("h1")[0].text() == "Rockets & <drones>"
    for title in ("a\x1b[31mb", "a\u202eb", "", " ", "x" * 201):
        bad = run("-f", FIXTURE, "report", "-o", "x.html", "--title", title)
        assert bad.exit_code == 2 and "give 1 to 200 characters of plain text" in bad.stderr
        assert "\x1b" not in bad.stderr and "\u202e" not in bad.stderr
        assert not Path("x.html").exists()


def test_empty_selection_still_writes_a_page(run: Callable[..., Result]) -> None:
    doc = build(run, FIXTURE, "--tactic", "kidnapping")
    assert row_ids(doc) == [] and doc.by_id("h-incidents").text() == "0"
    assert "no months" in doc.find_all("header")[0].text()


def _fifo(path: Path) -> str:
    os.mkfifo(path)
    return str(path)


@pytest.mark.parametrize(("make", "message"), [
    (lambda d: str(d), "is a directory; iraqsec replaces regular files only"),
    (lambda d: str(d / "missing" / "r.html"), "is in a directory that does not exist"),
    (lambda d: "", "the output path is empty"),
    (lambda d: "/dev/null", "is a device"),
    (lambda d: _fifo(d / "fifo"), "is a FIFO (named pipe)"),
    (lambda d: "/dev/stdout", "names a file descriptor"),
    (lambda d: FIXTURE, "is a file of the ledger in force"),
])
def test_bad_output_paths_are_refused_before_any_work(run: Callable[..., Result], tmp_path: Path,
                                                      make: Callable[[Path], str], message: str) -> None:
    target = make(tmp_path)
    before = Path(FIXTURE).read_bytes()
    result = run("-f", FIXTURE, "report", "-o", target)
    assert result.exit_code == 2 and message in result.stderr, result.stderr
    assert result.stdout == "" and "Traceback" not in result.output
    assert Path(FIXTURE).read_bytes() == before


def test_output_is_required(run: Callable[..., Result]) -> None:
    result = run("-f", FIXTURE, "report")
    assert result.exit_code == 2
    assert "give the file to write with -o PATH" in result.stderr


def test_standard_output_and_a_link(run: Callable[..., Result], tmp_path: Path) -> None:
    result = run("-f", FIXTURE, "report", "-o", "-")
    assert result.exit_code == 0 and result.stdout.startswith("<!DOCTYPE html>\n")
    assert len(row_ids(parse(result.stdout))) == 5
    real = tmp_path / "site" / "index.html"
    real.parent.mkdir()
    real.write_text("old", encoding="utf-8")
    (tmp_path / "link.html").symlink_to(real)
    assert run("-f", FIXTURE, "report", "-o", "link.html").exit_code == 0
    assert (tmp_path / "link.html").is_symlink() and real.read_text(encoding="utf-8") == result.stdout


def test_a_ledger_with_errors_writes_nothing(run: Callable[..., Result], tmp_path: Path) -> None:
    ledger = synthetic.write(tmp_path / "l", synthetic.ledger(2).replace("tactic: rocket", "tactic: rockets"))
    result = run("-f", str(ledger), "report", "-o", "r.html")
    assert result.exit_code == 1 and "unknown tactic" in result.stderr
    assert not Path("r.html").exists()


def test_git_revision_of_the_ledger(run: Callable[..., Result], tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    ledger = synthetic.write(repo, synthetic.ledger(2))
    today = dt.date.today().isoformat()
    assert build(run, str(ledger)).by_id("h-meta").text() == f"2019-10 to 2019-11 · generated {today}"
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "synthetic"]):
        subprocess.run(["git", "-C", str(repo), *args], check=True, env=env)
    head = subprocess.run(["git", "-C", str(repo), "rev-parse", "--short=12", "HEAD"], check=True,
                          capture_output=True, text=True).stdout.strip()
    assert build(run, str(ledger)).by_id("h-meta").text() == (
        f"2019-10 to 2019-11 · generated {today}, ledger revision {head}")
    with ledger.open("a", encoding="utf-8") as handle:
        handle.write("# an uncommitted edit\n")
    assert build(run, str(ledger)).by_id("h-meta").text().endswith(f", ledger revision {head}+uncommitted")


_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"), max_size=40)


@settings(max_examples=150, deadline=None)
@given(_TEXT, _TEXT)
def test_any_text_round_trips_as_text_and_attribute(text: str, attribute: str) -> None:
    doc = parse(str(el("p", {"title": attribute}, text)))
    (p,) = doc.find_all("p")
    assert p.text() == text and p.attrs["title"] == attribute and p.find_all() == [p]


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=30))
def test_only_plain_http_urls_become_links(tail: str) -> None:
    for url in ("javascript:" + tail, "data:text/html," + tail, "//host/" + tail, "HTTPS:x" + tail):
        assert safe_url(url) is None
        assert not parse(str(link(url, "t"))).find_all("a")
    url = "https://example.org/" + re.sub(r"[^a-z0-9/._-]", "", tail)
    anchor = parse(str(link(url, "t"))).find_all("a")[0]
    assert anchor.attrs == {"href": url, "rel": "noopener noreferrer", "target": "_blank"}
