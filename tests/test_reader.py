"""The one reader (loader.parse_text) against an independent oracle.

On every ledger the strict rules accept, in any block layout, the reader
must give the data, lines and columns that PyYAML's own composer (the
pure-Python `yaml.SafeLoader`, not libyaml) gives.  On any text at all,
including hostile edits, it must give exactly the findings and records of
the strict event builder reading the whole file.  Every record here is
SYNTHETIC."""

from __future__ import annotations

import itertools
import random
import re
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from conftest import VALID
from iraqsec.reading import loader
from iraqsec.reading.loader import LoadedFile, parse_text
from iraqsec.reading.scanner import DATE_KEYS
from iraqsec.record import vocab
from iraqsec.record.model import Incident
from iraqsec.writing.writer import dump_records

# Text with the characters that make YAML scalars tricky.
PIECES = [*"ab Z19-:#'\"\\[]{},&*!|>%@`?~é€", "null", "yes", "2020-01-01", " #", ": ", "0x1F", "1e3", "- ", "  "]
TRICKY = st.lists(st.sampled_from(PIECES), min_size=1, max_size=12).map("".join)
WORDS = st.text(st.sampled_from(list("abcdefghij .,0123456789-:#\"'")), min_size=1, max_size=200)
LINES = st.lists(WORDS, min_size=1, max_size=3).map("\n".join)  # for block scalars


def _text(draw: st.DrawFn, strategy: st.SearchStrategy[str]) -> str:
    text: str = draw(strategy).strip()
    return text or "x"


@st.composite
def incidents(draw: st.DrawFn) -> dict[str, Any]:
    text = st.one_of(TRICKY, WORDS)
    sources = draw(st.lists(st.one_of(
        st.just("https://example.org/a"),
        st.fixed_dictionaries({"title": text}, optional={
            "url": st.just("https://example.org/b"),
            "publisher": text,
            "published": st.sampled_from(["2020-09", "2020-09-06"]),
        }),
    ), min_size=1, max_size=3))
    data: dict[str, Any] = {
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
        "summary": _text(draw, st.one_of(text, LINES)),
        "sources": sources,
        "notes": draw(st.one_of(st.none(), text, LINES)),
        "tags": draw(st.lists(st.sampled_from(["a", "b-c", "null", "yes", "1", "0x1"]), max_size=3, unique=True)),
    }
    Incident.model_validate(data)  # only records the model accepts
    optional = ["coordinates", "target_country", "claimed_by", "attributed_to", "notes", "tags"]
    dropped = draw(st.lists(st.sampled_from(optional), unique=True))
    return {k: v for k, v in data.items() if k not in dropped}


class _Styled(str):
    style: str | None


class _Dumper(yaml.SafeDumper):
    pass


def _represent_styled(dumper: yaml.SafeDumper, value: _Styled) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style=value.style)


_Dumper.add_representer(_Styled, _represent_styled)


def _styled(value: Any, rng: random.Random) -> Any:
    """Strings marked with a random scalar style; PyYAML's emitter falls back
    to a style that reads back the same where the one chosen cannot."""
    if isinstance(value, dict):
        return {k: _styled(v, rng) for k, v in value.items()}
    if isinstance(value, list):
        return [_styled(v, rng) for v in value]
    if isinstance(value, str):
        marked = _Styled(value)
        # Line breaks belong in block scalars (elsewhere they are findings).
        marked.style = rng.choice(["|", ">"] if "\n" in value else [None, None, "'", '"', "|", ">"])
        return marked
    return value


def layout(records: list[dict[str, Any]], seed: int) -> str:
    """The records in one of many block layouts: PyYAML's emitter with random
    indentation, width, scalar styles and flow leaves, or the canonical
    writer, with comments and blank lines scattered between records."""
    rng = random.Random(seed)
    if rng.random() < 0.2:
        text = dump_records([Incident.model_validate(r) for r in records])
    else:
        text = yaml.dump(_styled(records, rng), Dumper=_Dumper, sort_keys=rng.random() < 0.2,
                         default_flow_style=rng.choice([False, None]), indent=rng.choice([2, 3, 4]),
                         width=rng.choice([30, 60, 80, 200]), allow_unicode=rng.random() < 0.7)
    out = ["# SYNTHETIC ledger for a test"] if rng.random() < 0.5 else []
    for line in text.split("\n"):
        if line.startswith("-") and rng.random() < 0.3:
            out += ["", "# a comment between records"]
        out.append(line)
    return "\n".join(out)


def _oracle(text: str) -> list[tuple[int, int, Any, dict[Any, Any]]]:
    """(line, column, data, positions) of every record, by PyYAML's composer."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    assert isinstance(root, yaml.SequenceNode)
    out = []
    for item in root.value:
        positions: dict[Any, Any] = {}
        out.append((item.start_mark.line + 1, item.start_mark.column + 1, _node(item, (), positions, False),
                    positions))
    return out


def _node(node: yaml.Node, path: tuple[Any, ...], positions: dict[Any, Any], as_written: bool) -> Any:
    if isinstance(node, yaml.MappingNode):
        out = {}
        for key, value in node.value:
            positions[(*path, key.value)] = (key.start_mark.line + 1, key.start_mark.column + 1)
            out[key.value] = _node(value, (*path, key.value), positions, key.value in DATE_KEYS)
        return out
    if isinstance(node, yaml.SequenceNode):
        items = []
        for n, item in enumerate(node.value):
            positions[(*path, n)] = (item.start_mark.line + 1, item.start_mark.column + 1)
            items.append(_node(item, (*path, n), positions, False))
        return items
    if node.style is None and as_written:  # dates are kept as written
        return None if node.tag.endswith(":null") else node.value
    return yaml.SafeLoader("").construct_object(node)


def _read(loaded: LoadedFile) -> list[tuple[int, int, Any, dict[Any, Any]]]:
    return [(r.line, r.col, r.data, r.positions) for r in loaded.records]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(incidents(), min_size=1, max_size=4), st.integers(0, 2**32))
def test_every_layout_reads_as_pyyaml_composes_it(records: list[dict[str, Any]], seed: int) -> None:
    text = layout(records, seed)
    builder_reads = []
    strict = loader._strict_records

    def counted(piece: str, path: str) -> Any:
        builder_reads.append(piece)
        return strict(piece, path)

    loader._strict_records = counted
    try:
        loaded = parse_text(text, "l.yaml")
    finally:
        loader._strict_records = strict
    assert loaded.findings == [] or all(f.rule == "control-character" for f in loaded.findings)
    assume(not loaded.findings)  # a line break the emitter could only write in quotes
    assert _read(loaded) == _oracle(text)
    event("some records read by the event builder" if builder_reads else "every record scanned")


def _strict(text: str) -> LoadedFile:
    return loader._parse_strict(text, "l.yaml")


NASTY = ["\t", "\x00", "&a ", "*a", "!!str ", "'", '"', "#", " #", ": ", "\r\n", "\n", "  ", "- ", "<<: ",
         "---\n", "|", ">", "|+", "|2", ">-\n", "[", "]", "{", ",", "null", "~", "?", "\\", "\\x41", "\\ud800",
         "\ufeff", "\u2028", "\u2029", "\x85", "\r", "\u202e",
         "\n- ", "\n- id: x\n", "\n\n", "\n-\n", "010", "0x10", "1:30", " ", "...\n"]
SEED_TEXT = "# SYNTHETIC\n\n" + VALID + "\n" + VALID.replace("2020-09-06-baghdad", "b").replace(
    "  summary: Synthetic test record.", "  summary: >-\n    Folded\n\n    text.\n  notes: 'it''s'") + \
    "\n" + VALID.replace("2020-09-06-baghdad", "c").replace("    - https://example.org/report",
                                                          "  - title: \"A \\\"T\\\"\"\n    published: 2020-09")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(NASTY)), min_size=1, max_size=4))
def test_any_text_reads_as_the_strict_event_builder_reads_it(edits: list[tuple[int, str]]) -> None:
    text = SEED_TEXT
    for at, piece in edits:
        at %= len(text) + 1
        text = text[:at] + piece + text[at:]
    loaded, strict = parse_text(text, "l.yaml"), _strict(text)
    assert loaded.findings == strict.findings
    assert _read(loaded) == _read(strict)


LAYOUTS = {
    "canonical": VALID,
    "folded summary, flow coordinates, keys left out": """\
- id: a-b
  date: 2020-09-06
  governorate: Baghdad
  place: Baghdad International Airport
  coordinates: [33.26, 44.23]
  tactic: rocket
  target_type: airport
  target: Airport car park   # as the ministry put it
  killed: 0
  summary: >-
    Two rockets hit the
    car park.

    Nobody was hurt.
  sources:
  - https://example.org/report
  - title: 'The ministry''s note'
    published: 2020-09
""",
    "four spaces, quoted over lines, literal notes": """\
-   id: a-b
    date: "2020-09-06"
    governorate: Baghdad
    place: "Baghdad International
        Airport"
    tactic: rocket
    target_type: airport
    target: Airport car park
    killed: null
    wounded: ~
    summary: |
        Line one.
        Line two.

    # sources follow
    sources:
        -   https://example.org/report
    tags: ['a', "b"]
""",
}


@pytest.mark.parametrize("name", LAYOUTS)
def test_ordinary_layouts_need_no_event_builder(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(piece: str, path: str) -> None:
        raise AssertionError(f"read by the event builder: {piece!r}")

    monkeypatch.setattr(loader, "_strict_records", refuse)
    text = LAYOUTS[name]
    loaded = parse_text(text, "l.yaml")
    assert _read(loaded) == _oracle(text)


def test_folded_record_values() -> None:
    loaded = parse_text(LAYOUTS["folded summary, flow coordinates, keys left out"], "l.yaml")
    data = loaded.records[0].data
    assert data["summary"] == "Two rockets hit the car park.\nNobody was hurt."
    assert data["target"] == "Airport car park"
    assert data["sources"][1] == {"title": "The ministry's note", "published": "2020-09"}
    assert loaded.records[0].positions[("sources", 1, "published")] == (18, 5)


LINE_STARTS = st.text(st.sampled_from(["-", " ", "\n", "#", "a", "\t", "\r", "\x85", "\u2028", "\xa0"]),
                      max_size=40)


@settings(max_examples=500, deadline=None)
@given(LINE_STARTS)
def test_record_starts_and_outside_text_as_the_multiline_patterns_find_them(text: str) -> None:
    # The fast searches (from a line break) find what `^` in MULTILINE mode finds.
    assert loader.record_starts(text) == [m.start() for m in re.finditer(r"^-(?= |$)", text, re.MULTILINE)]
    assert loader.outside_records(text) == (re.search(r"^(?:[^\s#-]|-(?! |$))", text, re.MULTILINE) is not None)


def test_every_character_the_scanner_leaves_to_the_builder_is_unprintable() -> None:
    # loader._unusual_at skips its search when the lines are printable; that is
    # only sound if every character the search finds (but the line break and the
    # space, whose rule, no space before a break, is checked apart) is
    # unprintable.  All of Unicode is checked.
    unusual = [chr(c) for c in range(0x110000) if chr(c) not in "\n " and loader._UNUSUAL.match(chr(c))]
    assert len(unusual) > 2000 and not any(c.isprintable() for c in unusual)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["- a", "  b", "-", "#", " ", "x"]), max_size=3).map("".join),
                max_size=12), st.integers(1, 4))
def test_records_are_cut_into_the_lines_a_split_gives(lines: list[str], chunk: int) -> None:
    text = "\n".join(lines)
    starts = [*loader.record_starts(text), len(text)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(loader, "_CHUNK", chunk)
        cut = list(loader._record_lines(text, starts))
    assert cut == [(a, b, text[a:b].split("\n")) for a, b in itertools.pairwise(starts)]
