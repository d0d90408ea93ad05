"""Fitting report tables into a width without ever cutting a figure.

A report is built as columns: *number* columns (figures, dates, months,
ids: right- or left-aligned, never wrapped, never shortened) and *text*
columns (ledger text such as actor names: wrapped at spaces when narrow).
A header is never split: a column is at least as wide as its header.

`fit` gives one table when everything fits the width, or None.  `blocks`
splits the body columns of a wide table into several tables that each
fit, repeating the key column (the row labels) in each.  When even that
cannot work, the caller falls back to a record form (one group per few
lines), and every layout other than the plain table says which it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text

Cell = str | Text
TEXT_MIN = 8  # a text column narrower than its longest word wraps mid-word; below this it reads badly


@dataclass
class Column:
    header: Cell
    cells: Sequence[Cell] = field(default_factory=list)
    footer: Cell = ""
    numeric: bool = True  # never wrapped: figures, months, ids
    justify: str = "right"
    style: str | None = None

    def natural(self) -> int:
        return max((_len(c) for c in [self.header, self.footer, *self.cells]), default=0)

    def minimum(self) -> int:
        if self.numeric:
            return self.natural()
        widest_word = max((_len(w) for c in self.cells for w in plain_text(c).split()), default=0)
        return max(_len(self.header), _len(self.footer), min(self.natural(), max(TEXT_MIN, widest_word)))


def plain_text(cell: Cell) -> str:
    return cell.plain if isinstance(cell, Text) else cell


def _len(cell: Cell) -> int:
    return max((cell_len(line) for line in plain_text(cell).split("\n")), default=0)


def needed(columns: Sequence[Column], gap: int) -> int:
    """The narrowest width the columns fit in as one table."""
    return sum(c.minimum() for c in columns) + gap * (len(columns) - 1)


def widths(columns: Sequence[Column], width: int, gap: int = 2) -> list[int] | None:
    """Each column's width in one table of `width`, or None when the columns
    cannot fit without cutting a number or a header."""
    if not columns or needed(columns, gap) > width:
        return None
    out = [c.minimum() for c in columns]
    spare = width - needed(columns, gap)
    for i, column in enumerate(columns):  # text columns widen towards their natural width
        grow = min(spare, column.natural() - out[i])
        out[i] += grow
        spare -= grow
    return out


def table(columns: Sequence[Column], column_widths: Sequence[int], gap: int = 2, footer: bool = True,
          rows: Sequence[int] | None = None, header: bool = True) -> Table:
    """The columns at these widths, with all their rows or only `rows`
    (tables drawn at the same widths line up with one another)."""
    out = Table(box=None, pad_edge=False, show_edge=False, header_style="bold", show_footer=footer,
                show_header=header, padding=(0, 0, 0, gap), expand=False)
    for column, w in zip(columns, column_widths, strict=True):
        out.add_column(column.header, footer=column.footer, width=w, min_width=w, no_wrap=column.numeric,
                       overflow="fold", justify=column.justify,  # type: ignore[arg-type]
                       style=column.style)
    count = max((len(c.cells) for c in columns), default=0)
    for r in range(count) if rows is None else rows:
        out.add_row(*(c.cells[r] if r < len(c.cells) else "" for c in columns))
    return out


def fit(columns: Sequence[Column], width: int, gap: int = 2, footer: bool = True) -> Table | None:
    """One table of these columns in `width`, or None when they cannot fit
    without cutting a number or a header."""
    column_widths = widths(columns, width, gap)
    return None if column_widths is None else table(columns, column_widths, gap, footer)


def blocks(key: Column, body: Sequence[Column], width: int, gap: int = 1) -> list[Table] | None:
    """The body columns split into as few tables as fit, in order, each
    led by the key column; None when the key and one body column do not fit."""
    chunks: list[list[Column]] = []
    for column in body:
        if needed([key, column], gap) > width:
            return None
        if chunks and needed([key, *chunks[-1], column], gap) <= width:
            chunks[-1].append(column)
        else:
            chunks.append([column])
    tables = [fit([key, *chunk], width, gap) for chunk in chunks]
    return [t for t in tables if t is not None]


def block_note(count: int, width: int, key: str) -> str:
    return (f"Too wide for {width} columns: split into {count} blocks of columns, each repeating the "
            f"{key} column. Widen the terminal or set COLUMNS for one table.")


def record_note(width: int, noun: str = "group") -> str:
    return (f"Too wide for {width} columns as a table: one {noun} per entry. Widen the terminal or set "
            "COLUMNS for a table.")
