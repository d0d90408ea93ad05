"""Pausing the cyclic garbage collector around bulk work.

Loading, validating, formatting and caching a ledger build a great many
small containers, none of them cyclic.  The collector would rescan them all
again and again as they pile up (a third of the time at 100,000 records),
so bulk work runs with it paused and turns it back on afterwards.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            # What was built meanwhile is kept out of the collector's sight:
            # otherwise the first collection after enabling it would walk all
            # of it once more (a tenth of a second per 100,000 records).  It
            # is acyclic, so reference counting still frees it.
            gc.freeze()
            gc.enable()
