"""The controlled vocabularies of the record format, defined once.

Every term carries a one-line definition for curators; `docs/codebook.md`
explains the same terms at length.  Governorates carry their accepted
aliases (used by command-line filters and by suggestions in `check`).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

TACTICS: Mapping[str, str] = MappingProxyType(
    {
        "rocket": "Unguided rockets (Katyusha 107/122 mm and similar), usually from a timed launcher.",
        "mortar": "Mortar rounds.",
        "missile": "Ballistic or guided missiles launched from the ground.",
        "drone": "A one-way attack drone, or a small drone dropping munitions, launched at the target.",
        "airstrike": "A strike from an aircraft of a state, crewed or uncrewed (an MQ-9 strike is an airstrike).",
        "ied": "Improvised explosive devices: roadside bombs, sticky bombs, car bombs.",
        "small-arms": "Gunfire from rifles, pistols or machine guns.",
        "grenade": "Hand or rocket-propelled grenades.",
        "arson": "Setting fire to property, including storming and burning a compound.",
        "kidnapping": "Abduction of people.",
        "other": "A known means that no other term covers, such as storming a compound; say which in the summary.",
        "unknown": "The reports say an attack took place but not how.",
    }
)

TARGET_TYPES: Mapping[str, str] = MappingProxyType(
    {
        "military-base": "A base or camp hosting Iraqi, US or coalition troops.",
        "airport": "A civil airport, or the military side of one.",
        "diplomatic-mission": "An embassy, consulate or a diplomat's residence.",
        "diplomatic-convoy": "Vehicles carrying diplomats or embassy staff.",
        "logistics-convoy": "Trucks of contractors carrying supplies for foreign forces.",
        "military-convoy": "Vehicles of a military force.",
        "private-company": "Premises or staff of a company (security, oil, services).",
        "educational": "Schools, institutes, universities.",
        "government": "Iraqi government premises or officials.",
        "militia": "Premises or members of an armed group.",
        "civilian": "Civilians or civilian property not covered above.",
        "other": "Anything else; say what in `target`.",
    }
)

EVIDENCE: Mapping[str, str] = MappingProxyType(
    {
        "confirmed": "An official statement (Security Media Cell, coalition, embassy, government) "
                     "or two or more independent reports.",
        "reported": "One credible report, no official confirmation.",
        "claimed": "Known only from a perpetrator's claim or outlets aligned with the perpetrator.",
        "disputed": "An official denial or credible reports contradict it.",
    }
)

SCOPES: Mapping[str, str] = MappingProxyType(
    {
        "campaign": "An attack on US, coalition, foreign diplomatic, contractor or foreign-company targets, "
                    "or a strike by a state party (the US, Iran) in the same conflict.",
        "context": "An event that shapes the campaign but is none of those (an Iraqi raid on a militia, "
                   "protesters burning a consulate).",
    }
)
DEFAULT_SCOPE = "campaign"

GEO_PRECISIONS: Mapping[str, str] = MappingProxyType(
    {
        "exact": "The coordinates are the spot itself.",
        "site": "Inside the named facility.",
        "near": "Within about 25 km of the named place.",
        "district": "Somewhere in the named district.",
        "governorate": "Only the governorate is known.",
    }
)

RELATIONS: Mapping[str, str] = MappingProxyType(
    {
        "responds-to": "This event answers the other one (a retaliatory strike, for instance).",
        "same-attack": "Another part of one coordinated attack.",
        "see-also": "Otherwise connected.",
    }
)

PLACE_KINDS: Mapping[str, str] = MappingProxyType(
    {
        "base": "A military base or camp.",
        "airport": "An airport, civil or military.",
        "diplomatic": "An embassy, consulate or diplomatic compound.",
        "company-site": "Premises of a company.",
        "town": "A town or city.",
        "district": "A district or neighbourhood.",
        "road": "A road or highway.",
        "other": "Anything else.",
    }
)

# Canonical governorate name -> (ISO 3166-2 code, accepted aliases).
GOVERNORATES: Mapping[str, tuple[str, tuple[str, ...]]] = MappingProxyType(
    {
        "Anbar": ("IQ-AN", ("Al Anbar",)),
        "Babil": ("IQ-BB", ("Babylon",)),
        "Baghdad": ("IQ-BG", ()),
        "Basra": ("IQ-BA", ("Basrah", "Al Basrah")),
        "Dhi Qar": ("IQ-DQ", ("Thi Qar",)),
        "Diyala": ("IQ-DI", ()),
        "Duhok": ("IQ-DA", ("Dohuk", "Dahuk")),
        "Erbil": ("IQ-AR", ("Arbil", "Hewler")),
        "Halabja": ("IQ-SW", ()),
        "Karbala": ("IQ-KA", ()),
        "Kirkuk": ("IQ-KI", ("Tamim",)),
        "Maysan": ("IQ-MA", ("Missan",)),
        "Muthanna": ("IQ-MU", ("Al Muthanna",)),
        "Najaf": ("IQ-NA", ("An Najaf",)),
        "Nineveh": ("IQ-NI", ("Ninawa", "Ninewa")),
        "Qadisiyyah": ("IQ-QA", ("Al-Qadisiyyah", "Qadissiya", "Diwaniyah")),
        "Salah al-Din": ("IQ-SD", ("Saladin", "Salahuddin")),
        "Sulaymaniyah": ("IQ-SU", ("Sulaimaniya",)),
        "Wasit": ("IQ-WA", ("Wassit",)),
    }
)


def fold_spelling(name: str) -> str:
    """Case- and punctuation-insensitive form used to match place aliases."""
    return "".join(ch for ch in name.casefold() if ch.isalnum())


_GOVERNORATE_INDEX: dict[str, str] = {}
for _canonical, (_code, _aliases) in GOVERNORATES.items():
    for _name in (_canonical, _code, *_aliases):
        _GOVERNORATE_INDEX[fold_spelling(_name)] = _canonical


def canonical_governorate(name: str) -> str | None:
    """The canonical governorate for a name, alias or ISO code; None if unknown."""
    return _GOVERNORATE_INDEX.get(fold_spelling(name))


def governorate_aliases() -> dict[str, str]:
    """Every accepted spelling (alias or ISO code) -> canonical name."""
    out: dict[str, str] = {}
    for canonical, (code, aliases) in GOVERNORATES.items():
        out[code] = canonical
        for alias in aliases:
            out[alias] = canonical
    return out


# The capital of each governorate, [lat, lon] of its centre as read from the
# page cited beside it: where `export --format geojson --governorate-fallback`
# puts a record known only to its governorate, as ACLED does for its lowest
# precision.  Where `data/places.yaml` has an entry for the capital, the point
# is that entry's (its sources are listed there); the rest were read from the
# encyclopaedia pages named here.  docs/interop.md tabulates the same sources.
GOVERNORATE_CAPITALS: Mapping[str, tuple[str, tuple[float, float]]] = MappingProxyType(
    {
        "Anbar": ("Ramadi", (33.4197, 43.3125)),  # places.yaml `ramadi`
        "Babil": ("Hillah", (32.48, 44.44)),  # places.yaml `hillah`
        "Baghdad": ("Baghdad", (33.3128, 44.3615)),  # places.yaml `baghdad`
        "Basra": ("Basra", (30.515, 47.81)),  # places.yaml `basra`
        "Dhi Qar": ("Nasiriyah", (31.05, 46.266667)),  # places.yaml `nasiriyah`
        # https://wiki.charlieakan.net/content/wikipedia_en_simple_all_nopic_2025-09/Baqubah
        "Diyala": ("Baqubah", (33.750, 44.633)),
        "Duhok": ("Duhok", (36.867, 43.000)),  # https://en.wikipedia.org/wiki/Dohuk
        "Erbil": ("Erbil", (36.183, 44.017)),  # places.yaml `erbil-city`
        "Halabja": ("Halabja", (35.179631, 45.987825)),  # http://it.wikipedia.org/wiki/Halabja
        "Karbala": ("Karbala", (32.616667, 44.033333)),  # places.yaml `karbala`
        "Kirkuk": ("Kirkuk", (35.47, 44.3958)),  # places.yaml `kirkuk`
        "Maysan": ("Amarah", (31.8333, 47.15)),  # places.yaml `amarah`
        "Muthanna": ("Samawah", (31.317, 45.283)),  # places.yaml `samawah`
        "Najaf": ("Najaf", (32.0, 44.333333)),  # places.yaml `najaf`
        "Nineveh": ("Mosul", (36.34, 43.13)),  # http://piglix.com/piglix/Al-Mosul
        "Qadisiyyah": ("Diwaniyah", (31.9891, 44.9247)),  # places.yaml `diwaniyah`
        "Salah al-Din": ("Tikrit", (34.61, 43.68)),  # places.yaml `tikrit`
        # https://simple.m.wikipedia.org/wiki/Sulaymaniyah
        "Sulaymaniyah": ("Sulaymaniyah", (35.55722, 45.43556)),
        "Wasit": ("Kut", (32.505556, 45.824722)),  # places.yaml `kut`
    }
)


# Fields of an incident, in the contract's order (used by writers and fmt).
INCIDENT_FIELDS: tuple[str, ...] = (
    "id",
    "date",
    "date_end",
    "governorate",
    "place",
    "site",
    "coordinates",
    "geo_precision",
    "tactic",
    "target_type",
    "target",
    "target_country",
    "killed",
    "wounded",
    "claimed_by",
    "attributed_to",
    "evidence",
    "scope",
    "related",
    "summary",
    "sources",
    "notes",
    "tags",
    "withdrawn",
)
SOURCE_FIELDS: tuple[str, ...] = ("title", "url", "publisher", "published")
ACTOR_FIELDS: tuple[str, ...] = ("name", "kind", "aliases", "linked_to", "sources", "notes")
PLACE_FIELDS: tuple[str, ...] = ("id", "name", "aliases", "kind", "governorate", "coordinates", "sources", "notes")
RELATED_FIELDS: tuple[str, ...] = ("id", "relation")
WITHDRAWN_FIELDS: tuple[str, ...] = ("reason", "superseded_by")
# The keys of mappings nested in a record, by the record key that holds them.
NESTED_FIELDS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {"sources": SOURCE_FIELDS, "related": RELATED_FIELDS, "withdrawn": WITHDRAWN_FIELDS})
# How far `date_end` may lie after `date`.
MAX_SPAN_DAYS = 31
ACTOR_KINDS: Mapping[str, str] = MappingProxyType(
    {
        "faction": "An established armed group.",
        "front": "A name used to claim attacks, believed to cover for a faction.",
        "state": "A state or its armed forces.",
        "coalition": "A multinational coalition.",
        "other": "Anything else, including generic attributions.",
    }
)

# ISO 3166-1 alpha-2 codes assigned to countries and territories (249).
COUNTRY_CODES: frozenset[str] = frozenset((
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW"
))

# Iraq's bounding box for coordinates, as the contract gives it.
LAT_RANGE = (29.0, 37.4)
LON_RANGE = (38.7, 48.8)
