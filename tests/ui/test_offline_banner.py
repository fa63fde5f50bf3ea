"""The offline banner follows the sync error kind the engine reports, never the wording
of the error message."""

from __future__ import annotations

import pytest

from inbox.domain.sync_errors import SyncErrorKind
from inbox.sync import engine
from inbox.sync.engine import RunSummary
from inbox.ui import sync_controller
from tests.qt_async import aloop, run_until, window  # noqa: F401 (fixtures)


def _summary(source, error: str | None, kind: SyncErrorKind | None) -> RunSummary:
    return RunSummary(source.id, source.name, source.kind, "", "", 0, 0, 0, 0, error, error_kind=kind)


@pytest.fixture
def controller(window, monkeypatch):  # noqa: F811
    c = sync_controller.install(window)
    c.startup_timer.stop()
    c.separate_process = False  # the engine is replaced in this process (the app runs it in a worker process)
    return c


def _sync_with(aloop, controller, monkeypatch, summaries) -> None:  # noqa: F811
    async def fake_sync(store, **kwargs):
        return summaries

    monkeypatch.setattr(engine, "sync", fake_sync)
    controller.sync_now()
    run_until(aloop, lambda: controller.task is not None and controller.task.done(), what="sync to finish")
    controller.task.result()


def test_an_offline_kind_shows_the_banner_whatever_the_message_says(window, aloop, store, controller,  # noqa: F811
                                                                    monkeypatch):
    source = store.add_source("rss", "Alerts", settings={"url": "http://127.0.0.1:9/feed"})
    _sync_with(aloop, controller, monkeypatch, [_summary(source, "the line went quiet", SyncErrorKind.OFFLINE)])
    assert controller.offline and controller.banner.isVisible()
    assert controller.banner.text() == sync_controller.OFFLINE_TEXT


def test_a_message_that_reads_like_offline_but_another_kind_shows_no_banner(window, aloop, store,  # noqa: F811
                                                                             controller, monkeypatch):
    source = store.add_source("rss", "Alerts", settings={"url": "http://127.0.0.1:9/feed"})
    text = "could not reach 127.0.0.1:9: connection refused"  # what the HTTP client says when offline
    _sync_with(aloop, controller, monkeypatch, [_summary(source, text, SyncErrorKind.AUTH)])
    assert not controller.offline and not controller.banner.isVisible()


def test_a_sync_the_user_stopped_is_not_offline(window, aloop, store, controller, monkeypatch):  # noqa: F811
    source = store.add_source("rss", "Alerts", settings={"url": "http://127.0.0.1:9/feed"})
    _sync_with(aloop, controller, monkeypatch, [_summary(source, "x", SyncErrorKind.OFFLINE)])
    assert controller.offline
    _sync_with(aloop, controller, monkeypatch, [_summary(source, "offline", SyncErrorKind.CANCELLED)])
    assert not controller.offline and not controller.banner.isVisible()  # whatever its message says
    assert window.statusBar().currentMessage() == "Sync stopped: 0 new items kept."
