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
        "missile": "Guided or ballistic missiles.",
        "drone": "Armed or explosive-laden unmanned aircraft.",
        "airstrike": "Strikes by manned or unmanned military aircraft of a state.",
        "ied": "Improvised explosive devices: roadside bombs, sticky bombs, car bombs.",
        "small-arms": "Gunfire from rifles, pistols or machine guns.",
        "grenade": "Hand or rocket-propelled grenades.",
        "arson": "Setting fire to property, including storming and burning a compound.",
        "kidnapping": "Abduction of people.",
        "other": "Any other means; say which in the summary.",
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


# Fields of an incident, in the contract's order (used by writers and fmt).
INCIDENT_FIELDS: tuple[str, ...] = (
    "id",
    "date",
    "governorate",
    "place",
    "coordinates",
    "tactic",
    "target_type",
    "target",
    "target_country",
    "killed",
    "wounded",
    "claimed_by",
    "attributed_to",
    "summary",
    "sources",
    "notes",
    "tags",
)
SOURCE_FIELDS: tuple[str, ...] = ("title", "url", "publisher", "published")
ACTOR_FIELDS: tuple[str, ...] = ("name", "kind", "aliases", "linked_to", "sources", "notes")
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
