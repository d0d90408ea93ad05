"""Pydantic models of the record format: an incident, a source, an actor.

The models are the single definition of what a valid record is; `record/rules.py`
turns their validation errors into located findings with suggestions.
Validators raise `PydanticCustomError` whose type is the finding's rule id,
so a rule id is defined where the rule is.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import time
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from iraqsec.record import vocab

ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
DATE_RE = re.compile(r"^([0-9]{4})-([0-9]{2})(?:-([0-9]{2}))?$")  # ASCII digits: \d would take any script's
TAG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
# C0 and C1 control characters and DEL, the Unicode line and paragraph
# separators, a stray byte-order mark and the noncharacters U+FFFE/U+FFFF:
# none is text a curator means, and YAML cannot carry some of them beside a
# line break.  Tab and newline are judged by the loader, which knows whether
# the text was a block scalar.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
# Bidirectional embedding, override and isolate controls reorder what a
# reader sees without changing the bytes ("Trojan Source"); the marks
# U+200E and U+200F, which Arabic text legitimately uses, are allowed.
BIDI_RE = re.compile("[\u202a-\u202e\u2066-\u2069]")
_BIDI_NAMES = {
    "\u202a": "LEFT-TO-RIGHT EMBEDDING", "\u202b": "RIGHT-TO-LEFT EMBEDDING", "\u202c": "POP DIRECTIONAL FORMATTING",
    "\u202d": "LEFT-TO-RIGHT OVERRIDE", "\u202e": "RIGHT-TO-LEFT OVERRIDE", "\u2066": "LEFT-TO-RIGHT ISOLATE",
    "\u2067": "RIGHT-TO-LEFT ISOLATE", "\u2068": "FIRST STRONG ISOLATE", "\u2069": "POP DIRECTIONAL ISOLATE",
}


def today() -> dt.date:
    """Today's date; a function so that tests can pin it.  Kept until the
    next local midnight: every date of a ledger is compared with it, and
    asking the clock and the time zone costs more than the comparison."""
    if time.time() >= _TODAY[1]:
        day = dt.date.today()
        _TODAY[:] = [day, dt.datetime.combine(day + dt.timedelta(days=1), dt.time()).timestamp()]
    return _TODAY[0]  # type: ignore[no-any-return]


_TODAY: list[Any] = [dt.date.min, 0.0]  # (today, when it ends)


def suggest(word: str, choices: Any, n: int = 1) -> list[str]:
    """The nearest choices to a misspelt word, case-insensitively."""
    folded = {str(c).casefold(): str(c) for c in choices}
    hits = difflib.get_close_matches(str(word).casefold(), list(folded), n=n, cutoff=0.6)
    return [folded[h] for h in hits]


def _did_you_mean(word: str, choices: Any) -> str:
    hits = suggest(word, choices)
    return f"; did you mean '{hits[0]}'?" if hits else ""


def _fail(rule: str, message: str, at: str | None = None) -> PydanticCustomError:
    """A validation error whose type is the finding's rule id.  `at` names the
    record key a whole-record rule is about, so the finding is located there."""
    # Braces would be read as template fields by pydantic; escape them.
    return PydanticCustomError(rule, message.replace("{", "{{").replace("}", "}}"), {"at": at} if at else None)


# --- text ------------------------------------------------------------------


def check_text(value: str) -> str:
    if value.isprintable():  # in C, and nearly always true: no control or bidi character is printable
        return value
    match = CONTROL_RE.search(value)
    if match:
        raise _fail(
            "control-character",
            f"text contains the control character U+{ord(match.group()):04X} "
            "(terminal escape sequences included); remove it",
        )
    bidi = BIDI_RE.search(value)
    if bidi:
        char = bidi.group()
        raise _fail("bidi-control",
                    f"text contains the bidirectional control U+{ord(char):04X} {_BIDI_NAMES[char]} at character "
                    f"{bidi.start() + 1}, which reorders how the text is displayed; remove it (the marks U+200E "
                    "and U+200F are allowed)")
    return value


Text200 = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(check_text)]
Text1000 = Annotated[str, Field(min_length=1, max_length=1000), AfterValidator(check_text)]
FreeText = Annotated[str, AfterValidator(check_text)]


# --- vocabularies ----------------------------------------------------------


def _term(name: str, terms: Any, rule: str) -> AfterValidator:
    allowed = tuple(terms)

    def check(value: str) -> str:
        if value in allowed:
            return value
        raise _fail(rule, f"unknown {name} '{value}'{_did_you_mean(value, allowed)} "
                    f"(valid: {', '.join(allowed)})")

    return AfterValidator(check)


def _enum(terms: Any) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "enum": list(terms)})


Tactic = Annotated[str, _term("tactic", vocab.TACTICS, "unknown-tactic"), _enum(vocab.TACTICS)]
TargetType = Annotated[str, _term("target type", vocab.TARGET_TYPES, "unknown-target-type"),
                       _enum(vocab.TARGET_TYPES)]
ActorKind = Annotated[str, _term("actor kind", vocab.ACTOR_KINDS, "unknown-actor-kind"), _enum(vocab.ACTOR_KINDS)]
Evidence = Annotated[str, _term("evidence grade", vocab.EVIDENCE, "unknown-evidence"), _enum(vocab.EVIDENCE)]
Scope = Annotated[str, _term("scope", vocab.SCOPES, "unknown-scope"), _enum(vocab.SCOPES)]
GeoPrecision = Annotated[str, _term("geo_precision", vocab.GEO_PRECISIONS, "unknown-geo-precision"),
                         _enum(vocab.GEO_PRECISIONS)]
Relation = Annotated[str, _term("relation", vocab.RELATIONS, "unknown-relation"), _enum(vocab.RELATIONS)]
PlaceKind = Annotated[str, _term("place kind", vocab.PLACE_KINDS, "unknown-place-kind"), _enum(vocab.PLACE_KINDS)]


def check_governorate(value: str) -> str:
    if value in vocab.GOVERNORATES:
        return value
    canonical = vocab.canonical_governorate(value)
    if canonical is not None:
        raise _fail("governorate-alias",
                    f"'{value}' is an alias; the ledger uses the canonical name '{canonical}'")
    raise _fail("unknown-governorate",
                f"unknown governorate '{value}'{_did_you_mean(value, _governorate_spellings())}")


def _governorate_spellings() -> list[str]:
    return [*vocab.GOVERNORATES, *vocab.governorate_aliases()]


Governorate = Annotated[
    str,
    AfterValidator(check_governorate),
    WithJsonSchema({"type": "string", "enum": list(vocab.GOVERNORATES)}),
]


# --- identifiers, dates, numbers -------------------------------------------


def check_id(value: str) -> str:
    if len(value) > 80:
        raise _fail("bad-id", f"id is {len(value)} characters long; the limit is 80")
    if not ID_RE.match(value):
        raise _fail("bad-id", f"id '{value}' must be lower-case letters and digits joined by single "
                    "hyphens, e.g. 2020-09-15-baghdad-british-embassy-convoy")
    return value


IncidentId = Annotated[str, AfterValidator(check_id),
                       WithJsonSchema({"type": "string", "pattern": ID_RE.pattern, "maxLength": 80})]


def parse_date(value: str) -> tuple[dt.date, bool]:
    """(first day, is_month_precision) of a `YYYY-MM-DD` or `YYYY-MM` string.

    Raises ValueError with a message for curators."""
    match = DATE_RE.match(value)
    if not match:
        raise ValueError(f"'{value}' is not a date; write YYYY-MM-DD, or YYYY-MM when only the month "
                         "is known (two-digit month and day, e.g. 2020-09-06)")
    if match[3] is not None:
        # The shape is DATE_RE's, so fromisoformat (in C) reads nothing else;
        # what it refuses (a bad month or day) is told below.
        try:
            return dt.date.fromisoformat(value), False
        except ValueError:
            pass
    year, month, day = int(match[1]), int(match[2]), match[3]
    if not 1 <= month <= 12:
        raise ValueError(f"'{value}' has month {month:02d}; months run from 01 to 12")
    try:
        first = dt.date(year, month, int(day) if day else 1)
    except ValueError:
        raise ValueError(f"'{value}' is not a day of the calendar") from None
    return first, day is None


def check_date(value: str) -> str:
    try:
        first, _ = parse_date(value)
    except ValueError as exc:
        raise _fail("bad-date", str(exc)) from None
    if first > today():
        raise _fail("future-date", f"'{value}' is in the future")
    return value


IncidentDate = Annotated[
    str,
    AfterValidator(check_date),
    WithJsonSchema({"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$"}),
]


def check_day(value: str) -> str:
    """A full `YYYY-MM-DD` date (for `date_end`, which has no month form)."""
    check_date(value)
    if len(value) != 10:
        raise _fail("bad-date-end", f"'{value}' is a month; date_end is a day, YYYY-MM-DD")
    return value


DayDate = Annotated[
    str,
    AfterValidator(check_day),
    WithJsonSchema({"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"}),
]


Count = Annotated[int, Field(ge=0)]


def check_coordinates(value: list[float]) -> list[float]:
    lat, lon = value
    (lat_lo, lat_hi), (lon_lo, lon_hi) = vocab.LAT_RANGE, vocab.LON_RANGE
    if not (lat_lo <= lat <= lat_hi and lon_lo <= lon <= lon_hi):
        hint = " (latitude comes first)" if lat_lo <= lon <= lat_hi and lon_lo <= lat <= lon_hi else ""
        raise _fail("bad-coordinates",
                    f"[{lat}, {lon}] is outside Iraq (lat {lat_lo}-{lat_hi}, lon {lon_lo}-{lon_hi}){hint}")
    return value


Coordinates = Annotated[list[float], Field(min_length=2, max_length=2), AfterValidator(check_coordinates)]


def check_country(value: str) -> str:
    if value not in vocab.COUNTRY_CODES:
        upper = value.upper() if value.upper() in vocab.COUNTRY_CODES else None
        hint = f"; write '{upper}'" if upper else " such as US, GB, IQ"
        if value.upper() == "UK":
            hint = "; the United Kingdom's code is 'GB'"
        raise _fail("bad-country", f"'{value}' is not an upper-case ISO 3166-1 alpha-2 code{hint}")
    return value


CountryCode = Annotated[str, AfterValidator(check_country),
                        WithJsonSchema({"type": "string", "enum": sorted(vocab.COUNTRY_CODES)})]


def check_tag(value: str) -> str:
    if not TAG_RE.match(value):
        raise _fail("bad-tag", f"tag '{value}' must be kebab-case (lower-case words joined by hyphens)")
    return value


KebabTag = Annotated[str, AfterValidator(check_tag),
                     WithJsonSchema({"type": "string", "pattern": TAG_RE.pattern})]
ActorName = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(check_text)]


# --- sources ---------------------------------------------------------------


def check_url(value: str) -> str:
    if not URL_RE.match(value):
        raise _fail("bad-source", f"'{value}' is not an http(s):// URL")
    return check_text(value)


Url = Annotated[str, AfterValidator(check_url),
                WithJsonSchema({"type": "string", "format": "uri", "pattern": "^https?://"})]
PublishedDate = Annotated[str, AfterValidator(check_date)]


class Source(BaseModel):
    """A report that a record is built from, when more than a URL is known."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)

    title: Text200
    url: Url | None = None
    publisher: Text200 | None = None
    published: PublishedDate | None = None


def _source_kind(value: Any) -> str | None:
    if isinstance(value, str):
        return "url"
    if isinstance(value, (dict, Source)):
        return "mapping"
    return None


SourceRef = Annotated[
    Annotated[Url, Tag("url")] | Annotated[Source, Tag("mapping")],
    Discriminator(_source_kind, custom_error_type="bad-source",
                  custom_error_message="a source is a URL string or a mapping with a title"),
]


def source_url(source: str | Source) -> str | None:
    return source if isinstance(source, str) else source.url


# --- links between records ----------------------------------------------


class Related(BaseModel):
    """A link from one record to another."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)

    id: IncidentId
    relation: Relation


class Withdrawn(BaseModel):
    """Why a record was taken back, and the record that replaces it."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)

    reason: Text1000
    superseded_by: IncidentId | None = None


# --- records ---------------------------------------------------------------


class Incident(BaseModel):
    """One attack or strike, as the contract defines it."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)

    id: IncidentId
    date: IncidentDate
    date_end: DayDate | None = None
    governorate: Governorate
    place: Text200
    site: IncidentId | None = None
    coordinates: Coordinates | None = None
    geo_precision: GeoPrecision | None = None
    tactic: Tactic
    target_type: TargetType
    target: Text200
    target_country: CountryCode | None = None
    killed: Count | None
    wounded: Count | None
    claimed_by: list[ActorName] = Field(default_factory=list)
    attributed_to: list[ActorName] = Field(default_factory=list)
    evidence: Evidence | None = None
    scope: Scope = vocab.DEFAULT_SCOPE
    related: list[Related] = Field(default_factory=list)
    summary: Text1000
    sources: Annotated[list[SourceRef], Field(min_length=1)]
    notes: FreeText | None = None
    tags: list[KebabTag] = Field(default_factory=list)
    withdrawn: Withdrawn | None = None

    @model_validator(mode="after")
    def _record_rules(self) -> Incident:
        problem = _span_problem(self) or _location_problem(self) or _self_link(self)
        if problem is not None:
            raise problem
        return self

    @property
    def last_day(self) -> dt.date:
        """The last day the event may have happened on."""
        if self.date_end is not None:
            return parse_date(self.date_end)[0]
        if self.month_precision:
            first = self.first_day
            return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        return self.first_day

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn is not None

    @property
    def first_day(self) -> dt.date:
        return parse_date(self.date)[0]

    @property
    def month(self) -> str:
        return self.date[:7]

    @property
    def month_precision(self) -> bool:
        return len(self.date) == 7

    @property
    def actors(self) -> list[str]:
        """Claimants then blamed actors, each once."""
        return list(dict.fromkeys([*self.claimed_by, *self.attributed_to]))


def _span_problem(incident: Incident) -> PydanticCustomError | None:
    if incident.date_end is None:
        return None
    if incident.month_precision:
        return _fail("bad-date-end", f"date_end needs a day-precision date, but date is the month "
                     f"'{incident.date}'; give the first possible day as date, or remove date_end", "date_end")
    first, last = incident.first_day, parse_date(incident.date_end)[0]
    if last <= first:
        return _fail("bad-date-end", f"date_end '{incident.date_end}' is not after date '{incident.date}'; "
                     "it must be a later day (remove it when the day is known)", "date_end")
    if (last - first).days > vocab.MAX_SPAN_DAYS:
        return _fail("bad-date-end", f"date_end '{incident.date_end}' is {(last - first).days} days after date "
                     f"'{incident.date}'; the limit is {vocab.MAX_SPAN_DAYS} (use a month-precision date instead)",
                     "date_end")
    return None


def _location_problem(incident: Incident) -> PydanticCustomError | None:
    # Coordinates without geo_precision are only a warning (record/rules.py): version 1
    # records carry coordinates without it and stay valid.
    if incident.site is not None and incident.geo_precision is None:
        return _fail("missing-geo-precision", "site is given without geo_precision; add geo_precision "
                     f"({', '.join(vocab.GEO_PRECISIONS)})", "site")
    if incident.site is None and incident.coordinates is None and incident.geo_precision is not None:
        return _fail("stray-geo-precision", "geo_precision is given without site or coordinates; add the site "
                     "(an id of places.yaml) or the coordinates it describes, or remove it", "geo_precision")
    return None


def _self_link(incident: Incident) -> PydanticCustomError | None:
    for i, link in enumerate(incident.related):
        if link.id == incident.id:
            return _fail("self-link", f"related[{i}] points at the record itself; link another record's id",
                         f"related.{i}.id")
    return None


class Actor(BaseModel):
    """An entry of `actors.yaml`."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)

    name: ActorName
    kind: ActorKind
    aliases: list[ActorName] = Field(default_factory=list)
    linked_to: list[ActorName] = Field(default_factory=list)
    sources: list[SourceRef] = Field(default_factory=list)
    notes: FreeText | None = None

    @model_validator(mode="after")
    def _links_are_sourced(self) -> Actor:
        if self.linked_to and not self.sources:
            raise _fail("unsourced-link", f"actor '{self.name}' has linked_to but no sources; "
                        "cite the report that states the link under sources")
        return self


class Place(BaseModel):
    """An entry of `places.yaml`: a named place incidents point at with `site`."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)

    id: IncidentId
    name: Text200
    aliases: list[Text200] = Field(default_factory=list)
    kind: PlaceKind
    governorate: Governorate
    coordinates: Coordinates
    sources: Annotated[list[SourceRef], Field(min_length=1)]
    notes: FreeText | None = None
