"""Incremental reading of newest-first listings (Trustpilot, Facebook, App Store, Google Play)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from inbox.domain import format_time, parse_time


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
