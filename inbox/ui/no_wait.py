"""Writes from the window's thread that must not wait out a sync's write lock."""

from __future__ import annotations

import contextlib
from typing import Any

from inbox.store import Busy, StoreError, classify


def without_waiting(store: Any) -> contextlib.AbstractContextManager[Any]:
    """`store.without_waiting()`: a write refused at once (`Busy`) instead of after the busy
    timeout; a team inbox (PostgreSQL, row locks) has no such wait and writes as it does."""
    wait = getattr(store, "without_waiting", None)
    return wait() if wait is not None else contextlib.nullcontext()


def refused(exc: BaseException) -> bool:
    """Was `exc` the write lock being held (try again later), rather than a real fault?"""
    fault = exc if isinstance(exc, StoreError) else classify(exc)
    return isinstance(fault, Busy)
