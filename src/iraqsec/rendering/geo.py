"""Map geometry for `iraqsec report`: Iraq's outline, where each
governorate is drawn, and the projection from degrees to the drawing.

The outline is Natural Earth's (public domain), from the npm package
world-atlas (ISC), decoded and simplified by `tools/build_iraq_outline.py`
into `mapdata/iraq.json`.  No openly licensed governorate boundaries were
found through the package registries, so a governorate is drawn as a point
at its capital (`vocab.GOVERNORATE_CAPITALS`).
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Any

# Where a governorate's label sits relative to its capital (dx, dy in
# drawing units, text anchor): the capitals around Baghdad are close
# together, so their labels fan out instead of overlapping.
LABEL_OFFSETS: Mapping[str, tuple[int, int, str]] = MappingProxyType(
    {
        "Baghdad": (10, 4, "start"),
        "Diyala": (10, -4, "start"),
        "Anbar": (-10, 4, "end"),
        "Babil": (10, 4, "start"),
        "Karbala": (-10, 0, "end"),
        "Najaf": (-10, 8, "end"),
        "Qadisiyyah": (10, 8, "start"),
        "Wasit": (10, 0, "start"),
        "Salah al-Din": (-10, 0, "end"),
        "Kirkuk": (10, 0, "start"),
        "Erbil": (10, 4, "start"),
        "Sulaymaniyah": (10, 0, "start"),
        "Halabja": (8, 12, "start"),
        "Nineveh": (-10, 4, "end"),
        "Duhok": (10, -4, "start"),
    }
)
DEFAULT_OFFSET = (10, 4, "start")

# The drawing: an equirectangular projection scaled by the cosine of the
# middle latitude, which is close enough over a country of Iraq's size.
WEST, EAST, SOUTH, NORTH = 38.6, 48.9, 28.9, 37.5
SCALE = 60.0  # drawing units per degree of longitude at the middle latitude
_MID = math.radians((SOUTH + NORTH) / 2)


@dataclass(frozen=True)
class Outline:
    rings: list[list[tuple[float, float]]]  # [lon, lat] points
    source: str
    licence: str


@functools.cache
def outline() -> Outline:
    text = resources.files("iraqsec").joinpath("mapdata/iraq.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return Outline([[(float(x), float(y)) for x, y in ring] for ring in data["rings"]], data["source"],
                   data["licence"])


def project(lat: float, lon: float) -> tuple[float, float]:
    """Drawing coordinates (x right, y down) of a point in degrees."""
    x = (lon - WEST) * SCALE * math.cos(_MID)
    y = (NORTH - lat) * SCALE
    return round(x, 1), round(y, 1)


def size() -> tuple[float, float]:
    """Width and height of the drawing."""
    x, y = project(SOUTH, EAST)
    return x, y
