"""Progress bars on stderr for long work, only on a terminal.

Reading, checking, formatting, importing or exporting a large ledger takes
seconds.  On a terminal, that work shows a bar on stderr (rich, cleared when
done).  Never when stderr is not a terminal (a pipe, a file, a CI log), never
under `--format json`, never for small inputs: a task shows a bar only when
it has at least `BIG` units of work (about a second's worth), or always when
`IRAQSEC_PROGRESS=always` (for tests and demonstrations; still only on a
terminal).  Results never depend on it.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any

from iraqsec.record.findings import visible

BIG = {"bytes": 4_000_000, "records": 5_000}
_state: dict[str, Any] = {"on": False, "bars": None, "open": 0}


def enable(on: bool = True) -> None:
    """Allow bars for this run when stderr is a terminal (the CLI calls this)."""
    _state["on"] = on and _terminal()


def disable() -> None:
    """No bars for this run (`--format json`)."""
    _state["on"] = False


def _terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # closed or replaced stderr
        return False


def _noop(done: int) -> None:
    return None


@contextlib.contextmanager
def task(label: str, total: int, unit: str = "records") -> Iterator[Callable[[int], None]]:
    """A callable to report how much of `total` is done; the bar goes when
    the block ends.  A no-op when bars are off or the work is small."""
    forced = os.environ.get("IRAQSEC_PROGRESS") == "always"
    if not _state["on"] or total <= 0 or (total < BIG[unit] and not forced):
        yield _noop
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

    bars = _state["bars"]
    if bars is None:
        bars = Progress(TextColumn("{task.description}", markup=False), BarColumn(), TaskProgressColumn(),
                        TimeRemainingColumn(), console=Console(stderr=True), transient=True)
        bars.start()
        _state["bars"] = bars
    ident = bars.add_task(visible(label), total=total)  # a label names a file: escapes shown, never sent
    _state["open"] += 1
    try:
        yield lambda done: bars.update(ident, completed=min(done, total))
    finally:
        bars.remove_task(ident)
        _state["open"] -= 1
        if not _state["open"]:
            bars.stop()
            _state["bars"] = None
