"""Saved replies: templates with {variables}, filled from the item being answered.

Author names come from the internet: they may carry markup, control characters, right-to-left
text, or be empty or absurdly long. Values are made safe as plain text here; the editor never
renders them as HTML.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from inbox.domain.models import SOURCE_LABELS, ItemRow
from inbox.domain.tone import first_name

VARIABLES: dict[str, str] = {
    "author_first_name": "The customer's first name",
    "business_name": "Your business's name (Settings)",
    "owner_name": "Your name (Settings)",
    "rating": "The star rating, 1–5",
    "source": "Where the customer wrote (Google, Yelp, …)",
    "item_excerpt": "The start of what the customer wrote",
}
NAME_MAX = 40
EXCERPT_MAX = 80
_VAR = re.compile(r"\{([a-z_]+)\}")
ANONYMOUS = "Anonymous"  # what the store shows for an author with no name
_FSI, _PDI = "\u2068", "\u2069"  # first-strong isolate … pop directional isolate


@dataclass(frozen=True, slots=True)
class Rendered:
    """The filled-in text, and where each variable that had no value is (to highlight)."""

    text: str
    missing: list[tuple[int, int, str]]  # (start, end, variable name)


def clean_value(value: str, limit: int) -> str:
    """One line of plain text: no control or bidi-override characters, collapsed spaces,
    at most `limit` characters (cut at a word where possible, with an ellipsis), and
    right-to-left text wrapped in a directional isolate so it can't flip the sentence."""
    kept = "".join(c for c in value if unicodedata.category(c)[0] != "C" or c in "\t\n")
    text = " ".join(kept.split())
    if len(text) > limit:
        cut = text[:limit - 1]
        space = cut.rfind(" ")
        text = (cut[:space] if space > limit // 2 else cut).rstrip(" ,.;:") + "…"
    if any(unicodedata.bidirectional(c) in ("R", "AL") for c in text):
        text = _FSI + text + _PDI
    return text


def excerpt(text: str, limit: int = EXCERPT_MAX) -> str:
    return clean_value(text, limit)


def values_for(item: ItemRow, *, business_name: str | None, owner_name: str | None) -> dict[str, str]:
    """Variable values for a reply to `item`; a variable with no value is left out."""
    values = {
        "author_first_name": clean_value(first_name(author_display_name(item)), NAME_MAX),
        "business_name": clean_value(business_name or "", NAME_MAX * 2),
        "owner_name": clean_value(owner_name or "", NAME_MAX),
        "rating": str(item.rating) if item.rating else "",
        "source": SOURCE_LABELS.get(item.source_kind, item.source_kind),
        "item_excerpt": excerpt(item.text or item.title),
    }
    return {k: v for k, v in values.items() if v}


def author_display_name(item: ItemRow) -> str:
    """The author's name, or "" when the store only knows them as "Anonymous"."""
    return "" if item.author_name == ANONYMOUS and not item.author_handle else item.author_name


def render(body: str, values: dict[str, str]) -> Rendered:
    """Fill `{name}` placeholders; unknown or empty ones stay as written and are reported."""
    out: list[str] = []
    missing: list[tuple[int, int, str]] = []
    pos = length = 0
    for m in _VAR.finditer(body):
        out.append(body[pos:m.start()])
        length += m.start() - pos
        value = values.get(m.group(1))
        if value:
            out.append(value)
            length += len(value)
        else:
            out.append(m.group())
            missing.append((length, length + len(m.group()), m.group(1)))
            length += len(m.group())
        pos = m.end()
    out.append(body[pos:])
    return Rendered("".join(out), missing)


def unfilled(text: str) -> list[tuple[int, int, str]]:
    """Placeholders still in a draft (the editor highlights them before sending)."""
    return [(m.start(), m.end(), m.group(1)) for m in _VAR.finditer(text) if m.group(1) in VARIABLES]
