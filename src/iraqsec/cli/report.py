"""`iraqsec report`: the selected incidents as one self-contained HTML page."""

from __future__ import annotations

from pathlib import Path

import click

from iraqsec.analysis import page
from iraqsec.analysis.query import Filters
from iraqsec.analysis.reports import report_months
from iraqsec.reading import gitdiff
from iraqsec.record.model import BIDI_RE, CONTROL_RE, today
from iraqsec.rendering import htmlpage
from iraqsec.writing.outputs import Output

from .common import UsageFailure, omitted, save, selected
from .options import filter_options
from .output_paths import output_option

DEFAULT_TITLE = "Attacks on US forces, diplomatic missions and contractors in Iraq"


def _title(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if not value.strip() or len(value) > 200 or CONTROL_RE.search(value) or BIDI_RE.search(value):
        raise click.BadParameter("give 1 to 200 characters of plain text (no control characters or "
                                 "bidirectional controls)", ctx, param)
    return value


@click.command()
@filter_options
@output_option("The HTML file to write (a regular file, replaced atomically; a link is followed); "
               "- for standard output. Required.")
@click.option("--title", default=DEFAULT_TITLE, show_default=True, callback=_title, metavar="TEXT",
              help="The page's title.")
@click.pass_context
def report(ctx: click.Context, filters: Filters, output: Output | None, title: str) -> None:
    """Write the selected incidents as one HTML page to publish or share:
    headline figures, the monthly trend by evidence grade, month-by-tactic
    and month-by-target-type pivots, a map, a searchable incident table with
    every source, and actors.  The page needs no server and makes no network
    request when opened."""
    if output is None:
        raise UsageFailure("give the file to write with -o PATH, e.g. -o report.html (or -o - for standard output)")
    ledger, filters, chosen = selected(ctx, filters)
    months = report_months(filters, chosen)
    actors = ledger.registry.actors if ledger.registry is not None else []
    revision = gitdiff.revision([Path(f) for f in ledger.files])
    places = ledger.places.by_id if ledger.places is not None else {}
    left = omitted(ledger, filters)
    built = page.build(title, chosen, months, actors, places, today().isoformat(), revision, left.note())
    text = htmlpage.document(built)
    save(output, text.encode("utf-8"))
    noun = "incident" if len(chosen) == 1 else "incidents"
    click.echo(f"iraqsec: wrote {output} ({len(chosen)} {noun}, {len(built.points)} on the map)", err=True)
