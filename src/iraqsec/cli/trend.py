"""`iraqsec trend`: the monthly series drawn in the terminal."""

from __future__ import annotations

import dataclasses

import click
from rich.text import Text

from .. import plain
from ..outputs import Output
from ..query import Filters
from ..render import evidence_legend, sparkline_table, trend_table
from ..reports import (
    ESCALATION_MIN,
    ESCALATION_RATIO,
    ESCALATION_WINDOW,
    FIELDS,
    report_months,
    series,
    series_by,
)
from .common import draw, emit, note_left_out, omitted, selected_records
from .options import filter_options, output_format, save_options


@click.command()
@filter_options
@click.option("--by", "by", type=click.Choice([f for f in FIELDS if f != "month"]),
              help="One sparkline row per value of this field.")
@output_format("table", "json")
@save_options
@click.pass_context
def trend(ctx: click.Context, filters: Filters, by: str | None, fmt: str,
          save_svg: Output | None, save_html: Output | None) -> None:
    """Monthly incidents as bars, with killed (K), wounded (W), the change on
    the previous month, and a marker on escalation months.

    Each bar is drawn in segments by evidence grade, each with its own
    glyph (see the legend): confirmed, reported, claimed, disputed, then
    ungraded.  A month is an escalation when it has at least 3 incidents
    and at least 1.5 times the mean of the previous three months.  It is
    marked "▲ rising" when it also has more incidents than the month before,
    and "■ high" when it has as many or fewer: the level stays well above
    the months before, but is no longer rising."""
    ledger, filters, chosen = selected_records(ctx, filters)
    left = omitted(ledger, filters)
    notes = [f"({left.note()})"] if left.note() else []
    if fmt == "json":
        note_left_out(left)
    months = report_months(filters, chosen)
    if by:
        rows = series_by(chosen, FIELDS[by], months)
        if fmt == "json":
            emit(plain.rows_to_json([{FIELDS[by]: v, "counts": dict(zip(months, c, strict=True))}
                                     for v, c in rows.items()]))
        else:
            table = sparkline_table(rows, months, by.replace("-", " ").capitalize(), FIELDS[by])
            draw([table, *notes], save_svg, save_html, "iraqsec trend")
        return
    points = series(chosen, months)
    if fmt == "json":
        emit(plain.rows_to_json([dataclasses.asdict(p) for p in points]))
        return
    rules = [f"Escalation: at least {ESCALATION_MIN} incidents and {ESCALATION_RATIO}x the mean of the previous "
             f"{ESCALATION_WINDOW} months.",
             "▲ rising: an escalation month with more incidents than the month before.",
             "■ high: an escalation month with as many or fewer; the level stays high."]
    draw([trend_table(points), evidence_legend(), *(Text(r) for r in rules), *notes], save_svg, save_html,
         "iraqsec trend")
