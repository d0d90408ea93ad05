"""`iraqsec places`: the gazetteer, with how many incidents point at each place."""

from __future__ import annotations

import click

from .. import plain
from ..query import Filters, left_out
from ..reports import place_rows
from .common import count_line, draw, emit, note_left_out, open_ledger
from .options import output_format, view_options


@click.command()
@view_options
@output_format("table", "json", "csv")
@click.pass_context
def places(ctx: click.Context, filters: Filters, fmt: str) -> None:
    """List the places of places.yaml and how many incidents name each as
    their site (campaign records not withdrawn, unless --scope or
    --include-withdrawn say otherwise)."""
    ledger = open_ledger(ctx)
    if ledger.places is None:
        click.echo("iraqsec: no places.yaml beside the ledger; 'docs/codebook.md' says how to write one", err=True)
        return
    sited = [r for r in ledger.facts() or ledger.incidents if r.site is not None]
    rows = place_rows(ledger.places.places, [r for r in sited if filters.matches(r)])
    left = left_out(sited, filters)
    if fmt == "json":
        note_left_out(left)
        emit(plain.rows_to_json(rows))
    elif fmt == "csv":
        note_left_out(left)
        keys = list(rows[0]) if rows else ["id"]
        emit(plain.table_to_csv(keys, ([_cell(r[k]) for k in keys] for r in rows)))
    else:
        from ..render import places_table  # here: rich only for drawings

        total = sum(r["incidents"] for r in rows)
        noun = "place" if len(rows) == 1 else "places"
        draw([places_table(rows), f"{len(rows):,} {noun}; at them: {count_line(total, left)}"])


def _cell(value: object) -> object:
    return "; ".join(str(v) for v in value) if isinstance(value, list) else value
