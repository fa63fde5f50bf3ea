"""The sync's writer: a failure of its own thread, outside any page, ends the writes waiting
on it with the error instead of leaving the sync waiting forever."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import timedelta

import pytest

from inbox.domain import Author, Item, parse_time
from inbox.store import Store
from inbox.store.bulk import BulkLoad
from inbox.sync.writer import Writer
from tests.replay.mastodon import FakeMastodon
from tests.sync_helpers import add_source, item_count, run_sync, runs

T0 = parse_time("2026-01-05T09:00:00Z")
TOKEN = "mastodon-secret-token-42"


def reviews(start: int, n: int) -> list[Item]:
    return [Item(f"r{i}", "review", text=f"visit {i}", rating=4, author=Author(f"a{i}", f"Guest {i}"),
                 created_at=T0 + timedelta(minutes=i)) for i in range(start, start + n)]


@pytest.fixture
def failing_count(monkeypatch):
    """The writer's own step after each commit (counting for a bulk load) fails once, as a
    disk that stops answering would make it."""
    calls = {"n": 0}
    real = BulkLoad.wrote

    def wrote(self, new_items):
        calls["n"] += 1
        if calls["n"] == 1:
            raise sqlite3.OperationalError("disk I/O error")
        return real(self, new_items)
    monkeypatch.setattr(BulkLoad, "wrote", wrote)
    return calls


def test_a_failure_outside_any_page_fails_the_waiting_writes_and_keeps_the_committed(tmp_path, failing_count):
    with Store(tmp_path / "inbox.db") as store:
        src = store.add_source("google", "Google")

        async def run():
            async with Writer(store) as writer:
                first = await writer.submit(lambda s: s.save_page(src.id, reviews(0, 3)), size=3)
                later = writer.submit(lambda s: s.save_page(src.id, reviews(3, 3)), size=3)
                with pytest.raises(sqlite3.OperationalError, match="disk I/O"):
                    await asyncio.wait_for(later, timeout=10)  # before the guard: forever
                again = writer.submit(lambda s: s.save_page(src.id, reviews(6, 3)), size=3)
                with pytest.raises(sqlite3.OperationalError):
                    await asyncio.wait_for(again, timeout=10)
            return first

        first = asyncio.run(run())
        assert first.new == 3  # its transaction had committed: it is kept and said so
        assert item_count(store, src.id) == 3


def test_a_sync_whose_writer_fails_ends_with_an_error_and_saves_its_cursor_next_time(store, replay, failing_count):
    FakeMastodon(n=120, token=TOKEN).install(replay)
    src = add_source(store, "mastodon", "masto", {"base_url": replay.base_url}, {"token": TOKEN})

    async def bounded():
        return await asyncio.wait_for(asyncio.to_thread(run_sync, store), timeout=60)
    [summary] = asyncio.run(bounded())
    assert not summary.ok and summary.error
    assert "disk I/O" not in summary.error, summary.error  # the owner's sentence, not the exception's text

    [again] = run_sync(store)  # the next sync, on a disk that answers again, goes on
    assert again.ok, again.error
    assert item_count(store, src.id) == 120
    assert runs(store, src.id)[-1]["error"] is None
