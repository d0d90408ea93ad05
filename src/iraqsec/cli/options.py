"""Options shared by commands: the incident filters and output choices.

Vocabulary filters are checked when parsed (an unknown term is a usage error
listing the valid ones); governorates accept any alias, case-insensitively.
Actor names are resolved against the ledger's actor registry once it is
loaded (`resolve_actors`).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import click

from iraqsec.analysis.query import UNGRADED, Filters, day_span
from iraqsec.record import vocab

from .completion import complete_actors, complete_countries, complete_governorates, complete_sites, words

# The record format's own checks (`record.model`) are imported where an option
# is checked, not at the top: importing that module loads pydantic, which warm
# reading commands otherwise never need (docs/performance.md, "Start-up").
MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
YEAR_RE = re.compile(r"^[0-9]{4}$")


def _months(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...]:
    """Months as given; a year stands for its twelve months."""
    out: list[str] = []
    for value in values:
        if YEAR_RE.match(value):
            out += [f"{value}-{m:02d}" for m in range(1, 13)]
        elif MONTH_RE.match(value):
            out.append(value)
        else:
            raise click.BadParameter(f"'{value}' is not a month; write YYYY-MM (e.g. 2020-09) or a year "
                                     "(YYYY)", ctx, param)
    return tuple(dict.fromkeys(out))


def _date_bound(last: bool) -> Callable[[click.Context, click.Parameter, str | None], dt.date | None]:
    def parse(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
        if value is None:
            return None
        if YEAR_RE.match(value) and int(value) >= 1:  # a year: from its first day, to its last
            return dt.date(int(value), 12, 31) if last else dt.date(int(value), 1, 1)
        from iraqsec.record.model import parse_date

        try:
            parse_date(value)  # the record format's own rule: YYYY-MM-DD or YYYY-MM, a real day
        except ValueError:
            raise click.BadParameter(f"'{value}' is not a date; write YYYY-MM-DD, YYYY-MM or YYYY",
                                     ctx, param) from None
        first_day, last_day = day_span(value)
        return last_day if last else first_day

    return parse


def _terms(name: str, terms: Sequence[str]) -> Callable[[click.Context, click.Parameter, tuple[str, ...]],
                                                        tuple[str, ...]]:
    def check(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...]:
        out = []
        for value in values:
            folded = {t.casefold(): t for t in terms}
            if value.casefold() not in folded:
                from iraqsec.record.model import suggest

                near = suggest(value, terms)
                hint = f" (did you mean '{near[0]}'?)" if near else ""
                raise click.BadParameter(f"unknown {name} '{value}'{hint}; valid: {', '.join(terms)}", ctx, param)
            out.append(folded[value.casefold()])
        return tuple(out)

    return check


def _governorates(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...]:
    out = []
    for value in values:
        canonical = vocab.canonical_governorate(value)
        if canonical is None:
            raise click.BadParameter(f"unknown governorate '{value}'; valid: {', '.join(vocab.GOVERNORATES)} "
                                     "(or an alias such as Babylon, Basrah, Ninewa)", ctx, param)
        out.append(canonical)
    return tuple(out)


def _countries(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...]:
    for value in values:
        if value.upper() not in vocab.COUNTRY_CODES:
            raise click.BadParameter(f"'{value}' is not an ISO 3166-1 alpha-2 code such as US or GB", ctx, param)
    return tuple(v.upper() for v in values)


def _tags(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...]:
    for value in values:
        from iraqsec.record.model import TAG_RE

        if not TAG_RE.match(value):
            raise click.BadParameter(f"'{value}' is not a tag; tags are kebab-case, e.g. rocket-campaign", ctx, param)
    return values


# The contract's default view (campaign records, none withdrawn) and its widening.
_VIEW_OPTIONS = [
    click.option("--scope", "scope", type=click.Choice([*vocab.SCOPES, "all"]), default=vocab.DEFAULT_SCOPE,
                 show_default=True, help="Campaign records, context records, or all."),
    click.option("--include-withdrawn", is_flag=True, help="Count withdrawn records too."),
]


def view_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Only --scope and --include-withdrawn; the command receives `filters`."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        view = Filters(scope=kwargs.pop("scope"), include_withdrawn=kwargs.pop("include_withdrawn"))
        return func(*args, filters=view, **kwargs)

    for option in reversed(_VIEW_OPTIONS):
        wrapper = option(wrapper)
    return wrapper


_FILTER_OPTIONS = [
    click.option("--month", "months", multiple=True, callback=_months, metavar="YYYY-MM",
                 help="In this month, or every month of a year YYYY (repeatable)."),
    click.option("--from", "start", callback=_date_bound(last=False), metavar="DATE",
                 help="On or after DATE (YYYY-MM-DD, YYYY-MM or YYYY)."),
    click.option("--to", "end", callback=_date_bound(last=True), metavar="DATE",
                 help="On or before DATE (YYYY-MM-DD, YYYY-MM or YYYY), inclusive."),
    click.option("--tactic", "tactics", multiple=True, callback=_terms("tactic", list(vocab.TACTICS)),
                 shell_complete=words(list(vocab.TACTICS)), metavar="TERM", help="Tactic (repeatable)."),
    click.option("--target-type", "target_types", multiple=True,
                 callback=_terms("target type", list(vocab.TARGET_TYPES)), metavar="TERM",
                 shell_complete=words(list(vocab.TARGET_TYPES)),
                 help="Target type (repeatable)."),
    click.option("--governorate", "governorates", multiple=True, callback=_governorates, metavar="NAME",
                 shell_complete=complete_governorates,
                 help="Governorate, canonical name or alias (repeatable)."),
    click.option("--actor", "actors", multiple=True, metavar="NAME", shell_complete=complete_actors,
                 help="Claimed by or attributed to this actor, any alias (repeatable)."),
    click.option("--claimed-by", "claimed_by", multiple=True, metavar="NAME", shell_complete=complete_actors,
                 help="Claimed by this actor, any alias (repeatable)."),
    click.option("--attributed-to", "attributed_to", multiple=True, metavar="NAME",
                 shell_complete=complete_actors,
                 help="Attributed to (blamed on) this actor, any alias (repeatable)."),
    click.option("--target-country", "target_countries", multiple=True, callback=_countries, metavar="CC",
                 shell_complete=complete_countries,
                 help="Target country code, e.g. US, GB (repeatable)."),
    click.option("--casualties", is_flag=True, help="Only incidents with someone reported killed or wounded."),
    click.option("--search", metavar="TEXT", help="Case-insensitive text in place, target, summary or notes."),
    click.option("--evidence", "evidence", multiple=True,
                 callback=_terms("evidence grade", [*vocab.EVIDENCE, UNGRADED]), metavar="TERM",
                 shell_complete=words([*vocab.EVIDENCE, UNGRADED]),
                 help=f"Evidence grade: {', '.join(vocab.EVIDENCE)}, or {UNGRADED} (repeatable)."),
    click.option("--tag", "tags", multiple=True, callback=_tags, metavar="TAG",
                 help="Carrying this tag (repeatable: any of them)."),
    click.option("--without-tag", "without_tags", multiple=True, callback=_tags, metavar="TAG",
                 help="Not carrying this tag (repeatable: none of them)."),
    click.option("--site", "sites", multiple=True, metavar="ID", shell_complete=complete_sites,
                 help="At this place of places.yaml: its id, name or an alias (repeatable)."),
    *_VIEW_OPTIONS,
]
FILTER_NAMES = ("months", "start", "end", "tactics", "target_types", "governorates", "actors", "claimed_by",
                "attributed_to", "target_countries", "casualties", "search", "evidence", "tags", "without_tags",
                "sites", "scope", "include_withdrawn")


def filter_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add the shared filter options; the command receives `filters`.
    Repeated options OR together; different options AND."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        values = {name: kwargs.pop(name) for name in FILTER_NAMES}
        if values["start"] and values["end"] and values["start"] > values["end"]:
            raise click.UsageError("--from is after --to")
        return func(*args, filters=Filters(**values), **kwargs)

    for option in reversed(_FILTER_OPTIONS):
        wrapper = option(wrapper)
    return wrapper


ACTOR_FILTERS = {"actors": "--actor", "claimed_by": "--claimed-by", "attributed_to": "--attributed-to"}


def resolve_actors(filters: Filters, canonical: Callable[[str], str | None], known: Sequence[str]) -> Filters:
    """Filters with actor aliases replaced by canonical names; an unknown
    actor is a usage error listing the known ones."""
    changes: dict[str, tuple[str, ...]] = {}
    for attr, option in ACTOR_FILTERS.items():
        out = []
        for name in getattr(filters, attr):
            found = canonical(name)
            if found is None:
                raise click.BadParameter(f"unknown actor '{name}'; known: {', '.join(sorted(known))}",
                                         param_hint=f"'{option}'")
            out.append(found)
        changes[attr] = tuple(out)
    if not any(changes.values()):
        return filters
    return replace(filters, actors=changes["actors"], claimed_by=changes["claimed_by"],
                   attributed_to=changes["attributed_to"])


def resolve_sites(filters: Filters, resolve: Callable[[str], list[str]] | None, known: Sequence[str]) -> Filters:
    """Filters with place names and aliases replaced by place ids; an unknown
    place is a usage error.  Without places.yaml, ids are taken as written."""
    if not filters.sites or resolve is None:
        return filters
    out: list[str] = []
    for name in filters.sites:
        found = resolve(name)
        if not found:
            from iraqsec.record.model import suggest

            near = suggest(name, known, n=3)
            hint = f"; did you mean: {', '.join(near)}?" if near else "; 'iraqsec places' lists them"
            raise click.BadParameter(f"unknown place '{name}'{hint}", param_hint="'--site'")
        out += found
    return replace(filters, sites=tuple(dict.fromkeys(out)))


def output_format(*choices: str, default: str | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A `--format` option with these choices (the first is the default)."""
    return click.option("--format", "fmt", type=click.Choice(list(choices)), default=default or choices[0],
                        show_default=True, help="Output format.", callback=quiet_for_json)


def quiet_for_json(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """No progress bars under a JSON format (a program reads the output)."""
    if value in ("json", "ndjson", "geojson"):
        from iraqsec.rendering import progress

        progress.disable()
    return value


def save_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """`--save-svg` and `--save-html`: save exactly what was drawn (checked
    before any work by the output path rule, cli/output_paths.py)."""
    from .output_paths import save_options as checked_save_options  # here: it imports this module's users

    return checked_save_options(func)


def period_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """`--period month|quarter|year`: how a report groups its months (the
    command receives `period`).  Month is the default, whatever the span: an
    explicit default never surprises; a long monthly report suggests quarter."""
    from iraqsec.analysis.reports import PERIODS  # here: reports are only needed by the commands that report

    return click.option("--period", type=click.Choice(list(PERIODS)), default="month", show_default=True,
                        help="Group months into quarters (2020-Q3) or years (2020); a period only partly "
                             "in the range is marked *.")(func)
