"""The window syncs in a process of its own (inbox/sync/child.py): the connectors' work never
runs in the window's process, yet progress, the new rows, the credentials from the window's
own keyring and Stop all work as before; a stopped or killed worker loses nothing and the
next sync goes on from there."""

from __future__ import annotations

import os
import signal
import time

import pytest

from inbox.sources.mastodon import MastodonConnector
from inbox.sync import child
from inbox.ui import sync_controller
from inbox.ui.sync_controller import SyncController
from tests.qt_async import aloop, run_until, window  # noqa: F401 (fixtures)
from tests.replay.mastodon import FakeMastodon
from tests.sync_helpers import SECRETS, add_source, forget_test_secrets, item_count  # noqa: F401

TOKEN = "mast-token-123"


def install(win) -> SyncController:
    controller = sync_controller.install(win)
    controller.startup_timer.stop()  # tests start their syncs themselves
    controller.secrets = SECRETS
    controller.http_options = {"retries": 1, "backoff_base": 0.01, "backoff_max": 0.02,
                               "connect_timeout": 2, "read_timeout": 5}
    return controller


def wait_sync(aloop, controller: SyncController, timeout: float = 60) -> None:  # noqa: F811
    run_until(aloop, lambda: controller.task is not None and controller.task.done(), timeout, "sync to finish")
    controller.task.result()


def slow_mastodon(replay, n: int) -> FakeMastodon:
    fake = FakeMastodon(n=n, token=TOKEN).install(replay)
    real = fake.notifications

    def slow(req):
        time.sleep(0.05)  # so that the sync is still running when it is stopped
        return real(req)
    replay.add("GET", r"/api/v1/notifications", slow)
    return fake


def distinct_items(store) -> int:
    return store.conn.execute("SELECT count(DISTINCT external_id) FROM items").fetchone()[0]


def test_the_sync_runs_in_another_process_and_the_window_gets_progress_and_rows(window, aloop, store,  # noqa: F811
                                                                               replay, monkeypatch):
    FakeMastodon(n=300, token=TOKEN).install(replay)
    source = add_source(store, "mastodon", "masto", {"base_url": replay.base_url}, {"token": TOKEN})
    window.data_changed()
    parsed_here: list[object] = []
    monkeypatch.setattr(MastodonConnector, "_item", lambda self, status: parsed_here.append(status))
    controller = install(window)
    shown: list[str] = []
    real = controller.progress_label.setText
    controller.progress_label.setText = lambda text: (shown.append(text), real(text))  # type: ignore[method-assign]

    controller.sync_now()
    wait_sync(aloop, controller)

    assert controller.worker_pid is not None and controller.worker_pid != os.getpid()
    assert parsed_here == []  # not one status was parsed in the window's process
    assert ("get", source.secret_key) in SECRETS.calls  # the worker asked the window's keyring
    assert any(t.startswith("Syncing 1/1 · 300 fetched") or "fetched" in t for t in shown)
    assert window.statusBar().currentMessage() == "Sync finished: 300 new items."
    assert item_count(store) == 300
    key = f"source:{source.id}"
    run_until(aloop, lambda: window.sidebar.entries[key].count == 300, what="the sidebar count")
    run_until(aloop, lambda: len(window.model.rows) > 0, what="the new rows")
    assert window.sidebar.entries[key].state == ""


def test_no_keyring_in_the_window_fails_the_source_with_the_keyring_words(window, aloop, store, replay):  # noqa: F811
    FakeMastodon(n=3, token=TOKEN).install(replay)
    source = add_source(store, "mastodon", "masto", {"base_url": replay.base_url}, {"token": TOKEN})
    window.data_changed()
    key = f"source:{source.id}"
    run_until(aloop, lambda: key in window.sidebar.entries, what="sidebar entry")
    controller = install(window)
    SECRETS.keyring = False  # this computer has no keyring: the worker hears so from the window
    controller.sync_now()
    wait_sync(aloop, controller)
    entry = window.sidebar.entries[key]
    assert entry.state == "error"
    assert "keyring" in entry.tooltip.lower()
    assert item_count(store) == 0


@pytest.mark.parametrize("grace", [child.CANCEL_GRACE_S, 0.0], ids=["asked to stop", "terminated"])
def test_stop_keeps_what_was_saved_and_the_next_sync_goes_on(window, aloop, store, replay,  # noqa: F811
                                                             monkeypatch, grace):
    slow_mastodon(replay, 1500)
    add_source(store, "mastodon", "masto", {"base_url": replay.base_url}, {"token": TOKEN})
    monkeypatch.setattr(child, "CANCEL_GRACE_S", grace)  # 0: terminated as soon as it is told to stop
    controller = install(window)
    controller.sync_now()
    run_until(aloop, lambda: item_count(store) >= 80, 60, "the first pages saved")
    window.actions_by_id["sync.stop"].trigger()
    wait_sync(aloop, controller)

    kept = item_count(store)
    assert kept < 1500
    assert window.statusBar().currentMessage().startswith("Sync stopped: ")
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert distinct_items(store) == kept
    controller.sync_now()
    wait_sync(aloop, controller)
    assert item_count(store) == distinct_items(store) == 1500
    assert window.statusBar().currentMessage() == f"Sync finished: {1500 - kept} new items."


def test_a_killed_worker_loses_nothing_and_the_next_sync_goes_on(window, aloop, store, replay):  # noqa: F811
    slow_mastodon(replay, 1500)
    add_source(store, "mastodon", "masto", {"base_url": replay.base_url}, {"token": TOKEN})
    controller = install(window)
    controller.sync_now()
    run_until(aloop, lambda: item_count(store) >= 80, 60, "the first pages saved")
    os.kill(controller.worker_pid, signal.SIGKILL)
    run_until(aloop, lambda: controller.task.done(), 30, "the window to notice")

    assert window.statusBar().currentMessage() == f"Sync failed: {child.STOPPED}"
    assert controller.progress_label.text() == ""
    kept = item_count(store)
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert 0 < kept == distinct_items(store)
    controller.sync_now()
    wait_sync(aloop, controller)
    assert item_count(store) == distinct_items(store) == 1500


def test_opening_an_item_while_a_sync_holds_the_write_lock_does_not_freeze_the_window(qtbot, window, aloop,  # noqa: F811
                                                                                    store, replay):
    import sqlite3

    FakeMastodon(n=3, token=TOKEN).install(replay)
    add_source(store, "mastodon", "masto", {"base_url": replay.base_url}, {"token": TOKEN})
    controller = install(window)
    controller.sync_now()
    wait_sync(aloop, controller)
    run_until(aloop, lambda: len(window.model.rows) == 3, what="the rows")
    window.reading_ctl.open(None)
    row = next(r for r in window.model.rows if r.status == "unread")
    other = sqlite3.connect(store.path, isolation_level=None)  # a sync's writer, mid-transaction
    other.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        window.reading_ctl.open(row)
        assert time.monotonic() - started < 1.0  # not the 5 s the write lock may be held
        assert window.model.rows[window.model.row_of[row.id]].status == "read"  # shown read at once
        qtbot.wait(500)  # past the first retries
        assert store.conn.execute("SELECT status FROM items WHERE id = ?", (row.id,)).fetchone()[0] == "unread"
    finally:
        other.execute("COMMIT")
        other.close()
    run_until(aloop, lambda: store.conn.execute("SELECT status FROM items WHERE id = ?",
                                                (row.id,)).fetchone()[0] == "read", what="the read mark written")
