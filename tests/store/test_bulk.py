"""Bulk loads: a big sync is written without the author index, which is back at the end,
or on the next open when the process was killed meanwhile."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from inbox.domain import Author, Item, parse_time
from inbox.store import Store
from inbox.store import bulk as bulk_module
from inbox.sync.writer import Writer

ROOT = Path(__file__).resolve().parents[2]
T0 = parse_time("2026-01-05T09:00:00Z")


def page(start: int, n: int) -> list[Item]:
    """Reviews by 7 recurring authors, a minute apart."""
    return [Item(f"r{i}", "review", text=f"visit {i}", rating=1 + i % 5,
                 author=Author(f"a{i % 7}", f"Regular {i % 7}"), created_at=T0 + timedelta(minutes=i))
            for i in range(start, start + n)]


def has_author_index(store: Store) -> bool:
    return store.conn.execute(
        "SELECT count(*) FROM sqlite_schema WHERE name = 'items_by_author'").fetchone()[0] == 1


def author_texts(store: Store) -> dict[str, list[str]]:
    """Each author's items, newest first, as the author view lists them."""
    out = {}
    for author_id, name in store.conn.execute("SELECT id, display_name FROM authors ORDER BY id"):
        out[name] = [row.text for row in store.author_items(author_id)]
    return out


def load(store: Store, pages: list[list[Item]], expected: int = 0) -> list[bool]:
    """Write the pages through the sync's writer (told first that `expected` new items are
    coming, if any); whether the author index was there as each page was written."""
    async def run() -> list[bool]:
        seen = []
        async with Writer(store) as writer:
            writer.expect(expected)
            src = store.get_source("Google")
            for items in pages:
                def job(s: Store, items=items):
                    seen.append(has_author_index(s))
                    return s.save_page(src.id, items)
                await writer.submit(job, size=len(items))
        return seen
    return asyncio.run(run())


@pytest.fixture
def small_bulk(monkeypatch):
    monkeypatch.setattr(bulk_module, "BULK_AFTER", 100)


def test_a_big_load_drops_the_author_index_and_builds_it_again(tmp_path, small_bulk):
    with Store(tmp_path / "bulk.db") as store:
        store.add_source("google", "Google")
        seen = load(store, [page(i, 40) for i in range(0, 400, 40)])
        assert seen[:3] == [True, True, True] and seen[3:] == [False] * 7  # bulk after 120 new items
        assert has_author_index(store)
        plan = store.conn.execute("EXPLAIN QUERY PLAN SELECT * FROM items WHERE author_id = 1 "
                                  "ORDER BY created_at DESC").fetchall()
        assert "items_by_author" in str([tuple(r) for r in plan])
        regular = author_texts(store)["Regular 3"]
        assert regular[:2] == ["visit 395", "visit 388"] and len(regular) == 57


def test_a_load_said_to_be_big_is_bulk_from_its_first_page(tmp_path, small_bulk):
    with Store(tmp_path / "bulk.db") as store:
        store.add_source("google", "Google")
        seen = load(store, [page(i, 40) for i in range(0, 200, 40)], expected=200)  # a file of 200 lines
        assert seen == [False] * 5 and has_author_index(store)
        assert author_texts(store)["Regular 3"][:2] == ["visit 199", "visit 192"]
        # said to be big, but small against what is stored (160 < 20% of 1,000): the index stays
        store.save_page(store.get_source("Google").id, page(200, 800))
        seen = load(store, [page(i, 40) for i in range(1000, 1160, 40)], expected=160)
        assert seen == [True] * 4


def test_a_load_small_against_the_workspace_keeps_the_index(tmp_path, small_bulk):
    with Store(tmp_path / "bulk.db") as store:
        src = store.add_source("google", "Google")
        store.save_page(src.id, page(0, 1000))
        seen = load(store, [page(i, 40) for i in range(1000, 1160, 40)])  # 160 < 20% of 1,000
        assert seen == [True] * 4
        assert author_texts(store)["Regular 0"][0] == "visit 1155"


KILLED_MID_LOAD = """
import sys, time
from inbox.store import Store, bulk
from tests.store.test_bulk import page
bulk.BULK_AFTER = 100
store = Store(sys.argv[1])
src = store.add_source("google", "Google")
load = bulk.BulkLoad(store.conn)
for start in range(0, 200, 50):
    load.wrote(store.save_page(src.id, page(start, 50)).new)
print("bulk" if load.active else "not bulk", flush=True)
time.sleep(60)
"""


def test_killed_during_a_bulk_load_the_index_is_back_on_the_next_open(tmp_path):
    db = tmp_path / "killed.db"
    with subprocess.Popen([sys.executable, "-c", KILLED_MID_LOAD, str(db)], cwd=ROOT, stdout=subprocess.PIPE,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}) as proc:
        try:
            assert proc.stdout.readline().strip() == "bulk"
        finally:
            proc.send_signal(signal.SIGKILL)
    with Store(db) as store:
        assert has_author_index(store)
        assert author_texts(store)["Regular 1"][:2] == ["visit 197", "visit 190"]


def test_a_bulk_load_borrows_a_bigger_page_cache_and_gives_it_back(tmp_path, small_bulk):
    with Store(tmp_path / "bulk.db") as store:
        src = store.add_source("google", "Google")
        before = store.conn.execute("PRAGMA cache_size").fetchone()[0]
        load = bulk_module.BulkLoad(store.conn)
        for start in range(0, 200, 50):
            load.wrote(store.save_page(src.id, page(start, 50)).new)
        assert load.active and store.conn.execute("PRAGMA cache_size").fetchone()[0] == -bulk_module.BULK_CACHE_KIB
        load.finish()
        assert store.conn.execute("PRAGMA cache_size").fetchone()[0] == before and has_author_index(store)
