"""`iraqsec trend`: the series by month, quarter or year, drawn in the terminal."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import click

from iraqsec.analysis.query import Filters
from iraqsec.analysis.reports import (
    ESCALATION_MIN,
    ESCALATION_RATIO,
    ESCALATION_WINDOW,
    FIELDS,
    Point,
    period_notes,
    periods,
    report_months,
    series,
    series_by,
)
from iraqsec.rendering import plain
from iraqsec.writing.outputs import Output

from .common import draw, emit, note_left_out, omitted, selected_records
from .options import filter_options, output_format, period_option, save_options

if TYPE_CHECKING:
    from rich.text import Text


@click.command()
@filter_options
@click.option("--by", "by", type=click.Choice([f for f in FIELDS if f != "month"]),
              help="One sparkline row per value of this field.")
@period_option
@output_format("table", "json")
@save_options
@click.pass_context
def trend(ctx: click.Context, filters: Filters, by: str | None, period: str, fmt: str,
          save_svg: Output | None, save_html: Output | None) -> None:
    """Incidents per month (or --period quarter / year) as bars, with killed
    (K), wounded (W), the change on the previous period, and a marker on
    escalation periods.

    Each bar is drawn in segments by evidence grade, each with its own
    glyph (see the legend): confirmed, reported, claimed, disputed, then
    ungraded.  A period is an escalation when it has at least 3 incidents
    and at least 1.5 times the mean of the previous three periods of the
    same kind.  It is marked "▲ rising" when it also has more incidents
    than the period before, and "■ high" when it has as many or fewer: the
    level stays well above the periods before, but is no longer rising.  A
    quarter or year only partly inside the range is marked * and never
    judged an escalation nor compared with.  Over more than 36 months the
    monthly chart suggests --period quarter."""
    ledger, filters, chosen = selected_records(ctx, filters)
    left = omitted(ledger, filters)
    notes = [f"({left.note()})"] if left.note() else []
    if fmt == "json":
        note_left_out(left)
    months = report_months(filters, chosen)
    hints = period_notes(months, period)  # drawn as Text: never read as markup
    if by:
        rows = series_by(chosen, FIELDS[by], months, period)
        labels = list(periods(months, period))
        if fmt == "json":
            emit(plain.rows_to_json([{FIELDS[by]: v, "counts": dict(zip(labels, c, strict=True))}
                                     for v, c in rows.items()]))
        else:
            from iraqsec.rendering.render import sparkline_table  # here: JSON output never loads rich

            table = sparkline_table(rows, labels, by.replace("-", " ").capitalize(), FIELDS[by], period)
            draw([table, *_texts(hints), *notes], save_svg, save_html, "iraqsec trend")
        return
    points = series(chosen, months, period)
    if fmt == "json":
        emit(plain.rows_to_json([_point_json(p, period) for p in points]))
        return
    from iraqsec.rendering.render import evidence_legend, trend_table

    noun = f"{period}s"
    rules = [f"Escalation: at least {ESCALATION_MIN} incidents and {ESCALATION_RATIO}x the mean of the previous "
             f"{ESCALATION_WINDOW} {noun}.",
             f"▲ rising: an escalation {period} with more incidents than the {period} before.",
             f"■ high: an escalation {period} with as many or fewer; the level stays high."]
    draw([trend_table(points, period), evidence_legend(), *_texts(rules), *_texts(hints), *notes],
         save_svg, save_html, "iraqsec trend")


def _texts(lines: list[str]) -> list[Text]:
    from rich.text import Text  # here: JSON output never loads rich

    return [Text(line) for line in lines]


def _point_json(point: Point, period: str) -> dict[str, Any]:
    """A point as JSON: keyed `month` as always for months; for a quarter
    or year, keyed by the period, with `partial`."""
    row = dataclasses.asdict(point)
    label = row.pop("month")
    partial = row.pop("partial")
    return {"month": label, **row} if period == "month" else {period: label, **row, "partial": partial}
