"""The `feedback` view: the database is readable in any SQLite tool, here the sqlite3 CLI."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from inbox.store import Store
from tests.export_data import fill, item_id

SQLITE3 = shutil.which("sqlite3")
needs_cli = pytest.mark.skipif(SQLITE3 is None, reason="the sqlite3 command-line tool is not installed "
                                                       "(apt-get install sqlite3; .ci/run does)")
VIEW_COLUMNS = ["id", "source", "whose", "kind", "author", "rating", "title", "text", "created_at", "status",
                "snoozed_until", "tags", "url", "thread_id", "replied", "reply_text"]


def sqlite_cli(db: Path, sql: str) -> list[dict[str, str]]:
    out = subprocess.run([SQLITE3, "-readonly", "-csv", "-header", str(db), sql],
                         capture_output=True, text=True, check=True, timeout=60).stdout
    return list(csv.DictReader(io.StringIO(out)))


@needs_cli
def test_the_sqlite3_tool_reads_one_row_per_item(store: Store, tmp_path: Path):
    fill(store)
    store.tag_items([item_id(store, "r3")], "Staff")
    store.tag_items([item_id(store, "r3")], "coffee")
    store.set_status([item_id(store, "r6")], "done")
    until = datetime(2030, 1, 1, tzinfo=UTC)
    store.snooze([item_id(store, "r7")], until)
    store.mark_deleted(store.get_source("Café Google").id, ["r8"])
    rows = sqlite_cli(tmp_path / "inbox.db", "SELECT * FROM feedback ORDER BY created_at DESC, id DESC")
    assert list(rows[0]) == VIEW_COLUMNS
    # every item the All view shows (no owner replies, no items the source deleted)
    assert len(rows) == 39 - 1
    by_text = {r["text"]: r for r in rows}
    r3 = by_text["Review number 3 about coffee"]
    assert {k: r3[k] for k in VIEW_COLUMNS if k not in ("id", "thread_id")} == {
        "source": "Café Google", "whose": "own", "kind": "review", "author": "Guest 3", "rating": "3",
        "title": "Title 3", "text": "Review number 3 about coffee", "created_at": "2026-03-04T12:00:00Z",
        "status": "unread", "snoozed_until": "", "tags": "coffee, Staff", "url": "https://maps.example/r3",
        "replied": "1", "reply_text": "Thanks for review 3!"}
    assert (by_text["Review number 4 about coffee"]["replied"], by_text["Review number 4 about coffee"]["tags"]) == ("0", "")
    assert by_text["Review number 6 about coffee"]["status"] == "done"
    assert by_text["Review number 7 about coffee"]["snoozed_until"] == "2030-01-01T00:00:00Z"
    assert "Review number 8 about coffee" not in by_text
    assert {r["whose"] for r in rows if r["source"] == "Rival Google"} == {"competitor"}
    # the full-text example of docs/database.md
    found = sqlite_cli(tmp_path / "inbox.db", "SELECT f.* FROM feedback f WHERE f.id IN "
                       "(SELECT rowid & 4294967295 FROM items_fts WHERE items_fts MATCH 'latte')")
    assert [r["title"] for r in found] == ["Zanzibarquux latte"]


@needs_cli
def test_the_view_agrees_with_the_store_and_is_fast(store: Store, tmp_path: Path):
    fill(store)
    counts = sqlite_cli(tmp_path / "inbox.db", "SELECT source, count(*) AS n, avg(rating) AS avg FROM feedback "
                                               "GROUP BY source ORDER BY source")
    assert [(r["source"], r["n"]) for r in counts] == [("Café Google", "30"), ("Café Reddit", "2"),
                                                      ("Rival Google", "7")]
    plan = " ".join(r[3] for r in store.conn.execute("EXPLAIN QUERY PLAN SELECT * FROM feedback"))
    assert "SCAN r" not in plan   # replies are looked up through the thread index, not a scan


def test_docs_describe_every_table_column_and_the_view(store: Store):
    """docs/database.md is for people opening the file in another tool: it must not lag."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "database.md").read_text(encoding="utf-8")
    names = [r[0] for r in store.conn.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE 'items_fts_%'")]
    missing = [n for n in names if f"`{n}`" not in doc]
    for name in names:
        for col in store.conn.execute(f"PRAGMA table_info({name})"):
            if f"`{col[1]}`" not in doc:
                missing.append(f"{name}.{col[1]}")
    assert missing == []
