"""The store's tests on either backend: SQL run as another tool (or another app) would run
it against the database underneath, on the SQLite file or the team inbox's PostgreSQL.

Why tests may write SQL here: they check what the store does when rows change behind its
back; the app itself never does (tests/test_architecture.py keeps SQL in inbox/store/)."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any


def is_team(store: Any) -> bool:
    return bool(getattr(store, "is_team", False))


def sql(store: Any, text: str, params: Sequence[Any] = ()) -> list[tuple]:
    """Run one statement on the store's own connection (`?` placeholders); its rows."""
    if is_team(store):
        with store.cursor() as cur:
            cur.execute(text.replace("?", "%s"), params)
            return [tuple(r) for r in cur.fetchall()] if cur.description else []
    return [tuple(r) for r in store.conn.execute(text, params).fetchall()]


@contextlib.contextmanager
def elsewhere(store: Any) -> Iterator[Any]:
    """Another connection to the same database, in one transaction: `run(sql, params)`."""
    if is_team(store):
        import psycopg

        with psycopg.connect(store.url, password=store._password()) as conn, conn.transaction():
            yield lambda text, params=(): conn.execute(text.replace("?", "%s"), params)
        return
    conn = sqlite3.connect(store.path, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("BEGIN")
        yield lambda text, params=(): conn.execute(text, params)
        conn.execute("COMMIT")
    finally:
        conn.close()
