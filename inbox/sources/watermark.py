"""Incremental paging for APIs that list newest first (Google, Bluesky, Reddit).

Why: such an API cannot resume "after" a point, only walk down from the top. So the
watermark (the newest time fully synced) advances only when a walk reaches it or the end:
pages in between save the old watermark, and a sync killed mid-walk simply walks again
(the upsert makes re-delivered items harmless). A small overlap catches items indexed late.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from inbox.domain import format_time


class Watermark:
    def __init__(self, cursor: dict[str, Any], key: str = "watermark", overlap_s: int = 300) -> None:
        self.key = key
        self.cursor = dict(cursor)
        self.old: str | None = cursor.get(key)
        self.newest: str | None = self.old
        self.stop_below: str | None = None
        if self.old:
            old_dt = datetime.strptime(self.old, "%Y-%m-%dT%H:%M:%SZ")
            self.stop_below = (old_dt - timedelta(seconds=overlap_s)).strftime("%Y-%m-%dT%H:%M:%SZ")

    def reached(self, when: datetime | None) -> bool:
        """Record `when`; True when it is at or below the watermark (minus the overlap),
        i.e. the walk has reached what an earlier run already has."""
        text = format_time(when)
        if text is None:
            return False
        if self.newest is None or text > self.newest:
            self.newest = text
        return self.stop_below is not None and text < self.stop_below

    def during(self, **extra: Any) -> dict[str, Any]:
        """The cursor to save with a page in the middle of a walk (old watermark kept)."""
        return {**self.cursor, **extra}

    def done(self, **extra: Any) -> dict[str, Any]:
        """The cursor to save once the walk has reached the watermark or the end."""
        out = {**self.cursor, **extra}
        if self.newest:
            out[self.key] = self.newest
        return out
