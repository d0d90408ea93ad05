"""The canonical writer: every valid record reads back exactly."""

from __future__ import annotations

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
