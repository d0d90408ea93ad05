"""The canonical writer: every valid record reads back exactly."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from authoring_support import record
from incident_strategies import incidents
from iraqsec.reading.loader import parse_text
from iraqsec.record.model import Incident
from iraqsec.record.rules import validate_record
from iraqsec.writing import writer


def reload(text: str) -> list[Incident | None]:
    loaded = parse_text(text, "t.yaml")
    assert loaded.findings == []
    out = []
    for raw in loaded.records:
        incident, findings = validate_record(raw, Incident, "incident")
        assert findings == []
        out.append(incident)
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(incidents(), min_size=1, max_size=4))
def test_dump_then_load_gives_the_same_records(records: list[Incident]) -> None:
    assert reload(writer.dump_records(records)) == records


def incident(ident: str = "2020-09-06-x", **changes: object) -> Incident:
    return Incident.model_validate(record(ident, **changes))


def test_notes_ending_in_line_breaks_keep_them_before_another_record() -> None:
    for notes in ("a\n", "a\n\n", "a\n\n\n", "\n", "\n\n", " a\nb", "\ta", "a\n  b\n"):
        first, second = incident(notes=notes), incident("2020-09-07-x")
        assert reload(writer.dump_records([first, second])) == [first, second]


def test_tabs_and_line_breaks_go_in_literal_blocks_everywhere() -> None:
    first = incident(summary="a\tb", claimed_by=["Some\ngroup"],
                     sources=[{"title": " lead\ntitle", "url": "https://example.org/x"}])
    text = writer.dump_record(first)
    assert "  summary: |-\n    a\tb\n" in text
    assert "    - |-\n      Some\n      group\n" in text
    assert "    - title: |2-\n         lead\n        title\n" in text
    assert reload(text) == [first]


def test_characters_yaml_reads_specially_are_escaped() -> None:
    assert writer.scalar("x\u0085y") == '"x\\u0085y"'  # NEL would be a line break to YAML
    assert writer.scalar("a\u200bb") == "a\u200bb"  # a zero-width space is ordinary text
    assert reload(writer.dump_record(incident(place="zero\u200bwidth"))) == [incident(place="zero\u200bwidth")]


def test_appended_adds_no_second_blank_line() -> None:
    assert writer.appended(b"- a: 1\n", "- b: 2\n") == b"- a: 1\n\n- b: 2\n"
    assert writer.appended(b"- a: 1", "- b: 2\n") == b"- a: 1\n\n- b: 2\n"
    assert writer.appended(b"- a: |+\n    x\n\n", "- b: 2\n") == b"- a: |+\n    x\n\n- b: 2\n"
    assert writer.appended(b"- a: 1\r\n", "- b: 2\n") == b"- a: 1\r\n\r\n- b: 2\r\n"
    assert writer.appended(b"\n", "- b: 2\n") == b"- b: 2\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(incidents(), st.sets(st.sampled_from(["tags", "coordinates", "claimed_by"])))
def test_the_writer_reports_the_lines_the_loader_reads(incident: Incident, block: set[str]) -> None:
    """`dump_fields` says where it wrote each key and list item (fmt anchors
    comments by it): the same paths and lines as reading the text back."""
    lines: dict[tuple[str | int, ...], int] = {}
    text = writer.dump_fields(writer.record_fields(incident), frozenset(block), lines)
    assert text == writer.dump_record(incident, frozenset(block))
    loaded = parse_text(text, "t.yaml")
    assert loaded.findings == []
    assert lines == {path: line - 1 for path, (line, _) in loaded.records[0].positions.items()}


def greedy_wrap(one_line: str, first_width: int, indent: str) -> str:
    """The word-by-word greedy fold the writer's `str.rfind` version must equal."""
    words = one_line.split(" ")
    lines, current, limit = [], words[0], first_width
    for word in words[1:]:
        if len(current) + 1 + len(word) > limit:
            lines.append(current)
            current, limit = word, writer.WIDTH - len(indent)
        else:
            current += " " + word
    lines.append(current)
    return ("\n" + indent).join(lines)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(st.sampled_from("ab:#\"é"), min_size=1, max_size=30), min_size=1, max_size=40),
       st.integers(1, 90), st.sampled_from(["    ", "      ", "        "]))
def test_folding_long_text_is_the_greedy_word_fold(words: list[str], first_width: int, indent: str) -> None:
    text = " ".join(words)
    one_line = writer.scalar(text)
    expected = one_line if len(one_line) <= first_width else greedy_wrap(one_line, first_width, indent)
    assert writer._wrapped(text, first_width, indent) == expected


def test_short_values_written_from_the_cache_are_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer, "_CACHE_SIZE", 50)
    first = writer.dump_record(incident(place="Camp 1", target="Gate", killed=1, tags=["a-b"]))
    for n in range(60):  # past the bound: the cache is emptied and refilled
        writer._key_line("place", f"Place {n}", False)
    assert len(writer._written) <= 50
    assert writer.dump_record(incident(place="Camp 1", target="Gate", killed=1, tags=["a-b"])) == first
    assert "  place: Camp 1\n" in first and "  killed: 1\n" in first and "  tags: [a-b]\n" in first
    # the same list one item a line is another line
    assert "  tags:\n    - a-b\n" in writer.dump_record(incident(tags=["a-b"]), frozenset({"tags"}))



def _plain_ok_by_search(text: str) -> bool:
    """_plain_ok as it was before its string-method short cut."""
    if not text or text[0] in writer._PLAIN_BAD_START or writer._PLAIN_BAD_INSIDE.search(text):
        return False
    return text[0] not in writer.IMPLICIT_START or writer._RESOLVER.resolve(
        yaml.ScalarNode, text, (True, False)).endswith(":str")


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from([*"a1 :#-.\t\n\x85\xa0\u2028\u3000\x1b", "é", "yes", "0x"]), max_size=12).map("".join))
def test_plain_ok_says_what_the_full_search_says(text: str) -> None:
    assert writer._plain_ok(text) == _plain_ok_by_search(text)
