"""Options shared by every command that selects incidents."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

import click

from ..query import Filters

MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _months(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...]:
    for value in values:
        if not MONTH_RE.match(value):
            raise click.BadParameter(f"'{value}' is not a month; write YYYY-MM, e.g. 2020-09", ctx, param)
    return values


def filter_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add the shared filter options; the command receives `filters`."""

    @click.option("--month", "months", multiple=True, callback=_months, metavar="YYYY-MM",
                  help="Incidents in this month (repeatable).")
    @functools.wraps(func)
    def wrapper(*args: Any, months: tuple[str, ...], **kwargs: Any) -> Any:
        return func(*args, filters=Filters(months=months), **kwargs)

    return wrapper
