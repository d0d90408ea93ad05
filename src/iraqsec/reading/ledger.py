"""Which ledger to read, and reading it: files -> validated records + findings.

The order of precedence for the ledger is: paths given on the command line
(`--ledger/-f`, repeatable, or `check PATH...`), then `$IRAQSEC_LEDGER`
(several paths separated by the OS path separator), then
`./data/incidents.yaml` when it exists, else the ledger shipped inside the
package.  A directory stands for its `*.yaml` files in name order
(`actors.yaml` and `places.yaml` excepted).  `actors.yaml` next to an
incidents file is its actor registry, `places.yaml` its gazetteer.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

from iraqsec.reading.nogc import no_gc
from iraqsec.record.findings import DEFAULT_CAP, Finding, FindingLog, LogState, Omitted

if TYPE_CHECKING:
    from iraqsec.analysis.query import Facts, Filters, Record
    from iraqsec.reading.cache import Snapshot
    from iraqsec.reading.loader import RawRecord
    from iraqsec.record.model import Actor, Incident, Place
    from iraqsec.record.rules import ActorRegistry, PlaceRegistry

ENV_VAR = "IRAQSEC_LEDGER"
ACTORS_FILE = "actors.yaml"
PLACES_FILE = "places.yaml"
REGISTRY_FILES = frozenset({ACTORS_FILE, PLACES_FILE})


class LedgerNotFound(Exception):
    """A ledger path that does not exist or holds no ledger file."""


P = ParamSpec("P")
T = TypeVar("T")


def _trusting_cache(method: Callable[Concatenate[Ledger, P], T]) -> Callable[Concatenate[Ledger, P], T]:
    """A method that reads the cache: when what it reads there turns out to
    be corrupt (checksums are verified as data is decoded), the ledger is
    read in full and the method answers from that instead."""
    @functools.wraps(method)
    def wrapper(self: Ledger, /, *args: P.args, **kwargs: P.kwargs) -> T:
        from iraqsec.reading.cache import Corrupt

        try:
            return method(self, *args, **kwargs)
        except Corrupt:
            self.read_in_full()
            return method(self, *args, **kwargs)

    return wrapper


@dataclass
class Ledger:
    """A loaded ledger: valid incidents with their raw records, and findings."""

    files: list[str]
    entries: list[tuple[Incident, RawRecord]]
    findings: list[Finding]
    record_count: int
    _registry: ActorRegistry | None = None
    actor_files: list[str] = field(default_factory=list)
    _places: PlaceRegistry | None = None
    place_files: list[str] = field(default_factory=list)
    # Set when read from the cache: incidents come from it, `entries` is empty.
    snapshot: Snapshot | None = None
    # Findings counted but not kept, beyond the cap per rule (see FindingLog).
    omitted: Omitted = field(default_factory=dict)
    # The paths the cached ledger was read from (to read it in full if the cache is corrupt).
    paths: list[str] = field(default_factory=list)
    # Candidates already rebuilt from the cache, by (months, search).
    _candidates: dict[tuple[tuple[str, ...], str | None], list[Incident]] = field(
        default_factory=dict, repr=False, compare=False)
    # From the cache the registries are built when first asked for (they are
    # models, whose import a warm report would otherwise pay for nothing).
    _registries_built: bool = field(default=True, repr=False, compare=False)

    @property
    def registry(self) -> ActorRegistry | None:
        """The actors of actors.yaml, or None without that file."""
        self._build_registries()
        return self._registry

    @property
    def places(self) -> PlaceRegistry | None:
        """The places of places.yaml, or None without that file."""
        self._build_registries()
        return self._places

    def _build_registries(self) -> None:
        if not self._registries_built and self.snapshot is not None:
            self._registry, self._places = _actor_registry(self.snapshot), _place_registry(self.snapshot)
        self._registries_built = True

    @property
    def incidents(self) -> list[Incident]:
        return self._incidents()

    @_trusting_cache
    def _incidents(self) -> list[Incident]:
        if self.snapshot is not None:
            return self.snapshot.incidents()
        return [incident for incident, _ in self.entries]

    def read_in_full(self) -> None:
        """Stop using the cache: read the ledger from its files, and replace
        the cache file (a corrupt one is removed even if the ledger now has
        errors)."""
        snapshot = self.snapshot
        if snapshot is None:
            return
        with contextlib.suppress(OSError):
            snapshot.path.unlink()
        full = _load_and_store(self.paths)  # never the cache again in this run
        self.entries, self.findings, self.snapshot = full.entries, full.findings, None
        self._registry, self._places, self._registries_built = full.registry, full.places, True
        self._candidates.clear()

    @_trusting_cache
    def candidates(self, filters: Filters) -> list[Incident]:
        """The incidents `filters` may match: all of them, or, when the cache
        can find them directly, only those of the months it names and those
        holding the text it searches for (the filters still decide)."""
        snapshot = self.snapshot
        if snapshot is None or not (filters.months or filters.search):
            return self.incidents
        wanted = (filters.months, filters.search)
        if wanted not in self._candidates:  # asked again for what was left out: rebuilt once
            numbers = snapshot.in_months(filters.months) if filters.months else None
            if filters.search:
                found = snapshot.containing(filters.search)
                numbers = found if numbers is None else sorted(set(numbers).intersection(found))
            self._candidates[wanted] = snapshot.at(numbers or [])
        return self._candidates[wanted]

    def ids(self) -> list[str]:
        return self.snapshot.ids() if self.snapshot is not None else [i.id for i in self.incidents]

    @_trusting_cache
    def incident(self, ident: str) -> Incident | None:
        """The incident with this id (from the cache, only that one rebuilt)."""
        if self.snapshot is not None:
            ids = self.snapshot.ids()
            try:
                return self.snapshot.at([ids.index(ident)])[0]
            except ValueError:
                return None
        return next((i for i in self.incidents if i.id == ident), None)

    @_trusting_cache
    def around(self, incident: Incident) -> dict[str, Incident]:
        """By id: the incident, the records it names (related, superseded by)
        and the records whose `related` names it; every record without the
        cache.  Enough for `show` to describe the links both ways."""
        if self.snapshot is None:
            return {i.id: i for i in self.incidents}
        named = {link.id for link in incident.related}
        if incident.withdrawn and incident.withdrawn.superseded_by:
            named.add(incident.withdrawn.superseded_by)
        ids = self.snapshot.ids()
        index = {ident: n for n, ident in enumerate(ids)} if named else {}
        numbers = sorted({*(index[i] for i in named if i in index), *self.snapshot.linked_from(incident.id)})
        return {incident.id: incident, **{other.id: other for other in self.snapshot.at(numbers)}}

    @_trusting_cache
    def json_items(self, incidents: Sequence[Record]) -> list[str] | None:
        """These incidents' `plain.json_item` texts when the cache holds them,
        else None."""
        if self.snapshot is None:
            return None
        return self.snapshot.json_items(self.snapshot.numbers([i.id for i in incidents]))

    @_trusting_cache
    def facts(self) -> list[Facts] | None:
        """Every incident's `Facts` when the cache holds them, else None."""
        return None if self.snapshot is None else self.snapshot.facts()

    @_trusting_cache
    def records(self, filters: Filters) -> Sequence[Record]:
        """What `filters` may match (every record that does is among them),
        as light as the cache allows: `Facts` from it (only those of the
        months named), else `candidates`.  For a search, the records: Facts
        hold no texts, and the cache's text index finds the records."""
        if self.snapshot is None or filters.search:
            return self.candidates(filters)
        return self.snapshot.facts_in(filters.months) if filters.months else self.snapshot.facts()

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]


def packaged_ledger() -> Path:
    """The ledger shipped with the package (or with a source checkout)."""
    here = Path(__file__).resolve().parent.parent  # the package, above reading/
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
        files = sorted(p for p in path.glob("*.yaml") if p.name not in REGISTRY_FILES and p.is_file())
        if not files:
            raise LedgerNotFound(f"{given}: the directory holds no *.yaml ledger files")
        return [(p, os.path.join(given, p.name)) for p in files]
    if path.is_file():
        return [(path, given)]
    raise LedgerNotFound(f"{given}: no such ledger file or directory")


def actor_files(files: Sequence[tuple[Path, str]]) -> list[tuple[Path, str]]:
    return registry_files(files, ACTORS_FILE)


def place_files(files: Sequence[tuple[Path, str]]) -> list[tuple[Path, str]]:
    return registry_files(files, PLACES_FILE)


def registry_files(files: Sequence[tuple[Path, str]], name: str) -> list[tuple[Path, str]]:
    """The registry file `name` beside each ledger file, each once."""
    seen: dict[Path, tuple[Path, str]] = {}
    for path, shown in files:
        candidate = path.parent / name
        if candidate.is_file() and candidate.resolve() not in seen:
            seen[candidate.resolve()] = (candidate, os.path.join(os.path.dirname(shown), name))
    return list(seen.values())


def load(paths: Sequence[str], cap: int | None = DEFAULT_CAP) -> Ledger:
    """Load and check a ledger, keeping at most `cap` findings per rule (None:
    all); raises LedgerNotFound only for missing paths."""
    with no_gc():
        return _load(paths, FindingLog(cap))


class IncidentChecker:
    """Validates each incident as the reader hands it over (a
    `loader.RecordSink`) and drops its raw values at once, so that a big
    ledger never holds every record's raw values beside the models: the
    peak is one copy of the ledger, not two.

    The order findings are kept in is the order of a load without it: the
    reader's findings, then repeated ids, then the records' own findings in
    ledger order (so findings at one line and column keep that order); see
    `finish`.  `fmt` validates through it too."""

    def __init__(self, log: FindingLog) -> None:
        from iraqsec.record.model import Incident  # (here for the same reason as in _load)
        from iraqsec.record.rules import validate_record

        self.log = log
        self._validate = functools.partial(validate_record, model=Incident, kind="incident", admit=log.admit)
        self.entries: list[tuple[Incident, RawRecord]] = []
        self.ids: list[tuple[str, RawRecord]] = []  # taken before the raw values are dropped
        self.problems: list[Finding] = []  # admitted through the log, added after the repeated ids
        self.count = 0
        self._file = self._mark()

    def _mark(self) -> tuple[LogState, int, int, int, int]:
        return self.log.state(), len(self.entries), len(self.ids), len(self.problems), self.count

    def begin_file(self) -> None:
        self._file = self._mark()

    def reset(self) -> None:
        log_state, entries, ids, problems, self.count = self._file
        self.log.restore(log_state)
        del self.entries[entries:], self.ids[ids:], self.problems[problems:]

    def take(self, raw: RawRecord) -> None:
        self.count += 1
        data = raw.data
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            self.ids.append((data["id"], raw))
        incident, problems = self._validate(raw)
        if problems:
            self.problems += problems
        raw.data = None  # later rules read the model and the record's positions
        if incident is not None:
            self.entries.append((incident, raw))

    def take_all(self, records: Sequence[RawRecord]) -> None:
        """The records the event builder read (a file with findings), which
        come back whole, after the reader's findings were logged."""
        from iraqsec.rendering import progress

        with progress.task("checking records", len(records)) as done:
            for n, raw in enumerate(records):
                self.take(raw)
                if not n % 2000:
                    done(n)

    def finish(self) -> list[tuple[Incident, RawRecord]]:
        """Log the repeated ids, then the records' own findings; the valid entries."""
        from iraqsec.record.rules import repeated_ids

        self.log.add(repeated_ids(self.ids))
        self.log.add_admitted(self.problems)
        return self.entries


def _load(paths: Sequence[str], log: FindingLog) -> Ledger:
    # Here, not at the top: a warm read from the cache needs neither the YAML
    # reader nor the models' validation (docs/performance.md, "Start-up").
    from iraqsec.reading.loader import MAX_LEDGER_BYTES, MAX_RECORDS, load_file, too_large
    from iraqsec.record.model import Actor, Place
    from iraqsec.record.rules import (
        ActorRegistry,
        PlaceRegistry,
        actor_names,
        coordinates_precision,
        duplicate_ids,
        links,
        probable_duplicates,
        registry_rules,
        sites,
        ungraded,
    )

    files = expand(paths)
    checker = IncidentChecker(log)
    size = 0
    for path, shown in files:
        own = path.stat().st_size
        size += own
        if size > MAX_LEDGER_BYTES and own <= MAX_LEDGER_BYTES:  # refused before reading: memory stays bounded
            log.add([too_large(shown, size, "the ledger's files total")])
            continue  # (a file too large alone is refused by load_file)
        checker.begin_file()
        loaded = load_file(path, shown, MAX_RECORDS - checker.count, sink=checker)
        log.add(loaded.findings)
        checker.take_all(loaded.records)  # records the event builder read come back whole
    entries = checker.finish()
    log.add(probable_duplicates(entries))
    log.add(ungraded(entries))
    log.add(coordinates_precision(entries))
    log.add(links(entries, (ident for ident, _ in checker.ids)))  # read only if some record links
    # Withdrawn records keep their ids reserved but are no longer events.
    current = [(i, r) for i, r in entries if i.withdrawn is None]
    actors, _ = _load_registry(actor_files(files), Actor, "actor", log)
    registry = None
    if actors is not None:
        log.add(registry_rules(actors))
        registry = ActorRegistry([a for a, _ in actors])
        log.add(actor_names(current, registry))
    places, place_raws = _load_registry(place_files(files), Place, "place", log)
    gazetteer = None
    if places is not None:
        log.add(duplicate_ids(place_raws, "duplicate-place", "place id"))
        gazetteer = PlaceRegistry.of(places)
        log.add(sites(entries, gazetteer))
    findings = sorted(log.kept, key=lambda f: (f.path, f.line, f.col))
    return Ledger([s for _, s in files], entries, findings, checker.count, registry,
                  [s for _, s in actor_files(files)], gazetteer, [s for _, s in place_files(files)],
                  omitted=log.omitted())


M = TypeVar("M", "Actor", "Place")


def _load_registry(files: Sequence[tuple[Path, str]], model: type[M], kind: str,
                   log: FindingLog) -> tuple[list[tuple[M, RawRecord]] | None, list[RawRecord]]:
    """The valid entries of registry files (actors.yaml, places.yaml) and all
    their raw records, findings added to `log`; None when there is no such
    file."""
    from iraqsec.reading.loader import load_file
    from iraqsec.record.rules import validate_record

    if not files:
        return None, []
    entries: list[tuple[M, RawRecord]] = []
    raws: list[RawRecord] = []
    for path, shown in files:
        loaded = load_file(path, shown)
        log.add(loaded.findings)
        raws += loaded.records
        for raw in loaded.records:
            entry, problems = validate_record(raw, model, kind, log.admit)
            log.add_admitted(problems)
            if entry is not None:
                entries.append((entry, raw))
    return entries, raws


def load_cached(paths: Sequence[str]) -> Ledger:
    """Like `load`, through the cache: a ledger without errors is read from
    it when nothing changed, and stored after a full load otherwise."""
    from iraqsec.reading import cache

    snapshot = cache.read(_watched(paths))
    if snapshot is not None:
        return Ledger(snapshot.payload["files"], [], snapshot.findings(), snapshot.payload["record_count"],
                      None, snapshot.payload["actor_files"], None, snapshot.payload["place_files"], snapshot,
                      paths=list(paths), _registries_built=False)
    return _load_and_store(paths)


def _watched(paths: Sequence[str]) -> list[Path]:
    """Every file the cached content depends on."""
    files = expand(paths)
    return [p for p, _ in files] + [p for p, _ in actor_files(files)] + [p for p, _ in place_files(files)]


def _load_and_store(paths: Sequence[str]) -> Ledger:
    """A full load, stored in the cache when the ledger has no errors."""
    from iraqsec.reading import cache

    watched = _watched(paths)
    stamp = cache.key(watched)  # before reading, so that an edit during the load is not cached
    ledger = load(paths)
    if not ledger.errors:
        cache.write(watched, stamp, cache.encode(ledger))
    return ledger


def _actor_registry(snapshot: Snapshot) -> ActorRegistry | None:
    actors = snapshot.actors()
    if actors is None:
        return None
    from iraqsec.record.rules import ActorRegistry  # only with an actors.yaml: the rules import pydantic

    return ActorRegistry(actors)


def _place_registry(snapshot: Snapshot) -> PlaceRegistry | None:
    places = snapshot.places()
    if places is None:
        return None
    from iraqsec.record.rules import PlaceRegistry

    return PlaceRegistry(places, snapshot.payload["place_where"])
