"""What commands share: ledger opening, error exits, output helpers."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from ..ledger import Ledger, LedgerNotFound, default_paths, load

MAX_SHOWN_ERRORS = 10


class UsageFailure(click.ClickException):
    """The command could not run (bad option, missing file): exit 2."""

    exit_code = 2


def ledger_paths(ctx: click.Context, override: Sequence[str] = ()) -> list[str]:
    given = list(override) or list((ctx.find_root().obj or {}).get("ledgers", ()))
    return default_paths(given)


def load_ledger(paths: Sequence[str]) -> Ledger:
    try:
        return load(paths)
    except LedgerNotFound as exc:
        raise UsageFailure(str(exc)) from None
    except OSError as exc:
        raise UsageFailure(f"{exc.filename}: {exc.strerror}") from None


def open_ledger(ctx: click.Context) -> Ledger:
    """The ledger for a reading command; refuses one with errors (exit 1)."""
    ledger = load_ledger(ledger_paths(ctx))
    errors = ledger.errors
    if errors:
        for finding in errors[:MAX_SHOWN_ERRORS]:
            click.echo(finding.as_text(), err=True)
        more = len(errors) - MAX_SHOWN_ERRORS
        tail = f" ({more} more not shown)" if more > 0 else ""
        click.echo(f"iraqsec: the ledger has {len(errors)} error(s){tail}; "
                   "run 'iraqsec check' for the full report and fix them first", err=True)
        sys.exit(1)
    return ledger
