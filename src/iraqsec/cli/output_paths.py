"""Output path options: checked when the command line is read, before any
work, by the one rule of `iraqsec.writing.outputs` (see docs/outputs.md)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from iraqsec.reading.ledger import LedgerNotFound, actor_files, default_paths, expand, place_files
from iraqsec.writing import outputs

from .common import UsageFailure


def ledger_files(ctx: click.Context) -> list[Path]:
    """The files of the ledger in force (and their actors.yaml and places.yaml): no output
    may replace them.  None when the ledger cannot be found (the command
    itself reports that)."""
    try:
        files = expand(default_paths(list((ctx.find_root().obj or {}).get("ledgers", ()))))
    except LedgerNotFound:
        return []
    return [path for path, _ in [*files, *actor_files(files), *place_files(files)]]


def checked(ctx: click.Context, option: str, given: str, *, stdout_ok: bool = True, ledger_hint: str = "") -> (
        outputs.Output):
    """`given` as a checked output, or a usage error (exit 2) naming the option."""
    try:
        return outputs.check(given, stdout_ok=stdout_ok, protected=ledger_files(ctx))
    except outputs.OutputRefused as exc:
        hint = (ledger_hint or "; write the output elsewhere") if exc.reason == outputs.LEDGER_FILE else ""
        raise UsageFailure(f"{option} {exc}{hint}") from None


def _callback(stdout_ok: bool, ledger_hint: str) -> Callable[[click.Context, click.Parameter, str | None],
                                                             outputs.Output | None]:
    def check(ctx: click.Context, param: click.Parameter, value: str | None) -> outputs.Output | None:
        if value is None:
            return None
        option = param.opts[0] if param.opts else str(param.name)
        return checked(ctx, option if value else f"{option}:", value, stdout_ok=stdout_ok, ledger_hint=ledger_hint)

    return check


def output_option(help: str, ledger_hint: str = "") -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`-o/--output PATH` (or `-` for standard output); the command receives
    an `outputs.Output` or None."""
    return click.option("-o", "--output", metavar="PATH", default=None, callback=_callback(True, ledger_hint),
                        help=help)


def save_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """`--save-svg` and `--save-html`: save exactly what was drawn.  They need
    a drawing (the table format) and two different files."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        svg, html = kwargs["save_svg"], kwargs["save_html"]
        if (svg or html) and kwargs.get("fmt", "table") != "table":
            raise UsageFailure(f"--save-svg and --save-html save the drawn table; they do not apply with "
                               f"--format {kwargs['fmt']}")
        if svg and html and svg.target == html.target:
            raise UsageFailure("--save-svg and --save-html name the same file; give two file names")
        return func(*args, **kwargs)

    wrapper = click.option("--save-html", metavar="PATH", callback=_callback(False, ""),
                           help="Also save the drawing as HTML (a regular file, replaced atomically).")(wrapper)
    return click.option("--save-svg", metavar="PATH", callback=_callback(False, ""),
                        help="Also save the drawing as SVG (a regular file, replaced atomically).")(wrapper)
