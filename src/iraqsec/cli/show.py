"""`iraqsec show ID`: one incident in full."""

from __future__ import annotations

import json
import sys

import click

from .. import plain
from ..model import suggest
from ..render import incident_detail
from ..writer import dump_record
from .common import draw, emit, open_ledger
from .completion import complete_ids
from .guard import shown_value
from .options import output_format


@click.command()
@click.argument("incident_id", metavar="ID", shell_complete=complete_ids)
@output_format("table", "json", "yaml")
@click.pass_context
def show(ctx: click.Context, incident_id: str, fmt: str) -> None:
    """Show one incident in full, sources included."""
    ledger = open_ledger(ctx)
    incident = ledger.incident(incident_id)
    if incident is None:
        near = suggest(incident_id, ledger.ids(), n=3)
        hint = f"; did you mean: {', '.join(near)}?" if near else "; 'iraqsec list --format ids' lists them"
        click.echo(f"iraqsec: no incident with id '{shown_value(incident_id)}'{hint}", err=True)
        sys.exit(1)
    if fmt == "json":
        emit(json.dumps(plain.record_dict(incident), ensure_ascii=False, indent=2) + "\n")
    elif fmt == "yaml":
        emit(dump_record(incident))
    else:
        draw(incident_detail(incident))
