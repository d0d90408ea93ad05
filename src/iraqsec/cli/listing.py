"""`iraqsec list`: incidents matching the filters."""

from __future__ import annotations

import click

from ..query import Filters, select
from ..render import console, incident_table
from .common import open_ledger
from .options import filter_options


@click.command("list")
@filter_options
@click.pass_context
def list_(ctx: click.Context, filters: Filters) -> None:
    """List incidents, sorted by date then id.

    K and W are the reported killed and wounded; ? means not reported."""
    ledger = open_ledger(ctx)
    chosen = select(ledger.incidents, filters)
    out = console()
    if chosen:
        out.print(incident_table(chosen))
    noun = "incident" if len(chosen) == 1 else "incidents"
    out.print(f"{len(chosen)} {noun}")
