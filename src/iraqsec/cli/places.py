"""`iraqsec places`: the gazetteer, with how many incidents point at each place."""

from __future__ import annotations

import click

from iraqsec.analysis.query import Filters, left_out
from iraqsec.analysis.reports import located, place_rows
from iraqsec.rendering import plain

from .common import count_line, draw, emit, note_left_out, selected
from .options import filter_options, output_format

# What the located line calls the records of each --scope.
_SCOPE_NOUNS = {"campaign": "campaign records", "context": "context records", "all": "records"}


@click.command()
@filter_options
@output_format("table", "json", "csv")
@click.pass_context
def places(ctx: click.Context, filters: Filters, fmt: str) -> None:
    """List the places of places.yaml and how many incidents name each as
    their site, then how many of the selected records a map can place: at
    a site, or by their own coordinates.

    The filters select the incidents counted (campaign records not
    withdrawn, unless --scope or --include-withdrawn say otherwise); every
    place is listed.  Ids are never wrapped: a table too wide for the
    terminal lists one place per entry."""
    ledger, filters, chosen = selected(ctx, filters)
    if ledger.places is None:
        click.echo("iraqsec: no places.yaml beside the ledger; 'docs/codebook.md' says how to write one", err=True)
        return
    rows = place_rows(ledger.places.places, chosen)
    left = left_out([r for r in ledger.incidents if r.site is not None], filters)  # what the count at places owes
    noun = _SCOPE_NOUNS[filters.scope] + (" (withdrawn included)" if filters.include_withdrawn else "")
    share = located(chosen).line(noun)
    if fmt == "json":
        note_left_out(left)
        emit(plain.rows_to_json(rows))
    elif fmt == "csv":
        note_left_out(left)
        keys = list(rows[0]) if rows else ["id"]
        emit(plain.table_to_csv(keys, ([_cell(r[k]) for k in keys] for r in rows)))
    else:
        from iraqsec.rendering.render import places_table  # here: rich only for drawings

        total = sum(r["incidents"] for r in rows)
        places_noun = "place" if len(rows) == 1 else "places"
        draw([places_table(rows), f"{len(rows):,} {places_noun}; at them: {count_line(total, left)}", share])
        return
    click.echo(f"iraqsec: {share}", err=True)


def _cell(value: object) -> object:
    return "; ".join(str(v) for v in value) if isinstance(value, list) else value
