"""Rendering for terminals with rich.  Ledger text is always passed as
`Text` (never markup), and control characters are replaced before they can
reach a terminal."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from typing import IO, TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.console import Console, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from iraqsec.analysis.reports import EVIDENCE_ORDER, PERIODS, Measures, Pivot, Point, segments, sparkline
from iraqsec.rendering.layout import Cell, Column, block_note, blocks, fit, needed, plain_text, record_note, widths
from iraqsec.rendering.layout import table as layout_table
from iraqsec.rendering.plain import DEFAULT_LIST_COLUMNS, LIST_COLUMNS, shown_date

if TYPE_CHECKING:
    from iraqsec.record.model import Incident, Source

# A drawing chooses its layout for the width it is drawn at.
Drawing = Callable[[int], list[RenderableType]]


class Whole(Text):
    """A line printed whole, never wrapped or cut, even past the width (a
    URL or an id that must copy intact)."""

    def __init__(self, text: Text | str) -> None:
        base = text if isinstance(text, Text) else Text(text)
        super().__init__(base.plain, style=base.style, no_wrap=True, overflow="ignore")
        self._spans = list(base.spans)

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


_TEXT_COLUMNS = frozenset({"place", "target", "claimed-by", "attributed-to"})  # wrapped at spaces when narrow


def _list_cell(incident: Incident, name: str) -> Text | str:
    values: dict[str, Any] = {
        "id": incident.id, "date": shown_date(incident.date, incident.date_end), "governorate": incident.governorate,
        "place": incident.place, "tactic": incident.tactic, "target-type": incident.target_type,
        "target": incident.target, "target-country": incident.target_country or "",
        "killed": count(incident.killed), "wounded": count(incident.wounded),
        "claimed-by": "; ".join(incident.claimed_by), "attributed-to": "; ".join(incident.attributed_to),
        "evidence": incident.evidence or "ungraded", "scope": incident.scope, "site": incident.site or "",
    }
    return safe(values[name])


def incident_table(incidents: Sequence[Incident], names: Sequence[str] = DEFAULT_LIST_COLUMNS) -> Drawing:
    """The chosen columns; ids, dates and figures are never wrapped (an id
    stays whole to copy into `show`), text wraps at spaces.  When the table
    fits only without its Id column, each incident's id is printed whole on
    the line below its row; narrower still, one incident per entry."""

    def layout(width: int) -> list[RenderableType]:
        columns = [Column(LIST_COLUMNS[n], [_list_cell(i, n) for i in incidents], numeric=n not in _TEXT_COLUMNS,
                          justify="right" if n in ("killed", "wounded") else "left") for n in names]
        table = fit(columns, width, footer=False)
        if table is not None:
            return [table]
        if "id" in names and len(names) > 1:
            ids = columns[names.index("id")]
            rest = [c for c in columns if c is not ids]
            rest_widths = widths(rest, width)
            if rest_widths is not None:
                return _id_lines(rest, rest_widths, ids.cells, needed(columns, 2))
        return entries(columns, width, "incident")

    return layout


def _id_lines(columns: Sequence[Column], column_widths: Sequence[int], ids: Sequence[Cell],
              full: int) -> list[RenderableType]:
    """The table without its Id column, each row followed by its id on a
    line of its own (indented, never wrapped), all rows at the same widths."""
    out: list[RenderableType] = [Text(f"Each incident's id (for 'iraqsec show') is on the line below it; at {full} "
                                      "columns or more it has a column of its own.", style="dim")]
    for r, ident in enumerate(ids):
        out.append(layout_table(columns, column_widths, footer=False, rows=[r], header=r == 0))
        out.append(Whole(Text.assemble("  ", ident)))
    return out


def table_or_entries(columns: Sequence[Column], width: int, noun: str) -> list[RenderableType]:
    """The columns as one table when they fit the width, else as entries."""
    table = fit(columns, width, footer=False)
    return [table] if table is not None else entries(columns, width, noun)


def entries(columns: Sequence[Column], width: int, noun: str) -> list[RenderableType]:
    """One `noun` per entry (and a line saying so): the first column (an
    id) on a line of its own, never wrapped, then `Header: value` pairs."""
    out: list[RenderableType] = [Text(record_note(width, noun), style="dim")]
    for r in range(len(columns[0].cells)):
        out.append(Whole(columns[0].cells[r]))
        pairs = [Text.assemble((f"{plain_text(c.header)}: ", "bold"), c.cells[r]) for c in columns[1:]]
        out += _packed(pairs, width)
    return out


def _packed(pairs: Sequence[Text], width: int) -> list[RenderableType]:
    """`Header: value` pairs packed into lines indented by two, a pair never
    split across two lines when it fits on one (a longer one, ledger text,
    wraps at its spaces, indented too)."""
    lines: list[RenderableType] = []
    line = Text("")
    for pair in pairs:
        if line.plain and cell_len(f"  {line.plain}  {pair.plain}") > width:
            lines.append(Padding(line, (0, 0, 0, 2)))
            line = Text("")
        line = line.append("  ").append(pair) if line.plain else pair.copy()
    if line.plain:
        lines.append(Padding(line, (0, 0, 0, 2)))
    return lines


# --- one incident ----------------------------------------------------------


def incident_detail(incident: Incident, links: Sequence[tuple[str, str]] = (), site_name: str | None = None,
                    superseded_by: str | None = None) -> list[RenderableType]:
    """Every field of one incident as a two-column table, then its sources;
    `links` are (relation label, description) pairs in both directions.
    The id and each URL are printed whole, never wrapped, even past the
    width: they must copy intact (into `show`, into a browser).  A withdrawn
    record says so first."""
    coords = incident.coordinates
    withdrawn = incident.withdrawn
    site = f"{incident.site} ({site_name})" if incident.site and site_name else incident.site
    rows: list[tuple[str, str | None]] = [
        ("date", shown_date(incident.date, incident.date_end)), ("governorate", incident.governorate),
        ("place", incident.place), ("site", site),
        ("coordinates", f"{coords[0]}, {coords[1]}" if coords else None),
        ("geo precision", incident.geo_precision),
        ("tactic", incident.tactic), ("target type", incident.target_type), ("target", incident.target),
        ("target country", incident.target_country), ("killed", count(incident.killed)),
        ("wounded", count(incident.wounded)), ("claimed by", "; ".join(incident.claimed_by) or None),
        ("attributed to", "; ".join(incident.attributed_to) or None),
        ("evidence", incident.evidence or "ungraded"), ("scope", incident.scope),
        *links, ("summary", incident.summary), ("notes", incident.notes), ("tags", ", ".join(incident.tags) or None),
    ]
    status = [("WITHDRAWN", withdrawn.reason), ("superseded by", superseded_by or withdrawn.superseded_by)] \
        if withdrawn else []
    names = [name for name, value in [*status, *rows] if value is not None]
    pad = max(len(n) for n in [*names, f"source {len(incident.sources)}"])
    table = _fields([(name, safe(value)) for name, value in rows if value is not None], pad)
    out: list[RenderableType] = [_fields([(name, safe(value)) for name, value in status if value], pad)] \
        if status else []
    out += [Whole(Text.assemble(("id".ljust(pad), "bold"), "  ", safe(incident.id))), table]
    for i, source in enumerate(incident.sources, 1):
        title, url = _source_parts(source)
        heading = (f"source {i}".ljust(pad), "bold")
        if not title:  # a bare URL: on the source's own line, whole
            out.append(Whole(Text.assemble(heading, "  ", safe(url))))
            continue
        out.append(_fields([(heading[0], safe(title))], pad))
        if url:
            out.append(Whole(safe(" " * (pad + 2) + url)))
    return out


def _fields(rows: Sequence[tuple[str, Text]], pad: int) -> Table:
    """Field names (bold, `pad` wide) and their values, wrapped beside them."""
    table = Table(box=None, show_header=False, pad_edge=False, show_edge=False)
    table.add_column("field", style="bold", no_wrap=True, min_width=pad)
    table.add_column("value", overflow="fold")
    for name, value in rows:
        table.add_row(name, value)
    return table


def _source_parts(source: str | Source) -> tuple[str, str | None]:
    """A source's description (title | publisher | published) and its URL."""
    if isinstance(source, str):
        return "", source
    parts = [source.title, source.publisher, source.published]
    return " | ".join(p for p in parts if p), source.url


# --- summary ---------------------------------------------------------------


# What an absent value is called in a table, by field ("(none)" otherwise).
_NONE_LABELS = {"evidence": "ungraded"}


def label(value: object, field: str = "") -> Text:
    return Text(_NONE_LABELS.get(field, "(none)"), style="dim") if value is None else safe(str(value))


def _records(title: Sequence[Text], measures: Sequence[tuple[str, Any]], width: int) -> list[RenderableType]:
    """One group as an entry: its labels on a line, then `Name: n` pairs
    packed into indented lines, a pair never split across two."""
    head = Text(" / ").join(title)
    head.stylize("bold")
    out: list[RenderableType] = [head]
    line = ""
    for name, value in measures:
        pair = f"{plain_text(name) if isinstance(name, Text) else name}: {value}"
        if line and cell_len(f"  {line}  {pair}") > width:
            out.append(Whole(f"  {line}"))
            line = ""
        line = f"{line}  {pair}" if line else pair
    if line:
        out.append(Whole(f"  {line}"))
    return out


def _group_label(row: dict[str, Any], field: str, partial: frozenset[str]) -> Text:
    """A row's value of `field`; a partial period marked *."""
    return label(_marked(row[field], partial) if field in PERIODS else row[field], field)


def summary_table(rows: Sequence[dict[str, Any]], fields: Sequence[str], headers: Sequence[str],
                  total: Measures, partial: frozenset[str] = frozenset()) -> Drawing:
    """One row per group; the footer counts each incident once (an incident
    naming two actors appears in two rows).  Too narrow for the table: one
    entry per group."""

    def layout(width: int) -> list[RenderableType]:
        columns = [Column(h, [_group_label(r, f, partial) for r in rows],
                          footer="Total" if i == 0 else "", numeric=False,
                          justify="left") for i, (f, h) in enumerate(zip(fields, headers, strict=True))]
        for header, key in zip(_MEASURE_HEADERS, MEASURE_KEYS, strict=True):
            columns.append(Column(header, [str(r[key]) for r in rows], footer=str(getattr(total, key))))
        table = fit(columns, width)
        if table is not None:
            return [table]
        for column, short in zip(columns[len(fields):], _SHORT_HEADERS, strict=True):
            column.header = short
        table = fit(columns, width, gap=1)
        if table is not None:
            return [table, Text(_SHORT_NOTE, style="dim")]
        out: list[RenderableType] = [Text(record_note(width), style="dim")]
        for r in rows:
            out += _records([_group_label(r, f, partial) for f in fields], [(h, r[k]) for h, k in zip(
                _MEASURE_HEADERS, MEASURE_KEYS, strict=True)], width)
        out += _records([Text("Total")], [(h, getattr(total, k)) for h, k in zip(
            _MEASURE_HEADERS, MEASURE_KEYS, strict=True)], width)
        return out

    return layout


_MEASURE_HEADERS = ("Incidents", "Killed", "Wounded", "Unrep.")
_SHORT_HEADERS = ("Inc.", "K", "W", "?")
_SHORT_NOTE = "Narrow layout: Inc. = incidents, K = killed, W = wounded, ? = unreported."
MEASURE_KEYS = ("incidents", "killed", "wounded", "unreported")
_PIVOT_TOTALS = (("All", "incidents"), ("K", "killed"), ("W", "wounded"), ("?", "unreported"))


def _marked(label: str, partial: frozenset[str] | set[str]) -> str:
    """A period label, marked * when the period is partial."""
    return f"{label}*" if label in partial else label


def _pivot_columns(p: Pivot) -> tuple[Column, list[Column]]:
    """Periods as rows, values as columns, then the periods' totals."""
    key = Column(p.period.capitalize(), [_marked(m, p.partial) for m in p.months], footer="Total", justify="left")
    body = [Column(label(c, p.field), [str(p.cells.get((m, c), "")) or "·" for m in p.months],
                   footer=str(p.column_totals[c])) for c in p.columns]
    for header, attr in _PIVOT_TOTALS:
        body.append(Column(header, [str(getattr(p.row_totals[m], attr)) for m in p.months],
                           footer=str(getattr(p.total, attr)), style="bold" if header == "All" else None))
    return key, body


def _transposed_columns(p: Pivot, header: str) -> tuple[Column, list[Column]]:
    """Values as rows, months as columns, then the total of each row; the
    months' totals are the last four rows."""
    names = [label(c, p.field) for c in p.columns]
    names += [Text(t, style="bold") for t in ("All", "Killed", "Wounded", "Unrep.")]
    key = Column(header, names, numeric=False, justify="left")
    body = []
    for m in p.months:
        cells = [str(p.cells.get((m, c), "")) or "·" for c in p.columns]
        cells += [str(getattr(p.row_totals[m], attr)) for _, attr in _PIVOT_TOTALS]
        body.append(Column(_marked(m, p.partial), cells))
    body.append(Column("Total", [str(p.column_totals[c]) for c in p.columns]
                       + [str(getattr(p.total, attr)) for _, attr in _PIVOT_TOTALS], style="bold"))
    return key, body


def pivot_table(p: Pivot, header: str) -> Drawing:
    """The pivot as one table when it fits; else in as few blocks of
    columns as fit, months as rows or transposed (values as rows), whichever
    needs fewer; else one entry per month.  Every layout but the plain
    table says which it is."""

    def layout(width: int) -> list[RenderableType]:
        key, body = _pivot_columns(p)
        table = fit([key, *body], width, gap=1)
        if table is not None:
            return [table]
        tkey, tbody = _transposed_columns(p, header)
        table = fit([tkey, *tbody], width, gap=1, footer=False)
        if table is not None:
            return [Text(f"Transposed to fit {width} columns: {header.lower()} as rows, {p.period}s as columns.",
                         style="dim"), table]
        normal = blocks(key, body, width)
        transposed = blocks(tkey, tbody, width)
        if transposed is not None and (normal is None or len(transposed) < len(normal)):
            for t in transposed:
                t.show_footer = False
            note = block_note(len(transposed), width, header) + f" Transposed: {p.period}s as columns."
            return [Text(note, style="dim"), *_spaced(transposed)]
        if normal is not None:
            return [Text(block_note(len(normal), width, p.period.capitalize()), style="dim"), *_spaced(normal)]
        out: list[RenderableType] = [Text(record_note(width), style="dim")]
        for r, month in enumerate(p.months):
            pairs = [(plain_text(c.header), c.cells[r]) for c in body if c.cells[r] != "·"]
            out += _records([Text(_marked(month, p.partial))], pairs, width)
        out += _records([Text("Total")], [(plain_text(c.header), c.footer) for c in body], width)
        return out

    return layout


def _spaced(tables: Sequence[Table]) -> list[RenderableType]:
    out: list[RenderableType] = []
    for i, t in enumerate(tables):
        if i:
            out.append(Text(""))
        out.append(t)
    return out


# --- trend -----------------------------------------------------------------

SIGNALS = {"rising": ("▲ rising", "bold red"), "high": ("■ high", "yellow")}


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
    """The month's bar in segments by evidence grade, strongest first."""
    lengths = segments([point.evidence[g] for g in EVIDENCE_ORDER], top, bar_width)
    bar = Text()
    for grade, length in zip(EVIDENCE_ORDER, lengths, strict=True):
        glyph, style = EVIDENCE_GLYPHS[grade]
        bar.append(glyph * length, style=style)
    bar.append(f" {point.incidents}" if bar.plain else f"{point.incidents}")
    return bar


def period_label(point: Point) -> str:
    """A period as shown: a partial one (see reports.partial_note) marked *."""
    return f"{point.month}*" if point.partial else point.month


def trend_table(points: Sequence[Point], period: str = "month") -> Drawing:
    """One bar per period scaled to the width left after the numbers, in
    segments by evidence grade; too narrow for bars, one line per period."""

    def layout(width: int) -> list[RenderableType]:
        top = max((p.incidents for p in points), default=0)
        digits = len(str(top))
        fixed = [Column(period.capitalize(), [period_label(p) for p in points], justify="left"),
                 Column("K", [str(p.killed) for p in points]), Column("W", [str(p.wounded) for p in points]),
                 Column("Change", [_change(p) for p in points]),
                 Column("", [Text(*SIGNALS[p.signal]) if p.signal else "" for p in points], justify="left")]
        bar_width = width - needed(fixed, 2) - 2 - digits - 1
        if bar_width < max(1, len("Incidents") - digits - 1):
            out: list[RenderableType] = [Text(record_note(width), style="dim")]
            for p in points:
                noun = "incident" if p.incidents == 1 else "incidents"
                line = Text(f"{period_label(p)}  {p.incidents} {noun}  K {p.killed}  W {p.wounded}")
                line.append(f"  {_change(p)}" if p.change is not None else "")
                if p.signal:
                    line.append("  ").append(Text(*SIGNALS[p.signal]))
                out.append(line)
            return out
        bars = [_bar(p, top, bar_width) for p in points]
        columns = [fixed[0], Column("Incidents", bars, justify="left"), *fixed[1:]]
        table = fit(columns, width, footer=False)
        return [table] if table is not None else []

    return layout


def sparkline_table(rows: dict[Any, list[int]], months: Sequence[str], header: str, field: str = "",
                    period: str = "month") -> Drawing:
    """One sparkline per value, one character per period of `months` (their
    labels), with its total and its peak period."""

    def layout(width: int) -> list[RenderableType]:
        span = f"{months[0]} .. {months[-1]}" if months else ""
        peaks = []
        for counts in rows.values():
            top: int = max(counts, default=0)
            peaks.append(months[counts.index(top)] if top else "")
        columns = [Column(header, [label(v, field) for v in rows], numeric=False, justify="left"),
                   Column(span, [sparkline(c) for c in rows.values()], justify="left"),
                   Column("Total", [str(sum(c)) for c in rows.values()]),
                   Column("Peak", peaks, justify="left")]
        table = fit(columns, width, footer=False)
        if table is not None:
            return [table]
        out: list[RenderableType] = [Text(record_note(width), style="dim"),
                                     Text(f"{period.capitalize()}s: {span}")]
        for r, value in enumerate(rows):
            out += _records([label(value, field)], [("Total", columns[2].cells[r]), ("Peak", peaks[r])], width)
            out.append(Text(f"  {columns[1].cells[r]}"))
        return out

    return layout


def places_table(rows: Sequence[dict[str, Any]]) -> Drawing:
    """The gazetteer: one row per place, with its incident count; ids and
    figures never wrapped, names wrapped at spaces; too narrow, one place
    per entry."""

    def layout(width: int) -> list[RenderableType]:
        cells: list[tuple[str, Sequence[Cell], bool, str]] = [
            ("Id", [safe(r["id"]) for r in rows], True, "left"),
            ("Name", [safe(r["name"]) for r in rows], False, "left"),
            ("Kind", [safe(r["kind"]) for r in rows], True, "left"),
            ("Governorate", [safe(r["governorate"]) for r in rows], True, "left"),
            ("Lat, lon", [f"{r['latitude']}, {r['longitude']}" for r in rows], True, "left"),
            ("Incidents", [str(r["incidents"]) for r in rows], True, "right"),
        ]
        columns = [Column(h, c, numeric=n, justify=j) for h, c, n, j in cells]
        return table_or_entries(columns, width, "place")

    return layout
