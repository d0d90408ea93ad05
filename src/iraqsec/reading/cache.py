"""A derived cache of validated ledgers, so that reading commands start fast.

Where: `$IRAQSEC_CACHE_DIR`, else `$XDG_CACHE_HOME/iraqsec`, else
`~/.cache/iraqsec`; never inside the repository.

What: one file per set of ledger paths, holding the validated incidents and
actors, the findings (warnings only: a ledger with errors is never cached),
an index of record numbers by month (so `list --month` rebuilds only that
month's models) and every incident's `Facts` in one block (so `summary`
and `trend` rebuild no models at all).  It is written with `marshal`,
which can only ever yield plain values (unlike pickle, loading a planted
file cannot run code), and the models are rebuilt from those values.

Never stale: the file records a key made of the cache format, the code that
validates (size and mtime of its modules) and, for every ledger and actors
file, its absolute path, size, mtime_ns, ctime_ns and inode.  The file is
mapped into memory and only the block a command needs is decoded: `list
--month` rebuilds that month's models, `summary` reads only the Facts.  Any write to a
file changes its ctime, which no program can set back, so an edit is always
seen.  A file whose magic, key, structure or checksums (CRC-32 of every part) do
not match is ignored and replaced.  Writes go to a temporary file renamed into place, so concurrent
processes see an old file or a new one, never a torn one.
"""

from __future__ import annotations

import array
import bisect
import contextlib
import functools
import hashlib
import importlib.util
import marshal
import mmap
import os
import struct
import sys
import tempfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from iraqsec import __version__
from iraqsec.analysis.query import Facts, facts
from iraqsec.reading.nogc import no_gc
from iraqsec.record.findings import Finding

if TYPE_CHECKING:
    from iraqsec.reading.ledger import Ledger
    from iraqsec.record.model import Actor, Incident, Place

MAGIC = "iraqsec-ledger-cache-5"
_CODE = ("reading/cache.py", "reading/ledger.py", "reading/loader.py", "record/model.py", "reading/nogc.py",
         "analysis/query.py", "record/rules.py", "reading/scanner.py", "record/vocab.py", "rendering/plain.py")


def _models() -> ModuleType:
    """The models' module, imported only by what rebuilds or encodes models:
    importing pydantic costs more than a warm `summary` may take."""
    from iraqsec.record import model

    return model


@functools.cache
def _fields(cls: type[Any]) -> tuple[str, ...]:
    return tuple(cls.model_fields)


@functools.cache
def _nested() -> dict[str, type[Any]]:
    """Record keys whose values are models (or lists of them), and their class."""
    model = _models()
    return {"sources": model.Source, "related": model.Related, "withdrawn": model.Withdrawn}


def cache_dir(environ: dict[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    if env.get("IRAQSEC_CACHE_DIR"):
        return Path(env["IRAQSEC_CACHE_DIR"])
    if env.get("XDG_CACHE_HOME"):
        return Path(env["XDG_CACHE_HOME"]) / "iraqsec"
    return Path.home() / ".cache" / "iraqsec"


def key(files: Sequence[Path]) -> tuple[Any, ...]:
    """What the cached content depends on; any change makes a new key."""
    here = Path(__file__).resolve().parent.parent  # the package, above reading/
    code = tuple((name, *_stat(here / name)[1:3]) for name in _CODE)
    versions = (__version__, _pydantic_version(), sys.version_info[:2])  # what the models and marshal depend on
    return (MAGIC, versions, code, tuple(_stat(path) for path in files))


@functools.cache
def _pydantic_version() -> str:
    """A digest of pydantic's `version.py`, which names its version and the
    pydantic-core it needs: read, not imported (importing pydantic alone
    takes longer than a warm `summary` may)."""
    spec = importlib.util.find_spec("pydantic")  # a top-level package: found, not imported
    if spec is None or spec.origin is None:
        return "none"
    text = (Path(spec.origin).parent / "version.py").read_bytes()
    return hashlib.sha256(text).hexdigest()[:32]


def _stat(path: Path) -> tuple[str, int, int, int, int]:
    st = path.stat()
    return str(path.resolve()), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino


def cache_file(files: Sequence[Path]) -> Path:
    names = "\0".join(str(p.resolve()) for p in files)
    return cache_dir() / f"ledger-{hashlib.sha256(names.encode()).hexdigest()[:32]}.bin"


# --- encoding ----------------------------------------------------------------


def _nested_out(value: Any) -> Any:
    """A nested model as (values, fields set); lists item by item; text as is."""
    if isinstance(value, list):
        return [_nested_out(v) for v in value]
    import pydantic  # encoding only: a cold load has imported it already

    if isinstance(value, pydantic.BaseModel):
        return dict(value.__dict__), tuple(value.model_fields_set)
    return value


def _model_out(model: Incident | Actor | Place, fields: tuple[str, ...]) -> tuple[tuple[Any, ...], tuple[str, ...]]:
    values = model.__dict__
    nested = _nested()
    row = tuple(_nested_out(values[f]) if f in nested else values[f] for f in fields)
    return row, tuple(sorted(model.model_fields_set))


class _Builder:
    """Models rebuilt from cached values without validating them again (they
    were validated when cached; the key guarantees nothing has changed)."""

    def __init__(self) -> None:
        self.field_sets: dict[tuple[str, ...], frozenset[str]] = {}

    def model(self, cls: type[Any], fields: tuple[str, ...], row: tuple[Any, ...], fields_set: tuple[str, ...]) -> Any:
        values = dict(zip(fields, row, strict=True))
        for name, nested in _nested().items():
            if name in values:
                values[name] = self._nested(nested, values[name])
        shared = self.field_sets.get(fields_set)
        if shared is None:
            shared = self.field_sets[fields_set] = frozenset(fields_set)
        obj = object.__new__(cls)
        object.__setattr__(obj, "__dict__", values)
        object.__setattr__(obj, "__pydantic_fields_set__", shared)
        object.__setattr__(obj, "__pydantic_extra__", None)
        object.__setattr__(obj, "__pydantic_private__", None)
        return obj


    def _nested(self, cls: type[Any], value: Any) -> Any:
        if isinstance(value, list):
            return [self._nested(cls, v) for v in value]
        if isinstance(value, tuple):
            values, fields_set = value
            return self.model(cls, tuple(values), tuple(values.values()), fields_set)
        return value  # a URL source, or None


class Corrupt(Exception):
    """A cached block or record whose checksum does not match: the cache is
    not to be trusted, and the ledger is read in full instead."""


def _words(data: bytes, code: str) -> array.array[int]:
    out = array.array(code)
    out.frombytes(data)
    return out


class Snapshot:
    """A cached ledger: incidents are rebuilt on demand, by month when the
    filters name months.

    Checksums are verified where the data is first read, so that a command
    pays only for what it decodes: the metadata when the file is opened, the
    `facts` and `search` blocks whole when first used, and each record and
    each record's JSON text on its own when decoded.  A mismatch raises
    `Corrupt` (`ledger.Ledger` then reads the ledger in full)."""

    def __init__(self, payload: dict[str, Any], crcs: dict[str, int], path: Path) -> None:
        self.payload = payload
        self.path = path  # the cache file, removed when found corrupt
        self.builder = _Builder()
        self._all: list[Incident] | None = None
        self._facts: list[Facts] | None = None
        self._numbers: dict[str, int] = {}  # id -> record number, of the records rebuilt so far
        self._crcs = crcs  # of the blocks checked whole, until checked
        # Records and their JSON texts are each one block; offsets say where each one starts.
        self.view = payload["incidents"]
        self.offsets = _words(payload["offsets"], "Q")
        self.record_crcs = _words(payload["record_crcs"], "I")
        self.json_offsets = _words(payload["json_offsets"], "Q")
        self.json_crcs = _words(payload["json_crcs"], "I")

    def consistent(self) -> bool:
        """Whether the indexes fit the blocks (a file can pass its checksums
        and still be foreign: it is then ignored, never read out of bounds)."""
        count = len(self.ids())
        return (len(self.offsets) == len(self.json_offsets) == count + 1
                and len(self.record_crcs) == len(self.json_crcs) == count
                and self.offsets[-1] == len(self.view) and self.json_offsets[-1] == len(self.payload["json"]))

    def _block(self, name: str) -> memoryview:
        """A block checked whole, verified the first time it is read."""
        block: memoryview = self.payload[name]
        if name in self._crcs:
            if zlib.crc32(block) != self._crcs[name]:  # about 10 ms per 25 MB
                raise Corrupt(name)
            del self._crcs[name]
        return block

    def _incident(self, n: int) -> Incident:
        start, end = self.offsets[n], self.offsets[n + 1]
        if not start <= end or zlib.crc32(self.view[start:end]) != self.record_crcs[n]:
            raise Corrupt(f"record {n}")
        cls = _models().Incident
        try:  # a foreign file can pass the checksums: whatever it holds, never a traceback
            row, fields_set = marshal.loads(self.view[start:end])
            built: Incident = self.builder.model(cls, _fields(cls), row, fields_set)
        except (ValueError, EOFError, TypeError, AttributeError) as exc:
            raise Corrupt(f"record {n}") from exc
        return built

    def incidents(self) -> list[Incident]:
        if self._all is None:
            with no_gc():
                self._all = [self._incident(n) for n in range(len(self.offsets) - 1)]
        return self._all

    def facts(self) -> list[Facts]:
        """Every incident as `Facts`, month by month (decoded once)."""
        if self._facts is None:
            with no_gc():
                self._facts = [row for month in sorted(self.payload["facts_at"]) for row in self._month(month)]
        return self._facts

    def facts_in(self, months: Sequence[str]) -> list[Facts]:
        """The `Facts` of these months' incidents, only those decoded."""
        out: list[Facts] = []
        with no_gc():
            for month in sorted(set(months).intersection(self.payload["facts_at"])):
                rows = self._month(month)
                self._numbers.update(zip((f.id for f in rows), self.payload["months"][month], strict=True))
                out += rows
        return out

    def _month(self, month: str) -> list[Facts]:
        """One month's `Facts`, in the order of its record numbers."""
        start, end = self.payload["facts_at"][month]
        try:  # tuple.__new__ straight from C: the named tuple's own constructor is Python code
            rows = list(map(functools.partial(tuple.__new__, Facts), marshal.loads(self._block("facts")[start:end])))
        except (ValueError, EOFError, TypeError) as exc:
            raise Corrupt(f"the facts of {month}") from exc
        if len(rows) != len(self.payload["months"][month]):
            raise Corrupt(f"the facts of {month}")
        return rows

    def in_months(self, months: Sequence[str]) -> list[int]:
        """The record numbers of these months, in ledger order."""
        index: dict[str, list[int]] = self.payload["months"]
        return sorted(n for m in set(months) for n in index.get(m, ()))

    def containing(self, needle: str) -> list[int]:
        """The record numbers whose place, target, summary or notes contain
        `needle`, case-insensitively (query.Filters.search), in ledger order:
        one pass of bytes.find over the casefolded text, no model rebuilt."""
        text = bytes(self._block("search"))
        wanted = needle.casefold().encode("utf-8")
        if not wanted:
            return list(range(len(self.offsets) - 1))
        starts = array.array("Q")
        starts.frombytes(self.payload["search_offsets"])
        found: list[int] = []
        at = text.find(wanted)
        while at >= 0:
            n = bisect.bisect_right(starts, at) - 1
            found.append(n)
            at = text.find(wanted, starts[n + 1])  # on to the next record
        return found

    def ids(self) -> list[str]:
        ids: list[str] = self.payload["ids"]
        return ids

    def numbers(self, idents: Sequence[str]) -> list[int]:
        """The record numbers of these incident ids (each a cached id)."""
        if not all(ident in self._numbers for ident in idents):
            self._numbers = {ident: n for n, ident in enumerate(self.ids())}
        return [self._numbers[ident] for ident in idents]

    def json_items(self, numbers: Sequence[int]) -> list[str]:
        """These records' `plain.json_item` texts, as cached: `list --format
        json` prints them without rebuilding or encoding anything."""
        return [self._json_item(n) for n in numbers]

    def _json_item(self, n: int) -> str:
        start, end = self.json_offsets[n], self.json_offsets[n + 1]
        piece = self.payload["json"][start:end]
        if not start <= end or zlib.crc32(piece) != self.json_crcs[n]:
            raise Corrupt(f"the JSON of record {n}")
        try:
            return str(piece, "utf-8")
        except UnicodeDecodeError as exc:
            raise Corrupt(f"the JSON of record {n}") from exc

    def linked_from(self, ident: str) -> list[int]:
        """The record numbers of the records whose `related` names `ident`."""
        found: list[int] = self.payload["linked_from"].get(ident, [])
        return found

    def at(self, numbers: Sequence[int]) -> list[Incident]:
        """The incidents with these record numbers, in that order."""
        if self._all is not None:
            return [self._all[n] for n in numbers]
        with no_gc():
            built = [self._incident(n) for n in numbers]
        self._numbers.update(zip((i.id for i in built), numbers, strict=True))  # for `numbers`
        return built

    def actors(self) -> list[Actor] | None:
        if self.payload["actors"] is None:
            return None
        cls = _models().Actor
        return [self.builder.model(cls, _fields(cls), row, fs) for row, fs in self.payload["actors"]]

    def places(self) -> list[Place] | None:
        if self.payload["places"] is None:
            return None
        cls = _models().Place
        return [self.builder.model(cls, _fields(cls), row, fs) for row, fs in self.payload["places"]]

    def findings(self) -> list[Finding]:
        return [Finding(*f) for f in self.payload["findings"]]


def _facts_blobs(incidents: Sequence[Incident], months: dict[str, list[int]]) -> tuple[list[bytes], dict[str, Any]]:
    """Each month's Facts rows, one marshal blob per month in the order of
    its record numbers (so that `list --month` decodes only its month),
    recurring values shared (marshal then writes each once); and where each
    month's blob lies in the block."""
    blobs, at, where = [], 0, {}
    for month in sorted(months):
        shared: dict[Any, Any] = {}
        rows = [tuple(shared.setdefault(v, v) if isinstance(v, str) else v for v in facts(incidents[n]))
                for n in months[month]]
        blobs.append(marshal.dumps(rows))
        where[month] = (at, at + len(blobs[-1]))
        at += len(blobs[-1])
    return blobs, where


def _searched(incident: Incident) -> bytes:
    """What `--search` looks in, casefolded, NUL between the fields so that
    no match runs from one into the next."""
    texts = (incident.place, incident.target, incident.summary, incident.notes or "")
    return ("\0".join(t.casefold() for t in texts) + "\0").encode("utf-8")


def encode(ledger: Ledger) -> dict[str, Any]:
    from iraqsec.rendering.plain import json_item  # what `list --format json` prints of each record

    incidents = ledger.incidents
    actors = None if ledger.registry is None else ledger.registry.actors
    places = None if ledger.places is None else ledger.places.places
    months: dict[str, list[int]] = {}
    model = _models()
    blobs = [marshal.dumps(_model_out(i, _fields(model.Incident))) for i in incidents]
    searched = [_searched(i) for i in incidents]
    json_items = [json_item(i).encode("utf-8") for i in incidents]
    offsets, search_offsets, json_offsets = array.array("Q", [0]), array.array("Q", [0]), array.array("Q", [0])
    for n, (incident, blob, text, item) in enumerate(zip(incidents, blobs, searched, json_items, strict=True)):
        months.setdefault(incident.month, []).append(n)
        offsets.append(offsets[-1] + len(blob))
        search_offsets.append(search_offsets[-1] + len(text))
        json_offsets.append(json_offsets[-1] + len(item))
    record_crcs, json_crcs = (array.array("I", map(zlib.crc32, pieces)) for pieces in (blobs, json_items))
    facts_blobs, facts_at = _facts_blobs(incidents, months)
    linked_from: dict[str, list[int]] = {}  # id -> the records whose `related` names it (for `show`)
    for n, incident in enumerate(incidents):
        for link in incident.related:
            linked_from.setdefault(link.id, []).append(n)
    return {
        "ids": [i.id for i in incidents],
        "linked_from": linked_from,
        "search": searched,
        "search_offsets": search_offsets.tobytes(),
        "json": json_items,
        "json_offsets": json_offsets.tobytes(),
        "incidents": blobs,  # written one after another: no 60 MB copy joined in memory
        "offsets": offsets.tobytes(),
        "record_crcs": record_crcs.tobytes(),
        "json_crcs": json_crcs.tobytes(),
        "months": months,
        "facts": facts_blobs,
        "facts_at": facts_at,
        "actors": None if actors is None else [_model_out(a, _fields(model.Actor)) for a in actors],
        "places": None if places is None else [_model_out(p, _fields(model.Place)) for p in places],
        "place_where": None if ledger.places is None else ledger.places.where,
        "findings": [(f.path, f.line, f.col, f.severity, f.rule, f.message) for f in ledger.findings],
        "files": list(ledger.files),
        "record_count": ledger.record_count,
        "actor_files": list(ledger.actor_files),
        "place_files": list(ledger.place_files),
    }


# --- files ---------------------------------------------------------------------


# The file: HEADER, the length and CRC-32 of the metadata, the metadata
# (marshal: magic, key, the small values, where each block lies), then the
# big blocks.  Reading maps the file and decodes only what a command needs.
HEADER = b"IRAQSEC-CACHE-1\n"
_BLOCKS = ("incidents", "facts", "search", "json")
_CHECKED_WHOLE = ("facts", "search")  # the others are checked record by record (Snapshot)
_LENGTH = struct.Struct("<QI")  # metadata length and CRC-32


def read(files: Sequence[Path]) -> Snapshot | None:
    """The cached snapshot for these files, or None (missing, stale, corrupt)."""
    try:
        wanted = key(files)
        with cache_file(files).open("rb") as handle:
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        view = memoryview(mapped)
        if bytes(view[: len(HEADER)]) != HEADER:
            return None
        base = len(HEADER) + _LENGTH.size
        length, crc = _LENGTH.unpack(view[len(HEADER) : base])
        meta = view[base : base + length]
        if zlib.crc32(meta) != crc:
            return None
        magic, found, payload = marshal.loads(meta)
        if magic != MAGIC or found != wanted or not isinstance(payload, dict):
            return None
        base += length
        crcs = {}
        for name, (start, size, crc) in payload.pop("blocks").items():
            if name not in _BLOCKS or not 0 <= start <= start + size <= len(view) - base:
                return None
            payload[name] = view[base + start : base + start + size]
            if name in _CHECKED_WHOLE:
                crcs[name] = crc
        if not _well_formed(payload):
            return None
        snapshot = Snapshot(payload, crcs, cache_file(files))
        return snapshot if snapshot.consistent() else None
    except (OSError, ValueError, EOFError, TypeError, KeyError, AttributeError, struct.error):
        return None


def _well_formed(payload: dict[str, Any]) -> bool:
    expected = {"incidents": memoryview, "offsets": bytes, "months": dict, "facts": memoryview, "facts_at": dict,
                "findings": list, "files": list, "record_count": int, "actor_files": list, "place_files": list,
                "ids": list, "linked_from": dict, "search": memoryview, "search_offsets": bytes, "json": memoryview,
                "json_offsets": bytes, "record_crcs": bytes, "json_crcs": bytes}
    return all(isinstance(payload.get(k), t) for k, t in expected.items()) and \
        all(payload.get(k) is None or isinstance(payload[k], list) for k in ("actors", "places")) and \
        (payload.get("place_where") is None or isinstance(payload["place_where"], dict))


def write(files: Sequence[Path], stamp: tuple[Any, ...], payload: dict[str, Any]) -> None:
    """Store a snapshot atomically under `stamp`, the key taken before the
    files were read; if they changed since, nothing is stored.  A cache that
    cannot be written is skipped."""
    with contextlib.suppress(OSError, ValueError):
        if key(files) != stamp:
            return
        target = cache_file(files)
        target.parent.mkdir(parents=True, exist_ok=True)
        small = {k: v for k, v in payload.items() if k not in _BLOCKS}
        small["blocks"], at = {}, 0
        blocks = {name: payload[name] if isinstance(payload[name], list) else [payload[name]] for name in _BLOCKS}
        for name, pieces in blocks.items():
            size, crc = 0, 0
            for piece in pieces:
                size = size + len(piece)
                if name in _CHECKED_WHOLE:
                    crc = zlib.crc32(piece, crc)
            small["blocks"][name] = (at, size, crc)
            at += size
        meta = marshal.dumps((MAGIC, stamp, small))
        parts = [HEADER, _LENGTH.pack(len(meta), zlib.crc32(meta)), meta,
                 *(piece for name in _BLOCKS for piece in blocks[name])]
        fd, tmp = tempfile.mkstemp(prefix=".ledger-", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.writelines(parts)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
