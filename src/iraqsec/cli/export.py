"""`iraqsec export`: the selected incidents in a format for other tools."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from .. import export as formats
from ..query import Filters
from ..writer import atomic_write
from .common import UsageFailure, note_left_out, omitted, selected
from .options import filter_options


@click.command()
@filter_options
@click.option("--format", "fmt", type=click.Choice(formats.FORMATS), default=None,
              help="Output format. Default: implied by the -o file name (.csv, .json, .ndjson/.jsonl, "
                   ".geojson, .sqlite/.sqlite3/.db, .md).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (atomically) instead of standard output; required for sqlite.")
@click.option("--excel", is_flag=True,
              help="csv only: start with a UTF-8 byte-order mark so that Excel reads non-Latin text correctly.")
@click.option("--governorate-fallback", is_flag=True,
              help="geojson only: place incidents with neither coordinates nor a site at their governorate's "
                   "capital, marked geo_precision: governorate.")
@click.pass_context
def export(ctx: click.Context, filters: Filters, fmt: str | None, output: Path | None, excel: bool,
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
    if fmt == "sqlite" and output is None:
        raise UsageFailure("--format sqlite writes a database file; give its path with -o PATH")
    ledger, filters, chosen = selected(ctx, filters)  # actor aliases resolved as in `list`
    if output is not None and _overwrites_ledger(output, [*ledger.files, *ledger.actor_files, *ledger.place_files]):
        raise UsageFailure(f"{output} is a file of the ledger; export to another file")
    note_left_out(omitted(ledger, filters))
    places = ledger.places.places if ledger.places else []
    if fmt == "sqlite":
        assert output is not None
        actors = ledger.registry.actors if ledger.registry else []
        _write(output, lambda: formats.write_sqlite(output, chosen, actors, places))
        _done(len(chosen), output, fmt)
        return
    text, left_out = formats.render(fmt, chosen, excel=excel, places={p.id: p for p in places},
                                    governorate_fallback=governorate_fallback)
    if left_out:
        noun = "incident" if left_out == 1 else "incidents"
        hint = "" if governorate_fallback else "; --governorate-fallback places them at its capital"
        click.echo(f"iraqsec: {left_out} {noun} without coordinates or a site left out of the GeoJSON{hint}",
                   err=True)
    data = text.encode("utf-8")
    if output is None:
        _to_stdout(data)
        return
    _write(output, lambda: atomic_write(output, data))
    _done(len(chosen) - left_out, output, fmt)


def _overwrites_ledger(output: Path, files: list[str]) -> bool:
    target = output.resolve()
    return any(Path(f).resolve() == target for f in files)


def _to_stdout(data: bytes) -> None:
    """Exact bytes (a BOM, CRLF line ends) whatever the terminal's encoding."""
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def _chosen_format(fmt: str | None, output: Path | None) -> str:
    if fmt is not None:
        return fmt
    implied = formats.format_for(output) if output is not None else None
    if implied is None:
        raise UsageFailure("give --format (csv, json, ndjson, geojson, sqlite or markdown), or an -o file name "
                           "ending in .csv, .json, .ndjson, .geojson, .sqlite or .md")
    return implied


def _write(path: Path, write: Callable[[], None]) -> None:
    try:
        write()
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from None


def _done(count: int, path: Path, fmt: str) -> None:
    noun = "incident" if count == 1 else "incidents"
    click.echo(f"iraqsec: wrote {count} {noun} to {path} ({fmt})", err=True)
