"""Helpers for sync tests: add a source with settings and run the engine quickly."""

from __future__ import annotations

import asyncio
from typing import Any

from inbox.sync.engine import Progress, RunSummary, sync

FAST = {"backoff_base": 0.001, "max_wait": 0.05, "read_timeout": 2.0}


def run_sync(store, *, sources: list[str] | None = None, progress: list[Progress] | None = None,
             http: dict[str, Any] | None = None, **kw: Any) -> list[RunSummary]:
    return asyncio.run(sync(store, sources=sources, on_progress=progress.append if progress is not None else None,
                            http_options={**FAST, **(http or {})}, **kw))


def runs(store, source_id: int) -> list[dict[str, Any]]:
    return [dict(r) for r in store.conn.execute(
        "SELECT * FROM sync_runs WHERE source_id = ? ORDER BY id", (source_id,))]


def item_count(store, source_id: int | None = None) -> int:
    if source_id is None:
        return store.conn.execute("SELECT count(*) FROM items").fetchone()[0]
    return store.conn.execute("SELECT count(*) FROM items WHERE source_id = ?", (source_id,)).fetchone()[0]


def keyring_or_skip() -> None:
    import pytest

    from inbox.secrets import keyring_available
    if not keyring_available():
        pytest.skip("no system keyring: run the suite inside dbus-run-session with gnome-keyring "
                    "(see .ci/run)")


def add_source(store, kind: str, name: str, settings: dict[str, Any] | None = None,
               secrets: dict[str, str] | None = None, whose: str = "own"):
    """A source as `inbox sources add` makes it: settings in the DB, secrets in the keyring."""
    if secrets:
        keyring_or_skip()
        from inbox.secrets import set_secrets
        set_secrets(name, secrets, merge=False)
    return store.add_source(kind, name, whose=whose, settings=settings or {})
