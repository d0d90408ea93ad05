"""`iraqsec export`: the selected incidents in a format for other tools."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from iraqsec.analysis.query import Filters
from iraqsec.interop import export as formats
from iraqsec.writing.outputs import Output

from .common import UsageFailure, note_left_out, omitted, save, selected
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
@click.option("--governorate-fallback", is_flag=True,
              help="geojson only: place incidents with neither coordinates nor a site at their governorate's "
                   "capital, marked geo_precision: governorate.")
@click.pass_context
def export(ctx: click.Context, filters: Filters, fmt: str | None, output: Output | None, excel: bool,
           governorate_fallback: bool) -> None:
    """Export incidents as csv, json, ndjson, geojson, sqlite or markdown.

    GeoJSON places an incident at its own coordinates, else at its site's
    (places.yaml), else with --governorate-fallback at its governorate's
    capital; how many could not be placed is said on standard error, as is
    how many context or withdrawn records the default view left out."""
    fmt = _chosen_format(fmt, output)
    if excel and fmt != "csv":
        raise UsageFailure("--excel applies to --format csv only")
    if governorate_fallback and fmt != "geojson":
        raise UsageFailure("--governorate-fallback applies to --format geojson only")
    if fmt == "sqlite" and (output is None or (output.is_stdout and sys.stdout.isatty())):
        # a database is binary: asked for by name, or -o - into a pipe or file, never onto a terminal
        raise UsageFailure("--format sqlite writes a database file; give its path with -o PATH "
                           "(or -o - with standard output redirected)")
    output = output or Output("-", None)
    ledger, filters, chosen = selected(ctx, filters)  # actor aliases resolved as in `list`
    note_left_out(omitted(ledger, filters))
    places = ledger.places.places if ledger.places else []
    if fmt == "sqlite":
        actors = ledger.registry.actors if ledger.registry else []
        save(output, formats.sqlite_bytes(chosen, actors, places))
        _done(len(chosen), output, fmt)
        return
    text, left_out = formats.render(fmt, chosen, excel=excel, places={p.id: p for p in places},
                                    governorate_fallback=governorate_fallback)
    if left_out:
        noun = "incident" if left_out == 1 else "incidents"
        hint = "" if governorate_fallback else "; --governorate-fallback places them at its capital"
        click.echo(f"iraqsec: {left_out} {noun} without coordinates or a site left out of the GeoJSON{hint}",
                   err=True)
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
