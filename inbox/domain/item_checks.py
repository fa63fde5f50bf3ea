"""Can this item be stored? One answer for every way items arrive (a sync, a file import).

Why: one entry that the database cannot take — text that is not valid Unicode (a lone
surrogate from a JSON `\\ud800`), a field of megabytes, a `raw` nested past any real payload —
used to fail the whole page's transaction. Checked first, it is skipped with a reason and
the rest of the page is stored."""

from __future__ import annotations

import json
import re
from typing import Any

from inbox.domain.models import Item

MAX_TEXT_CHARS = 100_000   # a review's text or reply: far beyond any real one
MAX_FIELD_CHARS = 10_000   # ids, titles, names, links, language
MAX_RAW_CHARS = 1_000_000  # the source's own record, kept for reference
MAX_NESTING = 32           # deeper than any export or API payload we read
_SURROGATE = re.compile("[\ud800-\udfff]")  # what UTF-8 cannot encode
# json.dumps(raw, ensure_ascii=False, default=str), without building an encoder per call
_ENCODE = json.JSONEncoder(ensure_ascii=False, default=str).encode


def is_valid_unicode(text: str) -> bool:
    """False for text with lone surrogates (invalid UTF-8 read with surrogateescape, or a
    JSON `\\udXXX` escape without its pair): the database cannot store it."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def nesting(value: Any, limit: int = MAX_NESTING) -> int:
    """How deep lists and objects nest in `value` (counting stops past `limit`), without
    recursion, so even a pathological value cannot exhaust the stack."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        current, depth = stack.pop()
        if isinstance(current, dict):
            current = list(current.values())
        if isinstance(current, list):
            depth += 1
            deepest = max(deepest, depth)
            if deepest > limit:
                return deepest
            stack.extend((v, depth) for v in current if isinstance(v, dict | list))
    return deepest


def text_problem(label: str, value: Any, limit: int) -> str | None:
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    if len(text) > limit:
        return f"the {label} is longer than {limit:,} characters"
    if not is_valid_unicode(text):
        return f"the {label} is not valid Unicode text"
    return None


def raw_json(raw: Any) -> str:
    """A source record as stored (JSON). RecursionError when it nests deeper than
    MAX_NESTING: Python 3.13's encoder dumps thousands of levels that older versions (and
    readers of the file) refuse. Counting brackets first, in C, spares the walk of almost
    every record."""
    text = _ENCODE(raw)
    if text.count("{") + text.count("[") > MAX_NESTING and nesting(raw) > MAX_NESTING:
        raise RecursionError(f"nested more than {MAX_NESTING} levels deep")
    return text


def unstorable(item: Item, *, deep: bool = True) -> str | None:
    """Why `item` cannot be stored, in words for a note ("the text is longer than ..."), or
    None when it can. `deep=False` leaves out the source record (`raw`), the costly part:
    the store checks that by trying (see `IngestMixin.upsert_items`)."""
    if not item.external_id:
        return "no id"
    if not (item.text or item.title or item.rating or item.deleted):
        return "no text and no rating"
    author = item.author
    short = (item.external_id, item.title, item.url, item.language, item.parent_external_id,
             item.root_external_id, *((author.external_id, author.display_name, author.handle,
                                       author.profile_url) if author is not None else ()))
    text, html = item.text or "", item.html or ""
    # the common case (every field a short, valid str) in a few C calls; any doubt: field by field
    try:
        joined = "".join(filter(None, (text, html, *short)))  # TypeError: a field is not text
    except TypeError:
        joined = None
    if joined is None or len(text) > MAX_TEXT_CHARS or len(html) > MAX_TEXT_CHARS * 4 \
            or max(map(len, filter(None, short)), default=0) > MAX_FIELD_CHARS \
            or _SURROGATE.search(joined):
        problem = _field_problem(item)
        if problem:
            return problem
    if item.rating is not None and not isinstance(item.rating, int | float):
        return "the rating is not a number"
    if deep and item.raw is not None:
        return raw_problem(item.raw)
    return None


def _field_problem(item: Item) -> str | None:
    checks = [("text", item.text, MAX_TEXT_CHARS), ("html", item.html, MAX_TEXT_CHARS * 4),
              ("id", item.external_id, MAX_FIELD_CHARS), ("title", item.title, MAX_FIELD_CHARS),
              ("link", item.url, MAX_FIELD_CHARS), ("language", item.language, MAX_FIELD_CHARS),
              ("parent id", item.parent_external_id, MAX_FIELD_CHARS),
              ("thread id", item.root_external_id, MAX_FIELD_CHARS)]
    if item.author is not None:
        checks += [("author id", item.author.external_id, MAX_FIELD_CHARS),
                   ("author name", item.author.display_name, MAX_FIELD_CHARS),
                   ("author handle", item.author.handle, MAX_FIELD_CHARS),
                   ("author link", item.author.profile_url, MAX_FIELD_CHARS)]
    for label, value, limit in checks:
        problem = text_problem(label, value, limit) if value else None
        if problem:
            return problem
    return None


def raw_problem(raw: Any) -> str | None:
    """Why a source record cannot be stored, or None. A flat record of text (every CSV
    row) cannot nest, and its JSON is at most six characters per character (\\u escapes):
    checked without writing it out."""
    try:  # TypeError: not a dict, or not all text
        joined = "".join(raw) + "".join(raw.values()) if type(raw) is dict else None
    except TypeError:
        joined = None
    if joined is not None and (len(joined) + 6 * len(raw)) * 6 <= MAX_RAW_CHARS:
        return "the source record is not valid Unicode text" if _SURROGATE.search(joined) else None
    if nesting(raw) > MAX_NESTING:
        return f"it is nested more than {MAX_NESTING} levels deep"
    try:
        text = _ENCODE(raw)
    except (ValueError, TypeError, RecursionError):
        return "its source record cannot be read"
    return text_problem("source record", text, MAX_RAW_CHARS)
