"""`iraqsec summary`: counts and casualties grouped by one or two fields."""

from __future__ import annotations

import click

from .. import plain
from ..query import Filters
from ..reports import FIELDS, MEASURES, Measures, pivot, report_months, summary_rows
from .common import draw, emit, note_left_out, omitted, selected_records
from .options import filter_options, output_format, save_options


@click.command()
@filter_options
@click.option("--by", "by", multiple=True, required=True, type=click.Choice(list(FIELDS)),
              help="Group by this field (once or twice).")
@output_format("table", "json", "csv", "markdown")
@save_options
@click.pass_context
def summary(ctx: click.Context, filters: Filters, by: tuple[str, ...], fmt: str,
            save_svg: str | None, save_html: str | None) -> None:
    """Incidents, killed and wounded by month, tactic, target type,
    governorate, actor, target country, evidence grade or scope.

    Killed (K) and wounded (W) are sums of reported figures; Unrep. (?)
    counts the incidents whose killed or wounded figure was not reported.
    With --by month and one other field the table is a pivot: months as
    rows, the other field's values as columns, every month shown."""
    if len(by) > 2 or len(set(by)) != len(by):
        raise click.UsageError("give --by once or twice, with different fields")
    ledger, filters, chosen = selected_records(ctx, filters)
    left = omitted(ledger, filters)
    fields = [FIELDS[b] for b in by]
    months = report_months(filters, chosen)
    rows = summary_rows(chosen, fields, months)
    headers = [b.replace("-", " ").capitalize() for b in by]
    if fmt != "table":
        note_left_out(left)
    notes = [f"({left.note()})"] if left.note() else []
    if fmt == "json":
        emit(plain.rows_to_json(rows))
    elif fmt == "csv":
        keys = [*fields, *MEASURES]
        emit(plain.table_to_csv(keys, ([r[k] for k in keys] for r in rows)))
    elif fmt == "markdown":
        header = [*headers, "Incidents", "Killed", "Wounded", "Unreported"]
        body = ([("(none)" if r[f] is None else r[f]) for f in fields] + [r[k] for k in MEASURES] for r in rows)
        emit(plain.rows_to_markdown(header, body, numeric_from=len(fields)))
    elif len(fields) == 2 and "month" in fields:
        from ..render import pivot_table  # here: rich only for drawings

        other = fields[1] if fields[0] == "month" else fields[0]
        draw([pivot_table(pivot(chosen, other, months), other), *notes], save_svg, save_html, "iraqsec summary")
    else:
        from ..render import summary_table

        total = Measures()
        for incident in chosen:
            total.add(incident)
        draw([summary_table(rows, fields, headers, total), *notes], save_svg, save_html, "iraqsec summary")
