"""Build src/iraqsec/mapdata/iraq.json, Iraq's outline for `iraqsec report`.

The outline is Natural Earth's 1:50m admin-0 boundary (public domain) as
the npm package `world-atlas` 2.0.2 (ISC licence) ships it in TopoJSON.
Run it again only to change the source or the simplification:

    mkdir /tmp/wa && (cd /tmp/wa && npm install world-atlas@2.0.2)
    python tools/build_iraq_outline.py /tmp/wa/node_modules/world-atlas/countries-50m.json

TopoJSON stores each shared boundary once as an "arc" of delta-encoded,
quantized points; a polygon lists the arcs of its rings (a negative index
~i means arc i reversed).  The rings are decoded here, simplified with
Douglas-Peucker and rounded to 0.001 degree (about 100 m).
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

IRAQ_ID = "368"  # ISO 3166-1 numeric
TOLERANCE = 0.01  # degrees: well under a pixel at the report's map size
OUT = Path(__file__).resolve().parent.parent / "src" / "iraqsec" / "mapdata" / "iraq.json"

Point = tuple[float, float]


def decode_arcs(topology: dict[str, Any]) -> list[list[Point]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(indices: list[int], arcs: list[list[Point]]) -> list[Point]:
    out: list[Point] = []
    for index in indices:
        points = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        out.extend(points[1:] if out else points)  # consecutive arcs share their end point
    return out


def _distance(p: Point, a: Point, b: Point) -> float:
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == dy == 0:
        return math.hypot(x - x1, y - y1)
    return abs(dy * x - dx * y + x2 * y1 - y2 * x1) / math.hypot(dx, dy)


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker, iteratively (no recursion limit on long rings)."""
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        best, index = 0.0, -1
        for i in range(first + 1, last):
            d = _distance(points[i], points[first], points[last])
            if d > best:
                best, index = d, i
        if index >= 0 and best > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def main(source: str) -> None:
    topology = json.loads(Path(source).read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    geometry = next(g for g in topology["objects"]["countries"]["geometries"] if g.get("id") == IRAQ_ID)
    polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
    rings = [simplify(ring(r, arcs), TOLERANCE) for polygon in polygons for r in polygon]
    data = {
        "name": "Iraq",
        "source": "Natural Earth 1:50m Admin 0 countries, via the npm package world-atlas 2.0.2 "
                  "(countries-50m.json, id 368)",
        "licence": "Natural Earth data is in the public domain; world-atlas is under the ISC licence "
                   "(Copyright 2013-2019 Michael Bostock)",
        "simplification": f"Douglas-Peucker, tolerance {TOLERANCE} degree; coordinates rounded to 0.001 degree",
        "rings": [[[round(x, 3), round(y, 3)] for x, y in r] for r in rings],
    }
    OUT.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(rings)} ring(s), {sum(len(r) for r in rings)} points")


if __name__ == "__main__":
    main(sys.argv[1])
