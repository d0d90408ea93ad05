"""Rendering for terminals with rich.  Ledger text is always passed as
`Text` (never markup), and control characters are replaced before they can
reach a terminal."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import IO, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .model import Incident, Source
from .plain import shown_date
from .reports import EVIDENCE_ORDER, Measures, Pivot, Point, segments, sparkline

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def safe(text: str | None) -> Text:
    """Ledger text as a rich Text: literal, with control characters made visible."""
    return Text(_CONTROL.sub("\N{REPLACEMENT CHARACTER}", text or ""))


def console(file: IO[str] | None = None, width: int | None = None, record: bool = False,
            force_terminal: bool | None = None, color_system: str | None = "auto") -> Console:
    """A console that never reads markup or emoji codes from data, and writes
    no escape sequences when the output is not a terminal or NO_COLOR is set."""
    return Console(
        file=file,
        width=width,
        markup=False,
        emoji=False,
        highlight=False,
        no_color=bool(os.environ.get("NO_COLOR")),
        record=record,
        soft_wrap=False,
        force_terminal=force_terminal,
        color_system=color_system,  # type: ignore[arg-type]
    )


def count(value: int | None) -> str:
    return "?" if value is None else str(value)


def incident_table(incidents: Sequence[Incident]) -> Table:
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold", expand=False)
    table.add_column("Date", no_wrap=True)
    table.add_column("Governorate", no_wrap=True, max_width=12, overflow="ellipsis")
    table.add_column("Tactic", no_wrap=True)
    table.add_column("Target", ratio=1, overflow="fold")
    table.add_column("K", justify="right", no_wrap=True)
    table.add_column("W", justify="right", no_wrap=True)
    for incident in incidents:
        table.add_row(shown_date(incident.date, incident.date_end), safe(incident.governorate), incident.tactic,
                      safe(incident.target), count(incident.killed), count(incident.wounded))
    return table


# --- one incident ----------------------------------------------------------


def incident_detail(incident: Incident, links: Sequence[tuple[str, str]] = (), site_name: str | None = None) -> Table:
    """Every field of one incident, sources included, as a two-column table;
    `links` are (relation label, description) pairs in both directions."""
    table = Table(box=None, show_header=False, pad_edge=False, show_edge=False)
    table.add_column("field", style="bold", no_wrap=True)
    table.add_column("value", overflow="fold")
    coords = incident.coordinates
    withdrawn = incident.withdrawn
    site = f"{incident.site} ({site_name})" if incident.site and site_name else incident.site
    rows: list[tuple[str, str | None]] = [
        ("WITHDRAWN", withdrawn.reason if withdrawn else None),
        ("superseded by", withdrawn.superseded_by if withdrawn else None),
        ("id", incident.id), ("date", shown_date(incident.date, incident.date_end)),
        ("governorate", incident.governorate), ("place", incident.place), ("site", site),
        ("coordinates", f"{coords[0]}, {coords[1]}" if coords else None),
        ("geo precision", incident.geo_precision),
        ("tactic", incident.tactic), ("target type", incident.target_type), ("target", incident.target),
        ("target country", incident.target_country), ("killed", count(incident.killed)),
        ("wounded", count(incident.wounded)), ("claimed by", "; ".join(incident.claimed_by) or None),
        ("attributed to", "; ".join(incident.attributed_to) or None),
        ("evidence", incident.evidence or "ungraded"), ("scope", incident.scope),
        *links, ("summary", incident.summary), ("notes", incident.notes), ("tags", ", ".join(incident.tags) or None),
    ]
    for name, value in rows:
        if value is not None:
            table.add_row(name, safe(value))
    for i, source in enumerate(incident.sources, 1):
        table.add_row(f"source {i}", safe(_source_text(source)))
    return table


def _source_text(source: str | Source) -> str:
    if isinstance(source, str):
        return source
    parts = [source.title, source.publisher, source.published, source.url]
    return " | ".join(p for p in parts if p)


# --- summary ---------------------------------------------------------------


# What an absent value is called in a table, by field ("(none)" otherwise).
_NONE_LABELS = {"evidence": "ungraded"}


def label(value: object, field: str = "") -> Text:
    return Text(_NONE_LABELS.get(field, "(none)"), style="dim") if value is None else safe(str(value))


def summary_table(rows: Sequence[dict[str, Any]], fields: Sequence[str], headers: Sequence[str],
                  total: Measures) -> Table:
    """One row per group; the footer counts each incident once (an incident
    naming two actors appears in two rows)."""
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold", show_footer=True)
    for i, header in enumerate(headers):
        table.add_column(header, footer="Total" if i == 0 else "", overflow="fold")
    table.add_column("Incidents", justify="right", footer=str(total.incidents))
    table.add_column("Killed", justify="right", footer=str(total.killed))
    table.add_column("Wounded", justify="right", footer=str(total.wounded))
    table.add_column("Unrep.", justify="right", footer=str(total.unreported))
    for row in rows:
        table.add_row(*(label(row[f], f) for f in fields), str(row["incidents"]), str(row["killed"]),
                      str(row["wounded"]), str(row["unreported"]))
    return table


def pivot_table(p: Pivot, header: str) -> Table:
    # one space between columns (not two) so that a dozen columns fit in 80
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold", show_footer=True,
                  padding=(0, 0, 0, 1))
    table.add_column("Month", footer="Total", no_wrap=True)
    for column in p.columns:
        # a hyphenated term breaks at its hyphen rather than mid-word when columns are narrow
        heading = label(column, p.field) if column is None else safe(str(column).replace("-", "-\n"))
        table.add_column(heading, justify="right", footer=str(p.column_totals[column]), overflow="fold")
    table.add_column("All", justify="right", footer=str(p.total.incidents), style="bold")
    table.add_column("K", justify="right", footer=str(p.total.killed))
    table.add_column("W", justify="right", footer=str(p.total.wounded))
    table.add_column("?", justify="right", footer=str(p.total.unreported))
    for month in p.months:
        m = p.row_totals[month]
        cells = [str(p.cells.get((month, c), "")) or "·" for c in p.columns]
        table.add_row(month, *cells, str(m.incidents), str(m.killed), str(m.wounded), str(m.unreported))
    return table


# --- trend -----------------------------------------------------------------


def _change(point: Point) -> str:
    if point.change is None:
        return ""
    return f"{point.change:+.0%}"


# Each evidence grade's segment has its own glyph, so that bars stay readable
# without colour (in a pipe, with NO_COLOR, in print); colour only helps.
EVIDENCE_GLYPHS: dict[str, tuple[str, str]] = {
    "confirmed": ("█", "green"),
    "reported": ("▓", "cyan"),
    "claimed": ("▒", "yellow"),
    "disputed": ("░", "magenta"),
    "ungraded": ("┈", "bright_black"),
}


def evidence_legend() -> Text:
    legend = Text("Evidence: ")
    for i, grade in enumerate(EVIDENCE_ORDER):
        glyph, style = EVIDENCE_GLYPHS[grade]
        legend.append(("  " if i else "") + glyph, style=style)
        legend.append(f" {grade}")
    return legend


def _bar(point: Point, top: int, bar_width: int) -> Text:
    lengths = segments([point.evidence[g] for g in EVIDENCE_ORDER], top, bar_width)
    bar = Text()
    for grade, length in zip(EVIDENCE_ORDER, lengths, strict=True):
        glyph, style = EVIDENCE_GLYPHS[grade]
        bar.append(glyph * length, style=style)
    bar.append(f" {point.incidents}" if bar.plain else f"{point.incidents}")
    return bar


def trend_table(points: Sequence[Point], width: int) -> Table:
    """One bar per month scaled to the width left after the numbers, in
    segments by evidence grade (strongest first)."""
    top = max((p.incidents for p in points), default=0)
    bar_width = max(10, width - 46)
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    table.add_column("Month", no_wrap=True)
    table.add_column("Incidents", no_wrap=True, width=bar_width + 4)
    table.add_column("K", justify="right", no_wrap=True)
    table.add_column("W", justify="right", no_wrap=True)
    table.add_column("Change", justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    for p in points:
        bar = _bar(p, top, bar_width)
        marker = Text("▲ escalation", style="bold red") if p.escalation else Text("")
        table.add_row(p.month, bar, str(p.killed), str(p.wounded), _change(p), marker)
    return table


def sparkline_table(rows: dict[Any, list[int]], months: Sequence[str], header: str, field: str = "") -> Table:
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    table.add_column(header, overflow="fold", max_width=28)
    span = f"{months[0]} .. {months[-1]}" if months else ""
    table.add_column(span, no_wrap=True)
    table.add_column("Total", justify="right")
    table.add_column("Peak", no_wrap=True)
    for value, counts in rows.items():
        top: int = max(counts, default=0)
        peak = months[counts.index(top)] if top else ""
        table.add_row(label(value, field), sparkline(counts), str(sum(counts)), peak)
    return table


def places_table(rows: Sequence[dict[str, Any]]) -> Table:
    """The gazetteer: one row per place, with its incident count."""
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    table.add_column("Id", overflow="fold")
    table.add_column("Name", overflow="fold", ratio=1)
    table.add_column("Kind", no_wrap=True)
    table.add_column("Governorate", no_wrap=True)
    table.add_column("Lat, lon", no_wrap=True)
    table.add_column("Incidents", justify="right", no_wrap=True)
    for row in rows:
        table.add_row(safe(row["id"]), safe(row["name"]), row["kind"], row["governorate"],
                      f"{row['latitude']}, {row['longitude']}", str(row["incidents"]))
    return table
