"""`iraqsec summary`: counts and casualties grouped by one or two fields."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from iraqsec.analysis.query import Filters, LeftOut
from iraqsec.analysis.reports import (
    FIELDS,
    MEASURES,
    MULTI_NOTES,
    Measures,
    partial_periods,
    period_notes,
    pivot,
    report_months,
    summary_rows,
)
from iraqsec.rendering import plain
from iraqsec.writing.outputs import Output

from .common import UsageFailure, draw, emit, note_left_out, omitted, selected_records
from .options import filter_options, output_format, period_option, save_options

if TYPE_CHECKING:
    from rich.text import Text


@click.command()
@filter_options
@click.option("--by", "by", multiple=True, required=True, type=click.Choice(list(FIELDS)),
              help="Group by this field (once or twice).")
@period_option
@output_format("table", "json", "csv", "markdown")
@save_options
@click.pass_context
def summary(ctx: click.Context, filters: Filters, by: tuple[str, ...], period: str, fmt: str,
            save_svg: Output | None, save_html: Output | None) -> None:
    """Incidents, killed and wounded by month, tactic, target type,
    governorate, claiming group, blamed actor, actor, target country,
    evidence grade or scope.

    Killed (K) and wounded (W) are sums of reported figures; Unrep. (?)
    counts the incidents whose killed or wounded figure was not reported.
    --by claimed-by counts claims, --by attributed-to the actors officials
    or analysts blamed, --by actor either (each name once per incident):
    an incident naming two counts under both, so rows can add to more than
    the total, which counts each incident once.  With --by month and one
    other field the table is a pivot: months as rows, the other field's
    values as columns, every month shown.  A table too wide for the
    terminal is split into blocks of columns, transposed or listed one
    group per entry, and says so; no figure is ever cut.

    --period quarter or year groups the months of --by month into quarters
    (2020-Q3) or years (2020); the JSON and CSV rows are then keyed
    `quarter` or `year`.  A period only partly inside the range is marked
    *.  Over more than 36 months a monthly table suggests --period
    quarter."""
    if len(by) > 2 or len(set(by)) != len(by):
        raise click.UsageError("give --by once or twice, with different fields")
    if period != "month" and "month" not in by:
        raise UsageFailure(f"--period {period} groups the months of --by month; add --by month")
    ledger, filters, chosen = selected_records(ctx, filters)
    left = omitted(ledger, filters)
    fields = [FIELDS[b] for b in by]
    months = report_months(filters, chosen)
    rows = summary_rows(chosen, fields, months, period)
    fields = [period if f == "month" else f for f in fields]  # the rows' keys
    headers = [period.capitalize() if b == "month" else b.replace("-", " ").capitalize() for b in by]
    if fmt != "table":
        note_left_out(left)
    if fmt == "json":
        emit(plain.rows_to_json(rows))
    elif fmt == "csv":
        keys = [*fields, *MEASURES]
        emit(plain.table_to_csv(keys, ([r[k] for k in keys] for r in rows)))
    elif fmt == "markdown":
        header = [*headers, "Incidents", "Killed", "Wounded", "Unreported"]
        body = ([("(none)" if r[f] is None else r[f]) for f in fields] + [r[k] for k in MEASURES] for r in rows)
        emit(plain.rows_to_markdown(header, body, numeric_from=len(fields)))
    elif len(fields) == 2 and period in fields:
        from iraqsec.rendering.render import pivot_table  # here: rich only for drawings

        notes = _table_notes(left, months, period, by)
        other = fields[1] if fields[0] == period else fields[0]
        table = pivot_table(pivot(chosen, other, months, period), headers[fields.index(other)])
        draw([table, *_notes(fields), *notes], save_svg, save_html, "iraqsec summary")
    else:
        from iraqsec.rendering.render import summary_table

        notes = _table_notes(left, months, period, by)
        total = Measures()
        for incident in chosen:
            total.add(incident)
        partial = frozenset(partial_periods(months, period)) if "month" in by else frozenset()
        draw([summary_table(rows, fields, headers, total, partial), *_notes(fields), *notes], save_svg,
             save_html, "iraqsec summary")


def _notes(fields: list[str]) -> list[Text]:
    """What a grouping by a list field counts, said under the table."""
    from rich.text import Text  # here: JSON and CSV output never load rich

    return [Text(MULTI_NOTES[f], style="dim") for f in fields if f in MULTI_NOTES]


def _table_notes(left: LeftOut, months: list[str], period: str, by: tuple[str, ...]) -> list[str | Text]:
    """What a table says under it: partial periods, records left out."""
    from rich.text import Text

    notes: list[str | Text] = [f"({left.note()})"] if left.note() else []
    if "month" in by:
        notes = [*(Text(n) for n in period_notes(months, period)), *notes]
    return notes
