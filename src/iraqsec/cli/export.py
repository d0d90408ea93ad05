"""`iraqsec export`: the selected incidents in a format for other tools."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import export as formats
from ..outputs import Output
from ..query import Filters
from .common import UsageFailure, save, selected
from .options import filter_options
from .output_paths import output_option


@click.command()
@filter_options
@click.option("--format", "fmt", type=click.Choice(formats.FORMATS), default=None,
              help="Output format. Default: implied by the -o file name (.csv, .json, .ndjson/.jsonl, "
                   ".geojson, .sqlite/.sqlite3/.db, .md).")
@output_option("Write to this regular file (replaced atomically; a link is followed) instead of standard output; "
               "- is standard output. Required for sqlite unless standard output is redirected.")
@click.option("--excel", is_flag=True,
              help="csv only: start with a UTF-8 byte-order mark so that Excel reads non-Latin text correctly.")
@click.pass_context
def export(ctx: click.Context, filters: Filters, fmt: str | None, output: Output | None, excel: bool) -> None:
    """Export incidents as csv, json, ndjson, geojson, sqlite or markdown.

    GeoJSON holds only incidents with coordinates; how many were left out
    is said on standard error."""
    fmt = _chosen_format(fmt, output)
    if excel and fmt != "csv":
        raise UsageFailure("--excel applies to --format csv only")
    if fmt == "sqlite" and (output is None or (output.is_stdout and sys.stdout.isatty())):
        # a database is binary: asked for by name, or -o - into a pipe or file, never onto a terminal
        raise UsageFailure("--format sqlite writes a database file; give its path with -o PATH "
                           "(or -o - with standard output redirected)")
    output = output or Output("-", None)
    ledger, _, chosen = selected(ctx, filters)  # actor aliases resolved as in `list`
    if fmt == "sqlite":
        actors = ledger.registry.actors if ledger.registry else []
        save(output, formats.sqlite_bytes(chosen, actors))
        _done(len(chosen), output, fmt)
        return
    text, left_out = formats.render(fmt, chosen, excel=excel)
    if left_out:
        noun = "incident" if left_out == 1 else "incidents"
        click.echo(f"iraqsec: {left_out} {noun} without coordinates left out of the GeoJSON", err=True)
    save(output, text.encode("utf-8"))  # exact bytes (a BOM, CRLF line ends) whatever the terminal's encoding
    _done(len(chosen) - left_out, output, fmt)


def _chosen_format(fmt: str | None, output: Output | None) -> str:
    if fmt is not None:
        return fmt
    implied = formats.format_for(Path(output.given)) if output is not None and output.target else None
    if implied is None:
        raise UsageFailure("give --format (csv, json, ndjson, geojson, sqlite or markdown), or an -o file name "
                           "ending in .csv, .json, .ndjson, .geojson, .sqlite or .md")
    return implied


def _done(count: int, output: Output, fmt: str) -> None:
    if output.is_stdout:
        return
    noun = "incident" if count == 1 else "incidents"
    click.echo(f"iraqsec: wrote {count} {noun} to {output} ({fmt})", err=True)
