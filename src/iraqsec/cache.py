"""A derived cache of validated ledgers, so that reading commands start fast.

Where: `$IRAQSEC_CACHE_DIR`, else `$XDG_CACHE_HOME/iraqsec`, else
`~/.cache/iraqsec`; never inside the repository.

What: one file per set of ledger paths, holding the validated incidents and
actors, the findings (warnings only: a ledger with errors is never cached)
and an index of record numbers by month.  It is written with `marshal`,
which can only ever yield plain values (unlike pickle, loading a planted
file cannot run code), and the models are rebuilt from those values.

Never stale: the file records a key made of the cache format, the code that
validates (size and mtime of its modules) and, for every ledger and actors
file, its absolute path, size, mtime_ns, ctime_ns and inode.  Any write to a
file changes its ctime, which no program can set back, so an edit is always
seen.  A file whose magic, key or structure does not match is ignored and
replaced.  Writes go to a temporary file renamed into place, so concurrent
processes see an old file or a new one, never a torn one.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .findings import Finding
from .model import Actor, Incident, Source

MAGIC = "iraqsec-ledger-cache-1"
_CODE = ("cache.py", "fastload.py", "ledger.py", "loader.py", "model.py", "rules.py", "vocab.py")
_INCIDENT_FIELDS = tuple(Incident.model_fields)
_ACTOR_FIELDS = tuple(Actor.model_fields)


def cache_dir(environ: dict[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    if env.get("IRAQSEC_CACHE_DIR"):
        return Path(env["IRAQSEC_CACHE_DIR"])
    if env.get("XDG_CACHE_HOME"):
        return Path(env["XDG_CACHE_HOME"]) / "iraqsec"
    return Path.home() / ".cache" / "iraqsec"


def key(files: Sequence[Path]) -> tuple[Any, ...]:
    """What the cached content depends on; any change makes a new key."""
    here = Path(__file__).resolve().parent
    code = tuple((name, *_stat(here / name)[1:3]) for name in _CODE)
    return (MAGIC, __version__, code, tuple(_stat(path) for path in files))


def _stat(path: Path) -> tuple[str, int, int, int, int]:
    st = path.stat()
    return str(path.resolve()), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino


def cache_file(files: Sequence[Path]) -> Path:
    names = "\0".join(str(p.resolve()) for p in files)
    return cache_dir() / f"ledger-{hashlib.sha256(names.encode()).hexdigest()[:32]}.bin"


# --- encoding ----------------------------------------------------------------


def _source_out(source: str | Source) -> Any:
    return source if isinstance(source, str) else (dict(source.__dict__), tuple(source.model_fields_set))


def _model_out(model: Incident | Actor, fields: tuple[str, ...]) -> tuple[tuple[Any, ...], tuple[str, ...]]:
    values = model.__dict__
    row = tuple([_source_out(s) for s in values[f]] if f == "sources" else values[f] for f in fields)
    return row, tuple(sorted(model.model_fields_set))


class _Builder:
    """Models rebuilt from cached values without validating them again (they
    were validated when cached; the key guarantees nothing has changed)."""

    def __init__(self) -> None:
        self.field_sets: dict[tuple[str, ...], frozenset[str]] = {}

    def model(self, cls: type[Any], fields: tuple[str, ...], row: tuple[Any, ...], fields_set: tuple[str, ...]) -> Any:
        values = dict(zip(fields, row, strict=True))
        if "sources" in values:
            values["sources"] = [s if isinstance(s, str) else self._source(*s) for s in values["sources"]]
        shared = self.field_sets.get(fields_set)
        if shared is None:
            shared = self.field_sets[fields_set] = frozenset(fields_set)
        obj = object.__new__(cls)
        object.__setattr__(obj, "__dict__", values)
        object.__setattr__(obj, "__pydantic_fields_set__", shared)
        object.__setattr__(obj, "__pydantic_extra__", None)
        object.__setattr__(obj, "__pydantic_private__", None)
        return obj


    def _source(self, values: dict[str, Any], fields_set: tuple[str, ...]) -> Source:
        built: Source = self.model(Source, tuple(values), tuple(values.values()), fields_set)
        return built


class Snapshot:
    """A cached ledger: incidents are rebuilt on demand, by month when the
    filters name months."""

    def __init__(self, payload: dict[str, Any]) -> None:
        self.payload = payload
        self.builder = _Builder()
        self._all: list[Incident] | None = None

    def _incident(self, blob: bytes) -> Incident:
        row, fields_set = marshal.loads(blob)
        built: Incident = self.builder.model(Incident, _INCIDENT_FIELDS, row, fields_set)
        return built

    def incidents(self) -> list[Incident]:
        if self._all is None:
            self._all = [self._incident(blob) for blob in self.payload["incidents"]]
        return self._all

    def in_months(self, months: Sequence[str]) -> list[Incident]:
        """The incidents of these months, in ledger order."""
        if self._all is not None:
            return [i for i in self._all if i.month in months]
        index: dict[str, list[int]] = self.payload["months"]
        numbers = sorted(n for m in set(months) for n in index.get(m, ()))
        blobs = self.payload["incidents"]
        return [self._incident(blobs[n]) for n in numbers]

    def actors(self) -> list[Actor] | None:
        if self.payload["actors"] is None:
            return None
        return [self.builder.model(Actor, _ACTOR_FIELDS, row, fs) for row, fs in self.payload["actors"]]

    def findings(self) -> list[Finding]:
        return [Finding(*f) for f in self.payload["findings"]]


def encode(incidents: Sequence[Incident], actors: Sequence[Actor] | None, findings: Sequence[Finding],
           files: Sequence[str], record_count: int, actor_files: Sequence[str]) -> dict[str, Any]:
    months: dict[str, list[int]] = {}
    for n, incident in enumerate(incidents):
        months.setdefault(incident.month, []).append(n)
    return {
        "incidents": [marshal.dumps(_model_out(i, _INCIDENT_FIELDS)) for i in incidents],
        "months": months,
        "actors": None if actors is None else [_model_out(a, _ACTOR_FIELDS) for a in actors],
        "findings": [(f.path, f.line, f.col, f.severity, f.rule, f.message) for f in findings],
        "files": list(files),
        "record_count": record_count,
        "actor_files": list(actor_files),
    }


# --- files ---------------------------------------------------------------------


def read(files: Sequence[Path]) -> Snapshot | None:
    """The cached snapshot for these files, or None (missing, stale, corrupt)."""
    try:
        wanted = key(files)
        blob = cache_file(files).read_bytes()
        magic, found, payload = marshal.loads(blob)
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if magic != MAGIC or found != wanted or not isinstance(payload, dict) or not _well_formed(payload):
        return None
    return Snapshot(payload)


def _well_formed(payload: dict[str, Any]) -> bool:
    expected = {"incidents": list, "months": dict, "findings": list, "files": list, "record_count": int,
                "actor_files": list}
    return all(isinstance(payload.get(k), t) for k, t in expected.items()) and \
        (payload.get("actors") is None or isinstance(payload["actors"], list))


def write(files: Sequence[Path], stamp: tuple[Any, ...], payload: dict[str, Any]) -> None:
    """Store a snapshot atomically under `stamp`, the key taken before the
    files were read; if they changed since, nothing is stored.  A cache that
    cannot be written is skipped."""
    with contextlib.suppress(OSError, ValueError):
        if key(files) != stamp:
            return
        target = cache_file(files)
        target.parent.mkdir(parents=True, exist_ok=True)
        data = marshal.dumps((MAGIC, stamp, payload))
        fd, tmp = tempfile.mkstemp(prefix=".ledger-", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
