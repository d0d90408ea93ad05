"""The report page built from random valid incidents (SYNTHETIC, from
tests/incident_strategies.py): whatever the ledger text, the page holds it
as text, its figures add up, and nothing but the page's own markup appears."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from htmltree import parse
from incident_strategies import incidents
from iraqsec.analysis import page
from iraqsec.analysis.query import sort_key
from iraqsec.analysis.reports import month_span
from iraqsec.record.model import Incident, source_url
from iraqsec.rendering import htmlpage
from iraqsec.rendering.markup import safe_url

# Every element the page itself writes; anything else would have come from data.
PAGE_TAGS = {
    "#document", "html", "head", "meta", "link", "title", "style", "body", "main", "header", "footer", "section",
    "h1", "h2", "p", "ul", "li", "b", "span", "div", "svg", "g", "rect", "line", "text", "tspan", "path", "circle",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "details", "summary", "dl", "dt", "dd", "ol",
    "a", "code", "form", "label", "input", "select", "option", "output", "script",
}


def unique_ids(records: list[Incident]) -> list[Incident]:
    seen: dict[str, Incident] = {}
    for record in records:
        seen.setdefault(record.id, record)
    return sorted(seen.values(), key=sort_key)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(incidents(), min_size=1, max_size=6).map(unique_ids))
def test_any_ledger_text_is_text_and_the_figures_add_up(records: list[Incident]) -> None:
    months = month_span(records)
    built = page.build("T", records, months, [], {}, "2026-01-01", None)
    doc = parse(htmlpage.document(built))
    assert {n.tag for n in doc.iter()} <= PAGE_TAGS
    assert len(doc.find_all("script")) == 1 and doc.find_all("script")[0].text() == htmlpage.SCRIPT
    for node in doc.iter():
        assert not [name for name in node.attrs if name.startswith("on")]
    rows = [tr for tr in doc.by_id("incidents").find_all("tr") if "data-id" in tr.attrs]
    assert [tr.attrs["data-id"] for tr in rows] == [r.id for r in records]
    for tr, record in zip(rows, records, strict=True):
        assert tr.find_all("summary")[0].text() == record.target
        assert tr.find_all("dd", class_="s-summary")[0].text() == record.summary
        assert tr.find_all("dd", class_="s-place")[0].text() == record.place
        allowed = {safe_url(source_url(s)) for s in record.sources} - {None}
        assert {a.attrs["href"] for a in tr.find_all("a")} == allowed
    assert sum(sum(b.segments.values()) for b in built.months) == len(records)
    assert sum(g.incidents for g in built.governorates) == len(records)
    assert doc.by_id("h-incidents").text() == str(len(records))
    assert doc.by_id("h-killed").text() == str(sum(r.killed or 0 for r in records))
    assert len(doc.by_id("map").find_all("g", class_="pt")) == sum(1 for r in records if r.coordinates)
