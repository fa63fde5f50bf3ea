"""Helpers for sync tests: add a source with settings and run the engine quickly."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from inbox.secrets import TEST_FILE_ENV, MemorySecrets
from inbox.services.sources import SourceDraft, SourcesService
from inbox.sync.engine import Progress, RunSummary, sync

FAST = {"backoff_base": 0.001, "max_wait": 0.05, "read_timeout": 2.0}


def run_sync(store, *, sources: list[str] | None = None, progress: list[Progress] | None = None,
             http: dict[str, Any] | None = None, **kw: Any) -> list[RunSummary]:
    kw.setdefault("secrets", SECRETS)
    return asyncio.run(sync(store, sources=sources, on_progress=progress.append if progress is not None else None,
                            http_options={**FAST, **(http or {})}, **kw))


def runs(store, source_id: int) -> list[dict[str, Any]]:
    return [dict(r) for r in store.conn.execute(
        "SELECT * FROM sync_runs WHERE source_id = ? ORDER BY id", (source_id,))]


def item_count(store, source_id: int | None = None) -> int:
    if source_id is None:
        return store.conn.execute("SELECT count(*) FROM items").fetchone()[0]
    return store.conn.execute("SELECT count(*) FROM items WHERE source_id = ?", (source_id,)).fetchone()[0]


# The secrets every sync helper uses: in memory, so nothing here needs a system keyring
# (the keyring itself is tested in tests/test_secrets.py). Emptied after each test by
# `forget_test_secrets`.
SECRETS = MemorySecrets()


@pytest.fixture(autouse=True)
def forget_test_secrets():
    """Import into a test module: each test starts with no saved secrets and a working
    (in-memory) keyring."""
    yield
    SECRETS.entries.clear()
    SECRETS.failures.clear()
    SECRETS.calls.clear()
    SECRETS.keyring = True


def secrets_env(directory: Path) -> dict[str, str]:
    """Environment for `python -m inbox` in a subprocess: the secrets saved so far, in
    the test-only JSON file (see inbox.secrets)."""
    path = directory / "test-secrets.json"
    path.write_text(json.dumps(SECRETS.entries), encoding="utf-8")
    return {TEST_FILE_ENV: str(path)}


def add_source(store, kind: str, name: str, settings: dict[str, Any] | None = None,
               secrets: dict[str, str] | None = None, whose: str = "own"):
    """A source as `inbox sources add` makes it (the sources service), secrets in SECRETS."""
    draft = SourceDraft(kind, name, whose=whose, settings=settings or {}, secrets=secrets or {})
    add = SourcesService(store, SECRETS).add(draft)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(add)
    with ThreadPoolExecutor(1) as pool:  # called from an async test: its own loop, same store
        return pool.submit(asyncio.run, add).result()
