"""Hand-overs to the writer: the next one is prepared while the one before it is written,
and none is written after one that failed (its cursor would pass over lost pages)."""

from __future__ import annotations

import threading
import time

from inbox.store import DiskFull, Store
from inbox.sync import engine
from tests.replay.mastodon import FakeMastodon
from tests.sync_helpers import add_source, forget_test_secrets, item_count, run_sync  # noqa: F401

TOKEN = "mastodon-secret-token-42"
PAGE = 80  # the fake's notifications per page


def _source(store, replay, n):
    FakeMastodon(n=n, token=TOKEN).install(replay)
    return add_source(store, "mastodon", "masto", {"base_url": replay.base_url}, {"token": TOKEN})


def _every_page_its_own_hand_over(monkeypatch) -> None:
    monkeypatch.setattr(engine, "FLUSH_ITEMS", 1)
    monkeypatch.setattr(engine, "MAX_HAND_OVER", 1)
    monkeypatch.setattr(engine, "PREPARE_AT", 1)
    monkeypatch.setattr(engine, "DEFER_ANALYSIS_AT", 1)


def test_the_next_hand_over_is_prepared_while_the_one_before_it_is_written(store, replay, monkeypatch):
    src = _source(store, replay, n=4 * PAGE)
    _every_page_its_own_hand_over(monkeypatch)
    writes: list[tuple[float, float]] = []
    prepared: list[float] = []
    save_page, prepare = Store.save_page, engine._prepared

    def slow_save(self, *args, **kwargs):
        start = time.monotonic()
        time.sleep(0.3)  # a big page's write
        try:
            return save_page(self, *args, **kwargs)
        finally:
            writes.append((start, time.monotonic()))

    def timed_prepare(source, items):
        prepared.append(time.monotonic())
        return prepare(source, items)

    monkeypatch.setattr(Store, "save_page", slow_save)
    monkeypatch.setattr(engine, "_prepared", timed_prepare)
    [s] = run_sync(store)
    assert s.ok and s.new == 4 * PAGE and item_count(store, src.id) == 4 * PAGE
    assert len(writes) == 4 and len(prepared) == 4
    # each hand-over after the first was prepared before the write of the one before it ended
    assert all(prepared[i] < writes[i - 1][1] for i in range(1, 4))


def test_after_a_failed_write_the_hand_over_prepared_beside_it_is_not_written(store, replay, monkeypatch):
    src = _source(store, replay, n=4 * PAGE)
    _every_page_its_own_hand_over(monkeypatch)
    calls: list[int] = []
    third_prepared = threading.Event()
    save_page, prepare = Store.save_page, engine._prepared

    def full_on_second(self, *args, **kwargs):
        calls.append(len(args[1]))
        if len(calls) == 2:
            assert third_prepared.wait(5)  # the next hand-over is ready, waiting for this one
            raise DiskFull("database or disk is full")
        return save_page(self, *args, **kwargs)

    prepares: list[int] = []

    def prepare_counted(source, items):
        result = prepare(source, items)
        prepares.append(len(items))
        if len(prepares) == 3:
            third_prepared.set()
        return result

    monkeypatch.setattr(Store, "save_page", full_on_second)
    monkeypatch.setattr(engine, "_prepared", prepare_counted)
    [s] = run_sync(store)
    assert not s.ok and "disk is full" in s.error
    assert len(calls) == 2  # nothing was written after the failed hand-over
    assert s.new == PAGE and item_count(store, src.id) == PAGE
    monkeypatch.setattr(Store, "save_page", save_page)
    [again] = run_sync(store)  # the disk has room again: the rest, from the first page's cursor
    assert again.ok and again.new == 3 * PAGE and item_count(store, src.id) == 4 * PAGE
