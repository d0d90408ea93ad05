"""A fast, exact reader for the canonical layout of a ledger.

Why: the strict loader (loader.py) walks libyaml's event stream through
PyYAML, which builds a Python object per event; at 100,000 records that is
most of the time `check` takes.  Ledgers are normally written by `fmt`,
`add` or `import` (writer.py), whose layout is narrow and regular: records
`- key: value` separated by blank lines, two-space indentation, block lists
of scalars or flat mappings at four spaces, one-line flow lists, plain or
double-quoted scalars folded at single spaces, `|-` literal blocks.

How: this module reads exactly that layout line by line and produces the
same `RawRecord`s (data, line, column, positions) as the strict loader.  It
is deliberately conservative: the moment anything is outside the layout it
knows (a tab, a CR, trailing spaces, an anchor, a tag, a single quote, a
comment inside a record, a duplicate key, an escape it cannot prove it
decodes as libyaml would, ...) it gives up and returns None, and the caller
runs the strict loader on the whole file.  So every hostile input still
meets the strict path, and this path never has to produce a finding: when it
answers, the strict loader would have reported no YAML-level finding either.
Scalars are typed by the strict loader's own `plain_value`, so YAML 1.1
resolution (numbers, booleans, null, dates) cannot drift between the two.
`tests/test_fastload.py` checks the equivalence with hypothesis.
"""

from __future__ import annotations

import functools
import gc
import json
import re
from collections.abc import Callable
from typing import Any

from .loader import _DATE_KEYS, _IMPLICIT_START, MAX_RECORDS, Path_, Pos, RawRecord, plain_value

# Anything but printable characters and LF (no tab, CR, C0/C1 controls, BOM,
# line separators, surrogates, non-characters), and trailing spaces: leave
# those files to the strict loader.
_UNUSUAL = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]| \n| $")
_KEY = re.compile(r"([a-z_][a-z0-9_]*):( |$)")
_LINE = re.compile(r"([a-z_][a-z0-9_]*):(?: (.*))?$")
_FLOW_ITEM = re.compile(r"[-+.]?[A-Za-z0-9][A-Za-z0-9_.+\-]*")
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abcdefABCDEF]")
_BAD_PLAIN_START = frozenset("-?:,[]{}#&*!|>'\"%@` ")
_SPECIAL_START = _BAD_PLAIN_START | {"~"}
_MAX_INDENT = 16  # a record needs 8 at most
# Records read strictly one by one before the whole file goes to the strict
# loader in one pass instead (a file of a million `- {}` would otherwise
# start the parser a million times).
_MAX_STRICT_PIECES = 200
_SPACES = [" " * n for n in range(_MAX_INDENT + 4)]


# Typing a plain scalar goes through PyYAML's resolver; the same few texts
# (dates, counts, `null`, place names starting with N or T) recur in every
# record.  The values are immutable, so sharing them is safe.
_typed = functools.lru_cache(maxsize=8192)(plain_value)


Strict = Callable[[str, str], "list[RawRecord] | None"]


def parse_by_record(text: str, path: str, strict: Strict) -> list[RawRecord] | None:
    """The records of a ledger, read fast where its layout is canonical and
    record by record by `strict` where not; None to have the whole file read
    strictly.

    `strict` reads one record's text, giving None when it has findings:
    then the whole file goes to the strict loader, so that findings (and
    where a syntax error stops the reading) are exactly the strict loader's.
    A line starting with `- ` at column 0 always opens a new item of the
    top-level list (record content is indented; a quoted or flow value that
    swallowed such a line would leave its own piece unterminated, which is a
    finding).  So the piece from one such line to the next reads the same
    alone as within the file, lines shifted.  Files with document markers or
    directives at column 0, or with unusual characters anywhere, are left
    whole to the strict loader."""
    return parse_canonical(text, path, strict)


def _shifted(record: RawRecord, lines: int) -> RawRecord:
    if lines:
        record.line += lines
        record.positions = {k: (line + lines, col) for k, (line, col) in record.positions.items()}
    return record


def _unusual(text: str) -> bool:
    if not text.isascii():
        return _UNUSUAL.search(text) is not None
    # ASCII: deleting the printable characters must leave only line breaks
    # (much faster than the regular expression on tens of megabytes).
    rest = text.translate(_PRINTABLE_ASCII)
    return rest.count("\n") != len(rest) or " \n" in text or text.endswith(" ")


_PRINTABLE_ASCII = dict.fromkeys(range(0x20, 0x7F))


class _Unrecognised(Exception):
    """This record (or the text) is outside the canonical layout."""


class _Whole(Exception):
    """The file as a whole must go to the strict loader."""


def parse_canonical(text: str, path: str, strict: Strict | None = None) -> list[RawRecord] | None:
    """The records of a ledger in the canonical layout, or None when the text
    is not entirely in that layout (with `strict`: see parse_by_record)."""
    if not text or _unusual(text):
        return None
    collecting = gc.isenabled()
    gc.disable()  # hundreds of thousands of small containers, none cyclic: skip the collector's passes
    try:
        return _Reader(text.split("\n"), path, strict).records()
    except (_Unrecognised, _Whole):
        return None
    finally:
        if collecting:
            gc.enable()


class _Reader:
    def __init__(self, lines: list[str], path: str, strict: Strict | None = None) -> None:
        self.lines = lines
        self.path = path
        self.strict = strict
        self.splittable: bool | None = None  # may records be read one by one? (decided when needed)
        self.pieces = 0  # records read strictly one by one
        self.keys: set[str] = set()  # keys already known to read as text
        # Key paths are shared between records: 100,000 records would
        # otherwise hold two million equal little tuples.
        self.paths: dict[tuple[Path_, str | int], Path_] = {}

    def _path(self, prefix: Path_, key: str | int) -> Path_:
        path = self.paths.get((prefix, key))
        if path is None:
            path = self.paths[(prefix, key)] = (*prefix, key)
        return path

    def records(self) -> list[RawRecord]:
        lines, out = self.lines, list[RawRecord]()
        i, after_blank, last_fast = 0, True, -1
        while i < len(lines):
            line = lines[i]
            if not line:
                i, after_blank = i + 1, True
            elif line[0] == "#" and after_blank:
                i += 1  # a comment between records (or a header)
            elif line.startswith("- ") and (after_blank or self.strict):
                try:
                    i, last_fast = self._record(i, out), i
                except _Unrecognised:
                    i, last_fast = self._strict_piece(i, out), -1
                after_blank = False
            elif last_fast >= 0 and self.strict:
                out.pop()  # text after a record that looked complete: read it all strictly
                i, last_fast = self._strict_piece(last_fast, out), -1
            else:
                raise _Unrecognised
            if len(out) > MAX_RECORDS:
                raise _Whole  # the strict loader reports the limit
        if not out:
            raise _Unrecognised  # empty or comment-only: the strict loader decides
        return out

    def _record(self, i: int, out: list[RawRecord]) -> int:
        record = RawRecord(self.path, i + 1, 3, None)
        data: dict[str, Any] = {}
        end = self._mapping(i, 2, data, record.positions, ())
        if end < len(self.lines) and self.lines[end]:
            raise _Unrecognised  # a record ends at a blank line or the end
        record.data = data
        out.append(record)
        return end

    def _strict_piece(self, start: int, out: list[RawRecord]) -> int:
        """Read the lines from `start` to the next `- ` at column 0 strictly."""
        lines = self.lines
        if self.strict is None:
            raise _Whole
        if self.splittable is None:
            self.splittable = not any(line.startswith(("---", "...", "%")) for line in lines)
        self.pieces += 1
        if not self.splittable or self.pieces > _MAX_STRICT_PIECES:
            raise _Whole
        end = start + 1
        while end < len(lines) and not lines[end].startswith("- "):
            end += 1
        piece = "\n".join(lines[start:end]) + ("\n" if end < len(lines) else "")
        found = self.strict(piece, self.path)
        if found is None:
            raise _Whole
        out.extend(_shifted(record, start) for record in found)
        return end

    # -- structure -------------------------------------------------------------

    def _mapping(self, i: int, indent: int, data: dict[str, Any], positions: dict[Path_, Pos],
                 prefix: Path_) -> int:
        """Read a block mapping whose first line is `- key...` (the dash two
        columns before `indent`); return the index of the line after it."""
        lines, lead, deeper = self.lines, _SPACES[indent], _SPACES[indent + 1]
        count, known = len(lines), self.keys
        first = True
        while i < count:
            line = lines[i]
            if not first and (not line.startswith(lead) or line[indent] == " "):
                if line.startswith(lead):
                    raise _Unrecognised  # deeper than a key, yet not a value
                return i  # a blank line, or a shallower line: the caller decides
            match = _LINE.match(line, indent)
            if match is None:
                raise _Unrecognised
            first = False
            key, text = match.groups()
            if key not in known:
                self._key(key)
            if key in data:
                raise _Unrecognised  # duplicate keys are findings: strict path
            path = self._path(prefix, key)
            positions[path] = (i + 1, indent + 1)
            if text is None:
                data[key], i = self._block_list(i + 1, indent + 2, positions, path)
            elif (text[0] not in _SPECIAL_START and (i + 1 == count or not lines[i + 1].startswith(deeper))
                  and ": " not in text and " #" not in text and text[-1] != ":"):
                # The common case, inline for speed: a one-line plain scalar.
                data[key] = _typed(text, key in _DATE_KEYS) if text[0] in _IMPLICIT_START else text
                i += 1
            else:
                data[key], i = self._value(i, indent + len(key) + 2, indent, key, positions, path)
        return i

    def _key(self, key: str) -> str:
        if key not in self.keys:
            if plain_value(key, False) != key:  # `null`, `yes`, `on`...: not text keys
                raise _Unrecognised
            self.keys.add(key)
        return key

    def _block_list(self, i: int, indent: int, positions: dict[Path_, Pos], path: Path_) -> tuple[list[Any], int]:
        if indent + 2 >= _MAX_INDENT:
            raise _Unrecognised
        lines, lead = self.lines, _SPACES[indent] + "- "
        items: list[Any] = []
        while i < len(lines) and lines[i].startswith(lead):
            item_path = self._path(path, len(items))
            positions[item_path] = (i + 1, indent + 3)
            if _KEY.match(lines[i], indent + 2):
                mapping: dict[str, Any] = {}
                i = self._mapping(i, indent + 2, mapping, positions, item_path)
                items.append(mapping)
            else:
                value, i = self._scalar(i, indent + 2, indent, False)
                items.append(value)
        if not items:
            raise _Unrecognised  # `key:` with nothing under it
        return items, i

    def _value(self, i: int, start: int, indent: int, key: str, positions: dict[Path_, Pos],
               path: Path_) -> tuple[Any, int]:
        """The value after `key: ` on line i, starting at column `start`."""
        rest = self.lines[i][start:]
        if rest[0] == "[":
            return self._flow_list(i, start, positions, path), i + 1
        if rest[0] == "|":
            return self._literal(i, start, indent)
        return self._scalar(i, start, indent, key in _DATE_KEYS)

    def _flow_list(self, i: int, start: int, positions: dict[Path_, Pos], path: Path_) -> list[Any]:
        text = self.lines[i][start:]
        if text == "[]":
            return []
        if text[-1] != "]":
            raise _Unrecognised
        items: list[Any] = []
        col = start + 2  # 1-based column of the first item
        for item in text[1:-1].split(", "):
            if not _FLOW_ITEM.fullmatch(item):
                raise _Unrecognised
            positions[self._path(path, len(items))] = (i + 1, col)
            items.append(_typed(item, False))
            col += len(item) + 2
        return items

    # -- scalars ---------------------------------------------------------------

    def _continued(self, i: int, parent: int) -> int:
        """Index after the lines that continue a scalar begun on line i
        (non-empty lines indented deeper than the parent collection)."""
        lines, lead = self.lines, _SPACES[parent + 1]
        j = i + 1
        while j < len(lines) and lines[j].startswith(lead):
            j += 1
        return j

    def _scalar(self, i: int, start: int, parent: int, as_written: bool) -> tuple[Any, int]:
        end = self._continued(i, parent)
        first = self.lines[i][start:]
        rest = [line.lstrip(" ") for line in self.lines[i + 1 : end]]
        if first[0] == '"':
            return _quoted(first, rest), end
        if any(part[0] in _BAD_PLAIN_START for part in rest):
            raise _Unrecognised
        text = " ".join([first, *rest]) if rest else first
        if (first[0] in _BAD_PLAIN_START and not (first[0] == "-" and first[1:2].isdigit())) \
                or ": " in text or " #" in text or text[-1] == ":":
            raise _Unrecognised
        return _typed(text, as_written), end

    def _literal(self, i: int, start: int, parent: int) -> tuple[str, int]:
        """A `|-` block: its lines (blank ones included), final breaks stripped."""
        lines = self.lines
        if lines[i][start:] != "|-" or i + 1 >= len(lines):
            raise _Unrecognised
        first = lines[i + 1]
        indent = len(first) - len(first.lstrip(" "))
        if indent <= parent or not first:
            raise _Unrecognised
        lead, j, body = _SPACES[indent] if indent < len(_SPACES) else " " * indent, i + 1, []
        while j < len(lines) and (not lines[j] or lines[j].startswith(lead)):
            body.append(lines[j][indent:])
            j += 1
        while body and not body[-1]:  # chomping '-': trailing blank lines are not content
            body.pop()
            j -= 1
        return "\n".join(body), j


def _quoted(first: str, rest: list[str]) -> str:
    """A double-quoted scalar folded over lines, decoded; JSON's escapes are a
    subset of YAML's with the same meaning, so json.loads decodes them."""
    if any((len(part) - len(part.rstrip("\\"))) % 2 for part in [first, *rest[:-1]]):
        raise _Unrecognised  # an escaped line break
    text = " ".join([first, *rest]) if rest else first
    if not _QUOTED.fullmatch(text) or _SURROGATE_ESCAPE.search(text):
        raise _Unrecognised
    try:
        value: str = json.loads(text)
    except ValueError:
        raise _Unrecognised from None
    if any(c < " " for c in value):
        raise _Unrecognised  # let the strict path judge line breaks and controls
    return value
