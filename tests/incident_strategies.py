"""Hypothesis strategies: random valid incidents, with text made to be hard
to write (quotes, colons, '#', brackets, leading dashes, unicode, line breaks,
long lines)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from iraqsec.record import vocab
from iraqsec.record.model import ID_RE, TAG_RE, Incident

# Characters YAML treats specially somewhere, and a few unicode ones.
AWKWARD = list(":#'\"[]{},-&*!|>%@`?\\ ") + ["- ", ": ", " #", "---", "...", "é", "ق", "😀", "\u00a0", "\u200b",
                                            "null", "true", "yes", "~", "2020-09-06", "0x1F", "1e3", ".inf"]
# Plain characters: no surrogates, no control characters, no line or paragraph
# separators, byte-order marks or noncharacters (the model refuses them all).
# Text a record may hold: no controls, no bidirectional embedding, override
# or isolate controls (the marks U+200E/U+200F stay).
LETTERS = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp"),
                        exclude_characters="\ufeff\ufffe\uffff\u202a\u202b\u202c\u202d\u202e"
                                           "\u2066\u2067\u2068\u2069")


def text(max_size: int = 200, breaks: bool = False) -> st.SearchStrategy[str]:
    """Text a record may hold: one line, or with tabs and line breaks, which
    the writer must put in block scalars."""
    pieces: list[st.SearchStrategy[str]] = [LETTERS, st.sampled_from(AWKWARD)]
    if breaks:
        pieces.append(st.sampled_from(["\n", "\n", "\t", "\n\n", " \n"]))
    joined = st.lists(st.one_of(*pieces), min_size=1, max_size=max_size).map("".join)
    words = st.lists(st.text(alphabet="abcdefgh éالقل", min_size=1, max_size=12), min_size=1,
                     max_size=max_size // 6 or 1).map(" ".join)  # long wrapped prose
    return st.one_of(joined, words).map(lambda s: s[:max_size]).filter(bool)


def dates() -> st.SearchStrategy[str]:
    day = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2024, 12, 31))
    return st.one_of(day.map(dt.date.isoformat), day.map(lambda d: d.isoformat()[:7]))


def urls() -> st.SearchStrategy[str]:
    return st.builds(lambda scheme, rest: f"{scheme}://{rest}", st.sampled_from(["http", "https"]),
                     st.from_regex(r"[a-z0-9][a-z0-9.:/?#=&%,_'()\[\]-]{0,60}", fullmatch=True))


def sources() -> st.SearchStrategy[Any]:
    mapping = st.fixed_dictionaries(
        {"title": text(120, breaks=True)},
        optional={"url": urls(), "publisher": text(60),
                  "published": dates()},
    )
    return st.lists(st.one_of(urls(), mapping), min_size=1, max_size=3)


def incidents() -> st.SearchStrategy[Incident]:
    fields = st.fixed_dictionaries(
        {
            "id": st.from_regex(ID_RE, fullmatch=True).filter(lambda s: len(s) <= 80),
            "date": dates(),
            "governorate": st.sampled_from(list(vocab.GOVERNORATES)),
            "place": text(200, breaks=True),
            "tactic": st.sampled_from(list(vocab.TACTICS)),
            "target_type": st.sampled_from(list(vocab.TARGET_TYPES)),
            "target": text(200),
            "killed": st.one_of(st.none(), st.integers(0, 10**6)),
            "wounded": st.one_of(st.none(), st.integers(0, 10**6)),
            "summary": text(1000, breaks=True),
            "sources": sources(),
        },
        optional={
            "coordinates": st.tuples(st.floats(29.0, 37.4), st.floats(38.7, 48.8)).map(list),
            "target_country": st.sampled_from(sorted(vocab.COUNTRY_CODES)),
            "claimed_by": st.lists(text(60, breaks=True), max_size=3),
            "attributed_to": st.lists(text(60), max_size=3),
            "notes": text(400, breaks=True),
            "tags": st.lists(st.from_regex(TAG_RE, fullmatch=True).filter(lambda s: len(s) < 30), max_size=4),
            # record format v2
            "evidence": st.sampled_from(list(vocab.EVIDENCE)),
            "scope": st.sampled_from(list(vocab.SCOPES)),
            "site": ids(),
            "related": st.lists(st.fixed_dictionaries({"id": ids(),
                                                       "relation": st.sampled_from(list(vocab.RELATIONS))}),
                                max_size=3),
            "withdrawn": st.fixed_dictionaries({"reason": text(300, breaks=True)},
                                               optional={"superseded_by": ids()}),
            "date_end_days": st.integers(1, vocab.MAX_SPAN_DAYS),
            "geo_precision": st.sampled_from(list(vocab.GEO_PRECISIONS)),
        },
    )
    return fields.map(_v2_consistent).map(Incident.model_validate)


def ids() -> st.SearchStrategy[str]:
    return st.from_regex(ID_RE, fullmatch=True).filter(lambda s: len(s) <= 80)


def _v2_consistent(data: dict[str, Any]) -> dict[str, Any]:
    """What the whole-record rules ask: a span only after a day, geo_precision
    exactly when there is a location, no link to the record itself."""
    days = data.pop("date_end_days", None)
    if days is not None and len(data["date"]) == 10:
        data["date_end"] = (dt.date.fromisoformat(data["date"]) + dt.timedelta(days=days)).isoformat()
    located = "site" in data or "coordinates" in data
    if located and "geo_precision" not in data:
        data["geo_precision"] = "near"
    if not located:
        data.pop("geo_precision", None)
    data["related"] = [link for link in data.get("related", []) if link["id"] != data["id"]]
    return data


def comment() -> st.SearchStrategy[str]:
    line = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp"),
                                          exclude_characters="\ufeff\ufffe\uffff"), max_size=40)
    return line.map(lambda s: ("# " + s).rstrip())
