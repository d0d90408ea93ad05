"""The rules that check a ledger.

Each rule is a small function that returns findings; nothing is raised.
`validate_record` turns a raw record into a model (or findings, by
translating pydantic's errors into located messages with suggestions), and
the cross-record rules look at the ledger as a whole.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from iraqsec.reading.loader import NumberSpelling, Path_, RawRecord, type_name
from iraqsec.record import vocab
from iraqsec.record.findings import Finding, error, warning
from iraqsec.record.model import Actor, Incident, Place, suggest

M = TypeVar("M", bound=BaseModel)

DISTINCT_TAG = "distinct-incident"
# The rules whose findings are warnings (errors under `check --strict`).
WARNING_RULES = ("ungraded", "coordinates-precision", "probable-duplicate", "unknown-actor")
_FIELDS = {"incident": vocab.INCIDENT_FIELDS, "actor": vocab.ACTOR_FIELDS, "place": vocab.PLACE_FIELDS}
_REQUIRED_HINT = {
    "killed": " (write null when the number was not reported)",
    "wounded": " (write null when the number was not reported)",
    "sources": " (list the URLs of the reports you read)",
    "reason": " (say why the record was taken back)",
    "coordinates": " ([latitude, longitude] of the place, as a source gives it)",
}


# --- one record ------------------------------------------------------------


def validate_record(raw: RawRecord, model: type[M], kind: str,
                    admit: Callable[[str], bool] | None = None) -> tuple[M | None, list[Finding]]:
    """The validated model of a raw record, or the findings that stop it.

    With `admit` (a FindingLog's), each finding's rule is offered first and
    only admitted findings are built: a million broken records cost a count,
    not a million messages."""
    if not isinstance(raw.data, dict):
        if admit is not None and not admit("not-a-mapping"):
            return None, []
        return None, [error(raw.path, raw.line, raw.col, "not-a-mapping",
                            f"each {kind} must be a mapping of keys ('id: ...'), not {type_name(raw.data)}")]
    try:
        return _shared_fields_set(model.model_validate(raw.data)), []
    except ValidationError as exc:
        fields = _FIELDS[kind]
        out = []
        for err in exc.errors(include_url=False):
            loc = _strip_tags(tuple(err["loc"]))
            rule = _rule(err["type"], err.get("input"), loc)
            if admit is None or admit(rule):
                out.append(_translate(raw, err, loc, rule, fields))
        return None, out


# The models are frozen, so each can hold one shared frozenset of the fields
# it was given instead of pydantic's own set, about 700 bytes a model: 70 MB
# at 100,000 records.  Bounded: past the bound a model keeps its own set.
_FIELD_SETS: dict[frozenset[str], frozenset[str]] = {}
_MAX_FIELD_SETS = 4096


def _shared_fields_set(validated: M) -> M:
    given = frozenset(validated.model_fields_set)
    shared = _FIELD_SETS.get(given)
    if shared is None and len(_FIELD_SETS) < _MAX_FIELD_SETS:
        shared = _FIELD_SETS[given] = given
    if shared is not None:
        object.__setattr__(validated, "__pydantic_fields_set__", shared)
    return validated


def _translate(raw: RawRecord, err: Any, loc: Path_, rule: str, fields: Sequence[str]) -> Finding:
    if rule == "missing-key":
        hint = _REQUIRED_HINT.get(str(loc[-1]), "")
        # a key missing from a nested mapping (a source) is located at that mapping
        line, col = raw.locate(loc[:-1]) if len(loc) > 1 else (raw.line, raw.col)
        return error(raw.path, line, col, rule, f"missing required key '{_label(loc)}'{hint}")
    at = (err.get("ctx") or {}).get("at")
    if not loc and at:  # a whole-record rule about one key: located at that key
        line, col = raw.locate(tuple(int(part) if part.isdigit() else part for part in at.split(".")))
        return error(raw.path, line, col, rule, err["msg"])
    line, col = raw.locate(loc)
    if rule == "unknown-key":
        return error(raw.path, line, col, rule, _unknown_key(loc, fields))
    return error(raw.path, line, col, rule, _describe(rule, err, loc))


def _rule(kind: str, value: Any, loc: Path_) -> str:
    """The rule id of a pydantic error (cheap: decided before any message)."""
    if kind == "missing":
        return "missing-key"
    if kind == "extra_forbidden":
        return "unknown-key"
    if isinstance(value, NumberSpelling):
        return "number-spelling"
    if "-" in kind:  # our own validators use the rule id as the error type
        return kind
    if kind == "too_short" and loc and loc[-1] == "sources":
        return "no-sources"
    if kind in ("too_short", "too_long") and loc and loc[0] == "coordinates":
        return "bad-coordinates"
    return _RULES.get(kind, "bad-type")


_RULES = {"string_too_long": "too-long", "string_too_short": "empty-text", "greater_than_equal": "bad-value"}


def _strip_tags(loc: Path_) -> Path_:
    # Source items are a tagged union; pydantic puts the tag in the path.
    return tuple(part for i, part in enumerate(loc)
                 if not (i and isinstance(loc[i - 1], int) and part in ("url", "mapping")))


def _label(loc: Path_) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _unknown_key(loc: Path_, fields: Sequence[str]) -> str:
    key = str(loc[-1])
    choices = vocab.NESTED_FIELDS.get(str(loc[0]), fields) if len(loc) > 1 else fields
    hits = suggest(key, choices)
    hint = f"; did you mean '{hits[0]}'?" if hits else f" (allowed: {', '.join(choices)})"
    return f"unknown key '{_label(loc)}'{hint}"


def _describe(rule: str, err: Any, loc: Path_) -> str:
    """The message of a pydantic error that is not about presence."""
    kind, label, value, ctx = err["type"], _label(loc), err.get("input"), err.get("ctx") or {}
    if rule == "number-spelling":
        return _spelling_message(label, value, kind)
    if rule == kind:
        return f"{label}: {err['msg']}" if label else str(err["msg"])
    if rule == "too-long":
        return f"{label} is {len(value):,} characters long; the limit is {ctx['max_length']:,}"
    if rule == "empty-text":
        return f"{label} is empty; write the text or remove the key"
    if rule == "bad-value":
        return f"{label} is {value}; it must be 0 or more"
    if rule == "no-sources":
        return "sources is empty; list the reports the record is built from"
    if rule == "bad-coordinates":
        return "coordinates must be two numbers, [latitude, longitude]"
    return f"{label} must be {_expected(kind, loc)}, not {type_name(value)}{_quote_hint(kind, value)}"


def _spelling_message(label: str, value: NumberSpelling, kind: str) -> str:
    """What to write instead of a YAML 1.1 number spelling."""
    said = f"{label}: '{value.text}' is not a plain decimal number (YAML 1.1 would read it as {value.yaml11!r})"
    if kind == "string_type":
        return f"{said}; if it is text, put it in quotes: \"{value.text}\""
    digits = value.text.lstrip("+").replace("_", "")
    example = digits.lstrip("0") or "0" if digits.isdigit() else None
    hint = f", e.g. {example}" if example is not None else ""
    return (f"{said}; write the number in plain decimal digits, with no leading zero, sign, underscore, "
            f"0x/0o/0b prefix or ':'{hint}")


def _expected(kind: str, loc: Path_) -> str:
    if loc and loc[-1] in ("killed", "wounded"):
        return "a whole number, or null when not reported"
    if kind.startswith("int"):
        return "a whole number"
    if kind.startswith("float"):
        return "a number"
    if kind in ("list_type", "tuple_type"):
        return "a list"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "a mapping"
    return "text"


def _quote_hint(kind: str, value: Any) -> str:
    if kind == "string_type" and value is not None and not isinstance(value, (list, dict)):
        return "; put the value in quotes"
    if kind.startswith("int") and isinstance(value, str):
        return f" ('{value}'); write the number without quotes"
    return ""


# --- the whole ledger ------------------------------------------------------


class ActorRegistry:
    """The actors of `actors.yaml`, indexed by name and alias."""

    def __init__(self, actors: Sequence[Actor]) -> None:
        self.actors = list(actors)
        self.names = {a.name for a in actors}
        self.folded: dict[str, str] = {}
        for actor in actors:
            for spelling in (actor.name, *actor.aliases):
                self.folded.setdefault(fold_actor(spelling), actor.name)

    def folded_names(self) -> list[str]:
        return sorted(self.names)

    def canonical(self, name: str) -> str | None:
        """The canonical name for any spelling, case-insensitively."""
        return self.folded.get(fold_actor(name))


def fold_actor(name: str) -> str:
    """Case-, apostrophe- and space-insensitive form used to match actor spellings."""
    return " ".join(name.casefold().replace("\u2019", "'").split())


def duplicate_ids(records: Iterable[RawRecord], rule: str = "duplicate-id", what: str = "id") -> list[Finding]:
    """An id used twice.  In registries (`what` = "place id") the same entry
    repeated word for word in another directory's file is one entry."""
    return repeated_ids(record_ids(records), rule, what)


def record_ids(records: Iterable[RawRecord]) -> list[tuple[str, RawRecord]]:
    """Each raw record that has a text id, with it."""
    return [(raw.data["id"], raw) for raw in records
            if isinstance(raw.data, dict) and isinstance(raw.data.get("id"), str)]


def repeated_ids(ided: Iterable[tuple[str, RawRecord]], rule: str = "duplicate-id",
                 what: str = "id") -> list[Finding]:
    """`duplicate_ids` over (id, record) pairs taken while the raw values
    were at hand (the loader drops them once a record is validated)."""
    seen: dict[str, RawRecord] = {}
    out = []
    for ident, raw in ided:
        first = seen.setdefault(ident, raw)
        if first is raw or (what != "id" and first.data == raw.data and first.path != raw.path):
            continue
        line, col = raw.locate(("id",))
        fline, _ = first.locate(("id",))
        out.append(error(raw.path, line, col, rule,
                         f"{what} '{ident}' is already used at {first.path}:{fline}; ids must be unique"))
    return out


def probable_duplicates(entries: Iterable[tuple[Incident, RawRecord]]) -> list[Finding]:
    """Same day, governorate, tactic and target type: probably one event twice.
    A withdrawn record is left out: withdrawing a duplicate is how it is resolved."""
    firsts: dict[tuple[str, str, str, str], tuple[int, tuple[Incident, RawRecord]]] = {}
    groups: dict[tuple[str, str, str, str], list[tuple[Incident, RawRecord]]] = {}  # keys met twice or more
    for n, entry in enumerate(entries):
        incident = entry[0]
        # (month_precision and is_withdrawn spelt out: this runs once per record)
        if len(incident.date) != 7 and incident.withdrawn is None and DISTINCT_TAG not in incident.tags:
            key = (incident.date, incident.governorate, incident.tactic, incident.target_type)
            seen = firsts.setdefault(key, (n, entry))
            if seen[1] is not entry:
                groups.setdefault(key, [seen[1]]).append(entry)
    out = []
    # in the order of each group's first record, as a listing of all groups would give them
    for key in sorted(groups, key=lambda k: firsts[k][0]):
        group = groups[key]
        first, first_raw = group[0]
        for incident, raw in group[1:]:
            out.append(warning(raw.path, raw.line, raw.col, "probable-duplicate",
                               f"'{incident.id}' may be the same event as '{first.id}' "
                               f"({first_raw.path}:{first_raw.line}): same day, governorate, tactic and "
                               f"target type; merge them, or tag both '{DISTINCT_TAG}' if they differ"))
    return out


def actor_names(entries: Iterable[tuple[Incident, RawRecord]], registry: ActorRegistry) -> list[Finding]:
    out = []
    for incident, raw in entries:
        for field in ("claimed_by", "attributed_to"):
            for i, name in enumerate(getattr(incident, field)):
                finding = _actor_finding(registry, name, raw, (field, i))
                if finding:
                    out.append(finding)
    return out


def _actor_finding(registry: ActorRegistry, name: str, raw: RawRecord, loc: Path_) -> Finding | None:
    if name in registry.names:
        return None
    line, col = raw.locate(loc)
    canonical = registry.canonical(name)
    if canonical is not None:
        return error(raw.path, line, col, "actor-alias",
                     f"{_label(loc)}: '{name}' is a spelling of '{canonical}'; write the canonical name")
    hits = suggest(name, registry.folded_names())
    hint = f"; did you mean '{hits[0]}'?" if hits else "; add it to actors.yaml if it is a new group"
    return warning(raw.path, line, col, "unknown-actor", f"{_label(loc)}: '{name}' is not in actors.yaml{hint}")


def registry_rules(actors: Sequence[tuple[Actor, RawRecord]]) -> list[Finding]:
    """Names and aliases unique across actors; links point at known actors.

    The same entry repeated word for word in the actors file of another
    ledger directory is one actor, not a clash."""
    owner: dict[str, tuple[str, RawRecord]] = {}
    entries: dict[str, tuple[Actor, str]] = {}
    out = []
    for actor, raw in actors:
        earlier = entries.setdefault(actor.name, (actor, raw.path))
        if earlier[0] == actor and earlier[1] != raw.path:
            continue  # the same entry in another directory's actors.yaml
        for i, spelling in enumerate((actor.name, *actor.aliases)):
            key = fold_actor(spelling)
            prior = owner.setdefault(key, (actor.name, raw))
            if prior[1] is not raw:
                loc: Path_ = ("name",) if i == 0 else ("aliases", i - 1)
                line, col = raw.locate(loc)
                out.append(error(raw.path, line, col, "duplicate-actor",
                                 f"'{spelling}' is already a name or alias of '{prior[0]}' "
                                 f"({prior[1].path}:{prior[1].line}); each spelling names one actor"))
    names = {a.name for a, _ in actors}
    for actor, raw in actors:
        for i, link in enumerate(actor.linked_to):
            if link not in names:
                line, col = raw.locate(("linked_to", i))
                out.append(error(raw.path, line, col, "unknown-link",
                                 f"linked_to[{i}]: '{link}' is not the name of an actor in this file"))
    return out



# --- version 2: grades, links, withdrawn records, places -------------------


def ungraded(entries: Iterable[tuple[Incident, RawRecord]]) -> list[Finding]:
    """A record that does not say how well it is established (withdrawn ones
    are not counted anywhere, so they need no grade)."""
    terms = ", ".join(vocab.EVIDENCE)
    return [warning(raw.path, raw.line, raw.col, "ungraded",
                    f"'{incident.id}' has no evidence grade; add evidence: one of {terms} (docs/codebook.md)")
            for incident, raw in entries if incident.evidence is None and incident.withdrawn is None]


def coordinates_precision(entries: Iterable[tuple[Incident, RawRecord]]) -> list[Finding]:
    """Coordinates that do not say how close they are to the event (version 1
    records): a warning, where `site` without geo_precision is an error."""
    out = []
    for incident, raw in entries:
        if incident.coordinates is not None and incident.geo_precision is None:
            line, col = raw.locate(("coordinates",))
            out.append(warning(raw.path, line, col, "coordinates-precision",
                               "coordinates are given without geo_precision; add geo_precision: exact when they "
                               "are the spot itself, else site, near, district or governorate"))
    return out


def links(entries: Sequence[tuple[Incident, RawRecord]], reserved: Iterable[str] = ()) -> list[Finding]:
    """`related` ids exist and `responds-to` looks back in time; a withdrawn
    record is superseded by one that exists and is not withdrawn.  `reserved`
    are ids of records that exist but did not validate (not "unknown")."""
    linking = [(incident, raw) for incident, raw in entries if incident.related or incident.withdrawn is not None]
    if not linking:
        return []  # most ledgers of any size link a few records: no index of every id for nothing
    by_id = {incident.id: incident for incident, _ in entries}
    known = set(reserved)
    known.update(by_id)
    out: list[Finding] = []
    for incident, raw in linking:
        for i, link in enumerate(incident.related):
            other = by_id.get(link.id)
            if link.id not in known:
                out.append(_unknown_id(raw, ("related", i, "id"), link.id, by_id))
            elif other is not None and link.relation == "responds-to" and other.first_day > incident.last_day:
                line, col = raw.locate(("related", i, "relation"))
                out.append(error(raw.path, line, col, "responds-to-later",
                                 f"related[{i}]: '{incident.id}' ({incident.date}) cannot respond to "
                                 f"'{other.id}', dated later ({other.date}); the later record responds to the "
                                 "earlier one: move the link there, or correct the dates"))
        if incident.withdrawn is not None:
            out += _superseded(incident, raw, by_id, known)
    return out


def _superseded(incident: Incident, raw: RawRecord, by_id: dict[str, Incident], known: set[str]) -> list[Finding]:
    target = incident.withdrawn.superseded_by if incident.withdrawn else None
    if target is None:
        return []
    if target not in known:
        return [_unknown_id(raw, ("withdrawn", "superseded_by"), target, by_id)]
    other = by_id.get(target)
    if other is not None and other.withdrawn is not None:
        line, col = raw.locate(("withdrawn", "superseded_by"))
        return [error(raw.path, line, col, "withdrawn-superseding",
                      f"withdrawn.superseded_by: '{target}' is itself withdrawn; name the record that "
                      "stands now" + (f" ('{other.withdrawn.superseded_by}'?)" if other.withdrawn.superseded_by
                                      else ""))]
    return []


def _unknown_id(raw: RawRecord, loc: Path_, ident: str, by_id: dict[str, Incident]) -> Finding:
    line, col = raw.locate(loc)
    hits = suggest(ident, by_id)
    hint = f"; did you mean '{hits[0]}'?" if hits else "; link the id of an existing record"
    return error(raw.path, line, col, "unknown-id", f"{_label(loc)}: no record has the id '{ident}'{hint}")


class PlaceRegistry:
    """The places of `places.yaml`, by id and by any spelling; `where` says
    where each entry is written (file, line), when known."""

    def __init__(self, places: Sequence[Place], where: Mapping[str, tuple[str, int]] | None = None) -> None:
        self.by_id: dict[str, Place] = {}
        self.where = dict(where or {})
        self.folded: dict[str, list[str]] = defaultdict(list)
        for place in places:
            if self.by_id.setdefault(place.id, place) is not place:
                continue
            for spelling in (place.id, place.name, *place.aliases):
                ids = self.folded[vocab.fold_spelling(spelling)]
                if place.id not in ids:
                    ids.append(place.id)

    @classmethod
    def of(cls, entries: Sequence[tuple[Place, RawRecord]]) -> PlaceRegistry:
        where: dict[str, tuple[str, int]] = {}
        for place, raw in entries:
            where.setdefault(place.id, (raw.path, raw.line))
        return cls([p for p, _ in entries], where)

    @property
    def places(self) -> list[Place]:
        return list(self.by_id.values())

    def resolve(self, name: str) -> list[str]:
        """The ids of the places a spelling names (id, name or alias, any case)."""
        if name in self.by_id:
            return [name]
        return list(self.folded.get(vocab.fold_spelling(name), ()))


def sites(entries: Iterable[tuple[Incident, RawRecord]], registry: PlaceRegistry) -> list[Finding]:
    """A record's site is in places.yaml, in the record's governorate."""
    out = []
    for incident, raw in entries:
        if incident.site is None:
            continue
        line, col = raw.locate(("site",))
        place = registry.by_id.get(incident.site)
        if place is None:
            hits = suggest(incident.site, registry.by_id)
            hint = (f"; did you mean '{hits[0]}'?" if hits
                    else "; add it to places.yaml with its coordinates and sources")
            out.append(error(raw.path, line, col, "unknown-site",
                             f"site: '{incident.site}' is not in places.yaml{hint}"))
        elif place.governorate != incident.governorate:
            path, at = registry.where.get(place.id, ("places.yaml", 0))
            out.append(error(raw.path, line, col, "site-governorate",
                             f"site: '{incident.site}' is in {place.governorate} ({path}:{at}) but the record "
                             f"says governorate {incident.governorate}; correct the governorate or the site"))
    return out

