"""What commands share: ledger opening, error exits, output helpers."""

from __future__ import annotations

import io
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

from iraqsec.analysis.query import Filters, LeftOut, Record, left_out, matching, select
from iraqsec.reading.ledger import Ledger, LedgerNotFound, default_paths, load, load_cached
from iraqsec.record.findings import DEFAULT_CAP
from iraqsec.writing.outputs import Output, write

from .options import resolve_actors, resolve_sites

if TYPE_CHECKING:
    from iraqsec.record.model import Incident

MAX_SHOWN_ERRORS = 10


class UsageFailure(click.ClickException):
    """The command could not run (bad option, missing file): exit 2."""

    exit_code = 2


def ledger_paths(ctx: click.Context, override: Sequence[str] = ()) -> list[str]:
    given = list(override) or list((ctx.find_root().obj or {}).get("ledgers", ()))
    return default_paths(given)


def load_ledger(paths: Sequence[str], cached: bool = False, cap: int | None = DEFAULT_CAP) -> Ledger:
    try:
        return load_cached(paths) if cached else load(paths, cap)
    except LedgerNotFound as exc:
        raise UsageFailure(str(exc)) from None
    except OSError as exc:
        raise UsageFailure(f"{exc.filename}: {exc.strerror}") from None


def open_ledger(ctx: click.Context) -> Ledger:
    """The ledger for a reading command; refuses one with errors (exit 1)."""
    use_cache = (ctx.find_root().obj or {}).get("cache", True)
    ledger = load_ledger(ledger_paths(ctx), cached=use_cache)
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


def selected(ctx: click.Context, filters: Filters) -> tuple[Ledger, Filters, list[Incident]]:
    """The ledger, the filters with actors resolved, and the matching incidents
    in date-then-id order."""
    ledger = open_ledger(ctx)
    filters = _resolved(ledger, filters)
    return ledger, filters, select(ledger.candidates(filters), filters)


def selected_facts(ctx: click.Context, filters: Filters) -> tuple[Ledger, Filters, list[Record]]:
    """Like `selected`, for output that reads only what `Facts` holds (the
    cache then rebuilds no model), in date-then-id order."""
    ledger = open_ledger(ctx)
    filters = _resolved(ledger, filters)
    return ledger, filters, select(ledger.records(filters), filters)


def omitted(ledger: Ledger, filters: Filters) -> LeftOut:
    """What the scope and withdrawn choice left out of a selection (every
    record that meets the filters is among `Ledger.records`)."""
    return left_out(ledger.records(filters), filters)


def count_line(count: int, left: LeftOut, noun: str = "incident") -> str:
    """e.g. "28 incidents (3 context records not shown: --scope all)"."""
    note = left.note()
    return f"{count:,} {noun}{'' if count == 1 else 's'}" + (f" ({note})" if note else "")


def note_left_out(left: LeftOut) -> None:
    """For machine formats, whose output has no room for it: on stderr."""
    if left.note():
        click.echo(f"iraqsec: {left.note()}", err=True)


def selected_records(ctx: click.Context, filters: Filters) -> tuple[Ledger, Filters, list[Record]]:
    """Like `selected`, for reports that read only what `Facts` holds (from
    the cache, no models are rebuilt) and do not depend on order (they
    group): the matching records come unsorted."""
    ledger = open_ledger(ctx)
    filters = _resolved(ledger, filters)
    return ledger, filters, list(matching(ledger.records(filters), filters))


def _resolved(ledger: Ledger, filters: Filters) -> Filters:
    # The registries are read only when a filter names a place or an actor:
    # from the cache, building them costs the models' import (docs/performance.md).
    if filters.sites:
        places = ledger.places
        filters = resolve_sites(filters, places.resolve if places else None,
                                sorted(places.by_id) if places else [])
    if not (filters.actors or filters.claimed_by or filters.attributed_to):
        return filters
    if ledger.registry is not None:
        registry = ledger.registry
        return resolve_actors(filters, registry.canonical, sorted(registry.names))
    names = {a.casefold(): a for i in (ledger.facts() or ledger.incidents) for a in i.actors}
    return resolve_actors(filters, lambda n: names.get(n.casefold()), sorted(names.values()))


def emit(text: str) -> None:
    """Plain output (json, csv...): straight to stdout, never through rich."""
    click.echo(text, nl=False)


def draw(renderables: Sequence[Any], save_svg: Output | None = None, save_html: Output | None = None,
         title: str = "iraqsec") -> None:
    """Print to the terminal and save exactly that drawing when asked.  A
    callable is a drawing that chooses its layout for the width; a `Whole`
    line is printed unwrapped and uncut."""
    from iraqsec.rendering.render import Whole, console  # here: rich is only needed for drawings

    terminal = console()  # what the real stdout is: its width, and whether it takes colour
    buffer = io.StringIO()
    out = console(file=buffer, width=terminal.width, record=bool(save_svg or save_html),
                  force_terminal=terminal.is_terminal, color_system=terminal.color_system)
    for item in renderables:
        for renderable in (item(out.width) if callable(item) else [item]):
            out.print(renderable, soft_wrap=isinstance(renderable, Whole))
    # rich pads every cell to its column's width; trailing blanks are noise in a pipe or a diff
    click.echo("\n".join(line.rstrip() for line in buffer.getvalue().split("\n")), nl=False)
    if save_svg:
        save(save_svg, out.export_svg(title=title, clear=False).encode("utf-8"))
    if save_html:
        save(save_html, out.export_html(clear=False).encode("utf-8"))


def save(output: Output, data: bytes) -> None:
    """Write a checked output (cli/output_paths.py checked it before the
    work); a write that still fails, a full disk say, is one clear line and
    exit 1, and leaves the old file as it was."""
    if output.is_stdout:
        write(output, data)  # a closed pipe or a full disk: the root guard's one line, as for every command
        return
    try:
        write(output, data)
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None
