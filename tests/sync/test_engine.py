"""The engine: faults on the wire, isolation between sources, cancellation, keyring
failure, and what the store and the run record hold afterwards."""

from __future__ import annotations

import asyncio

import pytest

from inbox.store import Store
from inbox.store.connection import WAL_AUTOCHECKPOINT_BYTES
from inbox.sync.engine import sync
from tests.replay import Reply
from tests.replay.feeds import FakeFeed
from tests.replay.mastodon import FakeMastodon
from tests.sync_helpers import FAST, SECRETS, add_source, forget_test_secrets, item_count, run_sync, runs  # noqa: F401

TOKEN = "mastodon-secret-token-42"


def masto(store, replay, n=100, name="masto"):
    fake = FakeMastodon(n=n, token=TOKEN).install(replay)
    src = add_source(store, "mastodon", name, {"base_url": replay.base_url}, {"token": TOKEN})
    return fake, src


def faults_first(replay, fake, replies: list[Reply]) -> None:
    """The next requests get these faults, then the fake answers normally."""
    queue = list(replies)
    replay.add("GET", r"/api/v1/notifications", lambda req: queue.pop(0) if queue else fake.notifications(req))


@pytest.mark.parametrize("fault", [
    Reply(status=429, json={"error": "Too many requests"}, headers={"Retry-After": "0"}),
    Reply(status=500, json={"error": "boom"}),
    Reply(status=503, body="<html>maintenance</html>", content_type="text/html"),
    Reply(json=[], delay=1.5),  # a read timeout (timeout is 0.5 s here)
], ids=["429-retry-after", "500", "503-html", "read-timeout"])
def test_transient_faults_are_retried_and_nothing_is_lost(store, replay, fault):
    fake, src = masto(store, replay)
    faults_first(replay, fake, [fault])
    [s] = run_sync(store, http={"read_timeout": 0.5})
    assert s.ok, s.error
    assert s.new == 100 and item_count(store, src.id) == 100
    assert runs(store, src.id)[-1]["error"] is None


@pytest.mark.parametrize(("fault", "message"), [
    (Reply(body=b'[{"id": "1", "status": {', content_type="application/json"), "truncated JSON"),
    (Reply(body=b"<!DOCTYPE html><html><body>We're down</body></html>", content_type="text/html"),
     "HTML page instead of data"),
    (Reply(body=b'[{"id": "\xff\xfe"}]', content_type="application/json"), "not valid UTF-8"),
    (Reply(body=b"[" + b'"x",' * (10 * 1024 * 1024 // 4) + b'"x"]', content_type="application/json"),
     "response too large"),
], ids=["truncated-json", "html-200", "invalid-utf8", "10MB-body"])
def test_bad_payload_fails_the_source_cleanly_and_resumes(store, replay, fault, message):
    fake, src = masto(store, replay, n=200)
    served = {"n": 0}

    def second_page_broken(req):
        served["n"] += 1
        return fault if served["n"] == 2 else fake.notifications(req)
    replay.add("GET", r"/api/v1/notifications", second_page_broken)
    [s] = run_sync(store)
    assert not s.ok and message in s.error
    assert s.new == 80 and item_count(store, src.id) == 80  # the first page stayed saved
    run = runs(store, src.id)[-1]
    assert run["error"] == s.error and run["new"] == 80 and run["finished_at"]
    assert store.get_source(src.id).last_error == s.error
    [again] = run_sync(store)  # the fault has passed: resume from the saved cursor
    assert again.ok and again.new == 120 and item_count(store, src.id) == 200
    assert store.get_source(src.id).last_error is None


def test_persistent_429_gives_up_as_rate_limited(store, replay):
    _fake, _src = masto(store, replay)
    replay.add("GET", r"/api/v1/notifications", Reply(status=429, json={"error": "Too many requests"},
               headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "2099-01-01T00:00:00.000000Z"}))
    [s] = run_sync(store, http={"rate_limit_tries": 3})
    assert not s.ok and "rate limited" in s.error
    assert replay.count("GET", r"/api/v1/notifications") == 3


def test_one_source_failing_does_not_stop_the_others(store, replay):
    _fake, good = masto(store, replay, n=50)
    bad = add_source(store, "mastodon", "wrong-token", {"base_url": replay.base_url},
                     {"token": "not-the-token-99"})
    feed = FakeFeed(n=7).install(replay)
    rss = add_source(store, "rss", "alerts", {"url": replay.base_url + feed.path})
    summaries = {s.source_name: s for s in run_sync(store)}
    assert summaries[good.name].ok and summaries[good.name].new == 50
    assert summaries["alerts"].ok and summaries["alerts"].new == 7
    failed = summaries[bad.name]
    assert not failed.ok and failed.error.startswith("credentials rejected")
    assert "not-the-token-99" not in failed.error
    assert store.get_source(bad.id).last_error == failed.error
    assert item_count(store, good.id) == 50 and item_count(store, rss.id) == 7
    assert runs(store, bad.id)[-1]["error"] == failed.error


def test_named_sources_only_and_disabled_skipped(store, replay):
    _, src = masto(store, replay, n=5)
    feed = FakeFeed(n=3).install(replay)
    rss = add_source(store, "rss", "alerts", {"url": replay.base_url + feed.path})
    store.update_source(rss.id, enabled=False)
    assert [s.source_name for s in run_sync(store)] == [src.name]
    assert [s.source_name for s in run_sync(store, sources=["alerts"])] == ["alerts"]


async def test_cancel_records_the_run_as_cancelled(store, replay):
    fake, src = masto(store, replay, n=400)
    cancel = asyncio.Event()
    seen = []

    def on_progress(p):
        seen.append(p)
        if p.pages == 2:
            cancel.set()
    replay.add("GET", r"/api/v1/notifications",
               lambda req: Reply(**{**fake.notifications(req).__dict__, "delay": 0.2}))
    [s] = await sync(store, secrets=SECRETS, on_progress=on_progress, cancel=cancel, http_options=FAST)
    assert s.error == "cancelled" and not s.ok
    assert seen[-1].state == "cancelled"
    assert item_count(store, src.id) == 160  # two whole pages kept, nothing half-written
    assert runs(store, src.id)[-1]["error"] == "cancelled"
    [rest] = await sync(store, secrets=SECRETS, http_options=FAST)
    assert rest.ok and rest.new == 240 and item_count(store, src.id) == 400


async def test_concurrency_is_bounded(store, replay):
    active, peak = {"n": 0}, {"n": 0}
    import threading
    lock = threading.Lock()

    def slow_feed(req):
        with lock:
            active["n"] += 1
            peak["n"] = max(peak["n"], active["n"])
        import time
        time.sleep(0.15)
        with lock:
            active["n"] -= 1
        return Reply(body='<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>',
                     content_type="application/rss+xml")
    replay.add("GET", r"/feed/\d+", slow_feed)
    for i in range(6):
        add_source(store, "rss", f"feed{i}", {"url": f"{replay.base_url}/feed/{i}"})
    summaries = await sync(store, secrets=SECRETS, concurrency=2, http_options=FAST)
    assert all(s.ok for s in summaries) and len(summaries) == 6
    assert peak["n"] == 2


def test_keyring_failure_fails_only_that_source(store, replay, monkeypatch):
    """No usable keyring (as on a headless machine): the source that needs a secret says
    so; a feed without secrets still syncs. A keyring that fails says why, for that source."""
    store.add_source("mastodon", "masto", settings={"base_url": replay.base_url})
    feed = FakeFeed(n=2).install(replay)
    store.add_source("rss", "alerts", settings={"url": replay.base_url + feed.path})
    SECRETS.keyring = False
    by = {s.source_name: s for s in run_sync(store)}
    assert by["alerts"].ok and by["alerts"].new == 2
    assert by["masto"].error == "cannot read the credentials: no system keyring"
    SECRETS.keyring = True
    SECRETS.fail("get")
    by = {s.source_name: s for s in run_sync(store)}
    assert by["alerts"].ok
    assert by["masto"].error == "the system keyring failed: simulated"


def test_internal_connector_error_is_contained(store, replay):
    _fake, _src = masto(store, replay, n=3)
    replay.add("GET", r"/api/v1/notifications", Reply(json=[{"id": "1", "status": {"id": "9", "content": 5}}]))
    [s] = run_sync(store)
    assert not s.ok and "unexpected error in the mastodon connector" in s.error
    assert TOKEN not in s.error


def test_the_wal_stays_small_during_a_long_sync_and_is_checkpointed_after(store, replay, monkeypatch):
    """A passive checkpoint beside a busy writer never lets the WAL start over: the writer's
    own auto-checkpoint must stay on (without it, 100,000 items grew the WAL to 744 MB)."""
    import threading

    from inbox.store import connection

    monkeypatch.setattr(connection, "WAL_AUTOCHECKPOINT_BYTES", 200_000)  # for the sync's writer
    feed = FakeFeed(n=4000).install(replay)
    add_source(store, "rss", "alerts", {"url": replay.base_url + feed.path})
    wal = store.path.with_name(store.path.name + "-wal")
    sizes, done = [], threading.Event()

    def watch() -> None:
        while not done.wait(0.005):
            sizes.append(wal.stat().st_size if wal.exists() else 0)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        [s] = run_sync(store)
    finally:
        done.set()
        watcher.join()
    assert s.ok and s.new == 4000
    # at most about one transaction's pages (a hand-over of up to MAX_HAND_OVER items, ~4 MB here)
    assert max(sizes) < 8_000_000, f"the WAL grew to {max(sizes):,} bytes"
    page = store.conn.execute("PRAGMA page_size").fetchone()[0]
    assert store.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == WAL_AUTOCHECKPOINT_BYTES // page
    assert not wal.exists() or store.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[0] == 0


def test_the_gil_is_handed_back_quickly_during_a_sync_and_restored_after(store, replay):
    """Workers parse big payloads in Python; the loop must not wait 5 ms per GIL hand-over."""
    import sys

    from inbox.sync.engine import SWITCH_INTERVAL_S

    masto(store, replay, n=5)
    seen: list[float] = []
    outer = sys.getswitchinterval()
    sys.setswitchinterval(0.005)  # Python's default (a test that ran the app's start may have changed it)
    before = sys.getswitchinterval()

    def watch(progress) -> None:
        if progress.state != "queued":  # queued is announced before the sources start
            seen.append(sys.getswitchinterval())

    try:
        asyncio.run(sync(store, secrets=SECRETS, on_progress=watch, http_options=FAST))
    finally:
        after = sys.getswitchinterval()
        sys.setswitchinterval(outer)
    assert seen and max(seen) <= SWITCH_INTERVAL_S < before
    assert after == before


def test_a_source_removed_while_it_syncs_ends_with_a_clear_error_and_the_others_go_on(store, replay):
    """`inbox sources remove` in a terminal while the window syncs that source."""
    gone, stays = FakeFeed(n=3, path="/gone/feed"), FakeFeed(n=3, path="/stays/feed").install(replay)
    src = add_source(store, "rss", "gone", {"url": replay.base_url + gone.path})
    other = add_source(store, "rss", "stays", {"url": replay.base_url + stays.path})

    def removed_meanwhile(req):
        with Store(store.path) as elsewhere:  # another process's connection
            elsewhere.remove_source(src.id)
        return gone.handle(req)
    replay.add("GET", gone.path, removed_meanwhile)
    by_name = {s.source_name: s for s in run_sync(store)}
    assert by_name["stays"].ok and item_count(store, other.id) == 3
    assert not by_name["gone"].ok
    assert by_name["gone"].error == "the source was removed while it synced; nothing more was saved for it"
    assert item_count(store, src.id) == 0 and runs(store, src.id) == []


def test_a_source_removed_before_its_turn_is_not_fetched(store, replay):
    first, second = FakeFeed(n=3, path="/first/feed"), FakeFeed(n=3, path="/second/feed").install(replay)
    a = add_source(store, "rss", "a-first", {"url": replay.base_url + first.path})
    b = add_source(store, "rss", "b-second", {"url": replay.base_url + second.path})

    def removes_the_next(req):
        with Store(store.path) as elsewhere:
            elsewhere.remove_source(b.id)
        return first.handle(req)
    replay.add("GET", first.path, removes_the_next)
    summaries = run_sync(store, concurrency=1)
    assert [(s.source_name, s.ok) for s in summaries] == [("a-first", True), ("b-second", False)]
    assert summaries[1].error == "the source was removed while it synced; nothing more was saved for it"
    assert item_count(store, a.id) == 3 and item_count(store) == 3
    assert replay.count("GET", second.path) == 0
