"""Filters select exactly what the record format's filter options mean,
written out here record by record as the oracle, on random valid records
(hypothesis), as models and as the cache's `Facts`: the same records, in the
same order, and the same count of what the view leaves out.  Every record
here is SYNTHETIC."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incident_strategies import incidents
from iraqsec.analysis.query import UNGRADED, Filters, LeftOut, day_span, facts, left_out, matching
from iraqsec.record import vocab
from iraqsec.record.model import Incident


def oracle(f: Filters, i: Incident) -> bool:
    """Whether `i` meets every filter, as the options' help says."""
    first, last = day_span(i.date)
    return all((
        not f.months or i.month in f.months,
        f.start is None or first >= f.start,
        f.end is None or last <= f.end,
        not f.evidence or (i.evidence or UNGRADED) in f.evidence,
        not f.sites or i.site in f.sites,
        not f.tags or any(t in f.tags for t in i.tags),
        not any(t in f.without_tags for t in i.tags),
        not f.tactics or i.tactic in f.tactics,
        not f.target_types or i.target_type in f.target_types,
        not f.governorates or i.governorate in f.governorates,
        not f.target_countries or i.target_country in f.target_countries,
        not f.actors or any(a in f.actors for a in [*i.claimed_by, *i.attributed_to]),
        not f.claimed_by or any(a in f.claimed_by for a in i.claimed_by),
        not f.attributed_to or any(a in f.attributed_to for a in i.attributed_to),
        not f.casualties or bool(i.killed) or bool(i.wounded),
        f.search is None or any(f.search.casefold() in (t or "").casefold()
                                for t in (i.place, i.target, i.summary, i.notes)),
        f.scope == "all" or i.scope == f.scope,
        f.include_withdrawn or i.withdrawn is None,
    ))


@st.composite
def filters(draw: st.DrawFn, records: list[Incident]) -> Filters:
    """Up to three filters, with values taken from the records' own (so that
    some match) and the vocabularies, and any view."""
    names = [a for i in records for a in i.actors] + ["Nobody"]
    tags = [t for i in records for t in i.tags] + ["x"]
    choices: dict[str, st.SearchStrategy[Any]] = {
        "months": _some([i.month for i in records] + ["1999-01"]),
        "start": st.sampled_from([d for i in records for d in day_span(i.date)]),
        "end": st.sampled_from([d for i in records for d in day_span(i.date)]),
        "tactics": _some([i.tactic for i in records] + list(vocab.TACTICS)[:2]),
        "target_types": _some([i.target_type for i in records]),
        "governorates": _some([i.governorate for i in records] + ["Basra"]),
        "actors": _some(names), "claimed_by": _some(names), "attributed_to": _some(names),
        "target_countries": _some([i.target_country for i in records if i.target_country] + ["US"]),
        "casualties": st.just(True),
        "evidence": _some([*vocab.EVIDENCE, UNGRADED, UNGRADED]),
        "tags": _some(tags), "without_tags": _some(tags),
        "sites": _some([i.site for i in records if i.site] + ["nowhere"]),
        "search": st.sampled_from([i.place[:3] for i in records] + [i.summary[-4:] for i in records] + ["É"]),
    }
    given = draw(st.lists(st.sampled_from(sorted(choices)), max_size=3, unique=True))
    return Filters(**{name: draw(choices[name]) for name in given},
                   scope=draw(st.sampled_from([*vocab.SCOPES, "all"])), include_withdrawn=draw(st.booleans()))


def _some(values: list[Any]) -> st.SearchStrategy[tuple[Any, ...]]:
    return st.lists(st.sampled_from(values), min_size=1, max_size=2).map(tuple)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.lists(incidents(), min_size=1, max_size=6))
def test_filters_select_what_the_options_mean(data: st.DataObject, records: list[Incident]) -> None:
    f = data.draw(filters(records))
    expected = [i for i in records if oracle(f, i)]
    assert list(matching(records, f)) == expected
    assert [i for i in records if f.matches(i)] == expected
    met = [i for i in records if oracle(Filters(**{**_fields(f), "scope": "all", "include_withdrawn": True}), i)]
    assert left_out(records, f) == _left_out(f, met)
    if f.search is None:  # the cache's Facts hold no texts: a search reads the records
        rows = [facts(i) for i in records]
        assert [r.id for r in matching(rows, f)] == [i.id for i in expected]
        assert left_out(rows, f) == left_out(records, f)


def _fields(f: Filters) -> dict[str, Any]:
    return {k: getattr(f, k) for k in Filters.__dataclass_fields__ if not k.startswith("_")}


def _left_out(f: Filters, met: list[Incident]) -> LeftOut:
    """Among the records that meet the other filters, those the view leaves
    out, by reason (withdrawn first)."""
    out = {"context": 0, "campaign": 0, "withdrawn": 0}
    for i in met:
        if (f.scope == "all" or i.scope == f.scope) and (f.include_withdrawn or i.withdrawn is None):
            continue
        out["withdrawn" if i.withdrawn is not None and not f.include_withdrawn else i.scope] += 1
    return LeftOut(**out)
