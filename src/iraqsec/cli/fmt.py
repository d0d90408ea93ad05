"""`iraqsec fmt`: rewrite ledger files in the canonical layout."""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Iterable
from pathlib import Path

import click

from iraqsec.reading.ledger import LedgerNotFound, default_paths, expand
from iraqsec.writing import writer
from iraqsec.writing.authoring import TargetError, refuse_shipped, shipped_fallback
from iraqsec.writing.fmt import FormatRefused, format_bytes

from .common import UsageFailure


@click.command("fmt")
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option("--check", is_flag=True,
              help="Change nothing: print a diff of what would change, exit 1 when a file is not canonical.")
@click.pass_context
def fmt(ctx: click.Context, paths: tuple[str, ...], check: bool) -> None:
    """Rewrite ledger files in the canonical layout.

    Keys in the contract's order, two-space indentation, one way of quoting,
    records sorted by date then id with one blank line between them.  A
    comment stays where it was written: above the record, key or list item
    it precedes, or after the value it follows; the header stays on top.
    The data never changes, and a file with errors is left as it is.
    Default: the ledger in force.

    Exit status: 0 done (or, with --check, already canonical), 1 a file has
    errors (or, with --check, is not canonical), 2 the command could not run."""
    given = paths or tuple((ctx.find_root().obj or {}).get("ledgers", ()))
    try:
        files = expand(default_paths(given))
    except LedgerNotFound as exc:
        raise UsageFailure(str(exc)) from None
    if not check:
        try:
            for path, shown in files:
                refuse_shipped(path, shown, shipped_fallback(given, os.environ))
        except TargetError as exc:
            raise UsageFailure(str(exc)) from None
    outcomes = [_check_file(p, s) if check else _format_file(p, s) for p, s in files]
    sys.exit(1 if any(o == "failed" or (check and o == "changed") for o in outcomes) else 0)


def _format_file(path: Path, shown: str) -> str:
    """'changed', 'same' or 'failed'; the file is replaced atomically, under
    its lock, from the bytes read inside the lock."""
    try:
        with writer.locked(path):
            data = path.read_bytes()
            new = format_bytes(data, shown)
            if new == data:
                return "same"
            writer.atomic_write(path, new)
    except FormatRefused as exc:
        return _refused(shown, exc)
    except OSError as exc:
        raise UsageFailure(f"{shown}: {exc.strerror}") from None
    click.echo(f"reformatted {shown}")
    return "changed"


def _check_file(path: Path, shown: str) -> str:
    try:
        data = path.read_bytes()
        new = format_bytes(data, shown)
    except FormatRefused as exc:
        return _refused(shown, exc)
    except OSError as exc:
        raise UsageFailure(f"{shown}: {exc.strerror}") from None
    if new == data:
        return "same"
    click.echo("".join(_diff(data, new, shown)), nl=False)
    click.echo(f"iraqsec fmt: {shown} is not in the canonical layout; run 'iraqsec fmt {shown}'", err=True)
    return "changed"


def _refused(shown: str, exc: FormatRefused) -> str:
    for finding in exc.findings:
        click.echo(finding.as_text(), err=True)
    click.echo(f"iraqsec fmt: {shown}: {exc.message}", err=True)
    return "failed"


def _diff(old: bytes, new: bytes, shown: str) -> Iterable[str]:
    """A unified diff; a last line without a line end is marked as such."""
    before = old.decode("utf-8", "replace").splitlines(keepends=True)
    after = new.decode("utf-8", "replace").splitlines(keepends=True)
    for line in difflib.unified_diff(before, after, fromfile=shown, tofile=f"{shown} (formatted)"):
        yield line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
