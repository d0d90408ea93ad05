"""Writing ledger text: the canonical layout of a record, and safe file writes.

The canonical layout is what `fmt` produces and `add`/`import` append:
keys in the contract's order, two-space indentation, `- ` items, plain
scalars where YAML reads them back as the same text, double quotes (JSON
escapes) otherwise, long text wrapped at spaces so that pull-request diffs
stay readable.  Every string round-trips exactly.

Writes are atomic and go to regular files only (`outputs.atomic_write`,
re-exported here), serialised by a lock file next to the ledger.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml

from iraqsec.reading.scanner import IMPLICIT_START, Path_
from iraqsec.record.model import CONTROL_RE, Incident
from iraqsec.rendering import plain
from iraqsec.writing.outputs import PAUSE_ENV, atomic_write, remove_stale_temporaries

__all__ = ["PAUSE_ENV", "atomic_write"]  # the writers' names, kept where callers import them

WIDTH = 88
INDENT = "  "
_RESOLVER = yaml.resolver.Resolver()
# Characters that may not start a plain scalar, and sequences that may not
# appear inside one (YAML 1.1 block context).
_PLAIN_BAD_START = set("-?:,[]{}#&*!|>'\"%@`~ ")
_PLAIN_BAD_INSIDE = re.compile(r": |:$| #|\s$|^\s|[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]|  ")


def _plain_ok(text: str) -> bool:
    if not text or text[0] in _PLAIN_BAD_START:
        return False
    if text.isprintable():
        # The search below in a few string methods: in printable text the
        # control characters cannot occur and the only white space is " ".
        if ": " in text or " #" in text or "  " in text or text[-1] in ": ":
            return False
    elif _PLAIN_BAD_INSIDE.search(text):
        return False
    if text[0] not in IMPLICIT_START:
        return True  # no YAML 1.1 type (number, date, boolean, null) starts with any other character
    tag: str = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return tag.endswith(":str")


# U+FFFE/U+FFFF are outside YAML's printable set: escaped like the others.
_UNSAFE_IN_QUOTES = re.compile(r"[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
# What a literal block scalar cannot hold: it has no escapes, and YAML reads
# CR, NEL, LS and PS as line breaks.
_DATE_TEXT = re.compile(r"^\d{4}(-\d{2}){0,2}$")


def scalar(text: str) -> str:
    """A string as a one-line YAML scalar that reads back identically."""
    if _plain_ok(text):
        return text
    quoted = json.dumps(text, ensure_ascii=False)
    # JSON leaves these raw, but YAML reads them as line breaks or forbids them.
    return _UNSAFE_IN_QUOTES.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def _wrapped(text: str, first_width: int, indent: str) -> str:
    """A long string as a plain or double-quoted scalar folded at single
    spaces; YAML folds each line break back into exactly that space.

    Greedy: each line takes as many words as fit in its width (the first
    line's is `first_width`), a word longer than that alone.  The cut is
    the last space within the width (`str.rfind`, not a loop over words)."""
    one_line = scalar(text)
    if len(one_line) <= first_width or "\n" in text or "  " in text:
        return one_line
    lines = []
    rest, limit = one_line, first_width
    while len(rest) > limit:
        cut = rest.rfind(" ", 1, limit + 1)
        if cut < 0:  # the first word is longer than the line: it goes alone
            cut = rest.find(" ", 1)
            if cut < 0:
                break
        lines.append(rest[:cut])
        rest, limit = rest[cut + 1 :], WIDTH - len(indent)
    lines.append(rest)
    return ("\n" + indent).join(lines)


def _value(key: str, value: Any, indent: str, block: bool = False) -> str:
    """The text after `key:` for one value (including a leading space or newline).
    `block`: a list one item a line, never `[a, b]` (fmt keeps comments there)."""
    if value is None:
        return " null"
    if isinstance(value, bool):
        return " true" if value else " false"
    if isinstance(value, (int, float)):
        return f" {value!r}"
    if isinstance(value, str) and key in ("date", "date_end", "published") and _DATE_TEXT.match(value):
        return " " + value  # the loader keeps date values as written
    if isinstance(value, str):
        return _text(value, WIDTH - len(indent) - len(key) - 2, indent + INDENT)
    if isinstance(value, (list, tuple)):
        return _list(key, value, indent, block)
    if isinstance(value, dict):  # withdrawn: a mapping under its key
        return "".join(f"\n{indent}{INDENT}{k}:{_value(k, v, indent + INDENT)}" for k, v in value.items())
    raise TypeError(f"cannot write {type(value).__name__}")  # pragma: no cover - models hold no other types


def _text(text: str, first_width: int, indent: str) -> str:
    """A string after `key:` or `-`: a literal block when it holds a tab or a
    line break (the loader accepts those only in block scalars), else a
    one-line or folded scalar.  `indent` is where continuation lines go."""
    if ("\n" in text or "\t" in text) and _literal_ok(text):
        return _literal(text, indent)
    return " " + _wrapped(text, first_width, indent)


def _literal_ok(text: str) -> bool:
    """Text with tabs or line breaks that a literal block scalar keeps exactly."""
    return not CONTROL_RE.search(text)


def _literal(text: str, indent: str) -> str:
    """A literal block scalar.  The chomping indicator keeps the trailing
    line breaks exact: `-` none, (clip) one, `+` more.  An explicit
    indentation indicator lets the text start with a space, tab or blank
    line; content always sits one INDENT deeper than its parent."""
    body = text.rstrip("\n")
    trailing = len(text) - len(body)
    if trailing == 0:
        chomp = "-"
    elif trailing == 1 and body:
        chomp = ""
    else:
        chomp = "+"
    indicator = str(len(INDENT)) if text[0] in " \t\n" else ""
    lines = [(indent + line) if line else "" for line in body.split("\n")] if body else []
    if chomp == "+":
        # Each further trailing break is one empty line; with an empty body
        # every break is.  A `+` block therefore ends its record with a blank
        # line, which is why dump_records puts no extra one after it.
        lines += [""] * (trailing - 1 if body else trailing)
    return f" |{indicator}{chomp}\n" + "\n".join(lines)


def _list(key: str, items: Sequence[Any], indent: str, block: bool = False) -> str:
    if not items:
        return " []"
    numbers = key == "coordinates" or all(isinstance(i, (int, float)) for i in items)
    if numbers and block:
        return "".join(f"\n{indent}{INDENT}- {i!r}" for i in items)
    if numbers:
        return " [" + ", ".join(repr(i) for i in items) + "]"
    if key == "tags" and not block and all(isinstance(i, str) and _plain_ok(i) for i in items):
        inline = " [" + ", ".join(items) + "]"
        if len(indent) + len(key) + len(inline) < WIDTH:
            return inline
    out = []
    for item in items:
        if isinstance(item, dict):
            out.append(_mapping_item(item, indent + INDENT))
        else:
            out.append(f"\n{indent}{INDENT}-" + _text(str(item), WIDTH - len(indent) - 4, indent + INDENT * 2))
    return "".join(out)


def _mapping_item(mapping: dict[str, Any], indent: str) -> str:
    lines = []
    for i, (key, value) in enumerate(mapping.items()):
        lead = f"\n{indent}- " if i == 0 else f"\n{indent}  "
        lines.append(f"{lead}{key}:{_value(key, value, indent + INDENT)}")
    return "".join(lines)


def record_fields(incident: Incident) -> dict[str, Any]:
    """An incident's fields in the contract's order, optional empties left out
    (killed and wounded are always written: null there means "not reported"),
    and `scope` only when the record states it (a version 1 record is
    written back without one)."""
    return {key: value for key, value in plain.record_dict(incident).items()
            if key in ("killed", "wounded") or not (
                value is None or (key in ("tags", "related") and value == [])
                or (key == "scope" and "scope" not in incident.model_fields_set))}


def dump_record(incident: Incident, block: frozenset[str] = frozenset()) -> str:
    """One record in the canonical layout, ending with a newline; the lists
    of the keys in `block` one item a line."""
    return dump_fields(record_fields(incident), block)


# Short values recur from record to record (dates, places, vocabulary terms,
# counts): each is written once and its text kept.  The cache is a plain
# dict emptied when it grows past its bound, so memory stays bounded.
_SHORT = 100
_CACHE_SIZE = 200_000  # tens of megabytes at the most
# (key, value) or (key, items, one item a line) -> the line, "  key: text"
_written: dict[tuple[Any, ...], str] = {}


def _key_line(key: str, value: Any, block: bool) -> str:
    """`  key:` and its value as written (over several lines for some)."""
    cached: tuple[Any, ...]
    if key == "id":  # never repeated: not worth keeping
        return f"{INDENT}{key}:{_value(key, value, INDENT, block)}"
    if value is None or type(value) is int or (type(value) is str and len(value) <= _SHORT):
        cached = (key, value)  # no bool here: True would find the line of 1
    elif type(value) is list and len(value) < 4 and all(type(i) is str and len(i) <= _SHORT for i in value):
        cached = (key, tuple(value), block)
    else:
        return f"{INDENT}{key}:{_value(key, value, INDENT, block)}"
    line = _written.get(cached)
    if line is None:
        if len(_written) >= _CACHE_SIZE:
            _written.clear()
        line = _written[cached] = f"{INDENT}{key}:{_value(key, value, INDENT, block)}"
    return line


def dump_fields(fields: dict[str, Any], block: frozenset[str] = frozenset(),
                lines: dict[Path_, int] | None = None, items: bool = True) -> str:
    """`dump_record` of a record's `record_fields`.  With `lines`, fills in
    the 0-based line of every key and list item written (only of the keys
    without `items`), by path (the paths and lines the loader gives the
    text, as `fmt` anchors comments by them; a test compares them with the
    loader's)."""
    cache = _written  # looked up inline: this runs for every key of every record
    out = [(type(value) is str and cache.get((key, value))) or _key_line(key, value, key in block)
           for key, value in fields.items()]  # (a str found is the same line `_key_line` gives)
    if lines is not None:
        _locate(fields, out, lines, items)
    if out:
        out[0] = "- " + out[0][len(INDENT) :]
    return "\n".join(out) + "\n"


def _locate(fields: dict[str, Any], out: Sequence[str], lines: dict[Path_, int], items: bool) -> None:
    """The lines of the keys written as `out`, and of their items."""
    numbers = list(itertools.accumulate((line.count("\n") + 1 for line in out), initial=0))
    lines.update(zip([(key,) for key in fields], numbers, strict=False))
    if not items:
        return
    for n, (key, value) in enumerate(fields.items()):
        if value and type(value) in (list, dict):
            _item_lines(key, value, out[n][len(INDENT) + len(key) + 1 :], numbers[n], lines)


def _item_lines(key: str, value: list[Any] | dict[str, Any], written: str, number: int,
                lines: dict[Path_, int]) -> None:
    """The lines of a list's items (and of their keys, for mappings), or of
    a mapping's keys, in `written`, the text `_value` gave the value of
    `key` on line `number`.  The layout is fixed: items at `INDENT * 2` as
    `- `, their mappings' further keys at `INDENT * 3`, a mapping's keys
    at `INDENT * 2`; continuation lines are always deeper."""
    if written.startswith(" ["):  # a flow list: every item on the key's line
        lines.update(((key, n), number) for n in range(len(value)))
        return
    item, sub = INDENT * 2 + "- ", INDENT * 3
    index = -1
    for offset, line in enumerate(written.split("\n")[1:], start=number + 1):
        if isinstance(value, dict):
            if line.startswith(INDENT * 2) and line[4:5] not in (" ", ""):
                lines[(key, line[4:].split(":", 1)[0])] = offset
        elif line.startswith(item):
            index += 1
            lines[(key, index)] = offset
            if isinstance(value[index], dict):
                lines[(key, index, line[6:].split(":", 1)[0])] = offset
        elif isinstance(value[index], dict) and line.startswith(sub) and line[6:7] not in (" ", ""):
            lines[(key, index, line[6:].split(":", 1)[0])] = offset


def dump_records(incidents: Sequence[Incident]) -> str:
    """Records in the canonical layout, separated by blank lines."""
    return join_records([dump_record(i) for i in incidents])


def join_records(texts: Sequence[str]) -> str:
    """Record texts separated by one blank line.  A record that ends with a
    blank line already (its last value is a `|+` block keeping trailing line
    breaks) gets no other: YAML would read that line into the value."""
    out = ""
    for text in texts:
        if out and not out.endswith("\n\n"):
            out += "\n"
        out += text
    return out


# --- files -----------------------------------------------------------------


def lock_path(path: Path) -> Path:
    """The lock file of a ledger file, beside the file itself: a link to the
    ledger and the ledger's own path share one lock."""
    real = Path(os.path.realpath(path))
    return real.parent / f".{real.name}.lock"


@contextlib.contextmanager
def locked(path: Path, timeout: float = 60.0) -> Iterator[None]:
    """Hold the ledger's lock file: one writer at a time, across processes.
    Holding it, remove the temporary files a killed writer of this file left
    (no other writer of it can be running now)."""
    from filelock import FileLock  # imported here: only writers need it

    with FileLock(str(lock_path(path)), timeout=timeout):
        remove_stale_temporaries(Path(os.path.realpath(path)))
        yield


def appended(existing: bytes, text: str) -> bytes:
    """`existing` byte for byte, then `text` after a blank line (the file's
    own line ends kept).  No second blank line when the file already ends
    with one: it may belong to a `|+` block that would take in another."""
    if not existing.strip():
        return text.encode("utf-8")
    newline = "\r\n" if b"\r\n" in existing else "\n"
    body = text.replace("\n", newline).encode("utf-8")
    if existing.endswith((b"\n\n", b"\r\n\r\n")):
        return existing + body
    sep = b"" if existing.endswith(b"\n") else newline.encode()
    return existing + sep + newline.encode() + body


# Line breaks other than \n and \r\n that YAML counts: where one occurs, the
# parser's line numbers and a split on \n disagree, so records are appended.
_ODD_BREAKS = (b"\r\n", b"\r", b"\xc2\x85", b"\xe2\x80\xa8", b"\xe2\x80\xa9")
BOM = b"\xef\xbb\xbf"


def _blank(line: bytes) -> bool:
    return not line.strip()


def _comment(line: bytes) -> bool:
    return line.lstrip().startswith(b"#")


def inserted(existing: bytes, records: Sequence[tuple[tuple[str, str], int]],
             new: Sequence[tuple[tuple[str, str], str]]) -> bytes | None:
    """`existing` with the `new` record texts put in date order: each goes
    before the first existing record (`records`: sort key and first line,
    in file order) that sorts after it, ahead of the comments above that
    record (they belong to it, as `fmt` reads them: for the first record,
    the comment block touching it unless that holds the schema modeline);
    after the last record otherwise.  Lines of the file are kept byte for byte.  None when the
    file's line breaks are not all \\n or all \\r\\n (the caller appends)."""
    bom = existing.startswith(BOM)
    body = existing[len(BOM):] if bom else existing
    crlf = b"\r\n" in body
    probe = body.replace(b"\r\n", b"") if crlf else body
    if any(b in probe for b in _ODD_BREAKS) or (crlf and b"\n" in probe):
        return None
    newline = "\r\n" if crlf else "\n"
    lines = body.splitlines(keepends=True)
    groups: dict[int, list[str]] = {}
    tail: list[str] = []
    for key, text in sorted(new):
        line = next((start for k, start in records if k > key), None)
        if line is None:
            tail.append(text)
        else:
            groups.setdefault(line, []).append(text)
    for line in sorted(groups, reverse=True):
        chunk = join_records(groups[line]).replace("\n", newline).encode("utf-8")
        at = line - 1
        first = all(start >= line for _, start in records)
        while at > 0 and (_comment(lines[at - 1]) or (not first and _blank(lines[at - 1]))):
            at -= 1
        if first and any(b"yaml-language-server:" in lines[n] for n in range(at, line - 1)):
            at = line - 1  # a block with the schema modeline is the file's header, as fmt reads it
        lead = newline.encode() if at > 0 and not _blank(lines[at - 1]) else b""
        trail = newline.encode() if at < len(lines) and not _blank(lines[at]) else b""
        lines[at:at] = [lead + chunk + trail]
    out = b"".join(lines)
    if tail:
        out = appended(out, join_records(tail))
    return (BOM if bom else b"") + out
