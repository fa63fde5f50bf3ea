"""Small helpers for reading API payloads tolerantly, shared by the connectors.

APIs drift: every helper here accepts missing keys, `null`s and wrong types and answers with an
empty value rather than raising, so one odd entry costs that entry, never the page.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from inbox.domain import format_time, parse_time
from inbox.sources.base import BadPayload

if TYPE_CHECKING:
    import httpx


def as_list(value: Any) -> list[Any]:
    """A list from a value that may be a list, one object, or absent (Apple's `entry`)."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def dig(obj: Any, *path: str | int) -> Any:
    """obj[a][b][c], or None where any step is missing or of the wrong type."""
    for key in path:
        if isinstance(key, int):
            if not isinstance(obj, list) or not -len(obj) <= key < len(obj):
                return None
        elif not isinstance(obj, dict):
            return None
        obj = obj[key] if isinstance(key, int) else obj.get(key)
    return obj


def text(value: Any) -> str:
    """Plain text from a payload value (None and non-strings become '' / str)."""
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value).strip()


def stable_id(*parts: Any) -> str:
    """A short stable hash for entries that carry no id of their own."""
    blob = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


def json_body(response: httpx.Response, what: str) -> Any:
    """The response's JSON, or BadPayload naming the source (truncated bodies included)."""
    try:
        return response.json()
    except (ValueError, UnicodeDecodeError):
        raise BadPayload(f"{what} answered with something that is not complete JSON "
                         f"(HTTP {response.status_code}, {len(response.content)} bytes)") from None


def require_dict(payload: Any, what: str) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise BadPayload(f"{what} answered with JSON of an unexpected shape ({type(payload).__name__})")
    return payload


class NewestFirst:
    """Walks a newest-first listing incrementally without ever losing an item.

    The watermark (newest time seen) only moves forward on the run's *last* page: pages
    before it are saved with the old watermark, so a sync killed half-way starts again from
    the top next time instead of stopping early at items it saved but never got past.
    `overlap` re-reads a recent window on every run so edits and late owner replies arrive.
    """

    def __init__(self, cursor: dict[str, Any], key: str = "newest",
                 overlap: timedelta = timedelta(days=3)) -> None:
        self.key = key
        self.base = {k: v for k, v in cursor.items() if k != key}
        self.old: datetime | None = parse_time(cursor.get(key))
        self.newest: datetime | None = self.old
        self.stop_before = self.old - overlap if self.old else None

    def see(self, when: datetime | None) -> None:
        if when is not None and (self.newest is None or when > self.newest):
            self.newest = when

    def is_old(self, when: datetime | None) -> bool:
        """True once the walk reaches items older than the re-read window."""
        return when is not None and self.stop_before is not None and when < self.stop_before

    def reached(self, times: Iterable[datetime | None]) -> bool:
        """True when a newest-first page got past the window: later pages are all older."""
        return any(self.is_old(t) for t in times)

    def cursor(self, *, final: bool, **extra: Any) -> dict[str, Any]:
        mark = self.newest if final else self.old
        out = {**self.base, **extra}
        if mark is not None:
            out[self.key] = format_time(mark)
        return out
