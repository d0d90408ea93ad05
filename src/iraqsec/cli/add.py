"""`iraqsec add`: append records, from JSON or from prompts, to a ledger file.

With `--json FILE` (or `--json -` for standard input) the records come from
JSON; otherwise, on a terminal, the command asks for each field.  The hidden
`--interactive` flag forces the prompts when standard input is not a
terminal (tests drive them that way; see docs/authoring.md).
"""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from iraqsec.reading.loader import RawRecord
from iraqsec.record import vocab
from iraqsec.record.findings import Finding
from iraqsec.writing import authoring, writer
from iraqsec.writing.authoring import AddRefused, AnswerError, Context, Target, TargetError

from .common import UsageFailure

T = TypeVar("T")


@click.command()
@click.option("--json", "json_file", metavar="FILE",
              help="Read one record (a JSON object) or several (an array) from FILE; '-' reads standard input.")
@click.option("--interactive/--no-interactive", default=None, hidden=True,
              help="Prompt for the fields even when standard input is not a terminal (or never prompt).")
@click.pass_context
def add(ctx: click.Context, json_file: str | None, interactive: bool | None) -> None:
    """Add incidents to the ledger file in force (the first -f PATH).

    With --json, prints the ids it added, one per line.  Without it, on a
    terminal, asks for each field, shows the record and asks before writing.
    Nothing is written when any record has a problem; every problem is
    listed.  Exit status: 0 added, 1 invalid input, 2 the command could not run."""
    try:
        target = authoring.choose_target(tuple((ctx.find_root().obj or {}).get("ledgers", ())))
    except TargetError as exc:
        raise UsageFailure(str(exc)) from None
    if json_file is not None:
        _from_json(target, json_file)
    elif interactive or (interactive is None and sys.stdin is not None and sys.stdin.isatty()):
        _from_prompts(target)
    else:
        raise UsageFailure("no record given: pass --json FILE (or --json - to read standard input), "
                           "or run 'iraqsec add' on a terminal to be asked for each field")


def _from_json(target: Target, json_file: str) -> None:
    source = "<stdin>" if json_file == "-" else json_file
    try:
        data = _stdin_bytes() if json_file == "-" else Path(json_file).read_bytes()
    except OSError as exc:
        raise UsageFailure(f"{json_file}: {exc.strerror}") from None
    with _refusals():
        context = authoring.load_context(target)
        parsed = authoring.parse_json(data, source)
        incidents, findings = authoring.check_records(parsed.records, context)
        _report(findings)
        authoring.append(target, incidents, context)
    for incident in incidents:
        click.echo(incident.id)


def _stdin_bytes() -> bytes:
    if sys.stdin is None:  # started with stdin closed (`<&-`)
        raise UsageFailure("--json -: standard input is closed; pipe the JSON in or give a file")
    try:
        return sys.stdin.buffer.read()
    except (OSError, ValueError) as exc:  # a closed descriptor under a live sys.stdin
        raise UsageFailure(f"--json -: standard input cannot be read ({exc})") from None


@contextlib.contextmanager
def _refusals() -> Iterator[None]:
    """AddRefused -> its findings on stderr, a closing line, exit 1."""
    try:
        yield
    except AddRefused as exc:
        for finding in exc.findings:
            click.echo(finding.as_text(), err=True)
        click.echo(f"iraqsec add: {exc.message}; the ledger is unchanged", err=True)
        sys.exit(1)


def _report(findings: Sequence[Finding]) -> None:
    """Warnings are shown and do not stop the add; errors stop it."""
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        raise AddRefused(findings, f"nothing added: {len(errors)} error(s) in the input")
    for finding in findings:
        click.echo(finding.as_text(), err=True)


# --- prompts ---------------------------------------------------------------


class GovernorateChoice(click.Choice[str]):
    """The canonical governorates as choices; any accepted alias or ISO code
    is taken and stored as the canonical name."""

    def __init__(self) -> None:
        super().__init__(list(vocab.GOVERNORATES), case_sensitive=False)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            return authoring.parse_governorate(str(value))
        except AnswerError as exc:
            self.fail(str(exc), param, ctx)


def _from_prompts(target: Target) -> None:
    with _refusals():
        context = authoring.load_context(target)
        click.echo(f"New incident for {target.shown}. Press Ctrl-C to stop; nothing is written until you confirm.")
        data = _ask_record(context)
        incidents, findings = authoring.check_records([RawRecord("<new record>", 1, 1, data)], context)
        _report(findings)
        click.echo()
        click.echo(writer.dump_record(incidents[0]), nl=False)
        click.echo()
        if not click.confirm(f"Add this record to {target.shown}?", default=True):
            click.echo("Nothing written.")
            return
        authoring.append(target, incidents, context)
    click.echo(f"Added {incidents[0].id} to {target.shown}.")


def _ask_record(context: Context) -> dict[str, Any]:
    registry = context.registry
    actors = [s for a in registry.actors for s in (a.name, *a.aliases)] if registry is not None else []
    data: dict[str, Any] = {}
    data["date"] = _ask("Date (YYYY-MM-DD, or YYYY-MM if only the month is known)",
                        lambda t: authoring.check_value("date", t.strip()))
    data["governorate"] = _choose("Governorate", GovernorateChoice(),
                                  [*vocab.GOVERNORATES, *vocab.governorate_aliases()])
    data["place"] = _ask("Place (town, district or site)", lambda t: authoring.parse_text_answer("place", t))
    _ask_location(context, data)
    data["tactic"] = _choose("Tactic", click.Choice(list(vocab.TACTICS), case_sensitive=False), list(vocab.TACTICS))
    data["target_type"] = _choose("Target type", click.Choice(list(vocab.TARGET_TYPES), case_sensitive=False),
                                  list(vocab.TARGET_TYPES))
    data["target"] = _ask("Target (what was hit or aimed at)", lambda t: authoring.parse_text_answer("target", t))
    country = _ask("Target country (ISO code such as US, GB, IQ; empty if none)", authoring.parse_country,
                   optional=True)
    if country is not None:
        data["target_country"] = country
    for key in ("killed", "wounded"):
        data[key] = _ask(f"{key.capitalize()} (a number; empty if not reported)", authoring.parse_count,
                         optional=True)
    for key, label in (("claimed_by", "Claimed by"), ("attributed_to", "Attributed to")):
        data[key] = _ask(f"{label} (actor names, comma-separated; empty if none)",
                         functools.partial(_actors, key, context), optional=True, words=actors)
    data["evidence"] = _choose("Evidence (how well the event is established; docs/codebook.md)",
                               click.Choice(list(vocab.EVIDENCE), case_sensitive=False), list(vocab.EVIDENCE))
    scope = _choose("Scope (context: shapes the campaign but is no attack on its targets)",
                    click.Choice(list(vocab.SCOPES), case_sensitive=False), list(vocab.SCOPES),
                    default=vocab.DEFAULT_SCOPE)
    if scope != vocab.DEFAULT_SCOPE:
        data["scope"] = scope
    data["summary"] = _ask("Summary (one to three sentences, in your own words)",
                           lambda t: authoring.parse_text_answer("summary", t))
    data["sources"] = _ask_sources()
    notes = _ask("Notes (uncertainties, conflicting reports; empty if none)",
                 lambda t: authoring.parse_text_answer("notes", t, optional=True), optional=True)
    if notes is not None:
        data["notes"] = notes
    tags = _ask("Tags (kebab-case, comma-separated; empty if none)", authoring.parse_tags, optional=True)
    if tags:
        data["tags"] = tags
    proposal = authoring.propose_id(data["date"], data["place"], data["tactic"], context.ids)
    ident = _ask("Id", lambda t: authoring.parse_id(t, context.ids), default=proposal)
    return {"id": ident, **data}


def _ask_location(context: Context, data: dict[str, Any]) -> None:
    """Site (when the ledger has places.yaml), coordinates, and how precise
    they are when either is given."""
    places = context.places
    if places is not None:
        words = [s for p in places.places for s in (p.id, p.name, *p.aliases)]
        site = _ask("Site (a place of places.yaml: id, name or alias; Tab completes; empty if none)",
                    functools.partial(authoring.parse_site, places, data["governorate"]), optional=True,
                    words=words)
        if site is not None:
            data["site"] = site
    coordinates = _ask("Coordinates of the event itself (latitude, longitude; empty if unknown)",
                       authoring.parse_coordinates, optional=True)
    if coordinates is not None:
        data["coordinates"] = coordinates
    if "site" in data or "coordinates" in data:
        data["geo_precision"] = _choose("Geo precision (how close the location is to the event)",
                                        click.Choice(list(vocab.GEO_PRECISIONS), case_sensitive=False),
                                        list(vocab.GEO_PRECISIONS))


def _actors(key: str, context: Context, text: str) -> list[str]:
    names, notices = authoring.parse_actors(key, text, context.registry)
    for notice in notices:
        click.echo(f"  note: {notice}", err=True)
    return names


def _ask_sources() -> list[str]:
    sources: list[str] = []
    while True:
        first = not sources
        label = "Source URL" if first else "Another source URL (empty to finish)"
        url = _ask(label, lambda t: authoring.parse_source(t) if t.strip() else None, optional=not first)
        if url is None:
            return sources
        sources.append(url)


def _ask(label: str, parse: Callable[[str], T], optional: bool = False, default: str | None = None,
         words: Sequence[str] = ()) -> T:
    """Prompt until `parse` accepts the answer; its message is shown otherwise."""
    while True:
        with _completion(words):
            text: str = click.prompt(label, default=default if default is not None else ("" if optional else None),
                                     show_default=bool(default))
        try:
            return parse(text)
        except AnswerError as exc:
            click.echo(f"  {exc}", err=True)


def _choose(label: str, choice: click.Choice[str], words: Sequence[str], default: str | None = None) -> str:
    with _completion(words):
        value: str = click.prompt(label, type=choice, default=default)
    return value


@contextlib.contextmanager
def _completion(words: Sequence[str]) -> Iterator[None]:
    """Tab completion over `words` while a prompt is open, where the terminal
    has readline; each comma-separated part is completed on its own."""
    readline: Any = None
    if words and sys.stdin.isatty():
        with contextlib.suppress(ImportError):
            import readline
    if readline is None:
        yield
        return
    choices = sorted(set(words), key=str.casefold)

    def complete(text: str, state: int) -> str | None:
        stem = text.lstrip()
        lead = text[: len(text) - len(stem)]
        hits = [lead + w for w in choices if w.casefold().startswith(stem.casefold())]
        return hits[state] if state < len(hits) else None

    saved = readline.get_completer(), readline.get_completer_delims()
    readline.set_completer(complete)
    readline.set_completer_delims(",")
    libedit = "libedit" in (readline.__doc__ or "")
    readline.parse_and_bind("bind ^I rl_complete" if libedit else "tab: complete")
    if not libedit:  # the choices match case-insensitively; let readline extend them so
        readline.parse_and_bind("set completion-ignore-case on")
    try:
        yield
    finally:
        readline.set_completer(saved[0])
        readline.set_completer_delims(saved[1])
