"""Helpers for the fault-injection tests: real inbox files, foreign files, damaged pages,
and a fingerprint to prove a file was left byte-for-byte unchanged."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from inbox.domain import Author, Item
from inbox.store import Store

ROOT = Path(__file__).resolve().parents[1]


def run_inbox(*args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """The command line as a user runs it: a subprocess."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "inbox", *args], cwd=ROOT, env=full_env,
                          capture_output=True, text=True, timeout=timeout)


def fingerprint(path: Path) -> tuple[str, list[str]]:
    """The file's hash and the names beside it (a -wal or -shm appearing is a change too)."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest, sorted(p.name for p in path.parent.iterdir())


def item(n: int, *, text: str = "", name: str = "Ana") -> Item:
    return Item(external_id=f"r{n}", kind="review", text=text or f"Lovely flat white number {n} " * 4,
                created_at=datetime(2026, 11, 1, 10, tzinfo=UTC) + timedelta(minutes=n),
                author=Author(external_id=f"a{n % 50}", display_name=name), rating=5)


def make_inbox(path: Path, n: int = 3) -> Path:
    with Store(path) as store:
        sid = store.add_source("google", "Café").id
        store.upsert_items(sid, [item(i) for i in range(n)])
    return path


def make_foreign(path: Path, *, wal: bool = False) -> Path:
    """Another program's SQLite file: its own tables, its own data."""
    conn = sqlite3.connect(path)
    if wal:
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.executemany("INSERT INTO notes (body) VALUES (?)", [(f"note {i}",) for i in range(50)])
    conn.commit()
    conn.close()
    return path


def damage(path: Path, *tables: str) -> None:
    """Overwrite the middle of the file (every page but the schema's stays readable) with
    garbage: what a bad disk sector does. The root pages of `tables` are overwritten too
    (where a table lies in the file depends on the page size)."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    roots = [conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (t,)).fetchone()[0] for t in tables]
    conn.close()
    with path.open("r+b") as fh:
        fh.seek(max(2, pages // 4) * page_size)
        fh.write(b"\xa5" * page_size * max(1, pages // 2))
        for root in roots:
            fh.seek((root - 1) * page_size)
            fh.write(b"\xa5" * page_size)


def count_items(path: Path) -> int:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM items").fetchone()[0]
    finally:
        conn.close()


def integrity(path: Path) -> str:
    """"ok", or the first problem (a file too damaged to check says so too)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        conn.close()
