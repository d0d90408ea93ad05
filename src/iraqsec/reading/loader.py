"""The one reader: ledger text in, raw records with source positions out.

Each record (the lines from a `- ` at column 0 to the next) is read by the
line scanner (reading/scanner.py) when it recognises all of it: any ordinary block
layout, fast.  Everything else goes through the strict event builder here,
which reads libyaml's event stream and builds plain Python values itself, so
that

* nothing is ever constructed from a tag (`!!python/object/apply` is a
  finding, not a call);
* aliases are reported, never expanded ("billion laughs" costs nothing);
* anchors, merge keys and duplicate keys are findings;
* nesting depth is bounded and building is iterative (no recursion);
* every mapping key and sequence item keeps its line and column.

Findings only ever come from the event builder, so they are exactly
libyaml's (see parse_text).  It never raises on bad input: problems come
back as findings.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import re
from collections.abc import Callable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from iraqsec.reading.nogc import no_gc
from iraqsec.reading.scanner import DATE_KEYS, NumberSpelling, Path_, Pos, Unsupported, plain_value, scan_record
from iraqsec.record.findings import Finding, error
from iraqsec.rendering import progress

try:  # libyaml's C parser when present; the pure-Python one otherwise.
    _Parser: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Parser = yaml.SafeLoader

# Findings after which the loader reads no further in the file: the file as
# a whole is broken, as opposed to one of its records.
STOP_RULES = frozenset({"encoding", "yaml-syntax", "not-a-list", "multiple-documents", "too-deep",
                        "too-large", "too-many-records"})
# Bounds on what is read at all, so that memory stays bounded whatever the
# input: 100,000 real records are about 62 MB and need about 0.9 GB.
MAX_LEDGER_BYTES = 128_000_000
MAX_RECORDS = 200_000
MAX_DEPTH = 32  # a ledger needs 4 levels; anything far deeper is hostile
__all__ = ["MAX_LEDGER_BYTES", "MAX_RECORDS", "STOP_RULES", "LineStart", "LoadedFile", "NumberSpelling", "Path_",
           "Pos", "RawRecord", "decode", "load_file", "parse_text", "plain_value", "record_starts", "too_large",
           "type_name"]


class RawRecord:
    """One item of a ledger's top-level list, before validation.

    `positions` maps each key path and list item to its line and column.
    For a record the scanner read, they are worked out only when asked for
    (to locate a finding), by scanning the record's lines again: most
    records never need them, and 100,000 records' worth would cost hundreds
    of megabytes."""

    __slots__ = ("_positions", "_source", "col", "data", "line", "path")

    def __init__(self, path: str, line: int, col: int, data: Any, positions: dict[Path_, Pos] | None = None,
                 source: tuple[str, int, int, int] | None = None) -> None:
        self.path = path
        self.line = line
        self.col = col
        self.data = data
        self._positions = positions
        self._source = source  # (the file's text, start, end, line number before start) for the scanner

    @property
    def positions(self) -> dict[Path_, Pos]:
        if self._positions is None:
            self._positions = {}
            if self._source is not None:
                text, start, end, base = self._source
                scan_record(text[start:end].split("\n"), self._positions, base)
        return self._positions

    @positions.setter
    def positions(self, value: dict[Path_, Pos]) -> None:
        self._positions = value

    def locate(self, loc: Path_) -> Pos:
        """Line and column of the longest known prefix of `loc`."""
        positions = self.positions
        for end in range(len(loc), 0, -1):
            pos = positions.get(loc[:end])
            if pos is not None:
                return pos
        return self.line, self.col

    def __repr__(self) -> str:
        return f"RawRecord({self.path!r}, {self.line}, {self.col}, {self.data!r})"


@dataclass(slots=True)
class LoadedFile:
    path: str
    records: list[RawRecord]
    findings: list[Finding]


class RecordSink(Protocol):
    """Where the reader can hand each record over as soon as it has read it
    (ledger.py validates it there and drops its raw values, so that a big
    ledger never holds every record's raw values at once)."""

    def take(self, record: RawRecord) -> None:
        """One record, in file order."""

    def reset(self) -> None:
        """Forget every record handed over from this file: the whole file is
        read again by the event builder, whose records come back in the
        LoadedFile instead."""


class _Stop(Exception):
    """Parsing of this file cannot go on; the finding is already recorded."""


def load_file(path: Path, display: str | None = None, max_records: int = MAX_RECORDS,
              sink: RecordSink | None = None) -> LoadedFile:
    """Read and parse one ledger file; never raises for bad content.  With
    `sink`, see parse_text."""
    shown = display if display is not None else str(path)
    size = path.stat().st_size
    if size > MAX_LEDGER_BYTES:
        return LoadedFile(shown, [], [too_large(shown, size, "the file is")])
    text, finding = decode(path.read_bytes(), shown)  # the bytes are freed once decoded
    if finding is not None:
        return LoadedFile(shown, [], [finding])
    return parse_text(text, shown, max_records=max_records, sink=sink)


def too_large(shown: str, size: int, what: str) -> Finding:
    return error(shown, 1, 1, "too-large",
                 f"{what} {size / 1e6:,.1f} MB; iraqsec reads at most {MAX_LEDGER_BYTES / 1e6:,.0f} MB of "
                 "ledger (a bound on memory), so this file was not read")


def decode(data: bytes, path: str) -> tuple[str, Finding | None]:
    """UTF-8 text of a file (BOM dropped), or a located encoding finding."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "", error(path, 1, 1, "encoding", "the file is UTF-16; save it as UTF-8")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        bad = data[exc.start : exc.end].hex(" ")
        return "", error(path, line, col, "encoding",
                         f"bytes {bad} are not valid UTF-8; save the file as UTF-8")


def parse_text(text: str, path: str, comments: dict[int, AbstractSet[Pos]] | None = None,
               max_records: int = MAX_RECORDS, sink: RecordSink | None = None) -> LoadedFile:
    """Records and findings of a ledger's text.

    One reader, two halves: each record (the lines from a `- ` at column 0
    to the next) is read by the line scanner (reading/scanner.py) when it recognises
    all of it, and by the strict event builder below otherwise.  Findings
    always come from the event builder: when a record it reads has any, or
    the file has document markers or directives, or text outside the
    records, or more than `max_records` records, or more than
    `_MAX_STRICT_PIECES` records the scanner does not read, the builder
    reads the whole file, so every finding, and where a syntax error stops
    the reading, is exactly libyaml's.

    With `comments` (for `fmt`), each record the scanner reads adds the
    0-based line and column of its comments' '#', relative to the record's
    first line, under that line's 0-based number.

    With `sink`, each record the scanner path reads is handed to it at once
    and the LoadedFile holds none; if the file then goes to the event
    builder after all, the sink is reset and the builder's records are in
    the LoadedFile (after its findings, as without a sink)."""
    with no_gc():
        records = _scan_file(text, path, comments, max_records, sink)
    if records is not None:
        return LoadedFile(path, records, [])
    if sink is not None:
        sink.reset()
    return _parse_strict(text, path, max_records)


# Anything but printable characters and LF (no tab, CR, C0/C1 controls, BOM,
# line separators, bidirectional controls, surrogates, non-characters), and
# trailing spaces: records holding those are read by the event builder.
_UNUSUAL = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202f-\u2065\u206a-\ud7ff\ue000-\ufefe\uff00-\ufffd"
                      "\U00010000-\U0010ffff]| \n| $")
_PRINTABLE_ASCII = bytes(range(0x20, 0x7F))
_NO_MARKS: frozenset[Pos] = frozenset()
# Records read by the event builder one by one before the whole file goes to
# it in one pass instead (a file of a million `- {}` would otherwise start
# the parser a million times).
_MAX_STRICT_PIECES = 200
_OTHER_BREAKS = frozenset("\r\x85\u2028\u2029")


class LineStart:
    r"""A pattern that must match at the start of a line, as `^` in
    MULTILINE mode would, found the fast way: the regular expression engine
    tries `^` at every offset (0.4 s on 65 MB), but finds a literal line
    break quickly (0.05 s), so the pattern is matched at offset 0 and after
    each line break.  `body` must say "end of line" as `(?=\n|\Z)`."""

    def __init__(self, body: str) -> None:
        self._first = re.compile(body)
        self._later = re.compile(f"\n(?:{body})")

    def offsets(self, text: str) -> list[int]:
        """Where each line that starts with the pattern starts."""
        starts = [m.start() + 1 for m in self._later.finditer(text)]
        if self._first.match(text):
            starts.insert(0, 0)
        return starts

    def found(self, text: str) -> bool:
        return self._first.match(text) is not None or self._later.search(text) is not None


_RECORD_START = LineStart(r"-(?=[ \n]|\Z)")  # a `- ` (or `-`) line at column 0
# A column-0 line that is not an item, a comment or blank; document markers and directives.
_OUTSIDE = LineStart(r"(?:[^\s#-]|-(?![ \n]|\Z))")


def record_starts(text: str) -> list[int]:
    """The offsets of the lines that open a top-level item."""
    return _RECORD_START.offsets(text)


def outside_records(text: str) -> bool:
    """Whether a column-0 line is neither an item, a comment nor blank."""
    return _OUTSIDE.found(text)


def _unusual_at(text: str) -> list[int] | None:
    """Offsets of unusual characters (None when there are none)."""
    if text.isascii():
        # Deleting the printable bytes must leave only line breaks (a byte
        # table in C: 0.07 s on 65 MB, where the search takes 0.4 s).
        rest = text.encode("ascii").translate(None, _PRINTABLE_ASCII)
        printable = rest.count(b"\n") == len(rest)
    else:
        # Every character _UNUSUAL finds is unprintable (a test checks all of Unicode).
        printable = text.replace("\n", "").isprintable()
    if printable and " \n" not in text and not text.endswith(" "):
        return None
    found = [m.start() for m in _UNUSUAL.finditer(text)]
    return found or None


def _scan_file(text: str, path: str, comments: dict[int, AbstractSet[Pos]] | None,
               max_records: int, sink: RecordSink | None) -> list[RawRecord] | None:
    """The records of a ledger read record by record, or None to have the
    whole file read by the event builder."""
    starts = record_starts(text)
    if not starts or outside_records(text):
        return None  # empty, a single value, a mapping, directives, `---`: the builder decides
    head = text[: starts[0]]
    if any(line and not line.lstrip(" ").startswith("#") for line in head.split("\n")):
        return None  # only comments and blank lines before the first record
    doing = "reading" if sink is None else "reading and checking"  # the sink validates as it goes
    with progress.task(f"{doing} {path}", len(text), "bytes") as done:
        return _scan_pieces(text, path, starts, head, done, comments, max_records, sink)


def _scan_pieces(text: str, path: str, starts: list[int], head: str,
                 done: Callable[[int], None], comments: dict[int, AbstractSet[Pos]] | None,
                 max_records: int, sink: RecordSink | None) -> list[RawRecord] | None:
    unusual = _unusual_at(text)
    if unusual is not None and (unusual[0] < starts[0] or any(text[at] in _OTHER_BREAKS for at in unusual)):
        return None  # libyaml counts CR, NEL, LS and PS as line breaks: lines would not match
    if len(starts) > max_records:
        return None  # the builder reports the limit, before the records cost memory and time
    starts.append(len(text))
    records: list[RawRecord] = []
    take = records.append if sink is None else sink.take
    built = 0  # records read by the event builder one by one
    line = head.count("\n")
    for n, (start, end, lines) in enumerate(_record_lines(text, starts), 1):
        odd = unusual is not None and bisect.bisect_left(unusual, start) < bisect.bisect_left(unusual, end)
        try:
            if odd:
                raise Unsupported
            marks: set[Pos] | None = None if comments is None else set()
            data, (first, col) = scan_record(lines, None, line, marks)
            if comments is not None and marks is not None:
                comments[line] = marks or _NO_MARKS  # most records have none: one shared empty set
            take(RawRecord(path, first, col, data, None, (text, start, end, line)))
        except Unsupported:
            built += 1
            found = _strict_records(text[start:end], path) if built <= _MAX_STRICT_PIECES else None
            if found is None:
                return None
            for record in found:
                take(_shifted(record, line))
        line += len(lines) - 1
        if not n % 2000:
            done(end)
    return records


_CHUNK = 2000  # records split into lines at a time


def _record_lines(text: str, starts: list[int]) -> Iterator[tuple[int, int, list[str]]]:
    """(start, end, the piece's lines) of each record, the lines as
    `text[start:end].split("\n")` gives them, split a chunk of records at a
    time (one copy of the text and one call per chunk, not per record)."""
    for first in range(0, len(starts) - 1, _CHUNK):
        stops = starts[first : first + _CHUNK + 1]
        chunk = text[stops[0] : stops[-1]].split("\n")
        at = 0
        for start, end in itertools.pairwise(stops):
            breaks = text.count("\n", start, end)
            lines = chunk[at : at + breaks]
            # After its last break a piece holds nothing, or the file's last
            # line when that has no break.
            lines.append(chunk[at + breaks] if end == len(text) else "")
            at += breaks
            yield start, end, lines


def _shifted(record: RawRecord, lines: int) -> RawRecord:
    if lines:
        record.line += lines
        record.positions = {k: (line + lines, col) for k, (line, col) in record.positions.items()}
    return record


def _strict_records(text: str, path: str) -> list[RawRecord] | None:
    """The records of a piece of ledger text, or None if it has findings."""
    loaded = _parse_strict(text, path)
    return None if loaded.findings else loaded.records


def _parse_strict(text: str, path: str, max_records: int = MAX_RECORDS) -> LoadedFile:
    builder = _Builder(path, max_records)
    parser = _Parser(text)
    try:
        builder.run(parser)
    except _Stop:
        pass
    except yaml.MarkedYAMLError as exc:
        builder.findings.append(_syntax_finding(exc, path))
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        builder.findings.append(error(path, line, col, "yaml-syntax",
                                      f"the character U+{ord(char):04X} is not allowed in YAML; remove it"))
    except yaml.YAMLError as exc:  # pragma: no cover - defensive: unmarked parser errors
        builder.findings.append(error(path, 1, 1, "yaml-syntax", f"invalid YAML: {exc}"))
    finally:
        parser.dispose()
    return LoadedFile(path, builder.records, builder.findings)


def _syntax_finding(exc: yaml.MarkedYAMLError, path: str) -> Finding:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    message = exc.problem or "invalid YAML"
    if "maximum nesting depth" in message:  # libyaml's own limit, met in flow collections
        return error(path, line, col, "too-deep", "nesting deeper than YAML allows; a record needs at most 4 levels")
    if exc.context:
        started = exc.context_mark
        where = f" started at line {started.line + 1}" if started and started.line + 1 != line else ""
        message += f" ({exc.context}{where})"
    if "tab" in message:
        message += "; indent with spaces, not tabs"
    elif "flow" in message:
        message += "; close the bracket, or quote text that contains [ ] { } or ,"
    elif "mapping values" in message:
        message += "; quote text that contains ': '"
    return error(path, line, col, "yaml-syntax", message)


class _Frame:
    __slots__ = ("container", "is_map", "key", "key_pos", "path", "root", "start")

    def __init__(self, container: Any, path: Path_, is_map: bool, root: bool = False) -> None:
        self.container = container
        self.path = path  # from the record's own mapping
        self.is_map = is_map
        self.root = root  # the top-level list
        self.key: Any = _NO_KEY
        self.key_pos: Pos = (0, 0)
        self.start: Pos = (0, 0)


_NO_KEY = object()
_SKIP = object()  # a key that was reported and whose value is dropped


class _Builder:
    def __init__(self, path: str, max_records: int = MAX_RECORDS) -> None:
        self.path = path
        self.max_records = max_records
        self.records: list[RawRecord] = []
        self.findings: list[Finding] = []
        self.stack: list[_Frame] = []
        self.record: RawRecord | None = None

    # -- driving -------------------------------------------------------------

    def run(self, parser: Any) -> None:
        get_event = parser.get_event
        parser.get_event()  # StreamStartEvent
        event = get_event()
        if isinstance(event, StreamEndEvent):
            return  # an empty file, or only comments: an empty ledger
        self._document_start(event)
        self._top(get_event())
        while self.stack:
            self._event(get_event())
        get_event()  # DocumentEndEvent
        event = get_event()
        if isinstance(event, DocumentStartEvent):
            self._stop(event, "multiple-documents",
                       "a ledger file holds one YAML document; remove the extra '---' and what follows")

    def _document_start(self, event: Any) -> None:
        if getattr(event, "explicit", False) and getattr(event, "tags", None):
            self._add(event, "yaml-tag", "%TAG directives are not part of the format; remove them")

    def _top(self, event: Any) -> None:
        if isinstance(event, SequenceStartEvent):
            self._check_props(event)
            self.stack.append(_Frame(None, (), False, root=True))
            return
        if isinstance(event, ScalarEvent) and event.value == "" and not event.style:
            return  # an empty document
        kind = "a mapping" if isinstance(event, MappingStartEvent) else "a single value"
        self._stop(event, "not-a-list",
                   f"the top level of a ledger must be a list of incidents ('- id: ...'), not {kind}")

    def _event(self, event: Any) -> None:
        cls = type(event)
        if cls is ScalarEvent:
            self._scalar(event)
        elif cls is MappingStartEvent or cls is SequenceStartEvent:
            self._open(event, cls is MappingStartEvent)
        elif cls is MappingEndEvent or cls is SequenceEndEvent:
            self._close()
        elif cls is AliasEvent:
            self._add(event, "yaml-alias",
                      f"alias '*{event.anchor}' is not allowed (aliases are never expanded); write the value out")
            self._attach(None, _pos(event))
        else:  # pragma: no cover - the parser emits nothing else here
            raise _Stop

    # -- building ------------------------------------------------------------

    def _open(self, event: Any, is_map: bool) -> None:
        if len(self.stack) >= MAX_DEPTH:
            self._stop(event, "too-deep", f"nesting deeper than {MAX_DEPTH} levels; a record needs at most 4")
        self._check_props(event)
        parent = self.stack[-1]
        if parent.root:  # a new item of the top-level list
            line, col = _pos(event)
            self.record = RawRecord(self.path, line, col, None, {})
            path: Path_ = ()
        elif parent.is_map:
            path = parent.path + (parent.key,) if parent.key is not _NO_KEY else parent.path
        else:
            path = parent.path + (len(parent.container),)
        frame = _Frame({} if is_map else [], path, is_map)
        frame.start = _pos(event)
        self.stack.append(frame)

    def _close(self) -> None:
        frame = self.stack.pop()
        if frame.root:
            return
        self._attach(frame.container, frame.start)

    def _scalar(self, event: Any) -> None:
        self._check_props(event)
        frame = self.stack[-1]
        as_written = frame.is_map and frame.key is not _NO_KEY and frame.key in DATE_KEYS
        value = _scalar_value(event, as_written)
        if isinstance(value, str) and event.style not in ("|", ">") and ("\n" in value or "\t" in value):
            self._add(event, "control-character",
                      "a tab or line break is only allowed inside a block scalar ('|' or '>'); "
                      "use a block scalar or remove it")
        if frame.root:
            self.record = RawRecord(self.path, *_pos(event), value, {})
        self._attach(value, _pos(event))

    def _attach(self, value: Any, pos: Pos) -> None:
        frame = self.stack[-1]
        if frame.root:  # a complete top-level item
            record = self.record
            if record is not None:
                record.data = value
                self.records.append(record)
                if len(self.records) > self.max_records:
                    self._too_many(record)
            self.record = None
        elif frame.is_map:
            self._attach_to_map(frame, value, pos)
        else:
            frame.container.append(value)
            if self.record is not None:
                self.record.positions[frame.path + (len(frame.container) - 1,)] = pos

    def _attach_to_map(self, frame: _Frame, value: Any, pos: Pos) -> None:
        if frame.key is _NO_KEY:
            frame.key, frame.key_pos = self._key(frame, value, pos), pos
            return
        key, frame.key = frame.key, _NO_KEY
        if key is _SKIP:
            return
        frame.container[key] = value
        if self.record is not None:
            self.record.positions[frame.path + (key,)] = frame.key_pos

    def _key(self, frame: _Frame, key: Any, pos: Pos) -> Any:
        if not isinstance(key, str):
            self._add_at(pos, "bad-key", f"a key must be text, not {_type_name(key)}")
            return _SKIP
        if key == "<<":
            self._add_at(pos, "yaml-merge", "merge keys ('<<') are not part of the format; write the keys out")
            return _SKIP
        if key in frame.container:
            first = self.record.positions.get(frame.path + (key,)) if self.record else None
            where = f" (first at line {first[0]})" if first else ""
            self._add_at(pos, "duplicate-key",
                         f"key '{key}' appears twice in this mapping{where}; keep one")
            return _SKIP
        return key

    # -- findings ------------------------------------------------------------

    def _too_many(self, record: RawRecord) -> None:
        """Past the record limit: the file is refused whole (nothing of it is
        checked), before the records cost memory and time."""
        self.records.clear()
        self._add_at((record.line, record.col), "too-many-records",
                     f"the ledger holds more than {MAX_RECORDS:,} records, the most iraqsec reads (a bound on "
                     "memory); this file was not checked")
        raise _Stop

    def _check_props(self, event: Any) -> None:
        if event.anchor is not None:
            self._add(event, "yaml-anchor", f"anchor '&{event.anchor}' is not allowed; remove it")
        if event.tag is not None and _explicit(event):
            self._add(event, "yaml-tag", f"explicit tag '{event.tag}' is not allowed "
                      "(tags are never constructed); remove it")

    def _add(self, event: Any, rule: str, message: str) -> None:
        self._add_at(_pos(event), rule, message)

    def _add_at(self, pos: Pos, rule: str, message: str) -> None:
        self.findings.append(error(self.path, pos[0], pos[1], rule, message))

    def _stop(self, event: Any, rule: str, message: str) -> None:
        self._add(event, rule, message)
        raise _Stop


def _pos(event: Any) -> Pos:
    mark = event.start_mark
    return mark.line + 1, mark.column + 1


def _explicit(event: Any) -> bool:
    if isinstance(event, ScalarEvent):
        return not (event.implicit[0] or event.implicit[1])
    return not event.implicit


def _scalar_value(event: Any, as_written: bool) -> Any:
    """The Python value of a scalar: typed when plain, text when quoted."""
    text: str = event.value
    if event.style or event.tag is not None:  # quoted, block, or tagged
        return text
    return plain_value(text, as_written)


def _type_name(value: Any) -> str:
    if value is None:
        return "an empty value (null)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (dt.date, dt.datetime)):
        return "a date"
    if isinstance(value, (int, float, NumberSpelling)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "text"


type_name = _type_name
