"""`iraqsec show ID`: one incident in full."""

from __future__ import annotations

import json
import sys

import click

from iraqsec.record.model import Incident, suggest
from iraqsec.rendering import plain
from iraqsec.rendering.render import incident_detail

from .common import draw, emit, open_ledger
from .completion import complete_ids
from .guard import shown_value
from .options import output_format


@click.command()
@click.argument("incident_id", metavar="ID", shell_complete=complete_ids)
@output_format("table", "json", "yaml")
@click.pass_context
def show(ctx: click.Context, incident_id: str, fmt: str) -> None:
    """Show one incident in full, sources included.

    Withdrawn records are found too, with the reason and the record that
    supersedes them; records linked to this one are listed in both
    directions (responds to / answered by, part of the same attack as, see
    also)."""
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
        from iraqsec.writing.writer import dump_record  # here: the writer loads yaml

        emit(dump_record(incident))
    else:
        by_id = ledger.around(incident)
        place = ledger.places.by_id.get(incident.site) if ledger.places and incident.site else None
        draw(incident_detail(incident, linked(incident, by_id), place.name if place else None,
                             _described(incident.withdrawn.superseded_by, by_id) if incident.withdrawn else None))


# relation -> (label seen from the record that links, label seen from the other)
_LABELS = {
    "responds-to": ("responds to", "answered by"),
    "same-attack": ("part of the same attack as", "part of the same attack as"),
    "see-also": ("see also", "see also"),
}


def linked(incident: Incident, by_id: dict[str, Incident]) -> list[tuple[str, str]]:
    """(label, description) of every record linked to or from this one."""
    pairs = [(_LABELS[link.relation][0], link.id) for link in incident.related]
    pairs += [(_LABELS[link.relation][1], other.id) for other in by_id.values()
              for link in other.related if link.id == incident.id]
    return [(label, _described(ident, by_id) or ident) for label, ident in dict.fromkeys(pairs)]


def _described(ident: str | None, by_id: dict[str, Incident]) -> str | None:
    """An id with the date and tactic of its record, to tell it at a glance."""
    other = by_id.get(ident) if ident else None
    return f"{ident} ({other.date}, {other.tactic})" if other else ident
