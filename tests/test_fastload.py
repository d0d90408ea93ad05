"""The fast reader of the canonical layout gives exactly what the strict
loader gives, or declines.  Every record here is SYNTHETIC."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import VALID
from iraqsec import fastload, vocab
from iraqsec.loader import LoadedFile, parse_text
from iraqsec.model import Incident
from iraqsec.writer import dump_records

# Text with the characters that make YAML scalars tricky.
PIECES = [*"ab Z19-:#'\"\\[]{},&*!|>%@`?~é€\t\n", "null", "yes", "2020-01-01", " #", ": ", "0x1F", "1e3"]
TRICKY = st.lists(st.sampled_from(PIECES), min_size=1, max_size=12).map("".join)
WORDS = st.text(st.sampled_from(list("abcdefghij .,0123456789-:#\"")), min_size=1, max_size=200)


def _text(draw: st.DrawFn, strategy: st.SearchStrategy[str]) -> str:
    text: str = draw(strategy)
    return text if text.strip() else "x"


@st.composite
def incidents(draw: st.DrawFn) -> Incident:
    text = st.one_of(TRICKY, WORDS)
    sources = draw(st.lists(st.one_of(
        st.just("https://example.org/a"),
        st.fixed_dictionaries({"title": text}, optional={
            "url": st.just("https://example.org/b"),
            "publisher": text,
            "published": st.sampled_from(["2020-09", "2020-09-06"]),
        }),
    ), min_size=1, max_size=3))
    data = {
        "id": draw(st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,5}){0,3}", fullmatch=True)),
        "date": draw(st.sampled_from(["2020-09", "2020-09-06", "2019-12-31"])),
        "governorate": draw(st.sampled_from(list(vocab.GOVERNORATES))),
        "place": _text(draw, text),
        "coordinates": draw(st.one_of(st.none(), st.tuples(st.floats(29.0, 37.4), st.floats(38.7, 48.8)).map(list))),
        "tactic": draw(st.sampled_from(list(vocab.TACTICS))),
        "target_type": draw(st.sampled_from(list(vocab.TARGET_TYPES))),
        "target": _text(draw, text),
        "target_country": draw(st.sampled_from([None, "US", "GB"])),
        "killed": draw(st.one_of(st.none(), st.integers(0, 300))),
        "wounded": draw(st.one_of(st.none(), st.integers(0, 300))),
        "claimed_by": draw(st.lists(text.map(lambda s: s.strip() or "x"), max_size=2)),
        "summary": _text(draw, text),
        "sources": sources,
        "notes": draw(st.one_of(st.none(), text)),
        "tags": draw(st.lists(st.sampled_from(["a", "b-c", "null", "yes", "1", "0x1"]), max_size=3, unique=True)),
    }
    return Incident.model_validate(data)


def _same(fast: LoadedFile, strict: LoadedFile) -> None:
    assert fast.findings == strict.findings
    assert [(r.line, r.col, r.data, r.positions) for r in fast.records] == \
        [(r.line, r.col, r.data, r.positions) for r in strict.records]


@settings(max_examples=200, deadline=None)
@given(st.lists(incidents(), min_size=1, max_size=4), st.booleans())
def test_canonical_ledgers_read_the_same_both_ways(records: list[Incident], header: bool) -> None:
    text = ("# SYNTHETIC\n\n" if header else "") + dump_records(records)
    _same(parse_text(text, "l.yaml"), parse_text(text, "l.yaml", fast=False))


NASTY = ["\t", "\x00", "&a ", "*a", "!!str ", "'", '"', "#", " #", ": ", "\r\n", "\n", "  ", "- ", "<<: ",
         "---\n", "|", ">", "|+", "[", "]", "{", ",", "null", "~", "?", "\\", "\\x41", "\\ud800", "\ufeff", "\u2028"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(NASTY)), min_size=1, max_size=4))
def test_edited_ledgers_are_read_the_same_or_declined(edits: list[tuple[int, str]]) -> None:
    text = VALID + "\n" + VALID.replace("2020-09-06-baghdad", "second").replace("  summary: Synthetic test record.",
                                                                              '  summary: "A \\"quoted\\"\n    text"')
    for at, piece in edits:
        at %= len(text) + 1
        text = text[:at] + piece + text[at:]
    fast = fastload.parse_canonical(text, "l.yaml")
    if fast is not None:
        strict = parse_text(text, "l.yaml", fast=False)
        assert strict.findings == []
        _same(LoadedFile("l.yaml", fast, []), strict)


def test_canonical_layout_takes_the_fast_path() -> None:
    text = dump_records([Incident.model_validate({
        "id": "a-b", "date": "2020-09-06", "governorate": "Nineveh", "place": 'Said: "here"', "tactic": "rocket",
        "target_type": "airport", "target": "Tarmac", "killed": None, "wounded": 3, "summary": "One.\nTwo.",
        "sources": ["https://example.org/x", {"title": "T", "published": "2020-09"}], "tags": ["x"],
        "coordinates": [33.1, 44.2]})])
    records = fastload.parse_canonical(text, "l.yaml")
    assert records is not None
    assert records[0].data["place"] == 'Said: "here"'
    assert records[0].data["summary"] == "One.\nTwo."
    assert records[0].positions[("sources", 1, "published")] == (19, 7)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from([*NASTY, "\n- ", "\n- id: x\n", "\n\n"])),
                min_size=1, max_size=4))
def test_any_text_reads_the_same_as_the_strict_loader(edits: list[tuple[int, str]]) -> None:
    """Fast for the whole file, record by record, or strict: always the strict result."""
    folded = VALID.replace("  summary: Synthetic test record.", "  summary: >-\n    Folded\n    text.")
    text = "# SYNTHETIC\n\n" + VALID + "\n" + folded.replace("2020-09-06-baghdad", "b") + "\n" + \
        VALID.replace("2020-09-06-baghdad", "c")
    for at, piece in edits:
        at %= len(text) + 1
        text = text[:at] + piece + text[at:]
    _same(parse_text(text, "l.yaml"), parse_text(text, "l.yaml", fast=False))


def test_one_odd_record_is_read_strictly_the_others_fast() -> None:
    folded = VALID.replace("  summary: Synthetic test record.", "  summary: >-\n    Folded\n    text.")
    text = VALID + "\n" + folded.replace("2020-09-06-baghdad", "b")
    assert fastload.parse_canonical(text, "l.yaml") is None
    records = fastload.parse_by_record(text, "l.yaml", lambda t, p: parse_text(t, p, fast=False).records)
    assert records is not None
    assert [(r.line, r.data["summary"], r.positions[("sources", 0)]) for r in records] == [
        (1, "Synthetic test record.", (16, 7)), (18, "Folded text.", (35, 7))]
