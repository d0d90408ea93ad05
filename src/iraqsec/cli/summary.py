"""`iraqsec summary`: counts and casualties grouped by one or two fields."""

from __future__ import annotations

import click
from rich.text import Text

from .. import plain
from ..outputs import Output
from ..query import Filters
from ..reports import FIELDS, MEASURES, MULTI_NOTES, Measures, pivot, report_months, summary_rows
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
    group per entry, and says so; no figure is ever cut."""
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
        table = pivot_table(pivot(chosen, other, months), headers[fields.index(other)])
        draw([table, *_notes(fields), *notes], save_svg, save_html, "iraqsec summary")
    else:
        from ..render import summary_table

        total = Measures()
        for incident in chosen:
            total.add(incident)
        draw([summary_table(rows, fields, headers, total), *_notes(fields), *notes], save_svg, save_html,
             "iraqsec summary")


def _notes(fields: list[str]) -> list[Text]:
    """What a grouping by a list field counts, said under the table."""
    return [Text(MULTI_NOTES[f], style="dim") for f in fields if f in MULTI_NOTES]
