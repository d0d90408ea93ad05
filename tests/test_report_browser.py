"""`iraqsec report` pages opened in headless Chromium (Debian's `chromium`,
driven by Playwright without downloading a browser of its own).

One browser serves the whole session.  Without chromium or Playwright the
tests are skipped on a developer's machine, and fail under CI (CI=true),
where `.ci/run` installs the browser.  Ledgers are SYNTHETIC
(tests/report_support.py) or the shipped one."""

from __future__ import annotations

import base64
import itertools
import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

import report_support as synthetic
from conftest import SHIPPED

BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: the browser tests must run in CI (.ci/run installs chromium)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        _unavailable("chromium is not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=BROWSER_ARGS)
        yield browser
        browser.close()


class Opened:
    """A page with everything it logged and requested, and any dialog."""

    def __init__(self, browser: Any, path: Path, width: int = 1280, height: int = 800, js: bool = True) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": height}, java_script_enabled=js)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", self._dialog)
        self.url = path.resolve().as_uri()
        self.page.goto(self.url)
        self.page.wait_for_load_state("load")

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def visible_ids(self) -> list[str]:
        ids: list[str] = self.page.eval_on_selector_all(
            "#incidents tbody tr", "rows => rows.filter(r => !r.hidden).map(r => r.dataset.id)")
        return ids

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def opened(browser: Any) -> Iterator[Callable[..., Opened]]:
    pages: list[Opened] = []

    def _open(path: Path, **kwargs: Any) -> Opened:
        pages.append(Opened(browser, path, **kwargs))
        return pages[-1]

    yield _open
    for page in pages:
        page.close()


def report(run: Callable[..., Result], ledger: Path | str, *args: str, name: str = "report.html") -> Path:
    result = run("-f", str(ledger), "report", *args, "-o", name)
    assert result.exit_code == 0, result.output
    return Path(name).resolve()


def ids(run: Callable[..., Result], ledger: Path | str, *args: str) -> list[str]:
    result = run("-f", str(ledger), "list", "--format", "ids", *args)
    assert result.exit_code == 0, result.output
    return result.stdout.split()


@pytest.fixture
def ledger15(tmp_path: Path) -> Path:
    return synthetic.write(tmp_path / "ledger15", synthetic.ledger(15))


def test_shipped_ledger_loads_cleanly_and_offline(run: Callable[..., Result], opened: Callable[..., Opened]) -> None:
    page = opened(report(run, SHIPPED))
    assert page.errors == []
    assert page.requests == [page.url]  # the document itself, nothing else
    assert page.visible_ids() == ids(run, SHIPPED)
    assert page.page.inner_text("#shown") == f"{len(page.visible_ids())} of {len(page.visible_ids())} incidents shown"
    # one map point per located incident: the ones `export --format geojson` places
    geojson = run("-f", str(SHIPPED), "export", "--format", "geojson")
    located = sorted(f["properties"]["id"] for f in json.loads(geojson.stdout)["features"])
    assert sorted(page.page.eval_on_selector_all("#map .pt", "ps => ps.map(p => p.dataset.id)")) == located
    assert len(located) > 300


@pytest.mark.parametrize("args", [[], ["--tactic", "rocket", "--tactic", "ied"], ["--governorate", "Erbil"],
                                  ["--from", "2020-02", "--to", "2020-06"]])
def test_rows_equal_list_with_the_same_filters(run: Callable[..., Result], opened: Callable[..., Opened],
                                               ledger15: Path, args: list[str]) -> None:
    page = opened(report(run, ledger15, *args))
    rows = page.page.locator("#incidents tbody tr")
    assert rows.count() == len(ids(run, ledger15, *args))
    assert page.visible_ids() == ids(run, ledger15, *args)
    assert page.errors == [] and page.requests == [page.url]


@pytest.mark.parametrize("word", ["convoy", "EMBASSY", "record 1", "place 2", "zzz-nothing"])
def test_search_box_equals_list_search(run: Callable[..., Result], opened: Callable[..., Opened],
                                       ledger15: Path, word: str) -> None:
    page = opened(report(run, ledger15))
    page.page.fill("#q", word)
    expected = ids(run, ledger15, "--search", word)
    assert page.visible_ids() == expected
    assert page.page.inner_text("#shown") == f"{len(expected)} of 45 incidents shown"


def test_filters_and_sorting(run: Callable[..., Result], opened: Callable[..., Opened], ledger15: Path) -> None:
    page = opened(report(run, ledger15))
    page.page.select_option("#f-tactic", "rocket")
    assert page.visible_ids() == ids(run, ledger15, "--tactic", "rocket")
    page.page.select_option("#f-target-type", "military-base")
    assert page.visible_ids() == ids(run, ledger15, "--tactic", "rocket", "--target-type", "military-base")
    page.page.select_option("#f-tactic", "")
    page.page.select_option("#f-target-type", "")
    for grade in ("confirmed", "disputed", "ungraded"):
        page.page.select_option("#f-evidence", grade)
        assert page.visible_ids() == ids(run, ledger15, "--evidence", grade)
    page.page.select_option("#f-evidence", "")
    page.page.click("#incidents th[data-key=killed] button")
    killed = page.page.eval_on_selector_all("#incidents tbody tr", "rows => rows.map(r => r.dataset.killed)")
    numbers = [-1 if k == "" else int(k) for k in killed]
    assert numbers == sorted(numbers)
    page.page.click("#incidents th[data-key=killed] button")
    killed = page.page.eval_on_selector_all("#incidents tbody tr", "rows => rows.map(r => r.dataset.killed)")
    assert [-1 if k == "" else int(k) for k in killed] == sorted(numbers, reverse=True)
    assert page.page.get_attribute("#incidents th[data-key=killed]", "aria-sort") == "descending"
    page.page.click("#incidents th[data-key=date] button")
    assert page.visible_ids() == ids(run, ledger15)  # date order, ties by id, as list
    assert page.errors == []


def test_one_map_point_per_located_incident(run: Callable[..., Result], opened: Callable[..., Opened],
                                           ledger15: Path) -> None:
    page = opened(report(run, ledger15))
    located = [r for r in ids(run, ledger15) if int(r.rsplit("-", 1)[1]) % 3 == 0]  # every third has coordinates
    points = page.page.eval_on_selector_all("#map .pt", "ps => ps.map(p => p.dataset.id)")
    assert sorted(points) == sorted(located)
    # each point is drawn inside the map and can be seen
    boxes = page.page.eval_on_selector_all("#map .pt", "ps => ps.map(p => p.getBoundingClientRect().width)")
    assert all(w > 0 for w in boxes)
    page.page.focus(f"#map .pt[data-id='{located[0]}']")
    caption = page.page.inner_text("#map-caption")
    assert caption.startswith(located[0][:10]) and "Synthetic target" in caption
    # a point leads to its row, opened, even when a filter had hidden it
    page.page.fill("#q", "zzz-nothing")
    page.page.press("#q", "Enter")  # the search box submits nothing (the policy forbids form actions)
    assert page.page.evaluate("location.hash") == "" and page.visible_ids() == []
    page.page.focus(f"#map .pt[data-id='{located[0]}']")
    page.page.keyboard.press("Enter")
    row = page.page.locator(f"#incidents tr[data-id='{located[0]}']")
    assert row.is_visible() and row.locator("dl").is_visible()
    assert page.page.evaluate("location.hash") == f"#i-{located[0]}"
    assert page.page.input_value("#q") == ""
    page.page.click(f"#map .pt[data-id='{located[-1]}']")
    assert page.page.locator(f"#incidents tr[data-id='{located[-1]}'] dl").is_visible()
    assert page.errors == [] and page.requests == [page.url]


def test_hostile_text_renders_as_text(run: Callable[..., Result], opened: Callable[..., Opened],
                                      tmp_path: Path) -> None:
    ledger = synthetic.write(tmp_path / "hostile", synthetic.ledger(3) + synthetic.hostile())
    page = opened(report(run, ledger, "--title", "<script>alert(7)</script>"))
    row = page.page.locator("#incidents tr[data-id='2020-05-01-hostile-text']")
    row.locator("summary").click()
    assert row.locator("summary").inner_text() == synthetic.HOSTILE_TARGET
    details = row.locator("dl").inner_text()
    assert synthetic.HOSTILE_PLACE in details and synthetic.HOSTILE_NOTES in details
    assert synthetic.HOSTILE_TITLE in details
    page.page.focus("#map .pt[data-id='2020-05-01-hostile-text']")
    assert synthetic.HOSTILE_TARGET in page.page.inner_text("#map-caption")
    page.page.fill("#q", "<script>")
    assert page.visible_ids() == ["2020-05-01-hostile-text"]
    assert page.page.title() == "<script>alert(7)</script>"
    assert page.page.locator("img, iframe, #incidents script, #incidents b").count() == 0
    assert page.page.locator("a[href^='javascript']").count() == 0
    assert page.dialogs == [] and page.errors == [] and page.requests == [page.url]
    assert page.page.locator("#incidents tbody tr").count() == len(ids(run, ledger))


def test_works_without_javascript(run: Callable[..., Result], opened: Callable[..., Opened], ledger15: Path) -> None:
    page = opened(report(run, ledger15), js=False)
    assert page.page.locator("#incidents tbody tr:visible").count() == len(ids(run, ledger15))
    assert not page.page.locator("#controls").is_visible()
    first = page.page.locator("#incidents tbody tr").first
    assert not first.locator("dl").is_visible()
    first.locator("summary").click()
    assert first.locator("dl").is_visible() and "Synthetic record 0" in first.locator("dl").inner_text()


def _non_blank_share(browser: Any, png: bytes) -> float:
    """The share of pixels that are not plain white, counted by the browser
    itself (no image library needed)."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content("<canvas id=c></canvas>")
        share: float = page.evaluate("""async (data) => {
            const img = new Image(); img.src = data; await img.decode();
            const c = document.getElementById('c'); c.width = img.width; c.height = img.height;
            const ctx = c.getContext('2d'); ctx.drawImage(img, 0, 0);
            const px = ctx.getImageData(0, 0, img.width, img.height).data; let n = 0;
            for (let i = 0; i < px.length; i += 4) { if (px[i] < 245 || px[i+1] < 245 || px[i+2] < 245) n++; }
            return n / (img.width * img.height);
        }""", "data:image/png;base64," + base64.b64encode(png).decode())
        return share
    finally:
        context.close()


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_screenshots(run: Callable[..., Result], opened: Callable[..., Opened], browser: Any, tmp_path: Path,
                     width: int, height: int) -> None:
    page = opened(report(run, SHIPPED), width=width, height=height)
    shot = tmp_path / f"report-{width}x{height}.png"
    page.page.screenshot(path=str(shot))
    share = _non_blank_share(browser, shot.read_bytes())
    assert 0.03 < share < 0.9, share
    # nothing wider than the screen except inside the scrolling boxes
    overflow = page.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    map_box = page.page.locator("#map").bounding_box()
    assert map_box is not None and 0 < map_box["width"] <= width
    if width < 600:  # on a phone each incident is a card: the table needs no sideways scrolling
        assert page.page.locator("#table .scroll").evaluate("e => e.scrollWidth <= e.clientWidth")


@pytest.mark.parametrize(("months", "labels"), [(15, 15), (63, 21)])
def test_trend_chart_readable_for_15_and_63_months(run: Callable[..., Result], opened: Callable[..., Opened],
                                                   tmp_path: Path, months: int, labels: int) -> None:
    ledger = synthetic.write(tmp_path / f"l{months}", synthetic.ledger(months))
    page = opened(report(run, ledger), width=390, height=844)
    assert page.page.locator("#trend-chart g.month").count() == months
    texts = page.page.eval_on_selector_all("#trend-chart text.tick tspan:first-child",
                                           "ts => ts.map(t => t.textContent)")
    assert len(texts) == labels
    # month labels do not overlap one another
    boxes = page.page.eval_on_selector_all("#trend-chart text.tick tspan:first-child",
                                           "ts => ts.map(t => {const b = t.getBoundingClientRect(); "
                                           "return [b.left, b.right];})")
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(boxes))
    # on a phone the chart scrolls inside its box rather than widening the page
    scroller = page.page.locator("#trend .scroll")
    assert scroller.evaluate("e => e.scrollWidth > e.clientWidth")
    assert page.page.evaluate("document.documentElement.scrollWidth") <= 390


def test_evidence_filter_and_sites_on_a_v2_ledger(run: Callable[..., Result], opened: Callable[..., Opened]) -> None:
    v2 = str(Path(__file__).parent / "fixtures" / "v2" / "incidents.yaml")
    page = opened(report(run, v2, "--scope", "all"))
    for grade in ("confirmed", "reported", "claimed", "disputed", "ungraded"):
        page.page.select_option("#f-evidence", grade)
        assert page.visible_ids() == ids(run, v2, "--scope", "all", "--evidence", grade)
    assert page.page.locator("#map .pt").count() == 4  # two at their sites, one near a site, one exact
    assert page.errors == [] and page.requests == [page.url]


def test_prints_without_controls_and_with_the_chart_whole(run: Callable[..., Result],
                                                          opened: Callable[..., Opened]) -> None:
    page = opened(report(run, SHIPPED), width=700, height=1000)
    page.page.emulate_media(media="print")
    assert not page.page.locator("#controls").is_visible()
    assert page.page.locator("#trend-chart").evaluate("e => e.getBoundingClientRect().right") <= 700
    assert page.page.pdf()[:5] == b"%PDF-"
