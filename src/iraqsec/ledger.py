"""Which ledger to read, and reading it: files -> validated records + findings.

The order of precedence for the ledger is: paths given on the command line
(`--ledger/-f`, repeatable, or `check PATH...`), then `$IRAQSEC_LEDGER`
(several paths separated by the OS path separator), then
`./data/incidents.yaml` when it exists, else the ledger shipped inside the
package.  A directory stands for its `*.yaml` files in name order
(`actors.yaml` excepted).  `actors.yaml` next to an incidents file is its
actor registry.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import progress
from .findings import DEFAULT_CAP, Finding, FindingLog, Omitted
from .loader import MAX_LEDGER_BYTES, MAX_RECORDS, RawRecord, load_file, too_large
from .model import Actor, Incident
from .nogc import no_gc
from .rules import (
    ActorRegistry,
    actor_names,
    duplicate_ids,
    probable_duplicates,
    registry_rules,
    validate_record,
)

if TYPE_CHECKING:
    from .cache import Snapshot
    from .query import Facts, Filters

ENV_VAR = "IRAQSEC_LEDGER"
ACTORS_FILE = "actors.yaml"


class LedgerNotFound(Exception):
    """A ledger path that does not exist or holds no ledger file."""


@dataclass
class Ledger:
    """A loaded ledger: valid incidents with their raw records, and findings."""

    files: list[str]
    entries: list[tuple[Incident, RawRecord]]
    findings: list[Finding]
    record_count: int
    registry: ActorRegistry | None = None
    actor_files: list[str] = field(default_factory=list)
    # Set when read from the cache: incidents come from it, `entries` is empty.
    snapshot: Snapshot | None = None
    # Findings counted but not kept, beyond the cap per rule (see FindingLog).
    omitted: Omitted = field(default_factory=dict)

    @property
    def incidents(self) -> list[Incident]:
        if self.snapshot is not None:
            return self.snapshot.incidents()
        return [incident for incident, _ in self.entries]

    def candidates(self, filters: Filters) -> list[Incident]:
        """The incidents `filters` may match: all of them, or, when the cache
        can find them directly, only those of the months it names and those
        holding the text it searches for (the filters still decide)."""
        snapshot = self.snapshot
        if snapshot is None or not (filters.months or filters.search):
            return self.incidents
        numbers = snapshot.in_months(filters.months) if filters.months else None
        if filters.search:
            found = snapshot.containing(filters.search)
            numbers = found if numbers is None else sorted(set(numbers).intersection(found))
        return snapshot.at(numbers or [])

    def ids(self) -> list[str]:
        return self.snapshot.ids() if self.snapshot is not None else [i.id for i in self.incidents]

    def incident(self, ident: str) -> Incident | None:
        """The incident with this id (from the cache, only that one rebuilt)."""
        if self.snapshot is not None:
            ids = self.snapshot.ids()
            try:
                return self.snapshot.at([ids.index(ident)])[0]
            except ValueError:
                return None
        return next((i for i in self.incidents if i.id == ident), None)

    def facts(self) -> list[Facts] | None:
        """Every incident's `Facts` when the cache holds them, else None."""
        return None if self.snapshot is None else self.snapshot.facts()

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]


def packaged_ledger() -> Path:
    """The ledger shipped with the package (or with a source checkout)."""
    here = Path(__file__).resolve().parent
    inside = here / "data" / "incidents.yaml"
    if inside.is_file():
        return inside
    return here.parent.parent / "data" / "incidents.yaml"  # editable install of a checkout


def default_paths(given: Sequence[str], environ: dict[str, str] | None = None) -> list[str]:
    """The ledger paths in force, by the order of precedence above."""
    if given:
        return list(given)
    env = (environ if environ is not None else os.environ).get(ENV_VAR, "")
    if env.strip():
        return [p for p in env.split(os.pathsep) if p]
    local = Path("data") / "incidents.yaml"
    if local.is_file():
        return [str(local)]
    return [str(packaged_ledger())]


def expand(paths: Sequence[str]) -> list[tuple[Path, str]]:
    """(file, display name) for each ledger file; directories expanded.

    A file named twice (directly, through a directory, a symlink or another
    spelling of its path) is read once, under the first name given.  No
    file at all is refused: a check that reads nothing must not pass."""
    out: list[tuple[Path, str]] = []
    seen: set[Path] = set()
    for given in paths:
        for path, shown in _files_of(given):
            real = path.resolve()
            if real not in seen:
                seen.add(real)
                out.append((path, shown))
    if not out:
        raise LedgerNotFound(f"no ledger file to read: the ledger paths given (or ${ENV_VAR}) name none; "
                             "pass -f PATH or set it to a ledger file or directory")
    return out


def _files_of(given: str) -> list[tuple[Path, str]]:
    path = Path(given)
    if path.is_dir():
        files = sorted(p for p in path.glob("*.yaml") if p.name != ACTORS_FILE and p.is_file())
        if not files:
            raise LedgerNotFound(f"{given}: the directory holds no *.yaml ledger files")
        return [(p, os.path.join(given, p.name)) for p in files]
    if path.is_file():
        return [(path, given)]
    raise LedgerNotFound(f"{given}: no such ledger file or directory")


def actor_files(files: Sequence[tuple[Path, str]]) -> list[tuple[Path, str]]:
    seen: dict[Path, tuple[Path, str]] = {}
    for path, shown in files:
        candidate = path.parent / ACTORS_FILE
        if candidate.is_file() and candidate.resolve() not in seen:
            seen[candidate.resolve()] = (candidate, os.path.join(os.path.dirname(shown), ACTORS_FILE))
    return list(seen.values())


def load(paths: Sequence[str], cap: int | None = DEFAULT_CAP) -> Ledger:
    """Load and check a ledger, keeping at most `cap` findings per rule (None:
    all); raises LedgerNotFound only for missing paths."""
    with no_gc():
        return _load(paths, FindingLog(cap))


def _load(paths: Sequence[str], log: FindingLog) -> Ledger:
    files = expand(paths)
    raws: list[RawRecord] = []
    size = 0
    for path, shown in files:
        own = path.stat().st_size
        size += own
        if size > MAX_LEDGER_BYTES and own <= MAX_LEDGER_BYTES:  # refused before reading: memory stays bounded
            log.add([too_large(shown, size, "the ledger's files total")])
            continue  # (a file too large alone is refused by load_file)
        loaded = load_file(path, shown, MAX_RECORDS - len(raws))
        log.add(loaded.findings)
        raws += loaded.records
    log.add(duplicate_ids(raws))
    entries: list[tuple[Incident, RawRecord]] = []
    with progress.task("checking records", len(raws)) as done:
        for n, raw in enumerate(raws):
            incident, problems = validate_record(raw, Incident, "incident", log.admit)
            log.add_admitted(problems)
            # The raw values are not needed once validated (later rules read the
            # model and the record's positions): freeing them as we go keeps the
            # peak at one copy of the ledger, not two.
            raw.data = None
            if incident is not None:
                entries.append((incident, raw))
            if not n % 2000:
                done(n)
    log.add(probable_duplicates(entries))
    registry, shown_actors = _load_actors(actor_files(files), log)
    if registry is not None:
        log.add(actor_names(entries, registry))
    findings = sorted(log.kept, key=lambda f: (f.path, f.line, f.col))
    return Ledger([s for _, s in files], entries, findings, len(raws), registry, shown_actors,
                  omitted=log.omitted())


def _load_actors(files: Sequence[tuple[Path, str]], log: FindingLog) -> tuple[ActorRegistry | None, list[str]]:
    if not files:
        return None, []
    actors: list[tuple[Actor, RawRecord]] = []
    for path, shown in files:
        loaded = load_file(path, shown)
        log.add(loaded.findings)
        for raw in loaded.records:
            actor, problems = validate_record(raw, Actor, "actor", log.admit)
            log.add_admitted(problems)
            if actor is not None:
                actors.append((actor, raw))
    log.add(registry_rules(actors))
    return ActorRegistry([a for a, _ in actors]), [s for _, s in files]


def load_cached(paths: Sequence[str]) -> Ledger:
    """Like `load`, through the cache: a ledger without errors is read from
    it when nothing changed, and stored after a full load otherwise."""
    from . import cache

    files = expand(paths)
    watched = [p for p, _ in files] + [p for p, _ in actor_files(files)]
    snapshot = cache.read(watched)
    if snapshot is not None:
        actors = snapshot.actors()
        return Ledger(snapshot.payload["files"], [], snapshot.findings(), snapshot.payload["record_count"],
                      None if actors is None else ActorRegistry(actors), snapshot.payload["actor_files"],
                      snapshot)
    stamp = cache.key(watched)  # before reading, so that an edit during the load is not cached
    ledger = load(paths)
    if not ledger.errors:
        actors = None if ledger.registry is None else ledger.registry.actors
        cache.write(watched, stamp, cache.encode(ledger.incidents, actors, ledger.findings, ledger.files,
                                                 ledger.record_count, ledger.actor_files))
    return ledger
