"""The fast half of the one reader: a line scanner for ledger records in any
ordinary block layout.

Why: walking libyaml's event stream through PyYAML builds a Python object
per event, which at 100,000 records is most of the time `check` takes (see
docs/performance.md for the options measured).  A ledger record is a small,
regular piece of YAML: a block mapping whose values are scalars (plain,
single- or double-quoted, folded over lines, or `|`/`>` block scalars with
strip or clip chomping), one-line flow lists, block lists of scalars or of
flat mappings, with comments and blank lines anywhere and any consistent
indentation.  This module reads exactly that, line by line, into the same
data the strict event builder in reading/loader.py would build.

It never reports a finding.  The moment a record holds anything it does not
fully recognise (an anchor, alias or tag, a flow mapping, a duplicate or
non-text key, a scalar that would hold a line break or tab, an escape JSON
does not share with YAML, a keep-chomped block, odd indentation, ...) it
raises `Unsupported` and the caller reads that record with the event builder,
which reports every finding at libyaml's own line and column.  Plain scalars
are typed by `plain_value` (YAML 1.1, as PyYAML resolves them), the one
definition both halves use.

Positions (the line and column of every key and list item) are only needed
to locate a finding, which is rare, so they are computed on demand by
scanning the record again with a `positions` dict (`scan_record`).
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from typing import Any

import yaml

Path_ = tuple[str | int, ...]
Pos = tuple[int, int]
# Keys whose values are dates: kept as written, so that `2020-9-16` (which
# YAML 1.1 would read as a date) can be rejected as unpadded.
DATE_KEYS = frozenset({"date", "date_end", "published"})
_RESOLVER = yaml.resolver.Resolver()
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
IMPLICIT_START = frozenset("-+.0123456789~nNtTfFyYoO<=")


def plain_value(text: str, as_written: bool) -> Any:
    """The value of an untagged plain scalar, resolved as YAML 1.1 does
    (numbers, booleans, null, dates), except that date keys keep their text."""
    if not text:
        return None
    if text[0] not in IMPLICIT_START:
        return text
    tag: str = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    if tag.endswith(":str"):
        return text
    if as_written:
        return None if tag.endswith(":null") else text
    node = yaml.ScalarNode(tag, text)
    try:
        value = _CONSTRUCTOR.construct_object(node)
    except (yaml.YAMLError, ValueError, OverflowError):
        return text
    if (tag.endswith(":int") and not _PLAIN_INT.fullmatch(text)) or \
            (tag.endswith(":float") and not _PLAIN_FLOAT.fullmatch(text)):
        return NumberSpelling(text, value)
    return value


# How a number is written in the format: plain decimal.  YAML 1.1 also reads
# `010` (octal 8), `0x10`, `0b11`, `1_000`, `1:30` (sexagesimal 90), `+5`,
# `1_0.5`; those are never read as numbers (see NumberSpelling).
_PLAIN_INT = re.compile(r"0|-?[1-9][0-9]*")
_PLAIN_FLOAT = re.compile(r"-?[0-9]+\.[0-9]*(?:[eE][-+]?[0-9]+)?|-?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")


@dataclass(frozen=True, slots=True)
class NumberSpelling:
    """A plain scalar that YAML 1.1 reads as a number but that is not
    written in plain decimal.  It is neither text nor a number, so every
    field refuses it (record/rules.py says what to write) and no command can turn
    `killed: 010` into 8."""

    text: str
    yaml11: Any  # what YAML 1.1 would have read

    def __repr__(self) -> str:
        return self.text


# The same few texts (dates, counts, `null`, names starting with N or T)
# recur in every record; the values are immutable, so sharing them is safe.
# One cache per kind of key: functools keeps a one-argument call by the
# text itself, with no tuple to build (the scanner's commonest lines).
@functools.lru_cache(maxsize=8192)
def _typed_plain(text: str) -> Any:
    return plain_value(text, False)


@functools.lru_cache(maxsize=8192)
def _as_written(text: str) -> Any:
    return plain_value(text, True)


def _typed(text: str, as_written: bool) -> Any:
    return _as_written(text) if as_written else _typed_plain(text)


_DECIMAL = re.compile(r"-?[1-9][0-9]{0,5}\.[0-9]{1,9}")


def _number(text: str) -> Any:
    """A plain scalar in a flow list: coordinates are the common case, and
    each is different, so they are read directly when they are plain decimals."""
    if text[0] not in IMPLICIT_START:
        return text  # no YAML 1.1 type starts otherwise (names, tags)
    if _DECIMAL.fullmatch(text):
        return float(text)
    return _typed_plain(text)


class Unsupported(Exception):
    """This record is outside what the scanner reads; the event builder reads it."""


_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?: +|$)")
_DQ = re.compile(r'"(?:[^"\\]|\\.)*"')
_SQ = re.compile(r"'(?:[^']|'')*'")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abcdefABCDEF]")
_BLOCK_HEADER = re.compile(r"[|>]-?(?: +#.*)?$")
_BARE_HEADERS = frozenset({"|", "|-", ">", ">-"})  # _BLOCK_HEADER's commonest, without a comment
_FLOW_PLAIN = re.compile(r"-?[A-Za-z0-9_.+~/][^\s,\[\]{}#:'\"]*(?: [^\s,\[\]{}#:'\"]+)*")
# A whole one-line flow list of plain items separated by ", " (the way
# people and `fmt` write them), read with one match and a split.
_SIMPLE_FLOW = re.compile(r"\[(?:(-?[A-Za-z0-9_.+~/][^\s,\[\]{}#:'\"]*(?: [^\s,\[\]{}#:'\"]+)*"
                          r"(?:, -?[A-Za-z0-9_.+~/][^\s,\[\]{}#:'\"]*(?: [^\s,\[\]{}#:'\"]+)*)*))?\]")
_FLOW_QUOTED = re.compile(r"""("(?:[^"\\]|\\.)*")|('(?:[^']|'')*')""")
_BAD_PLAIN_START = frozenset("-?:,[]{}#&*!|>'\"%@` ")
_BAD_CONTINUATION = frozenset("-?:#")
_SPECIAL_START = _BAD_PLAIN_START | {"~"}
_MAX_INDENT = 64  # a record needs 8 at most; deeper is left to the event builder's depth rule
_NOT_KEYS: set[str] = set()
_TEXT_KEYS: set[str] = set()


def _after(rest: str) -> int:
    """What follows a complete value on its line: -1 for nothing, the offset
    of a comment's '#', or Unsupported for anything else."""
    stripped = rest.lstrip(" ")
    if not stripped:
        return -1
    if stripped[0] == "#" and len(stripped) < len(rest):
        return len(rest) - len(stripped)
    raise Unsupported


def _key(line: str, indent: int, key: str, colon: int) -> None:
    """A key not seen before: the line must be `key:` (then a space or its
    end) with the key a plain name that YAML 1.1 reads as text (`null`,
    `yes`, `on`... are findings).  Known good keys go in _TEXT_KEYS."""
    match = _KEY.match(line, indent)
    if colon < 0 or match is None or match.group(1) != key or key in _NOT_KEYS:
        raise Unsupported
    if plain_value(key, False) != key:
        _NOT_KEYS.add(key)
        raise Unsupported
    _TEXT_KEYS.add(key)


def scan_record(lines: list[str], positions: dict[Path_, Pos] | None = None, base: int = 0,
                comments: set[Pos] | None = None) -> tuple[Any, Pos]:
    """The data of one record: `lines` runs from its `- ` line at column 0 to
    the line before the next record (blank and comment lines included).
    Returns the data and the (1-based) line and column of its mapping; with
    `positions`, fills in the line and column of every key and item, lines
    shifted by `base`; with `comments`, adds the (0-based) line and
    column of each comment's '#' (for `fmt`).  Raises Unsupported for
    anything it does not read."""
    scan = _Scan(lines, positions, base, comments)
    first = lines[0]
    col = 2
    while col < len(first) and first[col] == " ":
        col += 1
    if not _KEY.match(first, col):
        raise Unsupported  # `-` alone, a scalar record, a nested list...
    data, end = scan.mapping(0, col, ())
    if scan.next_content(end) < len(lines):
        raise Unsupported  # something after the record that is not a comment
    return data, (base + 1, col + 1)


class _Scan:
    __slots__ = ("base", "comments", "lines", "positions")

    def __init__(self, lines: list[str], positions: dict[Path_, Pos] | None, base: int,
                 comments: set[Pos] | None) -> None:
        self.lines = lines
        self.positions = positions
        self.base = base
        self.comments = comments

    def comment(self, i: int, col: int) -> None:
        if self.comments is not None and col >= 0:
            self.comments.add((i, col))

    def next_content(self, i: int) -> int:
        """The index of the next line that is neither blank nor a comment."""
        lines = self.lines
        while i < len(lines):
            stripped = lines[i].lstrip(" ")
            if stripped:
                if stripped[0] != "#":
                    return i
                self.comment(i, len(lines[i]) - len(stripped))
            i += 1
        return i

    # -- collections -------------------------------------------------------------

    def mapping(self, i: int, indent: int, prefix: Path_) -> tuple[dict[str, Any], int]:
        """A block mapping whose first key is on line i at column `indent`
        (after `- ` when it is a list item); returns it and the next line."""
        if indent > _MAX_INDENT:
            raise Unsupported
        lines, positions = self.lines, self.positions
        count = len(lines)
        lead, deeper = " " * indent, " " * (indent + 1)
        items_here, items_in = lead + "- ", lead + "  - "
        data: dict[str, Any] = {}
        first = True
        while i < count:
            line = lines[i]
            # Lines at the mapping's indentation are the common case: only
            # the others are looked at closely.
            if first:
                first = False
            elif not (line.startswith(lead) and line[indent] not in " #"):
                content = self.next_content(i)  # past blank lines and comments
                if content > i:
                    i = content
                    continue
                if len(line) - len(line.lstrip(" ")) < indent:
                    return data, i
                raise Unsupported  # deeper than a key, yet not a value
            # The key runs to the first colon; a key seen before (most are)
            # needs no regular expression (see _key for the others).
            colon = line.find(":", indent)
            key = line[indent:colon]
            if key not in _TEXT_KEYS or colon < 0:
                _key(line, indent, key, colon)
            if key in data:
                raise Unsupported  # a duplicate key is a finding
            path = prefix
            if positions is not None:
                path = (*prefix, key)
                positions[path] = (self.base + i + 1, indent + 1)
            start = colon + 1
            if start < len(line):
                if line[start] != " ":
                    raise Unsupported  # `key:value` is not a key
                start += 1
                while start < len(line) and line[start] == " ":
                    start += 1
            if start == len(line):
                # A list below its key, at the key's indentation or two
                # columns in (the usual layouts), needs no look around.
                after = lines[i + 1] if i + 1 < count else ""
                if after.startswith(items_here):
                    data[key], i = self.sequence(i + 1, indent, path)
                elif after.startswith(items_in):
                    data[key], i = self.sequence(i + 1, indent + 2, path)
                elif after.startswith(lead) and after[indent:indent + 1] not in " #-":
                    data[key] = None  # `killed:` with the next key below: empty (what below() says too)
                    i += 1
                else:
                    data[key], i = self.below(i, indent, path)
                continue
            text = line[start:]
            head = text[0]
            if head not in _SPECIAL_START and (i + 1 == count or not lines[i + 1].startswith(deeper)):
                # The common case, inline for speed: a one-line plain scalar,
                # maybe with a comment after it (what plain() reads alike).
                cut = text.find(" #")
                if cut > 0:
                    self.comment(i, start + cut + 1)
                    text = text[:cut].rstrip(" ")
                if ": " in text or text[-1] == ":":
                    raise Unsupported  # a key where a scalar goes on: left to the event builder, as plain() does
                data[key] = _typed(text, key in DATE_KEYS) if head in IMPLICIT_START else text
                i += 1
            elif head == '"' and text[-1] == '"' and text.count('"') == 2 and "\\" not in text and len(text) > 2 \
                    and (i + 1 == count or not lines[i + 1].startswith(deeper)):
                data[key] = text[1:-1]  # a one-line double-quoted scalar without escapes
                i += 1
            elif head == "[" and positions is None and (flow := _simple_flow(text)) is not None:
                data[key] = flow
                i += 1
            elif head == "#":
                self.comment(i, start)
                data[key], i = self.below(i, indent, path)
            else:
                data[key], i = self.value(i, start, indent, key in DATE_KEYS, path)
        return data, i

    def below(self, i: int, indent: int, path: Path_) -> tuple[Any, int]:
        """The value of `key:` written on the lines below it (or none)."""
        j = self.next_content(i + 1)
        if j == len(self.lines):
            return None, i + 1
        line = self.lines[j]
        depth = len(line) - len(line.lstrip(" "))
        is_item = line.startswith("-", depth) and (len(line) == depth + 1 or line[depth + 1] == " ")
        if depth == indent and is_item:
            return self.sequence(j, indent, path)  # `key:` then `- item` at the key's own indentation
        if depth <= indent:
            return None, i + 1
        if is_item:
            return self.sequence(j, depth, path)
        if _KEY.match(line, depth):
            return self.mapping(j, depth, path)
        raise Unsupported  # a scalar on the line below its key: rare, left to the event builder

    def sequence(self, i: int, indent: int, path: Path_) -> tuple[list[Any], int]:
        """A block sequence whose `-` items are at column `indent`."""
        if indent > _MAX_INDENT:
            raise Unsupported
        lines, positions = self.lines, self.positions
        dash, deeper = " " * indent + "- ", " " * (indent + 1)
        items: list[Any] = []
        while i < len(lines):
            line = lines[i]
            if not line.startswith(dash):  # not an item: a comment, the end, or something unread
                content = self.next_content(i)  # past blank lines and comments
                if content > i:
                    i = content
                    continue
                stripped = line.lstrip(" ")
                depth = len(line) - len(stripped)
                if depth < indent or (depth == indent and stripped[0] != "-"):
                    break
                raise Unsupported  # `-` alone, `-x`, or a line deeper than an item
            col = indent + 2
            while line[col] == " ":
                col += 1
            item_path = path
            if positions is not None:
                item_path = (*path, len(items))
                positions[item_path] = (self.base + i + 1, col + 1)
            text = line[col:]
            head = text[0]
            if (head not in _SPECIAL_START and ": " not in text and " #" not in text and text[-1] != ":"
                    and (i + 1 == len(lines) or not lines[i + 1].startswith(deeper))):
                # The common item, inline for speed: a one-line plain scalar
                # (no ": ", so not a mapping either).
                items.append(_typed_plain(text) if head in IMPLICIT_START else text)
                i += 1
                continue
            if _KEY.match(line, col):
                value, i = self.mapping(i, col, item_path)
            elif line[col] == "-" and (col + 1 == len(line) or line[col + 1] == " "):
                raise Unsupported  # a list directly in a list
            else:
                value, i = self.value(i, col, indent, False, item_path)
            items.append(value)
        return items, i

    # -- scalars -----------------------------------------------------------------

    def value(self, i: int, start: int, parent: int, as_written: bool, path: Path_) -> tuple[Any, int]:
        """The scalar or flow list starting on line i at column `start`, in a
        collection indented `parent` columns."""
        head = self.lines[i][start]
        if head == '"':
            return self.quoted(i, start, parent, _DQ, _decode_double)
        if head == "'":
            return self.quoted(i, start, parent, _SQ, _decode_single)
        if head == "[":
            return self.flow_list(i, start, path), i + 1
        if head in "|>":
            return self.block(i, start, parent)
        return self.plain(i, start, parent, as_written)

    def plain(self, i: int, start: int, parent: int, as_written: bool) -> tuple[Any, int]:
        lines = self.lines
        line = lines[i]
        text = line[start:]
        head = text[0]
        if head in _BAD_PLAIN_START and not (head == "-" and text[1:2].isdigit()):
            raise Unsupported  # anchors, tags, aliases, flow mappings, indicators
        comment = text.find(" #")
        if comment >= 0:
            self.comment(i, start + comment + 1)
            text = text[:comment].rstrip(" ")
        if ": " in text or text.endswith(":"):
            raise Unsupported
        lead = " " * (parent + 1)
        j = i + 1
        parts = [text]
        while j < len(lines) and lines[j].startswith(lead):
            part = lines[j].lstrip(" ")
            if comment >= 0 or part[0] in _BAD_CONTINUATION or ": " in part or part.endswith(":") or " #" in part:
                raise Unsupported  # comments inside a scalar, or keys where a scalar goes on
            parts.append(part)
            j += 1
        if j < len(lines) and not lines[j]:
            after = self.next_content(j)
            if after < len(lines) and lines[after].startswith(lead):
                raise Unsupported  # a blank line inside the scalar: a line break (a finding)
        return _typed(" ".join(parts) if len(parts) > 1 else text, as_written), j

    def quoted(self, i: int, start: int, parent: int, pattern: re.Pattern[str],
               decode: Any) -> tuple[str, int]:
        """A single- or double-quoted scalar, folded over lines at single spaces."""
        lines = self.lines
        lead = " " * (parent + 1)
        text = lines[i][start:]
        j = i
        while True:
            match = pattern.match(text)
            if match is not None:
                break
            j += 1
            if j >= len(lines) or not lines[j].startswith(lead) or (len(text) - len(text.rstrip("\\"))) % 2:
                raise Unsupported  # unterminated, a blank line (a line break), or an escaped line break
            text += " " + lines[j].lstrip(" ")
        after = _after(text[match.end():])
        if after >= 0:
            self.comment(j, len(lines[j]) - len(text) + match.end() + after)
        value: str = decode(match.group())
        return value, j + 1

    def flow_list(self, i: int, start: int, path: Path_) -> list[Any]:
        """A one-line flow list of plain or quoted scalars."""
        line = self.lines[i]
        if self.positions is None:
            simple = _simple_flow(line[start:])
            if simple is not None:
                return simple
        at = start + 1
        items: list[Any] = []
        while True:
            while at < len(line) and line[at] == " ":
                at += 1
            if at >= len(line):
                raise Unsupported  # continued on the next line
            if line[at] == "]" and not items:
                at += 1
                break
            item_at = at
            match = _FLOW_PLAIN.match(line, at)
            if match is not None:
                value = _number(match.group())
            else:
                match = _FLOW_QUOTED.match(line, at)
                if match is None:
                    raise Unsupported
                value = _decode_double(match.group(1)) if match.group(1) else _decode_single(match.group(2))
            at = match.end()
            if self.positions is not None:
                self.positions[(*path, len(items))] = (self.base + i + 1, item_at + 1)
            items.append(value)
            while at < len(line) and line[at] == " ":
                at += 1
            if at < len(line) and line[at] == ",":
                at += 1
                continue
            if at < len(line) and line[at] == "]":
                at += 1
                break
            raise Unsupported
        after = _after(line[at:])
        if after >= 0:
            self.comment(i, at + after)
        return items

    def block(self, i: int, start: int, parent: int) -> tuple[str, int]:
        """A `|` or `>` block scalar, strip (`-`) or clip chomping, its
        indentation found from its first line."""
        lines = self.lines
        header = lines[i][start:]
        if header not in _BARE_HEADERS:
            if not _BLOCK_HEADER.match(header):
                raise Unsupported  # keep chomping, an indentation indicator
            if "#" in header:
                self.comment(i, start + header.index("#"))
        j = i + 1
        if j >= len(lines) or not lines[j]:
            raise Unsupported  # empty, or leading blank lines
        first = lines[j]
        indent = len(first) - len(first.lstrip(" "))
        if indent <= parent:
            raise Unsupported
        lead = " " * indent
        body: list[str] = []
        while j < len(lines) and (not lines[j] or lines[j].startswith(lead)):
            body.append(lines[j][indent:])
            j += 1
        while not body[-1]:  # trailing blank lines are not content under strip or clip
            body.pop()
            j -= 1
        if j == len(lines):
            raise Unsupported  # the file ends without a line break: clip keeps none
        if header[0] == "|":
            text = "\n".join(body)
        else:
            text = " ".join(body)
            # (a more-indented line leaves two spaces in a row: only then are lines looked at one by one)
            if "" in body or ("  " in text and any(line[0] == " " for line in body)):
                text = _fold(body)  # blank or more-indented lines
        return (text if header[1:2] == "-" else text + "\n"), j


def _simple_flow(text: str) -> list[Any] | None:
    """A flow list written `[a, b c, 1.5]` (plain items, ", " between them),
    which is how people and `fmt` write them; None for any other text."""
    if text == "[]":
        return []
    simple = _SIMPLE_FLOW.fullmatch(text)
    if simple is None:
        return None
    return [_number(item) for item in simple.group(1).split(", ")]


def _fold(body: list[str]) -> str:
    """A folded block's lines: single breaks become spaces, blank lines breaks."""
    out: list[str] = []
    blanks = 0
    for line in body:
        if not line:
            blanks += 1
            continue
        if line[0] == " ":
            raise Unsupported  # more-indented lines keep their breaks: left to the event builder
        if out:
            out.append("\n" * blanks if blanks else " ")
        out.append(line)
        blanks = 0
    return "".join(out)


def _decode_double(text: str) -> str:
    """A double-quoted scalar: JSON's escapes are a subset of YAML's with the
    same meaning, so json.loads decodes it; anything else is left to libyaml."""
    if _SURROGATE_ESCAPE.search(text):
        raise Unsupported
    try:
        value: str = json.loads(text)
    except ValueError:
        raise Unsupported from None
    if any(c < " " for c in value):
        raise Unsupported  # tabs and line breaks outside block scalars are findings
    return value


def _decode_single(text: str) -> str:
    return text[1:-1].replace("''", "'")
