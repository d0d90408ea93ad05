"""What changed since a git revision: `iraqsec check --new-since REF`.

Each ledger file (and `actors.yaml` and `places.yaml`) is compared with the
same file at REF (`git show REF:PATH`; a file absent at REF is all new).  A
record is unchanged when REF had a record with the same raw data (the id
included); otherwise it is new.  The findings kept are

* those located in new records;
* cross-record findings that involve a new record: a duplicate id, a
  probable duplicate, a duplicated actor spelling or a duplicated place id
  where either side is new, actor-name findings in old records about actors
  whose entry in `actors.yaml` changed, and site findings in old records
  about places whose entry in `places.yaml` changed;
* file-level ones (YAML syntax, encoding, ...), and any that lie outside
  every record: those are always reported.
"""

from __future__ import annotations

import bisect
import json
import subprocess
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iraqsec.reading.loader import STOP_RULES, RawRecord, decode, parse_text
from iraqsec.record.findings import Finding
from iraqsec.record.rules import fold_actor

_ACTOR_RULES = frozenset({"actor-alias", "unknown-actor"})
_SITE_RULES = frozenset({"unknown-site", "site-governorate"})
_ACTOR_KEYS = ("claimed_by", "attributed_to")


class GitError(Exception):
    """No comparison is possible (not a repository, unknown revision): exit 2."""


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed (or not on PATH); --new-since needs it") from None


def repo_root(directory: Path, shown: str) -> Path:
    done = _git(directory, "rev-parse", "--show-toplevel")
    if done.returncode != 0:
        raise GitError(f"{shown}: is not inside a git repository; --new-since compares with a git revision")
    return Path(done.stdout.decode().strip()).resolve()


def verify_ref(root: Path, ref: str) -> None:
    if not ref or ref.startswith("-") or _git(root, "rev-parse", "--verify", "--quiet",
                                              f"{ref}^{{commit}}").returncode != 0:
        raise GitError(f"unknown git revision '{ref}' (in {root}); fetch it, or name a branch, tag or commit")


def old_bytes(root: Path, ref: str, relpath: str) -> bytes | None:
    """The file's content at `ref`, None when it did not exist there."""
    done = _git(root, "cat-file", "blob", f"{ref}:{relpath}")
    return done.stdout if done.returncode == 0 else None


# --- records, old and new --------------------------------------------------


def signature(data: Any) -> str:
    """A record's raw data as comparable text."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, default=repr)


def _records(data: bytes | None, shown: str) -> list[RawRecord]:
    if data is None:
        return []
    text, problem = decode(data, shown)
    return [] if problem else parse_text(text, shown).records


@dataclass
class FileChanges:
    """One file's current records, which are new, and REF's records."""

    shown: str
    records: list[RawRecord]
    new: list[bool]
    old: list[RawRecord]
    _starts: list[int] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self._starts = [raw.line for raw in self.records]

    def record_at(self, line: int) -> int | None:
        """The index of the record whose text holds `line` (records run from
        their first line to the next record's)."""
        index = bisect.bisect_right(self._starts, line) - 1
        return index if index >= 0 else None


def compare_file(path: Path, shown: str, ref: str, roots: dict[Path, Path]) -> FileChanges:
    directory = path.resolve().parent
    if directory not in roots:
        roots[directory] = repo_root(directory, shown)
        verify_ref(roots[directory], ref)
    root = roots[directory]
    relpath = path.resolve().relative_to(root).as_posix()
    old = _records(old_bytes(root, ref, relpath), shown)
    current = _records(path.read_bytes(), shown)
    unchanged = Counter(signature(raw.data) for raw in old)
    new = []
    for raw in current:
        key = signature(raw.data)
        new.append(unchanged[key] == 0)
        if unchanged[key]:
            unchanged[key] -= 1
    return FileChanges(shown, current, new, old)


# --- which findings to keep --------------------------------------------------


@dataclass
class Changes:
    """Every compared file; says which findings concern new records."""

    files: dict[str, FileChanges]
    actor_files: set[str] = field(default_factory=set)
    place_files: set[str] = field(default_factory=set)
    _new: set[int] = field(init=False, default_factory=set)
    _index: dict[tuple[str, Any], list[RawRecord]] = field(init=False, default_factory=dict)
    _actor_spellings: set[str] = field(init=False, default_factory=set)
    _place_ids: set[str] = field(init=False, default_factory=set)

    def __post_init__(self) -> None:
        index: dict[tuple[str, Any], list[RawRecord]] = defaultdict(list)
        for shown, changes in self.files.items():
            for raw, new in zip(changes.records, changes.new, strict=True):
                if new:
                    self._new.add(id(raw))
                if not isinstance(raw.data, dict):
                    continue
                if shown in self.actor_files:
                    for spelling in _spellings(raw.data):
                        index["spelling", spelling].append(raw)
                elif shown in self.place_files:
                    index["place", signature(raw.data.get("id"))].append(raw)
                else:
                    index["id", signature(raw.data.get("id"))].append(raw)
                    index["event", signature(_event_key(raw.data))].append(raw)
        self._index = dict(index)
        self._actor_spellings = self._changed(self.actor_files, _spellings)
        self._place_ids = self._changed(self.place_files, _place_id)

    @property
    def new_count(self) -> int:
        registries = self.actor_files | self.place_files
        return sum(sum(f.new) for s, f in self.files.items() if s not in registries)

    def keep(self, finding: Finding) -> bool:
        if finding.rule in STOP_RULES:
            return True
        changes = self.files.get(finding.path)
        index = changes.record_at(finding.line) if changes is not None else None
        if changes is None or index is None:
            return True  # outside every record: about the file as a whole
        if changes.new[index]:
            return True
        data = changes.records[index].data if isinstance(changes.records[index].data, dict) else {}
        if finding.rule in _ACTOR_RULES:
            return bool(self._actor_spellings & _names(data))
        if finding.rule in _SITE_RULES:
            return data.get("site") in self._place_ids
        return any(id(raw) in self._new for raw in self._involved(finding.rule, data))

    def _involved(self, rule: str, data: dict[str, Any]) -> list[RawRecord]:
        """The other records a cross-record finding is about."""
        if rule == "duplicate-id":
            return self._index.get(("id", signature(data.get("id"))), [])
        if rule == "probable-duplicate":
            return self._index.get(("event", signature(_event_key(data))), [])
        if rule == "duplicate-actor":
            return [raw for s in _spellings(data) for raw in self._index.get(("spelling", s), [])]
        if rule == "duplicate-place":
            return self._index.get(("place", signature(data.get("id"))), [])
        return []

    def _changed(self, registry_files: set[str], names: Callable[[dict[str, Any]], set[str]]) -> set[str]:
        """The names (actor spellings, place ids) in the registry entries
        added, changed or removed since REF."""
        out: set[str] = set()
        for shown in registry_files:
            changes = self.files[shown]
            current = Counter(signature(r.data) for r in changes.records)
            for raw in changes.old:  # removed or changed: the old version's names
                key = signature(raw.data)
                if current[key]:
                    current[key] -= 1
                elif isinstance(raw.data, dict):
                    out |= names(raw.data)
            out |= {s for raw, new in zip(changes.records, changes.new, strict=True)
                    if new and isinstance(raw.data, dict) for s in names(raw.data)}
        return out


def _event_key(data: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(data.get(k) for k in ("date", "governorate", "tactic", "target_type"))


def _spellings(data: dict[str, Any]) -> set[str]:
    aliases = data.get("aliases")
    return {fold_actor(str(n)) for n in [data.get("name"), *(aliases if isinstance(aliases, list) else [])] if n}


def _place_id(data: dict[str, Any]) -> set[str]:
    ident = data.get("id")
    return {ident} if isinstance(ident, str) else set()


def _names(data: dict[str, Any]) -> set[str]:
    return {fold_actor(str(n)) for key in _ACTOR_KEYS if isinstance(data.get(key), list) for n in data[key]}


def compare(files: Sequence[tuple[Path, str]], actor_files: Sequence[tuple[Path, str]], ref: str,
            place_files: Sequence[tuple[Path, str]] = ()) -> Changes:
    """Compare every ledger, actors and places file with REF.  GitError when
    that cannot be done."""
    roots: dict[Path, Path] = {}
    out: dict[str, FileChanges] = {}
    for path, shown in [*files, *actor_files, *place_files]:
        out[shown] = compare_file(path, shown, ref, roots)
    return Changes(out, {shown for _, shown in actor_files}, {shown for _, shown in place_files})


def revision(paths: Sequence[Path]) -> str | None:
    """The git commit the ledger files are at (short form), with
    "+uncommitted" when any differs from it; None outside a repository or
    without git."""
    if not paths:
        return None
    try:
        root = repo_root(paths[0].resolve().parent, str(paths[0]))
        head = _git(root, "rev-parse", "--short=12", "HEAD")
        if head.returncode != 0:
            return None
        dirty = _git(root, "status", "--porcelain", "--", *(str(p.resolve()) for p in paths))
    except GitError:
        return None
    commit = head.stdout.decode("ascii", "replace").strip()
    return f"{commit}+uncommitted" if dirty.returncode == 0 and dirty.stdout.strip() else commit
