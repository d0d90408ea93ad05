"""`iraqsec fmt`: the canonical layout, comments kept, data unchanged."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from authoring_support import as_yaml, record, run
from incident_strategies import comment, incidents
from iraqsec.analysis.query import sort_key
from iraqsec.reading.loader import parse_text
from iraqsec.record.model import Incident
from iraqsec.record.rules import validate_record
from iraqsec.writing import fmt, writer
from iraqsec.writing.fmt import FormatRefused, comment_texts, format_text

MESSY = """\
# yaml-language-server: $schema=../schema/incidents.schema.json
# Ledger header.

# about the late one
- id: b-late
  summary: "Later: one"   # trailing note
  date: 2020-10-01
  governorate: Baghdad
  place: 'X # y'
  tactic: rocket
  target_type: airport
  target: T
  killed: 1
  wounded:
  # inner comment
  sources: [https://example.org/a]
  notes: |
    # not a comment
    line two


# section
# about early
- {id: a-early, date: 2020-09, governorate: Basra, place: P, tactic: ied, target_type: other, target: T,
   killed: 0, wounded: 0, summary: S, sources: ["https://example.org/b"], tags: [x]}
# footer comment
"""
CANONICAL = """\
# yaml-language-server: $schema=../schema/incidents.schema.json
# Ledger header.

# section
# about early
- id: a-early
  date: 2020-09
  governorate: Basra
  place: P
  tactic: ied
  target_type: other
  target: T
  killed: 0
  wounded: 0
  claimed_by: []
  attributed_to: []
  summary: S
  sources:
    - https://example.org/b
  tags: [x]

# about the late one
- id: b-late
  date: 2020-10-01
  governorate: Baghdad
  place: "X # y"
  tactic: rocket
  target_type: airport
  target: T
  killed: 1
  wounded: null
  claimed_by: []
  attributed_to: []
  summary: "Later: one"  # trailing note
  # inner comment
  sources:
    - https://example.org/a
  notes: |
    # not a comment
    line two

# footer comment
"""


def records_of(text: str) -> list[Incident]:
    loaded = parse_text(text, "t.yaml")
    assert loaded.findings == []
    out = []
    for raw in loaded.records:
        incident, findings = validate_record(raw, Incident, "incident")
        assert incident is not None, findings
        out.append(incident)
    return out


@pytest.fixture
def messy(tmp_path: Path) -> Path:
    path = tmp_path / "incidents.yaml"
    path.write_text(MESSY, encoding="utf-8")
    return path


def test_fmt_rewrites_the_file_in_the_canonical_layout(messy: Path) -> None:
    result = run("fmt", str(messy))
    assert (result.exit_code, result.stdout, result.stderr) == (0, f"reformatted {messy}\n", "")
    assert messy.read_text(encoding="utf-8") == CANONICAL
    assert sorted(records_of(MESSY), key=sort_key) == records_of(CANONICAL)


def test_fmt_is_idempotent_and_quiet_on_a_canonical_file(messy: Path) -> None:
    run("-f", str(messy), "fmt")  # the ledger in force
    again = run("fmt", str(messy))
    assert (again.exit_code, again.stdout, again.stderr) == (0, "", "")
    assert messy.read_text(encoding="utf-8") == CANONICAL


def test_check_prints_a_diff_and_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "small.yaml"
    text = as_yaml([record("b", target_country=None, date="2020-09-07"), record("a")]).replace('"', "")
    path.write_text(text, encoding="utf-8")
    result = run("fmt", "--check", str(path))
    assert result.exit_code == 1
    assert path.read_text(encoding="utf-8") == text
    assert result.stderr == f"iraqsec fmt: {path} is not in the canonical layout; run 'iraqsec fmt {path}'\n"
    assert result.stdout == f"""\
--- {path}
+++ {path} (formatted)
@@ -1,17 +1,3 @@
-- id: b
-  date: 2020-09-07
-  governorate: Baghdad
-  place: Test Airport
-  tactic: rocket
-  target_type: airport
-  target: A car park
-  killed: 0
-  wounded: 1
-  evidence: reported
-  summary: Two test rockets hit a car park.
-  sources:
-    - https://example.org/report-1
-
 - id: a
   date: 2020-09-06
   governorate: Baghdad
@@ -22,7 +8,25 @@
   target_country: US
   killed: 0
   wounded: 1
+  claimed_by: []
+  attributed_to: []
   evidence: reported
   summary: Two test rockets hit a car park.
   sources:
     - https://example.org/report-1
+
+- id: b
+  date: 2020-09-07
+  governorate: Baghdad
+  place: Test Airport
+  tactic: rocket
+  target_type: airport
+  target: A car park
+  killed: 0
+  wounded: 1
+  claimed_by: []
+  attributed_to: []
+  evidence: reported
+  summary: Two test rockets hit a car park.
+  sources:
+    - https://example.org/report-1
"""
    assert run("fmt", str(path)).exit_code == 0
    assert run("fmt", "--check", str(path)).exit_code == 0


def test_check_marks_a_missing_final_line_end(tmp_path: Path) -> None:
    path = tmp_path / "i.yaml"
    path.write_text(CANONICAL.rstrip("\n"), encoding="utf-8")
    result = run("fmt", "--check", str(path))
    assert result.exit_code == 1
    assert result.stdout.endswith("-# footer comment\n\\ No newline at end of file\n+# footer comment\n")


def test_a_file_with_errors_is_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    text = MESSY.replace("tactic: rocket", "tactic: rockt").replace("id: a-early", "id: b-late")
    path.write_text(text, encoding="utf-8")
    result = run("fmt", str(path))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"{path}:10:3: error: tactic: unknown tactic 'rockt'; did you mean 'rocket'? (valid: rocket, mortar, missile, "
        "drone, airstrike, ied, small-arms, grenade, arson, kidnapping, other, unknown) [unknown-tactic]\n"
        f"{path}:24:4: error: id 'b-late' is already used at {path}:5; ids must be unique [duplicate-id]\n"
        f"iraqsec fmt: {path}: 2 error(s); fix them first (the file is left as it is)\n")
    assert path.read_text(encoding="utf-8") == text
    assert run("fmt", "--check", str(path)).exit_code == 1


def test_crlf_line_ends_and_a_bom_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "dos.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + MESSY.replace("\n", "\r\n").encode())
    assert run("fmt", str(path)).exit_code == 0
    assert path.read_bytes() == b"\xef\xbb\xbf" + CANONICAL.replace("\n", "\r\n").encode()


def test_every_file_of_a_directory_is_formatted(tmp_path: Path) -> None:
    for name in ("2019.yaml", "2020.yaml"):
        (tmp_path / name).write_text(MESSY, encoding="utf-8")
    result = run("fmt", str(tmp_path))
    assert result.stdout == f"reformatted {tmp_path}/2019.yaml\nreformatted {tmp_path}/2020.yaml\n"
    assert (tmp_path / "2020.yaml").read_text(encoding="utf-8") == CANONICAL


def test_the_shipped_ledger_is_not_rewritten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("fmt")
    assert result.exit_code == 2
    assert "is the ledger shipped with iraqsec, which is not edited in place" in result.stderr


def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = run("fmt", str(tmp_path / "nope.yaml"))
    assert (result.exit_code, result.stderr) == (2, f"Error: {tmp_path / 'nope.yaml'}: no such ledger file or "
                                                    "directory\n")


def test_header_blocks_and_the_first_record_s_comments() -> None:
    text = ("%YAML 1.1\n---\n# header\n\n# also header\n\n# about z\n" + as_yaml([record("z", date="2020-09-09")])
            + "\n# about a\n" + as_yaml([record("a")]))
    out = format_text(text, "t.yaml")
    assert out.startswith("%YAML 1.1\n---\n# header\n\n# also header\n\n# about a\n- id: a\n")
    assert "\n\n# about z\n- id: z\n" in out
    assert format_text(out, "t.yaml") == out


def test_a_modeline_stays_on_top_even_touching_the_first_record() -> None:
    text = "# yaml-language-server: $schema=x.json\n" + as_yaml([record("z", date="2020-09-09"), record("a")])
    out = format_text(text, "t.yaml")
    assert out.startswith("# yaml-language-server: $schema=x.json\n\n- id: a\n")


def test_the_file_s_first_comment_block_is_its_header_even_touching_the_first_record() -> None:
    text = "# SYNTHETIC ledger\n# for a test\n" + as_yaml([record("z", date="2020-09-09"), record("a")])
    out = format_text(text, "t.yaml")
    assert out.startswith("# SYNTHETIC ledger\n# for a test\n\n- id: a\n")
    assert "\n\n- id: z\n" in out
    assert format_text(out, "t.yaml") == out


def test_a_later_block_touching_the_first_record_moves_with_it() -> None:
    text = "# header\n\n# about z\n" + as_yaml([record("z", date="2020-09-09"), record("a")])
    out = format_text(text, "t.yaml")
    assert out.startswith("# header\n\n- id: a\n")
    assert "\n\n# about z\n- id: z\n" in out


def test_an_empty_or_comment_only_file() -> None:
    assert format_text("", "t.yaml") == ""
    assert format_text("# nothing yet\n\n\n[]\n", "t.yaml") == "# nothing yet\n"


def test_keep_blocks_at_the_end_of_a_record_survive_sorting() -> None:
    last = writer.dump_record(Incident.model_validate(record("a", notes="kept\n\n")))
    text = last + as_yaml([record("b", date="2020-01-01")])  # no blank line: it would belong to the notes
    out = format_text(text, "t.yaml")
    assert sorted(records_of(text), key=sort_key) == records_of(out)
    assert out.endswith("  notes: |+\n    kept\n\n")


def test_refused_files_name_their_errors() -> None:
    with pytest.raises(FormatRefused) as caught:
        format_text("- id: [\n", "t.yaml")
    assert [f.rule for f in caught.value.findings] == ["yaml-syntax"]


KEY_LINE = re.compile(r"  [a-z_]+:")
SHORT_VALUE = re.compile(r"  (date|governorate|tactic|target_type|killed|wounded): \S+\n")


@st.composite
def ledger_texts(draw: st.DrawFn) -> str:
    """A valid ledger in a random order and layout, with comments before,
    inside (whole lines and after values) and after its records."""
    records = draw(st.lists(incidents(), max_size=5, unique_by=lambda i: i.id))
    rng = random.Random(draw(st.integers(0, 2**16)))
    parts = [draw(comment()) + "\n" for _ in range(draw(st.integers(0, 2)))]
    for incident in records:
        lines = writer.dump_record(incident).splitlines(keepends=True)
        keys = [n for n, line in enumerate(lines) if n and KEY_LINE.match(line)]
        for at in sorted(rng.sample(keys, min(len(keys), rng.randrange(0, 3))), reverse=True):
            lines.insert(at, "  " + draw(comment()) + "\n")  # a whole line, between two keys
        for n, line in enumerate(lines):
            if SHORT_VALUE.fullmatch(line) and rng.random() < 0.2:
                lines[n] = line[:-1] + "  " + draw(comment()) + "\n"  # after a value
        before = [draw(comment()) + "\n" + "\n" * rng.randrange(0, 2) for _ in range(draw(st.integers(0, 2)))]
        parts.append("".join(before) + "".join(lines))
        if not parts[-1].endswith("\n\n"):
            parts.append("\n" * rng.randrange(0, 3))
    parts += [draw(comment()) + "\n" for _ in range(draw(st.integers(0, 2)))]
    return "".join(parts)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledger_texts())
def test_fmt_keeps_the_data_and_the_comments_and_is_idempotent(text: str) -> None:
    before = records_of(text)
    once = format_text(text, "t.yaml")
    assert records_of(once) == sorted(before, key=sort_key)
    assert sorted(comment_texts(once)) == sorted(comment_texts(text))
    assert format_text(once, "t.yaml") == once


def test_a_ledger_read_back_in_several_pieces(tmp_path: Path) -> None:
    """Over 5,000 records the result is read back 5,000 records at a time:
    the same records and comments, in date order.  SYNTHETIC records in a
    non-canonical layout (folded summaries, comments after values)."""
    path = tmp_path / "incidents.yaml"
    records = [f"- id: r{n:05d}\n  date: 2020-{n % 12 + 1:02d}-{n % 28 + 1:02d}\n  governorate: Basra\n"
               f"  place: Place {n}  # note {n}\n  tactic: rocket\n  target_type: airport\n  target: Gate\n"
               f"  killed:\n  wounded: 0\n  summary: >-\n    Record\n    {n}.\n"
               f"  sources:\n  - https://example.org/{n}\n" for n in range(5_003)]
    path.write_text("# SYNTHETIC\n\n" + "\n".join(records), encoding="utf-8")
    result = run("fmt", str(path))
    assert (result.exit_code, result.stdout, result.stderr) == (0, f"reformatted {path}\n", "")
    text = path.read_text(encoding="utf-8")
    assert sorted(comment_texts(text)) == sorted(["# SYNTHETIC", *(f"# note {n}" for n in range(5_003))])
    formatted = records_of(text)
    assert [i.id for i in formatted] == [f"r{n:05d}" for n in sorted(range(5_003), key=lambda n: (
        f"2020-{n % 12 + 1:02d}-{n % 28 + 1:02d}", f"r{n:05d}"))]
    assert formatted[0].summary.startswith("Record ") and formatted[0].killed is None
    assert run("fmt", "--check", str(path)).exit_code == 0


# --- comments stay where they were written (issue 10, item 17) ---------------

PLACED = """\
# SYNTHETIC ledger for a test: the header
# stays on top even touching a record that moves
- id: 2020-09-07-b
  # about the date
  date: 2020-09-07  # the local date
  governorate: Baghdad
  place: Test
  tactic: rocket
  target_type: airport
  target: A car park
  killed: 0
  wounded: 0
  summary: Synthetic record.
  # tags come first here
  tags: [zeta,  # after zeta
     # before alpha
     alpha]  # after the list
  sources:
    # the wire report
    - https://example.org/x  # archived
    - title: Report
      # the link
      url: https://example.org/y
  coordinates: [33.1, 44.2]  # approximate

- id: 2020-09-06-a
  date: 2020-09-06
  governorate: Baghdad
  place: Test
  tactic: rocket
  target_type: airport
  target: A car park
  killed: 0
  wounded: 0
  summary: Synthetic record.
  sources: [https://example.org/z]  # one source
"""
PLACED_CANONICAL = """\
# SYNTHETIC ledger for a test: the header
# stays on top even touching a record that moves

- id: 2020-09-06-a
  date: 2020-09-06
  governorate: Baghdad
  place: Test
  tactic: rocket
  target_type: airport
  target: A car park
  killed: 0
  wounded: 0
  claimed_by: []
  attributed_to: []
  summary: Synthetic record.
  sources:  # one source
    - https://example.org/z

- id: 2020-09-07-b
  # about the date
  date: 2020-09-07  # the local date
  governorate: Baghdad
  place: Test
  coordinates: [33.1, 44.2]  # approximate
  tactic: rocket
  target_type: airport
  target: A car park
  killed: 0
  wounded: 0
  claimed_by: []
  attributed_to: []
  summary: Synthetic record.
  sources:
    # the wire report
    - https://example.org/x  # archived
    - title: Report
      # the link
      url: https://example.org/y
  # tags come first here
  tags:
    - zeta  # after zeta
    # before alpha
    - alpha  # after the list
"""


def test_comments_stay_beside_their_keys_and_list_items(tmp_path: Path) -> None:
    path = tmp_path / "incidents.yaml"
    path.write_text(PLACED, encoding="utf-8")
    result = run("fmt", str(path))
    assert (result.exit_code, result.stderr) == (0, "")
    assert path.read_text(encoding="utf-8") == PLACED_CANONICAL
    assert run("fmt", "--check", str(path)).exit_code == 0


def test_a_comment_after_a_value_written_on_several_lines_goes_above_its_key() -> None:
    long = " ".join(["word"] * 40)
    text = as_yaml([record("a")]).replace("  summary: ", "  # about the summary\n  summary: ", 1)
    text = re.sub(r"  summary: .*\n", f"  summary: {long}  # after the summary\n", text)
    out = format_text(text, "t.yaml")
    assert "  # about the summary\n  # after the summary\n  summary: word word" in out
    assert format_text(out, "t.yaml") == out


def test_a_comment_on_a_key_fmt_leaves_out_goes_above_the_next_key() -> None:
    text = as_yaml([record("a")]).replace("  summary: ", "  # no tags yet\n  tags: []\n  summary: ", 1)
    out = format_text(text, "t.yaml")
    assert "  # no tags yet\n  summary: " in out


KEYS = ("date", "governorate", "place", "tactic", "target_type", "target", "killed", "wounded", "summary",
        "sources", "claimed_by", "attributed_to", "notes", "tags", "coordinates", "target_country")


@st.composite
def commented_ledgers(draw: st.DrawFn) -> tuple[str, dict[str, str], list[int]]:
    """A ledger whose keys are in a random order, with a comment before some
    keys and after some one-line values, each naming its record and key.
    Returns the text, each comment's expected place: 'before KEY' or
    'after KEY' (after a value written on one line, else before its key),
    and the records' numbers in the order fmt sorts them."""
    records = draw(st.lists(incidents(), min_size=1, max_size=4, unique_by=lambda i: i.id))
    rng = random.Random(draw(st.integers(0, 2**16)))
    parts, expected = [], {}
    for n, incident in enumerate(records):
        fields = list(writer.record_fields(incident).items())
        rng.shuffle(fields)
        lines = []
        for k, (key, value) in enumerate(fields):
            written = f"{'- ' if k == 0 else '  '}{key}:{writer._value(key, value, '  ')}"
            if k and rng.random() < 0.4:
                lines.append(f"  # r{n} before {key}")
                expected[f"# r{n} before {key}"] = f"before {key}"
            if "\n" not in written and not written.endswith((" |", "|-", "|+")) and rng.random() < 0.4:
                written += f"  # r{n} after {key}"
                expected[f"# r{n} after {key}"] = f"after {key}"
            lines.append(written)
        parts.append("\n".join(lines) + "\n")
    order = sorted(range(len(records)), key=lambda n: sort_key(records[n]))
    return "\n".join(parts), expected, order


def _key_of(line: str) -> str | None:
    match = re.match(r"(?:- |  )([a-z_]+):", line)
    return match.group(1) if match else None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(commented_ledgers())
def test_every_comment_stays_beside_the_key_it_was_written_at(case: tuple[str, dict[str, str], list[int]]) -> None:
    text, expected, order = case
    out = format_text(text, "t.yaml")
    lines = out.split("\n")
    for number, line in enumerate(lines):
        found = re.search(r"# r\d+ (before|after) [a-z_]+$", line)
        if found is None:
            continue
        comment = found.group(0)
        place, key = expected.pop(comment).split(" ")
        if place == "after" and not line.lstrip().startswith("#"):
            at = number  # still after its value, on the key's line
        else:  # above its key
            at = next(n for n in range(number + 1, len(lines)) if not lines[n].lstrip().startswith("#"))
        assert _key_of(lines[at]) == key, (comment, lines[at])
        record_number = sum(1 for lin in lines[: at + 1] if lin.startswith("- ")) - 1
        assert comment.startswith(f"# r{order[record_number]} "), (comment, record_number)  # in its own record
    assert expected == {}  # no comment lost
    assert format_text(out, "t.yaml") == out


# --- the result is checked before it is written ------------------------------

def _faulty(fault: str) -> object:
    """`writer.dump_fields` with a bug of the kind the check must catch."""
    real = writer.dump_fields

    def dump(fields: dict[str, object], block: frozenset[str] = frozenset(),
             lines: dict[tuple[str | int, ...], int] | None = None, items: bool = True) -> str:
        text = real(fields, block, lines, items)
        if fault == "value":  # a count written wrong
            return text.replace("  wounded: 0\n", "  wounded: 1\n")
        if fault == "type":  # a number written as text
            return text.replace("  wounded: 0\n", '  wounded: "0"\n')
        return text.replace("  place: ", "  place:\n  ")  # broken YAML

    return dump


@pytest.mark.parametrize("fault", ["value", "type", "comment", "syntax"])
@pytest.mark.parametrize("sort", [True, False])
def test_a_writer_fault_is_caught_and_the_file_left_as_it_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              fault: str, sort: bool) -> None:
    """A writer that changes a value, writes it as another type, drops a
    comment or writes broken YAML: fmt refuses and the file is unchanged,
    whether the other records move (sort) or stay byte for byte."""
    records = [record(f"2020-09-0{n}-x", wounded=0) for n in (1, 2, 3)]
    text = as_yaml(records[::-1] if sort else records)
    text = re.sub(r"(  tactic: \S+)\n", r"\1  # a note\n", text, count=1)
    path = tmp_path / "incidents.yaml"
    path.write_text(text, encoding="utf-8")
    assert "# a note" in text and records_of(text)
    if fault == "comment":  # the comment after a value dropped when the record is put together
        monkeypatch.setattr(fmt, "_after", lambda comment: "")
    else:
        monkeypatch.setattr(writer, "dump_fields", _faulty(fault))
    result = run("fmt", str(path))
    assert result.exit_code == 1
    assert result.stderr.endswith("formatting would change the records or lose a comment; the file is left as it "
                                  "is (please report this with the file)\n")
    assert path.read_text(encoding="utf-8") == text


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(ledger_texts(), commented_ledgers().map(lambda case: case[0])),
       st.sampled_from(["", "flow", "tab", "list", "wrapped"]))
def test_comments_after_values_are_placed_the_same_without_positions(text: str, extra: str) -> None:
    """The short cut for a comment after a value on a `  key:` line (no
    positions worked out) places every comment as the general way does
    (`_anchor` over the record's positions): after a flow list, after a
    tab, after a key whose list is below it, after the first line of a
    folded value (refused both ways: the comment ends the value)."""
    add = {"flow": (r"(  tags: \[[^\n]*\])\n", r"\1  # after the tags\n"),
           "tab": (r"(  tags: \[[^\n]*\])\n", "\\1\t# after a tab\n"),
           "list": (r"(  sources:)\n", r"\1  # the sources\n"),
           "wrapped": (r"(  summary: [^\n]*)\n(    \S)", r"\1  # inside\n\2")}.get(extra)
    if add:
        text = re.sub(add[0], add[1], text)
    fast, general = _formatted(text), None
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fmt, "_TOP_KEY", re.compile(r"(?!)"))  # never a key: every comment anchored by positions
        general = _formatted(text)
    assert fast == general


def _formatted(text: str) -> str | None:
    try:
        return format_text(text, "t.yaml")
    except FormatRefused:
        return None


def test_a_comment_after_a_value_needs_no_positions(monkeypatch: pytest.MonkeyPatch) -> None:
    """The block layout of the benchmark (a comment after the place): the
    short cut is taken, so the record is never read again for positions."""
    text = as_yaml([record("a")]).replace("  place: ", "  place: X  # SYNTHETIC\n  x_: ", 1)
    text = re.sub(r"  x_: [^\n]*\n", "", text)
    monkeypatch.setattr(fmt, "_anchor", None)  # calling it would fail
    out = format_text(text, "t.yaml")
    assert "\n  place: X  # SYNTHETIC\n" in out


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from(["-", ".", "%", "\n", " ", "a", "#"]), max_size=30))
def test_directives_and_markers_found_as_the_multiline_pattern_finds_them(text: str) -> None:
    assert fmt._DIRECTIVE.found(text) == (re.search(r"^(?:---|\.\.\.|%)", text, re.MULTILINE) is not None)
