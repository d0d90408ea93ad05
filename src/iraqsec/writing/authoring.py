"""Adding records to a ledger file: `iraqsec add`.

Input records (parsed JSON, or answers typed at prompts) are checked with
the same model and rules as `check`, against the ledger they join; then they
are appended in the canonical layout to one ledger file, the rest of which
is kept byte for byte.  The append happens under the ledger's lock, re-reads
the file inside it (so concurrent adds never lose each other's records),
verifies that the new file reads back as the old records plus the new ones,
and replaces the file atomically.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iraqsec.reading import ledger as ledger_mod
from iraqsec.reading.loader import STOP_RULES, Path_, RawRecord, decode, parse_text
from iraqsec.record import vocab
from iraqsec.record.findings import Finding, error
from iraqsec.record.model import Incident, suggest
from iraqsec.record.rules import (
    ActorRegistry,
    PlaceRegistry,
    actor_names,
    coordinates_precision,
    links,
    probable_duplicates,
    sites,
    ungraded,
    validate_record,
)
from iraqsec.writing import outputs, writer

MAX_ID = 80
_SURROGATE = re.compile("[\ud800-\udfff]")
NOT_REPORTED = frozenset({"", "?", "null", "none", "unknown", "not reported", "n/a"})


class TargetError(Exception):
    """No file can be written (a usage problem: exit 2)."""


class AddRefused(Exception):
    """The records cannot be added; `findings` say why (exit 1)."""

    def __init__(self, findings: Sequence[Finding], message: str) -> None:
        super().__init__(message)
        self.findings = list(findings)
        self.message = message


# --- where records go ------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """The file that receives new records, and the ledger it belongs to."""

    path: Path
    shown: str
    ledger_paths: tuple[str, ...]


def choose_target(given: Sequence[str], environ: Mapping[str, str] | None = None) -> Target:
    """The first ledger file in force.  A directory stands for its
    `incidents.yaml`; the ledger shipped inside the package is refused."""
    env = dict(os.environ if environ is None else environ)
    paths = ledger_mod.default_paths(given, env)
    first, shown = Path(paths[0]), paths[0]
    if first.is_dir():
        inside = first / "incidents.yaml"
        if not inside.is_file():
            raise TargetError(f"{shown}: is a directory without an incidents.yaml to add to; "
                              "pass -f PATH naming the ledger file to write")
        first, shown = inside, os.path.join(shown, "incidents.yaml")
    refuse_shipped(first, shown, shipped_fallback(given, env))
    try:  # a regular file (through a link, its target), or a new one in an existing directory
        outputs.resolve(str(first))
    except outputs.OutputRefused as exc:
        raise TargetError(f"{shown}: {exc.reason}") from None
    return Target(first, shown, tuple(paths))


def shipped_fallback(given: Sequence[str], environ: Mapping[str, str]) -> bool:
    """Whether the ledger in force is the last resort of the order of
    precedence: the one shipped with iraqsec (no -f, no $IRAQSEC_LEDGER, no
    ./data/incidents.yaml)."""
    return not given and not environ.get(ledger_mod.ENV_VAR, "").strip() and not Path(
        "data", "incidents.yaml").is_file()


def refuse_shipped(path: Path, shown: str, fallback: bool) -> None:
    """TargetError for the ledger shipped with iraqsec: it is not edited in
    place (an installed copy would be overwritten by the next upgrade)."""
    if fallback or _inside_package(path):
        raise TargetError(f"{shown}: is the ledger shipped with iraqsec, which is not edited in place; "
                          "pass -f PATH (or set $IRAQSEC_LEDGER) to write your own ledger file")


def _inside_package(path: Path) -> bool:
    shipped = Path(__file__).resolve().parent.parent / "data"
    try:
        return path.resolve().is_relative_to(shipped)
    except OSError:  # pragma: no cover - unresolvable path
        return False


@dataclass
class Context:
    """What new records are checked against: ids, valid entries, actors."""

    ids: dict[str, str] = field(default_factory=dict)  # id -> "PATH:LINE"
    entries: list[tuple[Incident, RawRecord]] = field(default_factory=list)
    registry: ActorRegistry | None = None
    places: PlaceRegistry | None = None


def load_context(target: Target) -> Context:
    """The ledger in force (the target file included once it exists).
    Refuses (AddRefused) when a file of it cannot be parsed."""
    paths = [p for p in target.ledger_paths if Path(p).exists()]
    if not paths:
        return Context()
    loaded = ledger_mod.load(paths)
    broken = [f for f in loaded.findings if f.rule in STOP_RULES]
    if broken:
        raise AddRefused(broken, "the ledger cannot be read; fix it first (run 'iraqsec check')")
    context = Context(entries=list(loaded.entries), registry=loaded.registry, places=loaded.places)
    for path, shown in ledger_mod.expand(paths):
        # Ids of invalid records count too: they are taken all the same.
        for raw in _raw_records(path, shown):
            ident = raw.data.get("id") if isinstance(raw.data, dict) else None
            if isinstance(ident, str):
                context.ids.setdefault(ident, f"{raw.path}:{raw.line}")
    return context


def _raw_records(path: Path, shown: str) -> list[RawRecord]:
    text, problem = decode(path.read_bytes(), shown)
    return [] if problem else parse_text(text, shown).records


# --- JSON input --------------------------------------------------------------


class _Object(dict[str, Any]):
    """A JSON object that remembers keys given twice (JSON lets the last win;
    the record format calls that an error)."""

    duplicates: list[str]


def _object(pairs: list[tuple[str, Any]]) -> _Object:
    out = _Object()
    out.duplicates = []
    for key, value in pairs:
        if key in out:
            out.duplicates.append(key)
        out[key] = value
    return out


@dataclass
class JsonInput:
    """Records parsed from JSON, each with its line and column in the text."""

    source: str
    records: list[RawRecord]


def parse_json(data: bytes, source: str) -> JsonInput:
    """One record object or an array of them; AddRefused on bad JSON."""
    text, problem = decode(data, source)
    if problem is not None:
        raise AddRefused([problem], "the input is not UTF-8 text")
    _check_json_bounds(text, source)
    try:
        value = json.loads(text, object_pairs_hook=_object, parse_int=_json_int)
    except json.JSONDecodeError as exc:
        raise AddRefused([error(source, exc.lineno, exc.colno, "json-syntax", f"invalid JSON: {exc.msg}")],
                         "the input is not valid JSON") from None
    starts = _item_starts(text) if isinstance(value, list) else [_first_char(text, 0)]
    items = value if isinstance(value, list) else [value]
    records = [RawRecord(source, *_line_col(text, start), item) for item, start in zip(items, starts, strict=True)]
    if not records:
        raise AddRefused([error(source, 1, 1, "no-records", "the input holds no records (an empty array)")],
                         "nothing to add")
    return JsonInput(source, records)


# A record is 4 levels deep; JSON much deeper is hostile (Python's parser
# recurses).  Numbers are counts or coordinates: a few digits each.
MAX_JSON_DEPTH = 32
MAX_JSON_DIGITS = 30
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_JSON_LONG_NUMBER = re.compile(rf"-?[0-9]{{{MAX_JSON_DIGITS + 1},}}")


def _check_json_bounds(text: str, source: str) -> None:
    """Refuse JSON nested too deeply or with a number too long, before the
    recursive parser (or int()'s digit limit) meets it."""
    bare = _JSON_STRING.sub('""', text)  # brackets and digits inside strings are text
    depth = deepest = 0
    for char in re.findall(r"[\[\]{}]", bare):
        depth += 1 if char in "[{" else -1
        deepest = max(deepest, depth)
    if deepest > MAX_JSON_DEPTH:
        raise AddRefused([error(source, 1, 1, "too-deep", f"the JSON is nested {deepest:,} levels deep; "
                                f"a record needs 4 and at most {MAX_JSON_DEPTH} are read")],
                         "the input is not a ledger record")
    long_number = _JSON_LONG_NUMBER.search(_JSON_STRING.sub(lambda m: "x" * len(m.group()), text))
    if long_number is not None:
        line, col = _line_col(text, long_number.start())
        raise AddRefused([error(source, line, col, "bad-value",
                                f"a number of {len(long_number.group()):,} digits; a count has at most "
                                f"{MAX_JSON_DIGITS}")], "the input is not a ledger record")


def _json_int(text: str) -> int:
    return int(text)  # bounded above: _check_json_bounds refused longer numbers


def _first_char(text: str, index: int) -> int:
    while index < len(text) and text[index] in " \t\r\n":
        index += 1
    return index


def _item_starts(text: str) -> list[int]:
    """Offsets of the items of a top-level JSON array (the text is known valid)."""
    decoder = json.JSONDecoder()
    index = _first_char(text, _first_char(text, 0) + 1)  # past '['
    starts = []
    while text[index] != "]":
        starts.append(index)
        _, end = decoder.raw_decode(text, index)
        index = _first_char(text, end)
        if text[index] == ",":
            index = _first_char(text, index + 1)
    return starts


def _line_col(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


# --- checking new records --------------------------------------------------


def check_records(records: Sequence[RawRecord], context: Context) -> tuple[list[Incident], list[Finding]]:
    """Every problem of the new records (messages start 'record N:'), and
    warnings, in input order; the incidents are returned only when there is
    no error."""
    duplicates = duplicate_id_findings(records, context.ids)
    clashing = {(f.line, f.col) for f in duplicates}
    findings: list[Finding] = [*duplicates]
    valid: list[tuple[int, Incident, RawRecord]] = []
    for number, raw in enumerate(records, 1):
        problems = _input_problems(raw)
        # Surrogates are reported above; the rules judge the rest of the record.
        incident, invalid = validate_record(_without_surrogates(raw), Incident, "incident")
        problems += invalid
        if incident is not None and not problems:
            problems += _unwritable(incident, raw)
        findings += [_numbered(f, number) for f in problems]
        if incident is not None and not problems and (raw.line, raw.col) not in clashing:
            valid.append((number, incident, raw))
    findings += _cross_record(valid, context)
    findings.sort(key=lambda f: (f.line, f.col))  # stable: by record, in the order found
    errors = [f for f in findings if f.severity == "error"]
    return ([] if errors else [i for _, i, _ in valid]), findings


def duplicate_id_findings(records: Sequence[RawRecord], taken: Mapping[str, str]) -> list[Finding]:
    """New ids that the ledger, or an earlier new record, already uses."""
    seen: dict[str, int] = {}
    out = []
    for number, raw in enumerate(records, 1):
        ident = raw.data.get("id") if isinstance(raw.data, dict) else None
        if not isinstance(ident, str):
            continue
        if ident in taken:
            out.append(error(raw.path, raw.line, raw.col, "duplicate-id",
                             f"record {number}: id '{ident}' is already used at {taken[ident]}; ids must be unique"))
        elif ident in seen:
            out.append(error(raw.path, raw.line, raw.col, "duplicate-id",
                             f"record {number}: id '{ident}' is also the id of record {seen[ident]}; "
                             "ids must be unique"))
        seen.setdefault(ident, number)
    return out


def _numbered(finding: Finding, number: int) -> Finding:
    return Finding(finding.path, finding.line, finding.col, finding.severity, finding.rule,
                   f"record {number}: {finding.message}")


def _input_problems(raw: RawRecord) -> list[Finding]:
    """What JSON allows and the record format does not: keys given twice,
    and text that is not valid Unicode (unpaired surrogates)."""
    out = []
    for loc, value in _walk(raw.data, ()):
        if isinstance(value, _Object):
            out += [error(raw.path, raw.line, raw.col, "duplicate-key",
                          f"key '{_label(loc + (key,))}' appears twice; keep one") for key in value.duplicates]
        elif isinstance(value, str) and _SURROGATE.search(value):
            out.append(error(raw.path, raw.line, raw.col, "bad-text",
                             f"{_label(loc) or 'a key'}: holds an unpaired UTF-16 surrogate, which is not text"))
    return out


def _without_surrogates(raw: RawRecord) -> RawRecord:
    def clean(value: Any) -> Any:
        if isinstance(value, str):
            return _SURROGATE.sub("\ufffd", value)
        if isinstance(value, list):
            return [clean(v) for v in value]
        if isinstance(value, dict):
            return {clean(k): clean(v) for k, v in value.items()}
        return value

    return RawRecord(raw.path, raw.line, raw.col, clean(raw.data), raw.positions)


def _walk(value: Any, loc: Path_) -> Iterable[tuple[Path_, Any]]:
    yield loc, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield loc, key
            yield from _walk(item, loc + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, loc + (i,))


def _label(loc: Path_) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _unwritable(incident: Incident, raw: RawRecord) -> list[Finding]:
    """Text the canonical layout cannot write so that it reads back the
    same, and the ledger accepts (e.g. a line break together with U+2028)."""
    text = writer.dump_record(incident)
    loaded = parse_text(text, raw.path)
    if loaded.findings:
        first = loaded.findings[0]
        where = _label(_path_at(loaded.records, first.line, first.col)) if loaded.records else ""
        return [error(raw.path, raw.line, raw.col, "unwritable",
                      f"{where or 'a value'}: cannot be written to the ledger as given ({first.message})")]
    back, _ = validate_record(loaded.records[0], Incident, "incident")
    if back != incident:  # pragma: no cover - a writer bug; refuse rather than change the record
        return [error(raw.path, raw.line, raw.col, "unwritable",
                      "the record does not read back the same in the canonical layout; please report this")]
    return []


def _path_at(records: Sequence[RawRecord], line: int, col: int) -> Path_:
    """The key or item of a record that holds a position."""
    best: Path_ = ()
    best_pos = (0, 0)
    for loc, pos in records[0].positions.items():
        if best_pos <= pos <= (line, col):
            best, best_pos = loc, pos
    return best


def _cross_record(valid: Sequence[tuple[int, Incident, RawRecord]], context: Context) -> list[Finding]:
    """Actor names, sites, links, grades, and probable duplicates among the
    new records and with the ledger (reported at the later record, always a
    new one)."""
    entries = [(incident, raw) for _, incident, raw in valid]
    numbers = {(raw.path, raw.line, raw.col): number for number, _, raw in valid}
    found: list[Finding] = []
    if context.registry is not None:
        found += actor_names(entries, context.registry)
    if context.places is not None:
        found += sites(entries, context.places)
    found += links([*context.entries, *entries], context.ids)
    found += ungraded(entries) + coordinates_precision(entries)
    found += probable_duplicates([*context.entries, *entries])
    return [_numbered(f, numbers[(f.path, f.line, f.col)]) for f in found if (f.path, f.line, f.col) in numbers]


# --- writing ---------------------------------------------------------------


def append(target: Target, incidents: Sequence[Incident], context: Context) -> None:
    """Add records to the target file in date order, atomically and under
    its lock (see `place_records`).

    The file is re-read inside the lock: a record added meanwhile by another
    process is kept, and an id it took is refused here."""
    with writer.locked(target.path):
        existing = target.path.read_bytes() if target.path.exists() else b""
        before = _parsed(existing, target.shown)
        taken = dict(context.ids)
        for raw in before.records:
            ident = raw.data.get("id") if isinstance(raw.data, dict) else None
            if isinstance(ident, str):
                taken.setdefault(ident, f"{raw.path}:{raw.line}")
        clashes = [i.id for i in incidents if i.id in taken]
        if clashes:
            raise AddRefused([error(target.shown, 1, 1, "duplicate-id",
                                    f"id '{c}' was taken at {taken[c]} while this record was prepared; "
                                    "choose another") for c in clashes], "nothing added")
        writer.atomic_write(target.path, place_records(existing, incidents, target.shown, before))


def place_records(existing: bytes, incidents: Sequence[Incident], shown: str,
                  before: _Parsed | None = None) -> bytes:
    """The file with `incidents` inserted in date-then-id order among its
    records (so that a formatted file stays formatted), or appended at its
    end when the file's layout does not allow an insertion that leaves every
    existing record as it was.  AddRefused when neither does."""
    before = before if before is not None else _parsed(existing, shown)
    keys = [((str(r.data.get("date")), str(r.data.get("id"))) if isinstance(r.data, dict) else ("", ""), r.line)
            for r in before.records]
    new = [((i.date, i.id), writer.dump_record(i)) for i in incidents]
    placed = writer.inserted(existing, keys, new)
    for candidate in (placed, writer.appended(existing, writer.join_records([t for _, t in new]))):
        if candidate is not None and _keeps_records(candidate, before, incidents, shown):
            return candidate
    raise AddRefused([], f"{shown}: the records cannot be added without changing the file's existing "
                         f"records (its layout is unusual); run 'iraqsec fmt {shown}' and try again")


@dataclass
class _Parsed:
    records: list[RawRecord]
    findings: list[Finding]


def _parsed(data: bytes, shown: str) -> _Parsed:
    text, problem = decode(data, shown)
    if problem is not None:
        raise AddRefused([problem], "the ledger file cannot be read; fix it first")
    loaded = parse_text(text, shown)
    broken = [f for f in loaded.findings if f.rule in STOP_RULES]
    if broken:
        raise AddRefused(broken, "the ledger file cannot be read; fix it first (run 'iraqsec check')")
    return _Parsed(loaded.records, loaded.findings)


def _keeps_records(new: bytes, before: _Parsed, incidents: Sequence[Incident], shown: str) -> bool:
    """Whether the new file reads as the old records, unchanged and in
    their order, with the new ones among them: a file whose layout would
    make the added text change an old record (a flow-style list, a
    different indentation, a `|+` block) fails."""
    text, problem = decode(new, shown)
    if problem is not None:
        return False
    after = parse_text(text, shown)
    if len(after.records) != len(before.records) + len(incidents):
        return False
    if sorted((f.rule, f.message) for f in after.findings) != sorted((f.rule, f.message) for f in before.findings):
        return False
    ids = {i.id for i in incidents}
    fresh = [r for r in after.records if isinstance(r.data, dict) and r.data.get("id") in ids]
    old = [r for r in after.records if not (isinstance(r.data, dict) and r.data.get("id") in ids)]
    return (len(fresh) == len(incidents)
            and all(a.data == b.data for a, b in zip(old, before.records, strict=True))
            and sorted((validate_record(r, Incident, "incident")[0] for r in fresh), key=_by_id)
            == sorted(incidents, key=_by_id))


def _by_id(incident: Incident | None) -> str:
    return incident.id if incident is not None else ""


# --- composing a record at prompts -------------------------------------------

# A valid record that a single answer is substituted into, so that each
# answer is judged by the very rules `check` applies, with their messages.
_TEMPLATE: dict[str, Any] = {
    "id": "x", "date": "2000-01-01", "governorate": "Baghdad", "place": "x", "tactic": "other",
    "target_type": "other", "target": "x", "killed": None, "wounded": None, "summary": "x",
    "sources": ["https://example.org/"],
}


class AnswerError(ValueError):
    """An answer that is not valid for its field; the message says why."""


def check_value(name: str, value: Any) -> Any:
    """`value` if it is valid for field `name`; AnswerError otherwise."""
    raw = RawRecord("<answer>", 1, 1, {**_TEMPLATE, name: value})
    incident, findings = validate_record(raw, Incident, "incident")
    if incident is None:
        raise AnswerError("; ".join(f.message for f in findings))
    return value


def parse_governorate(text: str) -> str:
    """A canonical governorate from any accepted spelling."""
    canonical = vocab.canonical_governorate(text.strip())
    if canonical is None:
        check_value("governorate", text.strip())  # raises with a suggestion
        raise AnswerError(f"unknown governorate '{text}'")  # pragma: no cover - check_value raised
    return canonical


def parse_coordinates(text: str) -> list[float] | None:
    """'lat, lon' (or 'lat lon'); empty for none."""
    text = text.strip()
    if not text:
        return None
    parts = [p for p in re.split(r"[,\s]+", text.strip("[]() ")) if p]
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        raise AnswerError(f"'{text}' is not two numbers; write latitude, longitude, e.g. 33.26, 44.23") from None
    return check_value("coordinates", numbers)  # type: ignore[no-any-return]


def parse_count(text: str) -> int | None:
    """A whole number, or None (empty, '?', 'unknown') for not reported."""
    text = text.strip()
    if text.casefold() in NOT_REPORTED:
        return None
    if not re.fullmatch(r"\d{1,18}", text):
        raise AnswerError(f"'{text[:40]}' is not a whole number; write 0 or more, or leave it empty if not reported")
    if text != str(int(text)):  # `010`: the ledger writes counts in plain decimal only
        raise AnswerError(f"'{text}' has a leading zero; write the count in plain decimal, e.g. {int(text)}")
    return int(text)


def parse_text_answer(name: str, text: str, optional: bool = False) -> str | None:
    text = text.strip()
    if optional and not text:
        return None
    return check_value(name, text)  # type: ignore[no-any-return]


def parse_site(places: PlaceRegistry, governorate: str, text: str) -> str | None:
    """The id of the place a spelling names, in the record's governorate;
    empty for none."""
    text = text.strip()
    if not text:
        return None
    found = places.resolve(text)
    if not found:
        hits = suggest(text, places.by_id, n=3)
        hint = f"; did you mean: {', '.join(hits)}?" if hits else "; add it to places.yaml first"
        raise AnswerError(f"'{text}' is not a place of places.yaml{hint}")
    here = [ident for ident in found if places.by_id[ident].governorate == governorate]
    if not here:
        other = places.by_id[found[0]]
        raise AnswerError(f"'{other.id}' is in {other.governorate}, not {governorate}; correct the governorate "
                          "or choose a place in it")
    if len(here) > 1:
        raise AnswerError(f"'{text}' names several places ({', '.join(here)}); give the id")
    return here[0]


def parse_country(text: str) -> str | None:
    text = text.strip().upper()
    return check_value("target_country", text) if text else None


def split_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def parse_actors(name: str, text: str, registry: ActorRegistry | None) -> tuple[list[str], list[str]]:
    """(canonical names, notices) for a comma-separated list; aliases are
    replaced by the canonical name, unknown names kept with a notice."""
    names: list[str] = []
    notices: list[str] = []
    for given in split_list(text):
        canonical = registry.canonical(given) if registry is not None else None
        if canonical is not None and canonical != given:
            notices.append(f"'{given}' recorded as '{canonical}'")
        elif canonical is None and registry is not None:
            notices.append(f"'{given}' is not in actors.yaml; add it there if it is a new group")
        names.append(canonical or given)
    check_value(name, names)
    return list(dict.fromkeys(names)), notices


def parse_tags(text: str) -> list[str]:
    return check_value("tags", split_list(text))  # type: ignore[no-any-return]


def parse_source(text: str) -> str:
    return check_value("sources", [text.strip()])[0]  # type: ignore[no-any-return]


def parse_id(text: str, taken: Mapping[str, str]) -> str:
    ident = check_value("id", text.strip())
    if ident in taken:
        raise AnswerError(f"id '{ident}' is already used at {taken[ident]}; ids must be unique")
    return ident  # type: ignore[no-any-return]


def slug(text: str) -> str:
    """Lower-case ASCII words joined by hyphens ('Ain al-Asad' -> 'ain-al-asad')."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


def propose_id(date: str, place: str, tactic: str, taken: Iterable[str]) -> str:
    """`DATE-PLACE-TACTIC` as a valid id, made unique with -2, -3, ..."""
    used = set(taken)
    base = "-".join(part for part in (slug(date), slug(place), slug(tactic)) if part)
    room = MAX_ID - 4  # leave room for a suffix
    if len(base) > room:
        cut = base[:room]
        base = cut.rsplit("-", 1)[0] if base[room] != "-" and "-" in cut else cut.rstrip("-")
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}-{n}", n + 1
    return candidate
