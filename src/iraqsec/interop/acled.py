"""ACLED CSV exports -> iraqsec incidents.

ACLED (Armed Conflict Location & Event Data) publishes one row per event.
This module reads both column layouts of its CSV exports and maps each kept
row onto the record format, always through the `Incident` model, so that
what comes out passes `iraqsec check`.  The mapping rules are documented,
with their reasons, in `docs/interop.md`; the tables below are the single
definition the documentation describes.

Two kinds of bad rows are told apart:

* *malformed* rows (a date that is not a date, fatalities that are not a
  whole number, coordinates that are not numbers, a row with the wrong
  number of fields) mean the export itself is broken: the caller refuses
  the whole file and lists every such line;
* *rejected* rows are well formed but cannot become a valid record (an
  `admin1` that is no governorate of Iraq, an empty event id, a date in
  the future...): they are reported with their line and skipped.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from iraqsec.analysis.query import sort_key
from iraqsec.reading.nogc import no_gc
from iraqsec.record import model, vocab
from iraqsec.record.model import BIDI_RE, CONTROL_RE, Incident
from iraqsec.rendering import progress

REQUIRED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty", "event_date", "event_type", "sub_event_type", "actor1", "actor2", "country", "admin1",
    "location", "latitude", "longitude", "source", "notes", "fatalities",
)
# Columns only one layout has; used to name the layout in reports.
LAYOUT_2023_COLUMNS = frozenset({"disorder_type", "civilian_targeting", "tags"})
LAYOUT_OLD_COLUMNS = frozenset({"data_id", "event_id_no_cnty", "iso3"})

DEFAULT_EVENT_TYPES: tuple[str, ...] = ("Battles", "Explosions/Remote violence", "Violence against civilians")
OTHER_EVENT_TYPES: tuple[str, ...] = ("Protests", "Riots", "Strategic developments")

# ACLED's geo_precision codes: 1 the named town itself, 2 near it or a part
# of a region, 3 only the larger region (ACLED places it at the capital).
GEO_PRECISION: dict[str, str] = {"1": "exact", "2": "near", "3": "governorate"}

SUMMARY_LIMIT = 1000
TEXT_LIMIT = 200
ID_LIMIT = 80
ELLIPSIS = "\u2026"

# --- dates -----------------------------------------------------------------

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$", re.ASCII)
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[ -]([A-Za-z]+)\.?[ -](\d{4}|\d{2})$", re.ASCII)
# Two-digit years as POSIX strptime reads them: 69-99 are 1969-1999,
# 00-68 are 2000-2068.  ACLED's data begin in 1997.
TWO_DIGIT_PIVOT = 69


def _month_number(word: str) -> int | None:
    folded = word.casefold()
    for number, name in enumerate(_MONTHS, start=1):
        if folded == name or folded == name[:3] or (name == "september" and folded == "sept"):
            return number
    return None


def parse_acled_date(text: str) -> dt.date:
    """A date as ACLED exports write it: `2020-05-06`, `06 May 2020`,
    `6 May 2020`, `6-May-20` (month names in English, full or short).

    Raises ValueError with a message for the user."""
    value = text.strip()
    iso = _ISO_DATE.match(value)
    if iso:
        year, month, day = int(iso[1]), int(iso[2]), int(iso[3])
    else:
        dmy = _DAY_MONTH_YEAR.match(value)
        month_number = _month_number(dmy[2]) if dmy else None
        if dmy is None or month_number is None:
            raise ValueError(f"'{text}' is not a date in a form ACLED writes "
                             "(2020-05-06, 06 May 2020, 6 May 2020 or 6-May-20)")
        day, month, year = int(dmy[1]), month_number, int(dmy[3])
        if len(dmy[3]) == 2:
            year += 1900 if year >= TWO_DIGIT_PIVOT else 2000
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"'{text}' is not a day of the calendar") from None


# --- governorates ----------------------------------------------------------

# ACLED's admin1 spellings for Iraq (and other common ones) -> canonical
# name.  Spellings the contract already lists as aliases are matched by
# `vocab.canonical_governorate` too; they are repeated here so that this
# table is the complete list the documentation shows.
ACLED_ADMIN1: Mapping[str, tuple[str, ...]] = {
    "Anbar": ("Al Anbar", "Al-Anbar", "Anbar"),
    "Babil": ("Babylon", "Babil", "Babel"),
    "Baghdad": ("Baghdad",),
    "Basra": ("Basrah", "Al Basrah", "Al-Basrah", "Basra"),
    "Dhi Qar": ("Thi-Qar", "Thi Qar", "Dhi Qar", "Dhi-Qar", "Dhiqar"),
    "Diyala": ("Diyala", "Diyalah"),
    "Duhok": ("Dahuk", "Dohuk", "Duhok", "Dihok"),
    "Erbil": ("Erbil", "Arbil", "Irbil", "Hewler"),
    "Halabja": ("Halabja", "Halabjah"),
    "Karbala": ("Kerbala", "Karbala", "Karbalaa"),
    "Kirkuk": ("Kirkuk", "Tamim", "At-Ta'mim", "Ta'mim"),
    "Maysan": ("Missan", "Maysan", "Misan"),
    "Muthanna": ("Muthanna", "Al Muthanna", "Al-Muthanna"),
    "Najaf": ("Najaf", "An Najaf", "An-Najaf"),
    "Nineveh": ("Ninewa", "Ninawa", "Nineveh", "Ninevah"),
    "Qadisiyyah": ("Qadissiya", "Al-Qadisiyyah", "Al Qadisiyah", "Al-Qadissiya", "Qadisiyah", "Diwaniya",
                   "Diwaniyah"),
    "Salah al-Din": ("Sala al-Din", "Salah al-Din", "Salah ad Din", "Salahaddin", "Salahuddin", "Saladin"),
    "Sulaymaniyah": ("Sulaymaniyah", "As Sulaymaniyah", "Sulaimaniya", "Sulaimaniyah", "Slemani"),
    "Wasit": ("Wassit", "Wasit"),
}


_ADMIN1_INDEX = {vocab.fold_spelling(s): canonical for canonical, spellings in ACLED_ADMIN1.items() for s in spellings}


def governorate_for(admin1: str) -> str | None:
    """The canonical governorate for an ACLED admin1 name; None if unknown."""
    return _ADMIN1_INDEX.get(vocab.fold_spelling(admin1)) or vocab.canonical_governorate(admin1)


# --- actors ----------------------------------------------------------------

def inter_kind(code: str) -> str | None:
    """ACLED's actor type, from its numeric inter code (pre-2023 and the
    default of later exports) or its text label (newer exports)."""
    value = code.strip().casefold()
    numeric = {"1": "state", "2": "rebel", "3": "political-militia", "4": "identity-militia", "5": "rioters",
               "6": "protesters", "7": "civilians", "8": "external"}
    if value in numeric:
        return numeric[value]
    labels = (("state", "state"), ("rebel", "rebel"), ("political milit", "political-militia"),
              ("identity milit", "identity-militia"), ("rioter", "rioters"), ("protester", "protesters"),
              ("civilian", "civilians"), ("external", "external"))
    return next((kind for prefix, kind in labels if value.startswith(prefix)), None)


def _is_state(actor: str, inter: str) -> bool:
    """A state's (or a multinational coalition's) armed forces."""
    return inter_kind(inter) in ("state", "external") or actor.startswith(("Military Forces of", "Police Forces of"))


COUNTRY_CODES: Mapping[str, str] = {
    "iraq": "IQ", "united states": "US", "united states of america": "US", "united kingdom": "GB", "turkey": "TR",
    "turkiye": "TR", "iran": "IR", "syria": "SY", "israel": "IL", "saudi arabia": "SA", "france": "FR",
    "italy": "IT", "germany": "DE", "australia": "AU", "canada": "CA", "denmark": "DK", "netherlands": "NL",
    "spain": "ES", "norway": "NO", "kuwait": "KW", "jordan": "JO",
}
_FORCES_OF = re.compile(r"^(?:Military Forces|Police Forces|Government) of (?:the )?([^(]+?)\s*(?:\(|$)")


def country_code(actor: str) -> str | None:
    """ISO code of the state an ACLED actor name belongs to, when the name
    says it (`Military Forces of Iraq (2018-)` -> IQ)."""
    match = _FORCES_OF.match(actor.strip())
    if not match:
        return None
    name = unicodedata.normalize("NFKD", match[1]).encode("ascii", "ignore").decode().casefold()
    return COUNTRY_CODES.get(name)


# --- tactic ----------------------------------------------------------------

# Sub-event types that name one tactic whatever the notes say.
SUB_EVENT_TACTICS: Mapping[str, str] = {
    "Armed clash": "small-arms",
    "Attack": "small-arms",
    "Grenade": "grenade",
    "Remote explosive/landmine/IED": "ied",
    "Suicide bomb": "ied",
    "Abduction/forced disappearance": "kidnapping",
}
SHELLING = "Shelling/artillery/missile attack"
AIR_STRIKE = "Air/drone strike"
LOOTING = "Looting/property destruction"
_SHELLING_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("rocket", re.compile(r"\brockets?\b|\bkatyushas?\b", re.IGNORECASE)),
    ("mortar", re.compile(r"\bmortars?\b", re.IGNORECASE)),
    ("missile", re.compile(r"\bmissiles?\b", re.IGNORECASE)),
)
_DRONE_WORDS = re.compile(r"\bdrones?\b|\bUAVs?\b|\bunmanned\b", re.IGNORECASE)
_FIRE_WORDS = re.compile(r"\bburn|\bset (?:on )?fire\b|\bset alight\b|\bfire to\b|\bon fire\b|\btorch|\barson\b|"
                         r"\bablaze\b", re.IGNORECASE)
_SUB_EVENT_INDEX = {k.casefold(): v for k, v in SUB_EVENT_TACTICS.items()}


def _first_mentioned(text: str, words: Sequence[tuple[str, re.Pattern[str]]]) -> str | None:
    """The term whose words appear first in the text."""
    found = [(m.start(), term) for term, pattern in words if (m := pattern.search(text))]
    return min(found)[1] if found else None


def tactic_for(sub_event_type: str, notes: str, actor1: str = "", inter1: str = "") -> str:
    """The tactic for an ACLED sub-event type, told apart by the notes."""
    sub = sub_event_type.strip().casefold()
    if sub == SHELLING.casefold():
        return _first_mentioned(notes, _SHELLING_WORDS) or "other"
    if sub == AIR_STRIKE.casefold():
        # The contract's `airstrike` covers any aircraft of a state, manned
        # or not; `drone` is for drones flown by others.
        return "drone" if _DRONE_WORDS.search(notes) and not _is_state(actor1, inter1) else "airstrike"
    if sub == LOOTING.casefold():
        return "arson" if _FIRE_WORDS.search(notes) else "other"
    return _SUB_EVENT_INDEX.get(sub, "other")


# --- target type -----------------------------------------------------------

def _words(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_CONVOY = _words(r"\bconvoys?\b")
_DIPLOMATIC = _words(r"\bembass(?:y|ies)\b|\bconsulates?\b|\bdiplomat")
_LOGISTICS = _words(r"\bcoalition\b|\blogistic|\bsuppl(?:y|ies)\b|\bcontractors?\b|\btrucks?\b")
_AIRPORT = _words(r"\bairports?\b")
_DISPLACED_CAMP = _words(r"\b(?:IDPs?|refugees?|displaced)(?: people's| persons')? camps?\b")
_BASE = _words(r"\bbases?\b|\bcamps?\b|\bair ?bases?\b|\bbarracks\b")
_EDUCATIONAL = _words(r"\bschools?\b|\buniversit(?:y|ies)\b|\bcolleges?\b")
# "company" alone is also a military unit; only named kinds of firm count.
_COMPANY = _words(r"\b(?:oil|gas|security|private|construction|telecom\w*|phone|logistics?) compan(?:y|ies)\b|"
                  r"\boil ?fields?\b|\bcontractors?\b")
_GOVERNMENT = _words(r"\bgovernment (?:building|office|headquarters|compound)s?\b|\bministry\b|"
                     r"\bprovincial council\b")
_MILITIA = _words(r"\bPMF\b|\bPMU\b|\bPopular Mobili[sz]ation\b|\bHashd\b|\bmilitias?\b|"
                  r"\bTribal Mobili[sz]ation\b|\bTMF\b")

_KINDS_WITH_RULES = frozenset({"rebel", "political-militia", "identity-militia", "civilians"})
_ANY_TARGET_WORD = _words("|".join(f"(?:{p.pattern})" for p in (
    _CONVOY, _DIPLOMATIC, _LOGISTICS, _AIRPORT, _DISPLACED_CAMP, _BASE, _EDUCATIONAL, _COMPANY, _GOVERNMENT, _MILITIA)))

# (term, rule as the documentation states it); `target_type_for` applies
# them in this order and the first that holds wins.
TARGET_RULES: tuple[tuple[str, str], ...] = (
    ("diplomatic-convoy", "'convoy' and 'embassy', 'consulate' or 'diplomat...'"),
    ("diplomatic-mission", "'embassy', 'consulate' or 'diplomat...'"),
    ("logistics-convoy", "'convoy' and 'coalition', 'logistic...', 'supply', 'contractor' or 'truck'"),
    ("military-convoy", "'convoy' (any other)"),
    ("airport", "'airport'"),
    ("civilian", "'IDP camp', 'refugee camp', 'displaced camp'"),
    ("military-base", "'base', 'air base', 'camp', 'barracks'"),
    ("educational", "'school', 'university', 'college'"),
    ("private-company", "'oil/gas/security/private/construction/telecom/phone/logistics company', 'oil field', "
                        "'contractor'"),
    ("government", "second actor 'Government of ...', or 'government building/office/headquarters/compound', "
                   "'ministry', 'provincial council'"),
    ("militia", "second actor of ACLED type rebel group, political militia or identity militia (inter2 2, 3, 4)"),
    ("civilian", "second actor of ACLED type civilians (inter2 7) or named 'Civilians ...', or a "
                 "civilian_targeting value (2023+ layout)"),
    ("militia", "'PMF', 'PMU', 'Popular Mobilization', 'Hashd', 'militia', 'Tribal Mobilization', 'TMF'"),
    ("other", "none of the above"),
)


def target_type_for(notes: str, actor2: str, inter2: str = "", civilian_targeting: str = "") -> str:
    """The target type by the keyword rules of TARGET_RULES, read in the
    second actor's name and ACLED's notes."""
    text = f"{actor2} {notes}"
    kind = inter_kind(inter2)
    if (not _ANY_TARGET_WORD.search(text) and kind not in _KINDS_WITH_RULES
            and not actor2.startswith(("Government of", "Civilians")) and not civilian_targeting.strip()):
        return "other"  # one search instead of ten for the rows no rule holds for
    # The rules in TARGET_RULES' order, each searched only when the ones
    # before it did not hold (most rows are decided by the first few).
    if _DIPLOMATIC.search(text):
        return "diplomatic-convoy" if _CONVOY.search(text) else "diplomatic-mission"
    if _CONVOY.search(text):
        return "logistics-convoy" if _LOGISTICS.search(text) else "military-convoy"
    searched = (("airport", _AIRPORT), ("civilian", _DISPLACED_CAMP), ("military-base", _BASE),
                ("educational", _EDUCATIONAL), ("private-company", _COMPANY))
    for term, pattern in searched:
        if pattern.search(text):
            return term
    if actor2.startswith("Government of") or _GOVERNMENT.search(text):
        return "government"
    if kind in ("rebel", "political-militia", "identity-militia"):
        return "militia"
    if kind == "civilians" or actor2.startswith("Civilians") or civilian_targeting.strip():
        return "civilian"
    return "militia" if _MILITIA.search(text) else "other"


# --- text ------------------------------------------------------------------

def clean(text: str) -> str:
    """One line of text: control characters dropped, runs of white space
    (line breaks included) made one space."""
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text  # nothing to do: printable text holds no control or bidirectional character, no white space but ' '
    return " ".join(CONTROL_RE.sub(" ", BIDI_RE.sub("", text)).split())


def trim(text: str, limit: int) -> str:
    """Text cut to `limit` characters at a word boundary, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.") + ELLIPSIS


def slug(text: str) -> str:
    """Lower-case ASCII words joined by hyphens ('' when none are left)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text.casefold()))


def event_tag(event_id: str) -> str:
    """The tag that keeps an ACLED event traceable: `acled-irq12345`."""
    return f"acled-{slug(event_id)}"


def record_id(date: str, place: str, event_id: str) -> str:
    tail = f"-{event_tag(event_id)}"
    room = ID_LIMIT - len(date) - len(tail) - 1
    words = slug(place)
    while len(words) > room and "-" in words:
        words = words.rsplit("-", 1)[0]
    words = words[:room].strip("-")
    return f"{date}-{words}{tail}" if words else f"{date}{tail}"


# --- reading the CSV -------------------------------------------------------

class AcledFileError(Exception):
    """The file as a whole cannot be read as an ACLED export."""


@dataclass(frozen=True)
class Problem:
    line: int
    message: str


@dataclass
class Conversion:
    """What became of each row of one ACLED file."""

    layout: str = "unknown"
    rows: int = 0
    other_country: int = 0
    other_type: int = 0
    incidents: list[Incident] = field(default_factory=list)
    malformed: list[Problem] = field(default_factory=list)
    rejected: list[Problem] = field(default_factory=list)


def decode(data: bytes, display: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise AcledFileError(f"{display}:{line}: the file is not UTF-8 text (byte 0x{data[exc.start]:02X}); "
                             "export it again from ACLED as CSV (UTF-8)") from None


def read_rows(data: bytes, display: str) -> tuple[str, list[tuple[int, dict[str, str]]], list[Problem]]:
    """(layout, [(line, row)], malformed rows) of an ACLED CSV export."""
    reader = csv.reader(io.StringIO(decode(data, display), newline=""))
    try:
        header = [name.strip() for name in next(reader, [])]
        if not any(header):
            raise AcledFileError(f"{display}:1: the file is empty; expected an ACLED CSV export with a header row")
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise AcledFileError(f"{display}:1: missing ACLED column(s): {', '.join(missing)}; "
                                 "is this an ACLED CSV export?")
        rows, problems, start = [], [], reader.line_num + 1
        for values in reader:
            if any(v.strip() for v in values):
                if len(values) == len(header):
                    rows.append((start, {k: v.strip() for k, v in zip(header, values, strict=True)}))
                else:
                    problems.append(Problem(start, f"the row has {len(values)} fields but the header has "
                                                   f"{len(header)}"))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise AcledFileError(f"{display}:{reader.line_num}: the CSV cannot be read: {exc}") from None
    return _layout(header), rows, problems


def _layout(header: Sequence[str]) -> str:
    names = set(header)
    if names & LAYOUT_2023_COLUMNS:
        return "2023+"
    if names & LAYOUT_OLD_COLUMNS:
        return "pre-2023"
    return "unknown"


# --- one row ---------------------------------------------------------------

class _Malformed(ValueError):
    """A value the export should never hold."""


class _Rejected(ValueError):
    """A well-formed row that cannot become a record."""


def _whole_number(text: str) -> int | None:
    if not text:
        return None
    if not re.fullmatch(r"[0-9]+", text):
        raise _Malformed(f"fatalities '{_short(text)}' is not a whole number")
    if len(text) > MAX_DIGITS:  # int() would refuse past 4,300 digits; no toll is that long
        raise _Malformed(f"fatalities has {len(text):,} digits; a count has at most {MAX_DIGITS}")
    return int(text)


MAX_DIGITS = 30


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


def _number(text: str, name: str) -> float | None:
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise _Malformed(f"{name} '{text}' is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise _Malformed(f"{name} '{text}' is not a number")
    return value


def _inside_iraq(lat: float, lon: float) -> bool:
    (lat_lo, lat_hi), (lon_lo, lon_hi) = vocab.LAT_RANGE, vocab.LON_RANGE
    return lat_lo <= lat <= lat_hi and lon_lo <= lon <= lon_hi


def _published(timestamp: str) -> str | None:
    """The day ACLED last uploaded the event (its `timestamp`, Unix seconds)."""
    if not re.fullmatch(r"[0-9]{9,11}", timestamp):
        return None
    day = dt.datetime.fromtimestamp(int(timestamp), dt.timezone.utc).date()
    # A clock error must not cost the event: a future upload day is dropped.
    return day.isoformat() if day <= model.today() else None


def _place(row: Mapping[str, str]) -> str:
    location, admin2 = clean(row["location"]), clean(row.get("admin2", ""))
    if location and admin2 and vocab.fold_spelling(admin2) != vocab.fold_spelling(location):
        return trim(f"{location}, {admin2} district", TEXT_LIMIT)
    return trim(location or admin2 or clean(row["admin1"]) or "unknown place", TEXT_LIMIT)


def _actors(row: Mapping[str, str], n: str) -> str:
    actor, assoc = clean(row[f"actor{n}"]), clean(row.get(f"assoc_actor_{n}", ""))
    return f"{actor} (with {assoc})" if actor and assoc else actor


def row_record(row: Mapping[str, str]) -> dict[str, Any]:
    """The record data for one ACLED row (not yet validated).

    Raises _Malformed or _Rejected."""
    try:
        day = parse_acled_date(row["event_date"])
    except ValueError as exc:
        raise _Malformed(f"event_date {exc}") from None
    killed = _whole_number(row["fatalities"])
    lat, lon = _number(row["latitude"], "latitude"), _number(row["longitude"], "longitude")
    event_id = clean(row["event_id_cnty"])
    if not slug(event_id):
        raise _Rejected("event_id_cnty is empty; the event could not be traced back to ACLED")
    governorate = governorate_for(row["admin1"])
    if governorate is None:
        raise _Rejected(f"admin1 '{clean(row['admin1'])}' is not a governorate of Iraq")
    notes_text = clean(row["notes"])
    precision = row.get("time_precision", "").strip()
    date = day.isoformat()[:7] if precision == "3" else day.isoformat()
    place = _place(row)
    sub_event, actor1, actor2 = clean(row["sub_event_type"]), clean(row["actor1"]), clean(row["actor2"])
    source: dict[str, Any] = {"title": f"ACLED event {event_id}", "publisher": "ACLED"}
    published = _published(row.get("timestamp", ""))
    if published:
        source["published"] = published
    located = lat is not None and lon is not None and _inside_iraq(lat, lon)
    record: dict[str, Any] = {
        "id": record_id(date, clean(row["location"]) or governorate, event_id),
        "date": date,
        "governorate": governorate,
        "place": place,
        "coordinates": [lat, lon] if located else None,
        "geo_precision": GEO_PRECISION.get(row.get("geo_precision", "").strip()) if located else None,
        "tactic": tactic_for(sub_event, notes_text, actor1, row.get("inter1", "")),
        "target_type": target_type_for(notes_text, actor2, row.get("inter2", ""), row.get("civilian_targeting", "")),
        "target": trim(_actors(row, "2"), TEXT_LIMIT) or "not named by ACLED",
        "target_country": country_code(actor2),
        "killed": killed,
        "wounded": None,
        # One dataset's coding of (usually) one report: never confirmed by that alone.
        "evidence": "reported",
        "summary": trim(notes_text, SUMMARY_LIMIT) or f"ACLED gives no description of this {sub_event.lower()}.",
        "sources": [source],
        "notes": " ".join(_notes(row, event_id, notes_text, killed, lat, lon)),
        "tags": [event_tag(event_id)],
    }
    return {k: v for k, v in record.items() if v is not None or k in ("killed", "wounded")}


def _notes(row: Mapping[str, str], event_id: str, notes_text: str, killed: int | None,
           lat: float | None, lon: float | None) -> list[str]:
    """What a curator needs to know about where the record came from."""
    out = [f"Imported from ACLED event {event_id} ({clean(row['event_type'])}: {clean(row['sub_event_type'])})."]
    actors = [a for a in (_actors(row, "1"), _actors(row, "2")) if a]
    if actors:
        out.append(f"ACLED's actors, in its order (which implies no direction): {'; '.join(actors)}.")
    if clean(row["source"]):
        out.append(f"ACLED's sources: {clean(row['source'])}.")
    if killed == 0:
        out.append("ACLED records 0 fatalities both when none were reported and when the number is unknown.")
    elif killed is None:
        out.append("ACLED gives no fatality count.")
    out.append("ACLED does not code the wounded.")
    precision = row.get("time_precision", "").strip()
    if precision == "2":
        out.append("ACLED's date is approximate (time precision 2: the day is not certain).")
    elif precision == "3":
        out.append("ACLED knows only the month (time precision 3), so the date is the month.")
    if lat is not None and lon is not None and not _inside_iraq(lat, lon):
        out.append(f"ACLED's coordinates [{lat}, {lon}] lie outside Iraq's bounding box and were left out.")
    geo = row.get("geo_precision", "").strip()
    if geo and geo not in GEO_PRECISION:
        out.append(f"ACLED's geo_precision '{geo}' is not one of 1, 2, 3; the record's precision is left unsaid.")
    if len(notes_text) > SUMMARY_LIMIT:
        out.append("ACLED's description was shortened to fit the summary.")
    for column, label in (("civilian_targeting", "civilian targeting"), ("tags", "tags")):
        if clean(row.get(column, "")):
            out.append(f"ACLED {label}: {clean(row[column])}.")
    return out


def _validation_message(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors(include_url=False):
        where = ".".join(str(p) for p in err["loc"])
        parts.append(f"{where}: {err['msg']}" if where else str(err["msg"]))
    return "; ".join(parts)


# --- the whole file --------------------------------------------------------

def _kept_types(all_types: bool) -> frozenset[str] | None:
    return None if all_types else frozenset(t.casefold() for t in DEFAULT_EVENT_TYPES)


def convert(data: bytes, display: str, country: str = "Iraq", all_types: bool = False) -> Conversion:
    """Read an ACLED export and map the kept rows to incidents.

    Raises AcledFileError when the file as a whole cannot be read."""
    layout, rows, malformed = read_rows(data, display)
    result = Conversion(layout=layout, rows=len(rows) + len(malformed), malformed=malformed)
    kept_types = _kept_types(all_types)
    seen: dict[str, int] = {}
    with no_gc(), progress.task(f"converting {display}", len(rows)) as done:
        for n, (line, row) in enumerate(rows):
            if row["country"].casefold() != country.strip().casefold():
                result.other_country += 1
            elif kept_types is not None and row["event_type"].casefold() not in kept_types:
                result.other_type += 1
            else:
                _convert_row(line, row, seen, result)
            if not n % 2000:
                done(n)
    # Exports list events newest first; the ledger reads best by date.
    result.incidents.sort(key=sort_key)
    return result


def _convert_row(line: int, row: Mapping[str, str], seen: dict[str, int], result: Conversion) -> None:
    try:
        data = row_record(row)
        incident = Incident.model_validate(data)
    except _Malformed as exc:
        result.malformed.append(Problem(line, str(exc)))
        return
    except _Rejected as exc:
        result.rejected.append(Problem(line, str(exc)))
        return
    except ValidationError as exc:
        result.rejected.append(Problem(line, f"event {clean(row['event_id_cnty'])}: {_validation_message(exc)}"))
        return
    tag = event_tag(row["event_id_cnty"])
    if tag in seen:
        result.rejected.append(Problem(line, f"event {clean(row['event_id_cnty'])} appears again "
                                             f"(first at line {seen[tag]})"))
        return
    seen[tag] = line
    result.incidents.append(incident)


def new_incidents(incidents: Iterable[Incident], existing: Iterable[Incident]) -> tuple[list[Incident], int]:
    """(the incidents not in the ledger yet, how many were already there).

    An event is there when its id is, or when a record carries its
    `acled-...` tag (a curator may have renamed the id)."""
    known = list(existing)
    ids = {i.id for i in known}
    tags = {t for i in known for t in i.tags if t.startswith("acled-")}
    fresh, skipped = [], 0
    for incident in incidents:
        if incident.id in ids or not tags.isdisjoint(incident.tags):
            skipped += 1
        else:
            fresh.append(incident)
    return fresh, skipped
