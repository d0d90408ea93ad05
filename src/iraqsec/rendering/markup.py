"""Building HTML and SVG with escaping in one place.

Every string that reaches the page goes through `esc` unless it is
`Markup`, which only this module's `el` and the page's own constants make.
Ledger text is therefore always text: `<script>` in a summary shows as
`<script>`, never runs.  Links are made only from http(s) URLs.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping

_URL_RE = re.compile(r"^https?://[^\s\"'<>`]+$", re.IGNORECASE)
# Attribute and tag names are the page's own constants; this guards against a
# slip that would let one be built from data.
_NAME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9:-]*$")

AttrValue = str | int | float | bool | None


class Markup(str):
    """Text that is already HTML (built by `el` or a page constant)."""

    __slots__ = ()


def esc(value: object) -> Markup:
    """A value as HTML text: markup passes through, everything else is escaped."""
    if isinstance(value, Markup):
        return value
    return Markup(html.escape(str(value), quote=True))


def _children(children: Iterable[object]) -> str:
    out = []
    for child in children:
        if child is None:
            continue
        if isinstance(child, (str, int, float)):
            out.append(esc(child))
        else:
            out.append(_children(child))  # type: ignore[arg-type]
    return "".join(out)


def attrs(values: Mapping[str, AttrValue]) -> str:
    """` name="value"` pairs; None and False leave an attribute out, True
    writes it bare."""
    out = []
    for name, value in values.items():
        if not _NAME_RE.match(name):
            raise ValueError(f"bad attribute name {name!r}")
        if value is None or value is False:
            continue
        out.append(f" {name}" if value is True else f' {name}="{esc(value)}"')
    return "".join(out)


def el(tag: str, attributes: Mapping[str, AttrValue] | None = None, *children: object) -> Markup:
    """An element whose attribute values and text children are escaped."""
    if not _NAME_RE.match(tag):
        raise ValueError(f"bad tag name {tag!r}")
    return Markup(f"<{tag}{attrs(attributes or {})}>{_children(children)}</{tag}>")


def void(tag: str, attributes: Mapping[str, AttrValue] | None = None) -> Markup:
    """An element without content (`<meta>`, `<input>`, `<circle/>` in SVG)."""
    if not _NAME_RE.match(tag):
        raise ValueError(f"bad tag name {tag!r}")
    return Markup(f"<{tag}{attrs(attributes or {})}>")


def join(parts: Iterable[object]) -> Markup:
    return Markup(_children(parts))


def safe_url(url: str | None) -> str | None:
    """The URL when it is a plain http(s) URL, else None (shown as text, not linked)."""
    return url if url is not None and _URL_RE.match(url) else None


def link(url: str | None, text: object) -> Markup:
    """A link opening in a new tab without giving it this page, or the text alone."""
    href = safe_url(url)
    if href is None:
        return esc(text)
    return el("a", {"href": href, "rel": "noopener noreferrer", "target": "_blank"}, text)
