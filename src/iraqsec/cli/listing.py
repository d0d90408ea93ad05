"""`iraqsec list`: incidents matching the filters."""

from __future__ import annotations

import click

from .. import plain
from ..query import Filters
from ..writer import dump_records
from .common import count_line, draw, emit, note_left_out, omitted, selected
from .options import filter_options, output_format


@click.command("list")
@filter_options
@output_format("table", "json", "ndjson", "csv", "yaml", "ids")
@click.option("--limit", type=click.IntRange(min=0), metavar="N", help="At most N incidents.")
@click.option("--reverse", is_flag=True, help="Newest first.")
@click.pass_context
def list_(ctx: click.Context, filters: Filters, fmt: str, limit: int | None, reverse: bool) -> None:
    """List incidents, sorted by date then id.

    In the table, K and W are the reported killed and wounded (? = not
    reported), a date like 2020-09-?? is known only to the month and one
    like 2020-08-16..19 lies somewhere in that span.  Context and withdrawn
    records are left out unless --scope / --include-withdrawn ask for them;
    the count line says how many."""
    ledger, filters, chosen = selected(ctx, filters)
    left = omitted(ledger, filters)
    if reverse:
        chosen.reverse()
    if limit is not None:
        chosen = chosen[:limit]
    if fmt == "table":
        from ..render import incident_table  # here: rich only for the table

        line = count_line(len(chosen), left)
        draw([incident_table(chosen), line] if chosen else [line])
        return
    note_left_out(left)
    if fmt == "json":
        emit(plain.to_json(chosen))
    elif fmt == "ndjson":
        emit(plain.to_ndjson(chosen))
    elif fmt == "csv":
        emit(plain.to_csv(chosen))
    elif fmt == "yaml":
        emit(dump_records(chosen))
    else:
        emit("".join(f"{i.id}\n" for i in chosen))
