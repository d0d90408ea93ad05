"""`iraqsec report`: the selected incidents as one self-contained HTML page."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import click

from .. import gitdiff, htmlpage, page
from ..model import CONTROL_RE, today
from ..query import Filters
from ..reports import report_months
from ..writer import atomic_write
from .common import selected
from .options import filter_options

DEFAULT_TITLE = "Attacks on US forces, diplomatic missions and contractors in Iraq"


def _title(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if not value.strip() or len(value) > 200 or CONTROL_RE.search(value):
        raise click.BadParameter("give 1 to 200 characters of plain text (no control characters)", ctx, param)
    return value


def _output(ctx: click.Context, param: click.Parameter, value: str) -> Path:
    """A regular file, or a new file in an existing directory: checked before
    any work, so that a bad path costs nothing."""
    if not value.strip():
        raise click.BadParameter("the output path is empty; give a file name such as report.html", ctx, param)
    path = Path(value)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if not path.parent.is_dir():
            raise click.BadParameter(f"{value}: the directory {path.parent} does not exist", ctx, param) from None
        return path
    except OSError as exc:
        raise click.BadParameter(f"{value}: {exc.strerror}", ctx, param) from None
    if not stat.S_ISREG(mode):
        raise click.BadParameter(f"{value} is not a regular file; the report is written to a file", ctx, param)
    return path


@click.command()
@filter_options
@click.option("-o", "--output", required=True, metavar="PATH", callback=_output,
              help="The HTML file to write (replaced atomically).")
@click.option("--title", default=DEFAULT_TITLE, show_default=True, callback=_title, metavar="TEXT",
              help="The page's title.")
@click.pass_context
def report(ctx: click.Context, filters: Filters, output: Path, title: str) -> None:
    """Write the selected incidents as one HTML page to publish or share:
    headline figures, the monthly trend by evidence grade, month-by-tactic
    and month-by-target-type pivots, a map, a searchable incident table with
    every source, and actors.  The page needs no server and makes no network
    request when opened."""
    ledger, filters, chosen = selected(ctx, filters)
    months = report_months(filters, chosen)
    actors = ledger.registry.actors if ledger.registry is not None else []
    revision = gitdiff.revision([Path(f) for f in ledger.files])
    built = page.build(title, chosen, months, actors, {}, today().isoformat(), revision)
    text = htmlpage.document(built)
    try:
        atomic_write(output, text.encode("utf-8"))
    except OSError as exc:
        raise click.ClickException(f"{output}: {exc.strerror or exc}") from None
    noun = "incident" if len(chosen) == 1 else "incidents"
    click.echo(f"iraqsec: wrote {output} ({len(chosen)} {noun}, {len(built.points)} on the map)", err=True)
