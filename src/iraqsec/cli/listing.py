"""`iraqsec list`: incidents matching the filters."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
from click.shell_completion import CompletionItem

from iraqsec.analysis.query import Filters, R, Record
from iraqsec.rendering import plain
from iraqsec.rendering.plain import DEFAULT_LIST_COLUMNS, LIST_COLUMNS

from .common import count_line, draw, emit, note_left_out, omitted, selected, selected_facts
from .options import filter_options, output_format

if TYPE_CHECKING:
    from iraqsec.reading.ledger import Ledger


def _limit(ctx: click.Context, param: click.Parameter, value: int | None) -> int | None:
    if value is not None and value < 0:
        raise click.BadParameter(f"{value} is negative; give a whole number, 0 or more", ctx, param)
    return value


def _columns(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, ...]:
    if value is None:
        return DEFAULT_LIST_COLUMNS
    names = tuple(n.strip() for n in value.split(",") if n.strip())
    unknown = [n for n in names if n not in LIST_COLUMNS]
    if unknown or not names:
        raise click.BadParameter(f"unknown column '{(unknown or [value])[0]}'; choose from "
                                 f"{', '.join(LIST_COLUMNS)}, comma-separated", ctx, param)
    return names


def _complete_columns(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """The column names, after whatever list is already typed."""
    done, _, stem = incomplete.rpartition(",")
    prefix = f"{done}," if done else ""
    return [CompletionItem(prefix + n) for n in LIST_COLUMNS if n.startswith(stem)]


@click.command("list")
@filter_options
@output_format("table", "json", "ndjson", "csv", "yaml", "ids")
@click.option("--limit", type=int, callback=_limit, metavar="N",
              help="Show at most N incidents (a whole number, 0 or more); with --reverse, the N newest.")
@click.option("--columns", callback=_columns, metavar="LIST", shell_complete=_complete_columns,
              help="Table columns, comma-separated, from: " + ", ".join(LIST_COLUMNS)
                   + ". Default: " + ",".join(DEFAULT_LIST_COLUMNS) + ".")
@click.option("--reverse", is_flag=True, help="Newest first.")
@click.pass_context
def list_(ctx: click.Context, filters: Filters, fmt: str, limit: int | None, columns: tuple[str, ...],
          reverse: bool) -> None:
    """List incidents, sorted by date then id.

    In the table, Id is what 'iraqsec show' takes, K and W are the reported
    killed and wounded (? = not reported), a date like 2020-09-?? is known
    only to the month and one like 2020-08-16..19 lies somewhere in that
    span.  Ids and figures are never wrapped or cut: when the Id column
    does not fit the terminal (80 columns, or a pipe), each id is printed
    whole on the line below its row, and the first line says so; narrower
    still, one incident per entry.  Context and withdrawn
    records are left out unless --scope / --include-withdrawn ask for them;
    the count line says how many."""
    if fmt in ("json", "ids"):  # what Facts hold and the cache's JSON texts: no model rebuilt
        ledger, filters, records = selected_facts(ctx, filters)
        records = _cut(records, reverse, limit)
        note_left_out(omitted(ledger, filters))
        emit(_json(ledger, records) if fmt == "json" else "".join(f"{i.id}\n" for i in records))
        return
    ledger, filters, chosen = selected(ctx, filters)
    left = omitted(ledger, filters)
    chosen = _cut(chosen, reverse, limit)
    if fmt == "table":
        from iraqsec.rendering.render import incident_table  # here: rich only for the table

        line = count_line(len(chosen), left)
        draw([incident_table(chosen, columns), line] if chosen else [line])
        return
    note_left_out(left)
    if fmt == "ndjson":
        emit(plain.to_ndjson(chosen))
    elif fmt == "csv":
        emit(plain.to_csv(chosen))
    else:
        from iraqsec.writing.writer import dump_records  # here: the writer loads yaml and the models

        emit(dump_records(chosen))



def _cut(records: list[R], reverse: bool, limit: int | None) -> list[R]:
    """Newest first with --reverse, then at most --limit."""
    if reverse:
        records.reverse()
    return records if limit is None else records[:limit]


def _json(ledger: Ledger, records: list[Record]) -> str:
    items = ledger.json_items(records)
    if items is None:  # no cache, or a corrupt one (the records may then be Facts read before): the models
        by_id = {i.id: i for i in ledger.incidents}
        return plain.to_json([by_id[r.id] for r in records])
    return plain.to_json([], items)
