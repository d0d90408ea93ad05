"""The report's drawings as inline SVG: the monthly trend and the map.

Ledger text reaches these drawings only through `markup.el` (escaped).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from types import MappingProxyType

from iraqsec.analysis.page import GovernorateCount, MapPoint, MonthBar
from iraqsec.analysis.reports import EVIDENCE_ORDER
from iraqsec.rendering import geo
from iraqsec.rendering.markup import Markup, el, join

TACTIC_COLOURS: Mapping[str, str] = MappingProxyType({
    "rocket": "#d62728", "mortar": "#ff7f0e", "missile": "#8c564b", "drone": "#9467bd",
    "airstrike": "#1f77b4", "ied": "#2ca02c", "small-arms": "#e377c2", "grenade": "#bcbd22",
    "arson": "#a0522d", "kidnapping": "#17becf", "other": "#7f7f7f", "unknown": "#3a3a3a",
})
GRADE_COLOURS: Mapping[str, str] = MappingProxyType({
    "confirmed": "#1b4f8a", "reported": "#6a9bd8", "claimed": "#e8a33d", "disputed": "#b2456e",
    "ungraded": "#bdbdbd",
})
KILLED_COLOUR, WOUNDED_COLOUR = "#7a1010", "#e0795a"
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# Up to this many months every month is labelled on wide slots; beyond it
# slots narrow and only quarters are labelled (the chart scrolls sideways
# when wider than the screen).
WIDE_MONTHS = 24
FEW_MONTHS = 8  # up to this many, wider bars still
MIN_WIDTH = 320


def tactic_colour(tactic: str) -> str:
    return TACTIC_COLOURS.get(tactic, "#000000")


def nice_step(top: int, ticks: int = 4) -> int:
    """A round step (1, 2, 5, 10, 20, 50...) giving at most `ticks` gridlines."""
    if top <= ticks:
        return 1
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return int(factor * power)
    return int(10 * power)  # pragma: no cover - the loop always returns


def _axis(left: float, top: float, width: float, height: float, maximum: int) -> list[Markup]:
    step = nice_step(maximum)
    out = []
    value = 0
    while value <= maximum:
        y = top + height - value * height / maximum
        out.append(el("line", {"x1": left, "x2": left + width, "y1": round(y, 1), "y2": round(y, 1),
                               "class": "grid"}))
        out.append(el("text", {"x": left - 4, "y": round(y + 3, 1), "class": "tick", "text-anchor": "end"},
                      value))
        value += step
    return out


def trend_chart(bars: Sequence[MonthBar]) -> Markup:
    """Monthly incidents as bars stacked by evidence grade, escalation months
    marked, and killed and wounded as a second panel below."""
    n = len(bars)
    slot = 64 if n <= FEW_MONTHS else 44 if n <= WIDE_MONTHS else 16
    left, top, bars_h, gap, cas_h, bottom = 40, 30, 190, 34, 80, 34
    width = max(left + max(n, 1) * slot + 12, MIN_WIDTH)  # room for the panels' titles
    height = top + bars_h + gap + cas_h + bottom
    top_count = max((b.incidents for b in bars), default=0) or 1
    top_cas = max((max(b.killed, b.wounded) for b in bars), default=0) or 1
    parts: list[Markup | None] = [
        el("title", {}, "Incidents per month by evidence grade, with killed and wounded"),
        *_axis(left, top, n * slot, bars_h, top_count),
        *_axis(left, top + bars_h + gap, n * slot, cas_h, top_cas),
        el("text", {"x": 4, "y": 12, "class": "panel"}, "Incidents"),
        el("text", {"x": 4, "y": top + bars_h + gap - 12, "class": "panel"}, "Killed and wounded (reported)"),
    ]
    for i, bar in enumerate(bars):
        parts.append(_month(bar, left + i * slot, slot, top, bars_h, top_count, top + bars_h + gap, cas_h, top_cas))
        parts.append(_month_label(bar.month, i, n, left + i * slot + slot / 2, height - bottom + 14))
    return el("svg", {"id": "trend-chart", "viewBox": f"0 0 {width} {height}", "width": width, "height": height,
                      "role": "img", "aria-labelledby": "trend-title", "class": "chart"}, *parts)


def _month(bar: MonthBar, x: float, slot: float, top: float, height: float, maximum: int, cas_top: float,
           cas_h: float, cas_max: int) -> Markup:
    bar_w = slot * 0.72
    x0 = round(x + (slot - bar_w) / 2, 1)
    parts: list[Markup] = []
    if bar.escalation:
        parts.append(el("rect", {"x": x, "y": top, "width": slot, "height": height, "class": "esc-band"}))
    y = top + height
    for g in EVIDENCE_ORDER:
        count = bar.segments.get(g, 0)
        if not count:
            continue
        h = count * height / maximum
        y -= h
        parts.append(el("rect", {"x": x0, "y": round(y, 1), "width": round(bar_w, 1), "height": round(h, 1),
                                 "fill": GRADE_COLOURS[g], "class": f"seg g-{g}"},
                        el("title", {}, f"{bar.month}: {count} {g}")))
    if bar.escalation:
        word = f"escalation ({bar.signal})" if bar.signal else "escalation"
        parts.append(el("text", {"x": round(x + slot / 2, 1), "y": round(y - 4, 1), "text-anchor": "middle",
                                 "class": "esc-mark"},
                        "▲", el("title", {}, f"{bar.month}: {word}")))
    label = f"{bar.month}: {bar.incidents} incident{'' if bar.incidents == 1 else 's'}"
    parts.append(el("title", {}, label))
    half = bar_w / 2
    for j, (value, colour, what) in enumerate(((bar.killed, KILLED_COLOUR, "killed"),
                                               (bar.wounded, WOUNDED_COLOUR, "wounded"))):
        if not value:
            continue
        h = value * cas_h / cas_max
        parts.append(el("rect", {"x": round(x0 + j * half, 1), "y": round(cas_top + cas_h - h, 1),
                                 "width": round(half, 1), "height": round(h, 1), "fill": colour,
                                 "class": f"cas {what}"}, el("title", {}, f"{bar.month}: {value} {what}")))
    return el("g", {"class": "month", "data-month": bar.month, "data-incidents": bar.incidents}, *parts)


def _month_label(month: str, index: int, n: int, x: float, y: float) -> Markup | None:
    number = int(month[5:7])
    if n > WIDE_MONTHS and (number - 1) % 3:
        return None
    lines = [el("tspan", {"x": x, "dy": 0}, MONTH_NAMES[number - 1])]
    if number == 1 or index == 0:
        lines.append(el("tspan", {"x": x, "dy": 12}, month[:4]))
    return el("text", {"x": x, "y": y, "text-anchor": "middle", "class": "tick"}, *lines)


# --- map ---------------------------------------------------------------------

# How each precision is drawn: (radius, fill opacity, stroke width, dashed).
PRECISION_STYLE: Mapping[str, tuple[float, float, float, bool]] = MappingProxyType({
    "exact": (2.8, 1.0, 0.8, False),
    "site": (2.8, 1.0, 0.8, False),
    "near": (3.6, 0.45, 1.2, False),
    "district": (4.6, 0.0, 1.6, False),
    "governorate": (6.0, 0.0, 1.2, True),
    "unstated": (2.8, 1.0, 0.8, False),
})
# Marks at one spot are packed in a sunflower (Vogel's spiral) around it,
# the most precise in the middle: a compact disc whatever their number.
SPACING = 3.2
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
PRECISION_WORDS: Mapping[str, str] = MappingProxyType({
    "exact": "exact spot", "site": "inside the named site", "near": "within about 25 km",
    "district": "somewhere in the district", "governorate": "only the governorate is known",
    "unstated": "coordinates without a stated precision",
})


def precision_mark(precision: str, colour: str, cx: float, cy: float, **extra: str | int | float) -> Markup:
    radius, opacity, stroke, dashed = PRECISION_STYLE.get(precision, PRECISION_STYLE["unstated"])
    ring = precision in ("exact", "site", "unstated")
    attributes: dict[str, str | int | float | bool | None] = {
        "cx": cx, "cy": cy, "r": radius, "fill": colour, "fill-opacity": opacity,
        "stroke": "#ffffff" if precision == "exact" else ("#222222" if ring else colour),
        "stroke-width": stroke, "stroke-dasharray": "3 2" if dashed else None, **extra}
    return el("circle", attributes)


def map_svg(points: Sequence[MapPoint], governorates: Sequence[GovernorateCount]) -> Markup:
    width, height = geo.size()
    rings = []
    for ring in geo.outline().rings:
        coords = [geo.project(lat, lon) for lon, lat in ring]
        rings.append("M" + "L".join(f"{x},{y}" for x, y in coords) + "Z")
    parts: list[Markup] = [
        el("title", {}, "Map of Iraq: incidents by location and governorate"),
        el("path", {"d": " ".join(rings), "class": "outline"}),
        join(_governorate(g) for g in governorates),
        join(_points(points)),
        el("g", {"class": "gov-labels", "aria-hidden": "true"}, *(_governorate_label(g) for g in governorates)),
    ]
    return el("svg", {"id": "map", "viewBox": f"0 0 {width} {height}", "role": "group",
                      "aria-label": "Map of Iraq", "class": "map"}, *parts)


def _governorate(g: GovernorateCount) -> Markup:
    x, y = geo.project(g.lat, g.lon)
    radius = round(3 + 2.2 * math.sqrt(g.incidents), 1) if g.incidents else 2.5
    noun = "incident" if g.incidents == 1 else "incidents"
    words = f"{g.name} (capital {g.capital}): {g.incidents} {noun}, {g.located} with a point of their own"
    return el("g", {"class": "gov", "data-governorate": g.name, "data-count": g.incidents},
              el("circle", {"cx": x, "cy": y, "r": radius, "class": "gov-dot"}, el("title", {}, words)))


def _governorate_label(g: GovernorateCount) -> Markup:
    """Drawn above the points, so that a cluster never hides a count."""
    x, y = geo.project(g.lat, g.lon)
    dx, dy, anchor = geo.LABEL_OFFSETS.get(g.name, geo.DEFAULT_OFFSET)
    return el("text", {"x": round(x + dx, 1), "y": round(y + dy, 1), "text-anchor": anchor, "class": "gov-label"},
              f"{g.name} {g.incidents}")


def _points(points: Sequence[MapPoint]) -> list[Markup]:
    """One mark per located incident.  Marks at the same spot are packed
    around it so that each stays visible and focusable."""
    groups: dict[tuple[float, float], list[MapPoint]] = {}
    for p in points:
        groups.setdefault(geo.project(p.located.lat, p.located.lon), []).append(p)
    rank = list(PRECISION_STYLE)
    out = []
    for (x, y), group in groups.items():
        group = sorted(group, key=lambda p: rank.index(p.located.precision) if p.located.precision in rank else 0)
        for k, p in enumerate(group):
            distance = SPACING * math.sqrt(k + 0.5) if len(group) > 1 else 0.0
            angle = k * GOLDEN_ANGLE
            cx, cy = round(x + distance * math.cos(angle), 1), round(y + distance * math.sin(angle), 1)
            words = (f"{p.date} {p.tactic}: {p.target}, {p.place} "
                     f"({PRECISION_WORDS.get(p.located.precision, p.located.precision)})")
            mark = precision_mark(p.located.precision, tactic_colour(p.tactic), cx, cy)
            # the mark's attributes, with the point's own on a wrapping group
            out.append(el("g", {"class": f"pt p-{p.located.precision}", "data-id": p.id, "tabindex": 0,
                                "role": "img", "aria-label": words, "data-label": words},
                          mark, el("title", {}, words)))
    return out
