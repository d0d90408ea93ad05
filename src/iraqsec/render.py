"""Rendering for terminals with rich.  Ledger text is always passed as
`Text` (never markup), and control characters are replaced before they can
reach a terminal."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import IO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .model import Incident

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def safe(text: str | None) -> Text:
    """Ledger text as a rich Text: literal, with control characters made visible."""
    return Text(_CONTROL.sub("\N{REPLACEMENT CHARACTER}", text or ""))


def console(file: IO[str] | None = None, width: int | None = None, record: bool = False) -> Console:
    """A console that never reads markup or emoji codes from data, and writes
    no escape sequences when the output is not a terminal or NO_COLOR is set."""
    return Console(
        file=file,
        width=width,
        markup=False,
        emoji=False,
        highlight=False,
        no_color=bool(os.environ.get("NO_COLOR")),
        record=record,
        soft_wrap=False,
    )


def shown_date(date: str) -> str:
    """A date for display: month precision shows its unknown day as ??."""
    return f"{date}-??" if len(date) == 7 else date


def count(value: int | None) -> str:
    return "?" if value is None else str(value)


def incident_table(incidents: Sequence[Incident]) -> Table:
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold", expand=False)
    table.add_column("Date", no_wrap=True)
    table.add_column("Governorate", no_wrap=True, max_width=12, overflow="ellipsis")
    table.add_column("Tactic", no_wrap=True)
    table.add_column("Target", ratio=1, overflow="fold")
    table.add_column("K", justify="right", no_wrap=True)
    table.add_column("W", justify="right", no_wrap=True)
    for incident in incidents:
        table.add_row(shown_date(incident.date), safe(incident.governorate), incident.tactic,
                      safe(incident.target), count(incident.killed), count(incident.wounded))
    return table
