"""`iraqsec fmt`: one canonical layout for a ledger file.

The records are rewritten by `writer.dump_record` (keys in the contract's
order, two-space indentation, the writer's quoting), sorted by date then id
and separated by one blank line.  Comments are kept at the text level:

* the header stays on top: the first block of comments at the top of the
  file (even touching the first record), every later block down to the last
  blank line before the first record, and any block holding a
  `# yaml-language-server: $schema=...` line, `%YAML` or `---`;
* comment lines between two records belong to the record that follows, so
  each comment travels with its record when the records are sorted;
* a comment inside a record stays where it was written relative to the key
  or list item it precedes (a whole line) or follows (after a value), when
  the keys are put in the contract's order: see `_commented_record`;
* comments after the last record stay at the bottom.

A file with errors is never formatted, and the result is checked before it
is returned: it must load without findings into the same records, with the
same comments, or formatting is refused.
"""

from __future__ import annotations

import bisect
import itertools
import marshal
import re
from collections import Counter
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any, NamedTuple

import yaml
from yaml.events import (
    CollectionEndEvent,
    CollectionStartEvent,
    ScalarEvent,
)

from iraqsec.analysis.query import sort_key
from iraqsec.reading.ledger import IncidentChecker
from iraqsec.reading.loader import LineStart, Path_, RawRecord, decode, parse_text, record_starts
from iraqsec.reading.nogc import no_gc
from iraqsec.reading.scanner import Unsupported, scan_record
from iraqsec.record.findings import Finding, FindingLog
from iraqsec.record.model import Incident
from iraqsec.record.rules import validate_record
from iraqsec.rendering import progress
from iraqsec.writing import writer

try:  # the same parser as the loader, so lines and columns agree
    _Parser: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Parser = yaml.SafeLoader

# The line breaks of YAML 1.1 (and of libyaml's line count).
LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
BOM = b"\xef\xbb\xbf"
MODELINE = "yaml-language-server:"


class FormatRefused(Exception):
    """The file is not formatted; `findings` (or the message) say why."""

    def __init__(self, message: str, findings: Sequence[Finding] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.findings = list(findings)


def format_bytes(data: bytes, shown: str) -> bytes:
    """The canonical form of a ledger file's bytes.  A BOM and CRLF line ends
    are kept as the file has them."""
    text, problem = decode(data, shown)
    if problem is not None:
        raise FormatRefused("the file is not UTF-8", [problem])
    out = format_text(text, shown)
    if "\r\n" in text:
        out = out.replace("\n", "\r\n")
    return (BOM if data.startswith(BOM) else b"") + out.encode("utf-8")


def format_text(text: str, shown: str) -> str:
    """The canonical form of a ledger's text (with "\\n" line ends)."""
    with no_gc():
        return _format_text(text, shown)


def _format_text(text: str, shown: str) -> str:
    scanned: dict[int, AbstractSet[tuple[int, int]]] = {}  # the comments the loader's scanner finds on the way
    valid = _valid_records(text, shown, scanned)
    incidents = [incident for incident, _ in valid]
    raws = [raw for _, raw in reversed(valid)]  # popped in file order
    del valid
    first_stays = bool(incidents) and min(incidents, key=sort_key) is incidents[0]
    layout = _Layout.of(text, first_stays, scanned)
    if len(layout.owned) != len(incidents):  # pragma: no cover - the loader and the parser disagree
        raise FormatRefused("the file's records could not be told apart; the file is left as it is")
    sources = _Source.of(text, len(incidents))
    records = []
    with progress.task(f"formatting {shown}", len(incidents)) as done:
        for n, (incident, comments, start) in enumerate(zip(incidents, layout.owned, layout.starts, strict=True)):
            raw = raws.pop()  # its positions are done with after this: never all of them at once
            fields = writer.record_fields(incident)
            above = [c for c in comments if c.line < start]
            extra, body = _commented_record(fields, raw, [c for c in comments if c.line >= start], start in scanned)
            records.append((incident, _comment_block(above) + extra, body,
                            _Expected(incident, _exact(fields), sources[n] if sources else None)))
            if not n % 2000:
                done(n)
    records.sort(key=lambda entry: sort_key(entry[0]))
    out = _assemble(layout.header, [(comments, body) for _, comments, body, _ in records],
                    _comment_block(layout.footer))
    if out == text:  # already canonical: the file was read and checked as it is
        return out
    expected = [entry[3] for entry in records]
    del records  # the pieces are in `out` now: free them before reading it back
    _verify(layout.comments, out, expected, shown, text, scanned)
    return out


def _valid_records(text: str, shown: str, scanned: dict[int, AbstractSet[tuple[int, int]]]
                   ) -> list[tuple[Incident, RawRecord]]:
    log = FindingLog()  # a million broken records are counted, not each built
    # Each record is validated as it is read, its raw values dropped at once
    # (one copy of the ledger at a time; positions stay), exactly as `check` does.
    checker = IncidentChecker(log)
    loaded = parse_text(text, shown, scanned, sink=checker)
    log.add(loaded.findings)
    checker.take_all(loaded.records)  # records the event builder read come back whole
    incidents = checker.finish()
    errors = sorted(f for f in log.kept if f.severity == "error")
    if errors:
        total = sum(n for (_, severity), n in log.counts.items() if severity == "error")
        raise FormatRefused(f"{total} error(s); fix them first (the file is left as it is)", errors)
    return incidents


# --- where the comments are ------------------------------------------------


class _Comment(NamedTuple):  # a tuple: a hundred thousand of them are made quickly
    line: int  # 0-based
    text: str  # from '#' to the end of the line, trailing space removed
    after_blank: bool  # a whole-line comment with a blank line above it
    col: int = 0  # 0-based
    whole: bool = True  # alone on its line (else after a value)
    key: str | None = None  # after a value: the key of its line, when it is `- key:` or `  key:` (not a flow list)


@dataclass
class _Layout:
    """A file's comments, given to the header, the records and the footer."""

    header: list[str]
    owned: list[list[_Comment]]  # per record, in file order
    footer: list[_Comment]
    starts: list[int]  # the first line of each record, 0-based
    comments: list[str]  # every comment's text, in file order

    @classmethod
    def of(cls, text: str, first_stays: bool = True,
           scanned: dict[int, AbstractSet[tuple[int, int]]] | None = None) -> _Layout:
        comments, records, lines = _record_comments(text, scanned or {})
        texts = [c.text for c in comments]
        if not records:
            return cls(_header_lines(lines, len(lines), comments), [], [], [], texts)
        first = records[0][0]
        ends = [end for _, end in records]
        owned: list[list[_Comment]] = [[] for _ in records]
        footer: list[_Comment] = []
        early = [c for c in comments if c.line < first]
        for comment in comments:
            if comment.line < first:
                continue
            index = bisect.bisect_left(ends, comment.line)  # the first record ending at or after it
            (footer if index == len(ends) else owned[index]).append(comment)
        header_end, to_first = _split_header(lines, first, early, first_stays)
        owned[0][:0] = to_first
        header = _header_lines(lines, header_end, [c for c in early if c not in to_first])
        return cls(header, owned, footer, [start for start, _ in records], texts)


_Marks = list[tuple[int, int]]  # (line, column) of comments' '#', 0-based


def _lines(text: str) -> list[str]:
    """The lines as libyaml counts them (str.split when only LF breaks them: much faster)."""
    if "\r" in text or "\x85" in text or "\u2028" in text or "\u2029" in text:
        return LINE_BREAK.split(text)
    return text.split("\n")


def _record_comments(text: str, scanned: dict[int, AbstractSet[tuple[int, int]]]
                     ) -> tuple[list[_Comment], list[tuple[int, int]], list[str]]:
    """Every comment, the (first, last) line of each record, and the lines
    before the first record (all of them when there is none).

    Record by record: a record (from a `- ` line at column 0 to the next)
    reads the same alone as in a file the loader accepts (see
    loader.parse_text).  The loader's scanner gives the comments of the
    records it reads (`scanned`, filled in while loading, or here);
    libyaml's events, the others' (`_spans`); a record without a '#' has
    none.  A record ends at its last line that is neither blank nor a
    whole-line comment.  The file is never held as one list of lines (a
    few hundred megabytes at 100,000 records), except when it has other
    line breaks, directives or document markers: then it is read whole."""
    starts = record_starts(text)
    if not starts or _OTHER_BREAK.search(text) or _DIRECTIVE.found(text):
        lines = _lines(text)
        spans, whole = _spans(text, lines)
        return _comments(lines, _marks(lines, spans)), whole, lines[: whole[0][0]] if whole else lines
    head = text[: starts[0]].split("\n")[:-1]
    comments = _comments(head, _head_marks(head))
    records: list[tuple[int, int]] = []
    number = len(head)  # of the record's first line
    for start, end in itertools.pairwise([*starts, len(text)]):
        piece = text[start:end].split("\n")
        if end < len(text):
            piece.pop()  # the empty string after the piece's last line break
        found = scanned.get(number)
        if found is None:
            found = set()
            if "#" in text[start:end]:
                try:
                    scan_record(piece, None, 0, found)
                except Unsupported:
                    found = set(_marks(piece, _spans("\n".join(piece), piece)[0]))
        own_line = {n for n, col in found if not piece[n][:col].strip()}
        last = len(piece) - 1
        while last > 0 and (not piece[last].strip() or last in own_line):
            last -= 1
        records.append((number, number + last))
        comments += _comments(piece, sorted(found), number)
        number += len(piece)
    return comments, records, head


def _head_marks(head: Sequence[str]) -> _Marks:
    """The comments of the lines before the first record (whole lines)."""
    return [(n, len(line) - len(line.lstrip(" "))) for n, line in enumerate(head) if line.lstrip(" ").startswith("#")]


# A key of a record's mapping at column 2 (the scanner's key pattern).
_TOP_KEY = re.compile(r"(?:- |  )([A-Za-z_][A-Za-z0-9_-]*):(?: +|$)")
_OTHER_BREAK = re.compile("[\r\x85\u2028\u2029]")
_DIRECTIVE = LineStart(r"(?:---|\.\.\.|%)")  # a line starting with a document marker or a directive


def _spans(text: str, lines: Sequence[str]) -> tuple[list[tuple[tuple[int, int], tuple[int, int]]],
                                                     list[tuple[int, int]]]:
    """Scalar spans ((line, col), (line, col)), and (first, last) line of
    each top-level record, all 0-based."""
    spans = []
    records: list[tuple[int, int]] = []
    depth = 0
    flow: list[bool] = []
    for event in yaml.parse(text, Loader=_Parser):
        start, end = _mark(event.start_mark), _mark(event.end_mark)
        if isinstance(event, CollectionStartEvent):
            depth += 1
            flow.append(bool(event.flow_style))
            if depth == 2:
                records.append((start[0], start[0]))
            if flow[-1]:
                _extend(records, depth, start)
            continue
        if isinstance(event, CollectionEndEvent):
            if flow.pop():  # a block collection's end mark is where the next token starts
                _extend(records, depth, _last(end, lines))
            depth -= 1
            continue
        if isinstance(event, ScalarEvent):
            spans.append((start, end))
            if depth == 1:
                records.append((start[0], start[0]))
            _extend(records, max(depth, 2), _last(end, lines))
    return spans, records


def _mark(mark: Any) -> tuple[int, int]:
    return int(mark.line), int(mark.column)


def _last(end: tuple[int, int], lines: Sequence[str]) -> tuple[int, int]:
    """Where the text before an end mark really ends: a block scalar's end
    mark is on the line after it (past that line's indentation)."""
    line, col = end
    if line > 0 and (line >= len(lines) or not lines[line][:col].strip()):
        return line - 1, 0
    return end


def _extend(records: list[tuple[int, int]], depth: int, pos: tuple[int, int]) -> None:
    if depth >= 2 and records:
        first, last = records[-1]
        records[-1] = (first, max(last, pos[0]))


def _marks(lines: Sequence[str], spans: Sequence[tuple[tuple[int, int], tuple[int, int]]]) -> _Marks:
    """Where the comments are: a '#' outside all scalars, at a line's start
    or after a space (the first on its line)."""
    covered: dict[int, list[tuple[int, float]]] = {}
    for (l1, c1), (l2, c2) in spans:
        for line in range(l1, l2 + 1):
            lo = c1 if line == l1 else 0
            hi: float = c2 if line == l2 else float("inf")
            covered.setdefault(line, []).append((lo, hi))
    out = []
    for number, text in enumerate(lines):
        if "#" not in text:
            continue
        for match in re.finditer("#", text):
            col = match.start()
            if col and text[col - 1] not in " \t":
                continue
            if any(lo <= col < hi for lo, hi in covered.get(number, ())):
                continue
            out.append((number, col))
            break
    return out


def _comments(lines: Sequence[str], marks: Sequence[tuple[int, int]], first: int = 0) -> list[_Comment]:
    """The comments at `marks` in `lines`, numbered from line `first`."""
    out = []
    for number, col in marks:
        text = lines[number]
        whole = not text[:col].strip()
        above_blank = whole and number + first > 0 and number > 0 and not lines[number - 1].strip()
        key = None
        if not whole and (match := _TOP_KEY.match(text)) is not None and not text.startswith("[", match.end()):
            key = match.group(1)
        out.append(_Comment(number + first, text[col:].rstrip(), above_blank, col, whole, key))
    return out


def _split_header(lines: Sequence[str], first: int, early: Sequence[_Comment],
                  first_stays: bool) -> tuple[int, list[_Comment]]:
    """(end of the header, comments of the first record).  The last block of
    the leading lines goes with the first record when it touches it (no
    blank line between) and holds no modeline, directive or '---'; the
    rest is the header, which fmt always ends with a blank line.

    The first block of the file touching the first record is ambiguous: it
    is the header when that record moves (a header stays on top), and stays
    with the record when the record stays first (both readings agree, and
    a formatted file reads back the same way)."""
    blocks: list[list[int]] = []
    for number in range(first):
        if not lines[number].strip():
            continue
        if blocks and blocks[-1][-1] == number - 1:
            blocks[-1].append(number)
        else:
            blocks.append([number])
    if blocks and len(blocks) < 2 and not first_stays:
        return first, []  # the file's first block is its header, even touching the first record
    if not blocks or blocks[-1][-1] != first - 1:
        return first, []
    last = blocks[-1]
    if any(MODELINE in lines[n] or lines[n].lstrip().startswith(("%", "---")) for n in last):
        return first, []
    return last[0], [c for c in early if c.line >= last[0]]


def _header_lines(lines: Sequence[str], end: int, comments: Sequence[_Comment]) -> list[str]:
    """The header as written: comments, directives and '---' lines, and single
    blank lines between its blocks."""
    by_line = {c.line: c.text for c in comments}
    out: list[str] = []
    for number in range(end):
        line = lines[number].rstrip()
        if line.lstrip().startswith(("%", "---")):
            out.append(line)
        elif number in by_line:
            out.append(by_line[number])
        elif not line and out and out[-1]:
            out.append("")
    while out and not out[-1]:
        out.pop()
    return out


def _comment_block(comments: Sequence[_Comment]) -> list[str]:
    """A record's comments, whole lines, with one blank line where the file
    had blank lines between them."""
    out: list[str] = []
    for comment in comments:
        if out and comment.after_blank:
            out.append("")
        out.append(comment.text)
    return out


def comment_texts(text: str) -> list[str]:
    """Every comment of a (parsable) file, in order."""
    return _Layout.of(text).comments


# --- comments inside a record ----------------------------------------------


def _commented_record(fields: dict[str, Any], raw: RawRecord, comments: Sequence[_Comment],
                      scanned: bool) -> tuple[list[str], str]:
    """(comments that go above the record, the record's text with the others
    kept in place).  Each comment is anchored to a key or list item of the
    record (`_anchor`) and put back beside it in the canonical text:

    * a whole-line comment goes on its own line above the key or item it
      preceded, at that line's indentation;
    * a comment after a value stays after it on the same line when the value
      is written on one line, else it goes on its own line above the key;
    * a list written `[a, b]` that holds a comment between its items is
      written one item a line, so that the comment stays between them.

    A comment whose key the canonical layout leaves out (an empty `tags`)
    goes above the next key written, or above the record.

    The common case needs no positions (which cost a second reading of the
    record): in a record the scanner read (`scanned`) whose mapping is at
    column 2, a line `  key: ...` is a key of the record, so a comment
    after a value there (not a flow list's) is anchored to that key, as
    `_anchor` would find; when every comment is of that kind and its key is
    written, the record's positions are never worked out."""
    if not comments:
        return [], writer.dump_fields(fields)
    written_at: dict[Path_, int] = {}  # the writer says where it wrote each key and item
    if scanned and raw.col == 3 and all(c.key is not None for c in comments):
        text = writer.dump_fields(fields, frozenset(), written_at, items=False)  # the keys' lines are enough
        if all((c.key,) in written_at for c in comments):
            # the line after a list or mapping starts its first item or key (else a value goes on)
            starts = {*written_at.values(), *(written_at[(key,)] + 1 for key, value in fields.items()
                                              if value and isinstance(value, (list, dict)))}
            return _placed(text, written_at, starts, comments, [((str(c.key),), True) for c in comments], None)
        written_at = {}
    order = sorted(raw.positions, key=lambda p: (raw.positions[p], len(p)))
    anchors = [_anchor(comment, order, raw.positions) for comment in comments]
    block = frozenset(str(path[0]) for path, trailing in anchors
                      if len(path) > 1 and isinstance(path[1], int) and path[0] in ("tags", "coordinates"))
    text = writer.dump_fields(fields, block, written_at)
    return _placed(text, written_at, set(written_at.values()), comments, anchors, order)


def _placed(text: str, written_at: dict[Path_, int], starts: AbstractSet[int], comments: Sequence[_Comment],
            anchors: Sequence[tuple[Path_, bool]], order: Sequence[Path_] | None) -> tuple[list[str], str]:
    """The comments put beside their anchors in the record's canonical
    `text` (see `_commented_record`); `starts`: the lines where a key or
    item starts; `order`: the record's paths in the order of the file
    (None: every anchor is written)."""
    lines = text.split("\n")[:-1]
    above: dict[int, list[str]] = {}
    after: dict[int, str] = {}
    extra: list[str] = []
    for comment, (path, trailing) in zip(comments, anchors, strict=True):
        if order is None:
            written = [path]
        else:
            written = [p for p in order[order.index(path):] if p in written_at] if path in order else []
        if not written:
            extra.append(comment.text)
            continue
        line = written_at[written[0]]
        # a value on one line: the next line starts another key or item, or the record ends
        one_line = line + 1 in starts or line + 1 == len(lines)
        if trailing and written[0] == path and one_line and line not in after:
            after[line] = comment.text
        else:
            indent = "" if line == 0 else lines[line][: len(lines[line]) - len(lines[line].lstrip())]
            above.setdefault(line, []).append(indent + comment.text)
    for n, trailing_text in after.items():
        lines[n] += _after(trailing_text)
    for n in sorted(above, reverse=True):  # from the end: the lines before keep their numbers
        lines[n:n] = above[n]
    return extra, "\n".join(lines) + "\n"


def _after(comment: str | None) -> str:
    return f"  {comment}" if comment else ""


def _anchor(comment: _Comment, order: Sequence[Path_], positions: dict[Path_, tuple[int, int]]) -> (
        tuple[Path_, bool]):
    """(the key or item a comment belongs to, whether it follows it on its
    line).  A whole-line comment belongs to the first key or item after it;
    a comment after a value to the last one starting before it.  A comment
    after the last items of a list on that line follows the whole list (the
    key, when the list is written on the key's line)."""
    where = (comment.line + 1, comment.col + 1)  # positions are 1-based
    if comment.whole:
        following = [p for p in order if positions[p] > where]
        return (following[0] if following else (), False)
    preceding = [p for p in order if positions[p] <= where]
    if not preceding:
        return (), False
    path = preceding[-1]
    index = path[-1] if path else None
    if isinstance(index, int):
        parent = path[:-1]
        items = {int(p[-1]): p for p in order if len(p) == len(path) and p[:-1] == parent and isinstance(p[-1], int)}
        if all(positions[p][0] == where[0] for n, p in items.items() if n >= index):
            # after the end of the list: of a list written on its key's line, after the key
            path = parent if positions.get(parent, (0, 0))[0] == where[0] else items[max(items)]
    return path, True


# --- the result --------------------------------------------------------------


def _assemble(header: Sequence[str], records: Sequence[tuple[list[str], str]], footer: Sequence[str]) -> str:
    """Header, records (each after its comments), footer: one blank line
    between them, none added after a record that already ends with one."""
    parts: list[str] = []
    tail = ""  # the last two characters written (joined once at the end: no quadratic copying)

    def write(text: str) -> None:
        nonlocal tail
        parts.append(text)
        tail = (tail + text)[-2:]

    def block(text: str) -> None:
        if parts and tail != "\n\n":
            write("\n")
        write(text)

    head = "".join(line + "\n" for line in header)
    if head:
        write(head)
    for comments, record in records:
        block("".join(line + "\n" for line in comments) + record)
    if footer:
        block("".join(line + "\n" for line in footer))
    return "".join(parts)


class _Source(NamedTuple):
    """Where a record was in the file: its piece (from its `- ` line to the
    next record's) and the 0-based number of its first line."""

    start: int
    end: int
    line: int

    @staticmethod
    def of(text: str, count: int) -> list[_Source] | None:
        """The pieces of the file's `count` records in file order, or None
        when the file has other line breaks, directives or document markers
        (its result is then read back whole)."""
        starts = record_starts(text)
        if len(starts) != count or _OTHER_BREAK.search(text) or _DIRECTIVE.found(text):
            return None
        out = []
        line = text.count("\n", 0, starts[0]) if starts else 0
        for start, end in itertools.pairwise([*starts, len(text)]):
            out.append(_Source(start, end, line))
            line += text.count("\n", start, end)
        return out


class _Expected(NamedTuple):
    """What a record of the result must read back as: the incident, the
    exact bytes of the values the writer was given (`_exact`), and where the
    record was in the file (None: the file is read back whole)."""

    incident: Incident
    data: bytes | None
    source: _Source | None


def _exact(value: Any) -> bytes | None:
    """Plain values as marshal's bytes (format 2, which has no references
    between objects), which tell apart what == does not (True and 1, 1 and
    1.0, a list and a tuple); None for anything marshal cannot write (a
    NumberSpelling, for instance), which is then compared as a model.
    Equal bytes are equal values of the same types; the reverse may fail
    (a string marked interned on one side only), which costs only time."""
    try:
        return marshal.dumps(value, 2)
    except ValueError:
        return None


def _verify(before: Sequence[str], after: str, expected: Sequence[_Expected], shown: str, text: str,
            marks: dict[int, AbstractSet[tuple[int, int]]]) -> None:
    """Refuse a result that would change data or lose a comment (`before`:
    the comments of the file as it was; `text`: the file; `marks`: the
    comments the loader found in it).

    The result is cut into its records' pieces, as the loader cuts a file.
    A piece that is the record's piece in the file, byte for byte, reads
    as it did there (already read and checked).  The others
    are read back, in groups of 5,000, and each record must hold exactly
    the values the writer was given (the same marshal bytes), or else
    validate into the same model.  Then the comments are counted."""
    starts = record_starts(after)
    scanned: dict[int, AbstractSet[tuple[int, int]]] = {}
    same = len(starts) == len(expected)
    if same:
        head = after[: starts[0]] if starts else after
        todo: list[tuple[int, int, str]] = []  # (the record's index, its first line in the result, its piece)
        line = after.count("\n", 0, starts[0]) if starts else 0
        for k, (start, end) in enumerate(itertools.pairwise([*starts, len(after)])):
            piece = after[start:end]
            source = expected[k].source
            if source is not None and source.end - source.start == end - start and \
                    text[source.start : source.end] == piece:
                if source.line in marks:
                    scanned[line] = marks[source.line]
            else:
                todo.append((k, line, piece))
            line += piece.count("\n")
            if len(todo) == _GROUP:  # read as they come: one group's pieces in memory at a time
                same, todo, head = same and _read_back(head, todo, expected, shown, scanned), [], ""
        if todo or head:
            same = same and _read_back(head, todo, expected, shown, scanned)
    if same:
        found = _comments_of(after, starts, scanned) if starts and expected[0].source is not None else None
        if found is None:  # read for its comments as fmt reads a file
            found = _Layout.of(after, True, scanned).comments
        same = Counter(before) == Counter(found)
    if not same:
        raise FormatRefused("formatting would change the records or lose a comment; the file is left as it is "
                            "(please report this with the file)")


def _comments_of(after: str, starts: Sequence[int], scanned: dict[int, AbstractSet[tuple[int, int]]]
                 ) -> list[str] | None:
    """Every comment of the result (with records at `starts`) from the
    comments found in each record as it was read (`scanned`), as
    `_record_comments` finds them, without working out where the records
    end; None when a record's comments were not found that way."""
    head = after[: starts[0]].split("\n")[:-1]
    texts = [comment.text for comment in _comments(head, _head_marks(head))]
    line = len(head)
    for start, end in itertools.pairwise([*starts, len(after)]):
        piece = after[start:end]
        marks = scanned.get(line)
        if marks is None:
            return None
        if marks:
            lines = piece.split("\n")
            texts += [lines[n][col:].rstrip() for n, col in marks]
        line += piece.count("\n")
    return texts


def _read_back(head: str, group: Sequence[tuple[int, int, str]], expected: Sequence[_Expected], shown: str,
               scanned: dict[int, AbstractSet[tuple[int, int]]]) -> bool:
    """Read a group of pieces of the result back (after `head`, the
    header, for the first) and compare their records with the expected
    ones (a record reads the same alone as in a file that loads: see
    loader.parse_text); adds the comments found to `scanned` (by line of
    the result)."""
    where = {}  # the line of each piece in the group's text -> its line in the result
    at = head.count("\n")
    for _, line, piece in group:
        where[at] = line
        at += piece.count("\n")
    found: dict[int, AbstractSet[tuple[int, int]]] = {}
    loaded = parse_text(head + "".join(piece for _, _, piece in group), shown, found)
    scanned.update((where[line], marks) for line, marks in found.items() if line in where)
    if loaded.findings or len(loaded.records) != len(group):
        return False
    return all(_reads_as(raw, expected[k]) for raw, (k, _, _) in zip(loaded.records, group, strict=True))


_GROUP = 5000


def _reads_as(raw: RawRecord, expected: _Expected) -> bool:
    """Whether a record read back holds the expected values: the very ones
    the writer was given, else (compared as models) the same incident."""
    data, raw.data = raw.data, None  # compared one by one: never a second set of models
    if expected.data is not None and _exact(data) == expected.data:
        return True
    raw.data = data
    same = validate_record(raw, Incident, "incident")[0] == expected.incident
    raw.data = None
    return same
