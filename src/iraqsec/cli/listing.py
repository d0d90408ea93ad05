"""`iraqsec list`: incidents matching the filters."""

from __future__ import annotations

import click

from .. import plain
from ..query import Filters
from ..writer import dump_records
from .common import draw, emit, selected
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
    reported) and a date like 2020-09-?? is known only to the month."""
    _, _, chosen = selected(ctx, filters)
    if reverse:
        chosen.reverse()
    if limit is not None:
        chosen = chosen[:limit]
    if fmt == "table":
        from ..render import incident_table  # here: rich only for the table

        noun = "incident" if len(chosen) == 1 else "incidents"
        draw([incident_table(chosen), f"{len(chosen)} {noun}"] if chosen else [f"0 {noun}"])
    elif fmt == "json":
        emit(plain.to_json(chosen))
    elif fmt == "ndjson":
        emit(plain.to_ndjson(chosen))
    elif fmt == "csv":
        emit(plain.to_csv(chosen))
    elif fmt == "yaml":
        emit(dump_records(chosen))
    else:
        emit("".join(f"{i.id}\n" for i in chosen))
