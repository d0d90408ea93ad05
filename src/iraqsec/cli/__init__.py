"""The `iraqsec` command line: a thin layer over the library.

Subcommands are imported only when run, so that `--version` and `--help`
stay fast (the models and YAML parser are not loaded for them).
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from iraqsec import __version__

# name -> (module, attribute, one-line help shown by `iraqsec --help`)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "add": ("iraqsec.cli.add", "add", "Add incidents to a ledger file, from prompts or JSON."),
    "check": ("iraqsec.cli.check", "check", "Check ledger files and report every problem."),
    "fmt": ("iraqsec.cli.fmt", "fmt", "Rewrite ledger files in the canonical layout."),
    "list": ("iraqsec.cli.listing", "list_", "List incidents, filtered."),
    "show": ("iraqsec.cli.show", "show", "Show one incident in full."),
    "places": ("iraqsec.cli.places", "places", "List the places of places.yaml and the incidents at each."),
    "summary": ("iraqsec.cli.summary", "summary", "Incidents and casualties grouped by one or two fields."),
    "trend": ("iraqsec.cli.trend", "trend", "Monthly trend drawn in the terminal."),
    "report": ("iraqsec.cli.report", "report", "Write the selected incidents as one self-contained HTML page."),
    "export": ("iraqsec.cli.export", "export", "Export incidents as csv, json, ndjson, geojson, sqlite or markdown."),
    "import": ("iraqsec.cli.importing", "import_", "Import incidents from other datasets (ACLED)."),
    "schema": ("iraqsec.cli.schema", "schema", "Print the JSON Schema of a ledger file."),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use, and the one place
    where whatever escapes a command becomes one line and an exit status
    (see guard.py): no traceback ever reaches the user."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        if not kwargs.get("standalone_mode", True):
            return super().main(*args, **kwargs)
        from .guard import guarded

        kwargs["standalone_mode"] = False
        return guarded(lambda: super(LazyGroup, self).main(*args, **kwargs))

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        from .guard import carried

        with carried():  # --help and --version write while the context is made
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        from .guard import carried

        with carried():  # click's main would swallow a closed pipe silently
            super().invoke(ctx)
        return None  # so that a number main returns is always an exit status (see guard.guarded)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, attr, _ = COMMANDS[cmd_name]
        command: click.Command = getattr(importlib.import_module(module), attr)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="iraqsec", message="%(prog)s %(version)s")
@click.option("-f", "--ledger", "ledgers", multiple=True, metavar="PATH",
              help="Ledger file or directory (repeatable). Default: $IRAQSEC_LEDGER, "
                   "then ./data/incidents.yaml, then the ledger shipped with iraqsec.")
@click.option("--no-cache", is_flag=True,
              help="Read the ledger in full, neither using nor updating the cache of validated records.")
@click.pass_context
def main(ctx: click.Context, ledgers: tuple[str, ...], no_cache: bool) -> None:
    """A sourced ledger of attacks on US forces, diplomatic missions and
    contractors in Iraq, and the strikes that answered them, October 2019 to
    December 2024."""
    ctx.obj = {"ledgers": ledgers, "cache": not no_cache}
    from iraqsec.rendering import progress  # bars on stderr when it is a terminal; `--format json` turns them off

    progress.enable()


def _run() -> Any:  # pragma: no cover - console-script shim
    return main()
