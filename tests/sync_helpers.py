"""Helpers for sync tests: add a source with settings and run the engine quickly."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

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
    from inbox.secrets import keyring_available
    if not keyring_available():
        pytest.skip("no system keyring: run the suite inside dbus-run-session with gnome-keyring "
                    "(see .ci/run)")


_CREATED: list[str] = []


def unique(name: str) -> str:
    """The keyring is one file per user, shared by every test run on the machine (and by
    other engineers' runs): names of sources with secrets must not collide."""
    return f"{name}-{uuid.uuid4().hex[:8]}"


def remember(name: str) -> str:
    _CREATED.append(name)
    return name


@pytest.fixture(autouse=True)
def forget_test_secrets():
    """Import into a test module: deletes the keyring entries its tests made."""
    yield
    from inbox.secrets import SecretsError, delete_secrets
    while _CREATED:
        try:
            delete_secrets(_CREATED.pop())
        except SecretsError:
            pass


def add_source(store, kind: str, name: str, settings: dict[str, Any] | None = None,
               secrets: dict[str, str] | None = None, whose: str = "own"):
    """A source as `inbox sources add` makes it: settings in the DB, secrets in the keyring
    (then under a unique name: use the returned source's `.name`)."""
    if secrets:
        keyring_or_skip()
        from inbox.secrets import set_secrets
        name = remember(unique(name))
        set_secrets(name, secrets, merge=False)
    return store.add_source(kind, name, whose=whose, settings=settings or {})
