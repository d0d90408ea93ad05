"""`iraqsec import acled`: records from an ACLED CSV export."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import click

from iraqsec.interop import acled
from iraqsec.record.model import Incident
from iraqsec.writing import authoring
from iraqsec.writing.outputs import Output
from iraqsec.writing.writer import atomic_write, dump_records, locked

from .common import MAX_SHOWN_ERRORS, UsageFailure, ledger_paths, load_ledger, save
from .guard import shorten_runs
from .output_paths import checked, output_option

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@click.group("import")
def import_() -> None:
    """Import incidents from other datasets."""


REVIEW_FILE = "acled-review.yaml"  # the default output; the project's .gitignore ignores it
TERMS = ("ACLED's terms of use forbid redistributing its data or building a dataset that substitutes "
         "for it")


def review_header(csv_name: str) -> str:
    """The comment that heads every review file: where the records come from
    and what ACLED's terms allow."""
    text = (f"Records derived from ACLED data ({_safe(csv_name)}) by 'iraqsec import acled', for your own "
            f"review. {TERMS}: do not commit these records to a public ledger or publish them. Their "
            "summaries are ACLED's wording: grade, rewrite and source each record from the reports "
            "themselves first (docs/interop.md, \"ACLED's terms\").")
    return "".join(f"# {line}\n" for line in textwrap.wrap(text, 76, break_long_words=False,
                                                            break_on_hyphens=False))


@import_.command("acled")
@click.argument("csv_file", metavar="CSV", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--country", default="Iraq", show_default=True, help="Keep the rows of this ACLED country.")
@click.option("--all-types", is_flag=True,
              help="Keep every event type; by default only Battles, Explosions/Remote violence and "
                   "Violence against civilians.")
@output_option(f"Write the review file to this regular file (atomically; a link is followed) instead of "
               f"./{REVIEW_FILE}; - is standard output.", ledger_hint="; use --append to add to it")
@click.option("--force", is_flag=True, help="Replace the review file if it exists.")
@click.option("--append", is_flag=True,
              help="Add the new records to the ledger file 'iraqsec add' writes to (the first -f file), "
                   "in date order, under its lock, instead of writing a review file. They derive from "
                   "ACLED data: do not publish that ledger unless ACLED's terms allow it.")
@click.pass_context
def acled_(ctx: click.Context, csv_file: Path, country: str, all_types: bool, output: Output | None, force: bool,
           append: bool) -> None:
    """Import the events of an ACLED CSV export as ledger records, into a
    review file for your own use.

    ACLED's terms of use forbid redistributing its data or building a
    dataset that substitutes for it.  So by default the records go to a
    review file, ./acled-review.yaml (git-ignored in this project; -o PATH
    for another, - for standard output), headed by a comment saying where
    they come from; never into the ledger.  --append adds them to the
    ledger only when asked, with a warning: keep such a ledger private
    unless your ACLED licence allows more.

    Events already in the ledger in force (by id, or by their acled-... tag)
    are skipped, so importing the same file twice adds nothing the second
    time.  The mapping rules and the terms are in docs/interop.md."""
    if output is not None and append:
        raise UsageFailure("-o and --append exclude each other: write a review file or append to the ledger")
    if force and append:
        raise UsageFailure("--force replaces a review file; it does not apply with --append")
    review = None if append else output or checked(ctx, "the review file", REVIEW_FILE,
                                                   ledger_hint="; give -o PATH, or --append to add to it")
    if review is not None and review.target is not None and review.target.exists() and not force:
        raise UsageFailure(f"{review} exists; give --force to replace it, -o PATH for another review file, "
                           "or --append to add to the ledger")
    conversion = _convert(csv_file, country, all_types)
    shown = str(csv_file)
    for problem in conversion.rejected:
        click.echo(f"{shown}:{problem.line}: skipped: {_safe(problem.message)}", err=True)
    if append:
        fresh, known, target = _append(ctx, conversion.incidents)
        _report(shown, conversion, len(fresh), known, country, f"added in date order to {target}")
        if fresh:
            click.echo(f"iraqsec: warning: {target} now holds records derived from ACLED data. {TERMS}: do not "
                       "commit or publish this ledger unless your ACLED licence allows it (docs/interop.md).",
                       err=True)
        return
    ledger = load_ledger(ledger_paths(ctx))
    fresh, known = acled.new_incidents(conversion.incidents, ledger.incidents)
    if review is None:  # never: without --append there is a review file
        return
    text = review_header(shown) + dump_records(fresh)
    save(review, text.encode("utf-8"))  # UTF-8 whatever the terminal's encoding
    _report(shown, conversion, len(fresh), known, country, f"written to {review}")
    click.echo("iraqsec: they derive from ACLED data: for your own review, not for a public ledger "
               "(ACLED's terms; docs/interop.md)", err=True)


def _safe(message: str) -> str:
    """A message quoting CSV values, with no control character left to
    reach the terminal (an escape sequence in a cell stays inert)."""
    return shorten_runs(_CONTROL.sub("\N{REPLACEMENT CHARACTER}", message))


def _convert(csv_file: Path, country: str, all_types: bool) -> acled.Conversion:
    """The mapped rows; exits 1 (nothing written) on a broken file."""
    shown = str(csv_file)
    try:
        data = csv_file.read_bytes()
    except OSError as exc:
        raise UsageFailure(f"{shown}: {exc.strerror or exc}") from None
    try:
        conversion = acled.convert(data, shown, country=country, all_types=all_types)
    except acled.AcledFileError as exc:
        raise click.ClickException(str(exc)) from None
    if conversion.malformed:
        for problem in sorted(conversion.malformed, key=lambda p: p.line):
            click.echo(f"{shown}:{problem.line}: error: {_safe(problem.message)}", err=True)
        raise click.ClickException(f"{shown}: {len(conversion.malformed)} malformed row(s); nothing was imported. "
                                   "Fix them, or export the file again from ACLED")
    return conversion


def _append(ctx: click.Context, incidents: list[Incident]) -> tuple[list[Incident], int, Path]:
    """Add the incidents the ledger lacks to the file `add` writes to (the
    first ledger file in force), in date order, under its lock, re-reading
    the ledger inside the lock."""
    paths = ledger_paths(ctx)
    try:
        target = authoring.choose_target(tuple((ctx.find_root().obj or {}).get("ledgers", ())))
    except authoring.TargetError as exc:
        raise UsageFailure(str(exc)) from None
    with locked(target.path):
        ledger = load_ledger(paths)
        if ledger.errors:
            for finding in ledger.errors[:MAX_SHOWN_ERRORS]:
                click.echo(finding.as_text(), err=True)
            raise click.ClickException(f"the ledger has {len(ledger.errors)} error(s); run 'iraqsec check', "
                                       "fix them, then import again")
        fresh, known = acled.new_incidents(incidents, ledger.incidents)
        if fresh:
            existing = target.path.read_bytes() if target.path.exists() else b""
            try:
                atomic_write(target.path, authoring.place_records(existing, fresh, target.shown))
            except authoring.AddRefused as exc:
                raise click.ClickException(exc.message) from None
            except OSError as exc:
                raise click.ClickException(f"cannot write {target.shown}: {exc.strerror or exc}") from None
    return fresh, known, target.path


def _report(shown: str, conversion: acled.Conversion, fresh: int, known: int, country: str, where: str) -> None:
    def n(count: int, word: str) -> str:
        return f"{count} {word}{'' if count == 1 else 's'}"

    click.echo(f"iraqsec: {shown}: {n(conversion.rows, 'row')} ({conversion.layout} layout): "
               f"{n(fresh, 'new incident')} {where}; {known} already in the ledger; "
               f"{n(len(conversion.rejected), 'row')} skipped; {conversion.other_type} of other event types and "
               f"{conversion.other_country} outside {country} left out", err=True)
