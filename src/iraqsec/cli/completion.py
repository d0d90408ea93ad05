"""Shell completion of option values: vocabulary terms, governorates,
country codes, actor names and incident ids.

Click drives completion (see docs/completion.md for installing it in bash,
zsh and fish); these functions supply the candidates.  Names and ids come
from the ledger in force (`-f` on the command line being completed, else
the usual order of precedence).  Completion must never fail loudly: a
ledger that cannot be read completes nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import click
from click.shell_completion import CompletionItem

from iraqsec.record import vocab


def _matching(words: Iterable[str], incomplete: str) -> list[CompletionItem]:
    stem = incomplete.casefold()
    return [CompletionItem(w) for w in sorted(set(words), key=str.casefold) if w.casefold().startswith(stem)]


def words(values: Sequence[str]) -> Callable[[click.Context, click.Parameter, str], list[CompletionItem]]:
    """Complete from a fixed list (a vocabulary)."""

    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        return _matching(values, incomplete)

    return complete


def complete_governorates(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Canonical names first; aliases and ISO codes once something is typed."""
    names = list(vocab.GOVERNORATES)
    if incomplete:
        names += list(vocab.governorate_aliases())
    return _matching(names, incomplete)


def complete_countries(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    return _matching(vocab.COUNTRY_CODES, incomplete.upper())


def _ledger(ctx: click.Context) -> Any:
    from iraqsec.reading.ledger import default_paths, load_cached

    given = ctx.find_root().params.get("ledgers") or ()
    with contextlib.suppress(Exception):  # completion never breaks the shell
        return load_cached(default_paths(list(given)))
    return None


def complete_actors(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Registry names and aliases, else the names the ledger's records use."""
    ledger = _ledger(ctx)
    if ledger is None:
        return []
    if ledger.registry is not None:
        names = [n for a in ledger.registry.actors for n in (a.name, *a.aliases)]
    else:
        names = [n for i in ledger.incidents for n in i.actors]
    return _matching(names, incomplete)


def complete_sites(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Ids, names and aliases of the places of places.yaml."""
    ledger = _ledger(ctx)
    if ledger is None or ledger.places is None:
        return []
    return _matching([s for p in ledger.places.places for s in (p.id, p.name, *p.aliases)], incomplete)


def complete_ids(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    ledger = _ledger(ctx)
    if ledger is None:
        return []
    facts = ledger.facts()
    ids = [f.id for f in facts] if facts is not None else [i.id for i in ledger.incidents]
    return [CompletionItem(i) for i in sorted(ids) if i.startswith(incomplete)]
