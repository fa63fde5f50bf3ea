"""The window runs the sync on a loop of its own in a worker thread: the connectors' work
between awaits (JSON, items, sanitising) never runs on the window's thread, progress still
arrives there, and its cancel button still stops the sync with what was saved kept."""

from __future__ import annotations

import asyncio
import threading

from inbox.sources.mastodon import MastodonConnector
from inbox.sync.engine import CANCELLED, sync_in_thread
from tests.replay.mastodon import FakeMastodon
from tests.sync_helpers import FAST, SECRETS, add_source, forget_test_secrets, item_count  # noqa: F401

TOKEN = "mast-token-123"


def test_connectors_parse_off_the_callers_thread_and_progress_comes_back_to_it(store, replay, monkeypatch):
    FakeMastodon(n=300, token=TOKEN).install(replay)
    add_source(store, "mastodon", "masto", {"base_url": replay.base_url}, {"token": TOKEN})
    parsed_on: set[int] = set()
    real = MastodonConnector._item

    def recording(self, status):
        parsed_on.add(threading.get_ident())
        return real(self, status)
    monkeypatch.setattr(MastodonConnector, "_item", recording)
    progress_on: set[int] = set()

    async def main():
        return await sync_in_thread(store, secrets=SECRETS, http_options=FAST,
                                    on_progress=lambda p: progress_on.add(threading.get_ident()))
    [summary] = asyncio.run(main())
    assert summary.ok and summary.new == 300 and item_count(store) == 300
    me = threading.get_ident()
    assert parsed_on and me not in parsed_on
    assert progress_on == {me}


def test_cancelling_on_the_callers_loop_stops_the_sync_and_keeps_what_was_saved(store, replay):
    fake = FakeMastodon(n=2000, token=TOKEN).install(replay)
    real = fake.notifications

    def slow(req):
        import time
        time.sleep(0.05)
        return real(req)
    replay.add("GET", r"/api/v1/notifications", slow)
    add_source(store, "mastodon", "masto", {"base_url": replay.base_url}, {"token": TOKEN})

    async def main():
        cancel = asyncio.Event()

        def on_progress(p):
            if p.fetched >= 200:
                cancel.set()
        return await sync_in_thread(store, secrets=SECRETS, http_options=FAST, cancel=cancel,
                                    on_progress=on_progress)
    [summary] = asyncio.run(main())
    assert summary.error == CANCELLED
    saved = item_count(store)
    assert 0 < saved < 2000 and summary.new == saved


def test_the_collector_spares_older_objects_during_a_sync_and_gets_them_back_after(store, replay):
    """A full collection during a sync walked the whole process (the window's rows) holding
    the GIL: the loop stalled up to 100 ms. During a sync, older objects are frozen."""
    import gc

    FakeMastodon(n=120, token=TOKEN).install(replay)
    add_source(store, "mastodon", "masto", {"base_url": replay.base_url}, {"token": TOKEN})
    before = gc.get_threshold()
    seen: list[tuple[int, int]] = []

    async def main():
        return await sync_in_thread(store, secrets=SECRETS, http_options=FAST,
                                    on_progress=lambda p: seen.append((gc.get_freeze_count(), gc.get_threshold()[0])))
    [summary] = asyncio.run(main())
    assert summary.ok
    assert any(frozen > 0 and young >= 20_000 for frozen, young in seen)
    assert gc.get_freeze_count() == 0 and gc.get_threshold() == before
