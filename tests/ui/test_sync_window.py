"""Sync from the window against the replay server: sidebar states, status bar, offline
banner (and the list still working), rules applied on arrival, grouped notifications."""

from __future__ import annotations

import socket

import pytest
from PySide6.QtCore import Qt

from inbox.domain import InboxFilter, View
from inbox.services import rules
from inbox.ui import sync_controller
from inbox.ui.sync_controller import OFFLINE_TEXT, SyncController
from tests.qt_async import aloop, run_until, window  # noqa: F401 (fixtures)
from tests.replay import Reply

FEED = r"/(?P<cc>[a-z]{2})/rss/customerreviews/page=(?P<page>\d+)/id=(?P<app>\d+)/sortby=mostrecent/json"


def entry(rid: str, title: str, text: str, rating: int, when: str, name: str = "seafront_sam") -> dict:
    return {
        "author": {"uri": {"label": f"https://itunes.apple.com/gb/reviews/id{rid}0"}, "name": {"label": name},
                   "label": ""},
        "updated": {"label": when}, "im:rating": {"label": str(rating)}, "im:version": {"label": "3.8.1"},
        "id": {"label": rid}, "title": {"label": title},
        "content": {"label": text, "attributes": {"type": "text"}},
        "link": {"attributes": {"rel": "related", "href": "https://itunes.apple.com/gb/review?id=1611223344"}},
    }


class AppStore:
    """The App Store feed for one app; `entries` can grow between syncs."""

    def __init__(self, replay) -> None:
        self.entries = [
            entry("12873344556", "Loyalty stamps vanished", "Since the update my stamps are gone. Please fix!",
                  2, "2026-03-13T11:42:09-07:00"),
            entry("12869011223", "Order ahead is brilliant", "Skip the queue every morning.", 5,
                  "2026-03-12T02:05:51-07:00", name="Bea R."),
        ]
        replay.add("GET", FEED, self.reply)

    def reply(self, req) -> Reply:
        if req.match["page"] != "1":
            return Reply(json={"feed": {"author": {"name": {"label": "iTunes Store"}}}})
        return Reply(json={"feed": {"entry": list(self.entries)}})


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def install(win) -> SyncController:
    controller = sync_controller.install(win)
    controller.startup_timer.stop()  # tests start their syncs themselves
    controller.http_options = {"retries": 1, "backoff_base": 0.01, "backoff_max": 0.02,
                               "connect_timeout": 2, "read_timeout": 5}
    return controller


def wait_sync(aloop, controller: SyncController) -> None:  # noqa: F811
    run_until(aloop, lambda: controller.task is not None and controller.task.done(), what="sync to finish")
    controller.task.result()  # raise what the task raised


def test_sync_now_fills_the_list_and_updates_sidebar_and_status(qtbot, window, aloop, store, replay):  # noqa: F811
    AppStore(replay)
    source = store.add_source("appstore", "Order-ahead app",
                              settings={"app_id": "1611223344", "country": "gb", "base_url": replay.base_url})
    window.data_changed()
    key = f"source:{source.id}"
    run_until(aloop, lambda: key in window.sidebar.entries, what="sidebar entry")
    controller = install(window)
    action = window.actions_by_id["sync.now"]
    assert {s.toString() for s in action.shortcuts()} == {"F5", "Ctrl+R"}
    assert window.commands.conflicts() == {}  # no other action shares F5 (Qt would fire neither)
    assert all(a.shortcut().toString() not in ("F5", "Ctrl+R")
               for cid, a in window.actions_by_id.items() if cid != "sync.now")

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert controller.running
    assert window.sidebar.entries[key].state == "syncing"
    wait_sync(aloop, controller)

    assert window.statusBar().currentMessage() == "Sync finished: 2 new items."
    assert controller.progress_label.text() == ""
    run_until(aloop, lambda: len(window.model.rows) == 2, what="list to show the new items")
    assert {r.title for r in window.model.rows} == {"Loyalty stamps vanished", "Order ahead is brilliant"}
    assert window.sidebar.entries[key].state == ""
    run_until(aloop, lambda: window.sidebar.entries[key].count == 2, what="sidebar count")
    assert store.get_source(source.id).last_synced_at
    assert not controller.banner.isVisible()


def test_a_failing_source_is_marked_in_the_sidebar(qtbot, window, aloop, store, replay):  # noqa: F811
    replay.add("GET", FEED, Reply(404, json={"error": "no such app"}))
    source = store.add_source("appstore", "Gone app",
                              settings={"app_id": "1", "country": "gb", "base_url": replay.base_url})
    controller = install(window)
    controller.sync_now()
    wait_sync(aloop, controller)
    key = f"source:{source.id}"
    run_until(aloop, lambda: key in window.sidebar.entries, what="sidebar entry")
    entry_ = window.sidebar.entries[key]
    assert entry_.state == "error"
    assert "no reviews feed" in entry_.tooltip
    assert "1 source failed (Gone app)" in window.statusBar().currentMessage()
    assert not controller.banner.isVisible()  # the source answered: not offline


def test_offline_banner_and_the_list_keeps_working(qtbot, window, aloop, store, replay):  # noqa: F811
    feed = AppStore(replay)
    source = store.add_source("appstore", "Order-ahead app",
                              settings={"app_id": "1611223344", "country": "gb", "base_url": replay.base_url})
    controller = install(window)
    controller.sync_now()
    wait_sync(aloop, controller)
    assert store.count_items() == 2

    dead = f"http://127.0.0.1:{closed_port()}"
    store.update_source(source.id, settings={**source.settings, "base_url": dead})
    controller.sync_now()
    wait_sync(aloop, controller)
    assert controller.offline
    assert controller.banner.isVisible() and controller.banner.text() == OFFLINE_TEXT

    # everything synced is still there: the list, search, triage
    window.show_items(InboxFilter(view=View.ALL, query="stamps"), "Search")
    run_until(aloop, lambda: [r.title for r in window.model.rows] == ["Loyalty stamps vanished"], what="search")
    window.open_item(window.model.rows[0].id)
    window.mark_done()
    assert store.list_items(InboxFilter(view=View.DONE))[0][0].title == "Loyalty stamps vanished"

    # back online: the banner goes
    store.update_source(source.id, settings={**source.settings, "base_url": replay.base_url})
    feed.entries.append(entry("12999", "New one", "Back online", 4, "2026-03-14T08:00:00-07:00"))
    controller.sync_now()
    wait_sync(aloop, controller)
    assert not controller.offline and not controller.banner.isVisible()


def test_rules_apply_on_arrival_during_sync(qtbot, window, aloop, store, replay):  # noqa: F811
    AppStore(replay)
    store.add_source("appstore", "Order-ahead app",
                     settings={"app_id": "1611223344", "country": "gb", "base_url": replay.base_url})
    rules.save_rule(store, rules.Rule("Low ratings", rules.Conditions(rating_max=2),
                                      rules.Actions(tag="needs reply", mute=True)))
    controller = install(window)
    controller.sync_now()
    wait_sync(aloop, controller)
    [low] = store.list_items(InboxFilter(view=View.DONE))[0]
    assert low.title == "Loyalty stamps vanished" and [t for t, _ in low.tags] == ["needs reply"]
    run_until(aloop, lambda: [r.title for r in window.model.rows] == ["Order ahead is brilliant"],
              what="inbox without the muted item")


def test_background_sync_notifies_once_grouped_but_not_for_a_first_sync(qtbot, window, aloop, store, replay):  # noqa: F811
    feed = AppStore(replay)
    store.add_source("appstore", "Order-ahead app",
                     settings={"app_id": "1611223344", "country": "gb", "base_url": replay.base_url})
    controller = install(window)
    controller.sync_now(background=True)
    wait_sync(aloop, controller)
    assert controller.last_notice is None  # a new source's backlog is not news

    feed.entries[:0] = [entry("13000", "Great", "Love it", 5, "2026-03-14T09:00:00-07:00"),
                        entry("13001", "Crashes", "Crashes on start", 1, "2026-03-14T10:00:00-07:00")]
    controller.sync_now(background=True)
    wait_sync(aloop, controller)
    assert controller.last_notice == "2 new items from Order-ahead app"
    assert window.statusBar().currentMessage().startswith("2 new items from Order-ahead app")  # no tray offscreen
    window.run_command("sync.show_new")
    run_until(aloop, lambda: {r.title for r in window.model.rows} == {"Great", "Crashes"}, what="new items")
    assert window.list_title.text() == "New items"


def test_notice_groups_sources_and_skips_muted(store):
    from inbox.domain import Item

    a = store.add_source("appstore", "A")
    b = store.add_source("appstore", "B")
    c = store.add_source("appstore", "C")
    ra = store.save_page(a.id, [Item(external_id=f"a{i}", text="x") for i in range(3)])
    rb = store.save_page(b.id, [Item(external_id="b1", text="y"), Item(external_id="b2", text="z")])
    rc = store.save_page(c.id, [Item(external_id="c1", text="new source")])
    store.set_status([rb.new_ids[1]], "done")  # a rule muted it

    class S:
        def __init__(self, sid, ids):
            self.source_id, self.new_item_ids = sid, ids

    summaries = [S(a.id, ra.new_ids), S(b.id, rb.new_ids), S(c.id, rc.new_ids)]
    notice = sync_controller.new_items_notice(store, summaries, skip_sources={c.id})
    assert notice.text == "4 new items from 2 sources"
    assert sorted(notice.item_ids) == sorted(ra.new_ids + rb.new_ids[:1])
    assert sync_controller.new_items_notice(store, summaries[1:], skip_sources={c.id}).text == "1 new item from B"
    assert sync_controller.new_items_notice(store, summaries[2:], skip_sources={c.id}) is None


def test_interval_timer_follows_the_setting(qtbot, window, aloop, store):  # noqa: F811
    store.set_setting("sync.interval_minutes", "45")
    controller = install(window)
    assert controller.timer.isActive() and controller.timer.interval() == 45 * 60_000
    controller.set_interval(0)
    assert not controller.timer.isActive()


def test_a_new_source_is_synced_when_added(qtbot, window, aloop, store, replay):  # noqa: F811
    from inbox.ui import sources_dialog

    AppStore(replay)
    controller = install(window)
    sources_dialog.install(window)
    dialog = window.run_command("sources.manage")
    dialog.new_source()  # the form (Add source opens the guided flow)
    dialog.form.kind.setCurrentIndex(dialog.form.kind.findData("appstore"))
    dialog.form.name.setText("Our app")
    dialog.form.setting_edits["app_id"].setText("1611223344")
    dialog.form.setting_edits["country"].setText("gb")
    dialog.form.setting_edits["base_url"].setText(replay.base_url)
    dialog.save_button.click()
    run_until(aloop, lambda: controller.task is not None, what="sync to start")
    wait_sync(aloop, controller)
    assert store.count_items() == 2
    assert controller.last_notice is None  # a first sync is not announced


def test_stop_sync_keeps_what_was_saved_and_is_not_an_error(qtbot, window, aloop, store, replay):  # noqa: F811
    replay.add("GET", FEED, Reply(json={"feed": {}}, delay=3))
    source = store.add_source("appstore", "Slow app",
                              settings={"app_id": "1", "country": "gb", "base_url": replay.base_url})
    window.data_changed()
    run_until(aloop, lambda: f"source:{source.id}" in window.sidebar.entries, what="sidebar entry")
    controller = install(window)
    controller.sync_now()
    run_until(aloop, lambda: replay.count("GET", FEED) == 1, what="the request to start")
    window.run_command("sync.stop")
    wait_sync(aloop, controller)
    assert window.statusBar().currentMessage() == "Sync stopped: 0 new items kept."
    assert window.sidebar.entries[f"source:{source.id}"].state == ""
    assert not controller.offline
    assert store.get_source(source.id).last_error is None


async def test_the_http_clients_network_errors_are_offline_by_kind(replay):
    """The engine classifies what the HTTP client raises when a host cannot be reached (or
    times out) as OFFLINE; the window reads that kind, not the message."""
    from inbox.domain.sync_errors import SyncErrorKind
    from inbox.sources.base import NetworkError
    from inbox.sync.engine import RunSummary
    from inbox.sync.errors import error_kind
    from inbox.sync.http import HttpClient

    replay.add("GET", r"/slow", Reply(json={}, delay=1.5))
    errors = []
    async with HttpClient(retries=0, read_timeout=0.3, connect_timeout=1) as http:
        for url in (f"http://127.0.0.1:{closed_port()}/x", replay.base_url + "/slow"):
            with pytest.raises(NetworkError) as exc:
                await http.request("GET", url)
            errors.append(exc.value)
    assert [error_kind(e) for e in errors] == [SyncErrorKind.OFFLINE] * 2

    def summary(error, kind=None):
        return RunSummary(1, "s", "rss", "", "", 0, 0, 0, 0, str(error) if error else None, error_kind=kind)

    offline = [summary(e, SyncErrorKind.OFFLINE) for e in errors]
    assert all(sync_controller.is_network_failure(s) for s in offline)
    assert not sync_controller.is_network_failure(summary("credentials rejected: HTTP 401", SyncErrorKind.AUTH))
    assert sync_controller.went_offline(offline)
    assert not sync_controller.went_offline([offline[0], summary(None)])
    assert not sync_controller.went_offline([summary("cancelled", SyncErrorKind.CANCELLED)])


def test_the_demo_workspace_never_syncs(qtbot, window, aloop, store, monkeypatch):  # noqa: F811
    store.add_source("appstore", "Made up", settings={"app_id": "1", "base_url": "http://127.0.0.1:9"})
    monkeypatch.setattr(window, "is_demo", True)
    controller = install(window)
    assert not controller.timer.isActive()
    assert controller.sync_now() is None
    assert window.statusBar().currentMessage().startswith("This is the demo workspace")


def test_startup_catches_up_on_sources_not_synced_for_an_interval(qtbot, window, aloop, store, replay):  # noqa: F811
    from datetime import timedelta

    from inbox.domain import format_time, utcnow

    AppStore(replay)
    settings = {"app_id": "1611223344", "country": "gb", "base_url": replay.base_url}
    stale = store.add_source("appstore", "Stale", settings=settings)
    fresh = store.add_source("appstore", "Fresh", settings={**settings, "app_id": "99"})
    store.update_source(stale.id, last_synced_at=format_time(utcnow() - timedelta(hours=2)))
    store.update_source(fresh.id, last_synced_at=format_time(utcnow() - timedelta(minutes=5)))
    controller = sync_controller.install(window)
    assert controller.startup_timer.isActive()  # 30 min interval by default
    controller.startup_timer.setInterval(10)
    controller.startup_timer.start()
    run_until(aloop, lambda: controller.task is not None, what="startup sync")
    wait_sync(aloop, controller)
    assert [s.source_name for s in controller.task.result()] == ["Stale"]
    assert controller.last_notice == "2 new items from Stale"  # not its first sync: announced


def test_closing_the_window_stops_the_automatic_syncs(qtbot, window, store):  # noqa: F811
    """Neither the start-up catch-up nor the interval timer may fire on a closed inbox."""
    store.add_source("appstore", "Order-ahead app", settings={"app_id": "1"})
    controller = sync_controller.install(window)
    assert controller.startup_timer.isActive() and controller.timer.isActive()
    window.shutdown()
    assert not controller.startup_timer.isActive() and not controller.timer.isActive()


def test_an_empty_list_says_why_the_only_source_failed_never_inbox_zero(qtbot, window, aloop, store):  # noqa: F811
    source = store.add_source("appstore", "Order-ahead app", settings={
        "app_id": "1611223344", "country": "gb", "base_url": f"http://127.0.0.1:{closed_port()}"})
    controller = install(window)
    controller.sync_now()
    wait_sync(aloop, controller)
    expected = ("<p>Nothing new from “Order-ahead app”: its last sync failed.<br>"
                "Can&#x27;t reach App Store. Check that you&#x27;re online.</p>"
                '<p><a href="inbox:fix">Try again</a> &nbsp; <a href="inbox:details">Details…</a></p>')
    run_until(aloop, lambda: window.empty_label.text() == expected, what="the reason in the empty list")
    assert window.list_stack.currentWidget() is window.empty_label
    before = len(window.statusBar().currentMessage())
    window.list_ctl._empty_link("inbox:fix")  # "Try again" syncs again
    wait_sync(aloop, controller)
    assert before is not None and "1 source failed (Order-ahead app)" in window.statusBar().currentMessage()
    tip = window.sidebar.entries[f"source:{source.id}"].tooltip
    assert "Can't reach App Store. Check that you're online." in tip and "Details: " in tip  # escaped when shown

    # after a restart (a new window on the same file) the list says the same, at once
    from PySide6.QtCore import QSettings

    from inbox.ui.main_window import MainWindow

    again = MainWindow(store, db_path=store.path, settings=QSettings(str(store.path) + ".ini",
                                                                   QSettings.Format.IniFormat))
    try:
        run_until(aloop, lambda: not again.model.loading and again.empty_label.text() == expected,
                  what="the reason after a restart")
        assert "Inbox zero" not in again.empty_label.text()
    finally:
        again.shutdown()
        again.deleteLater()


def test_a_facebook_source_warns_ahead_of_its_graph_version_end(qtbot, window, aloop, store):  # noqa: F811
    from datetime import date

    from inbox.ui.failures import source_warning

    source = store.add_source("facebook", "Café on Facebook", settings={"page_id": "1"})
    assert source_warning(source, date(2027, 1, 1)).startswith(
        "Facebook stops answering Graph API v21.0 on 21 January 2027, in 20 days.")
    window.sidebar_ctl.refresh_sources(store.list_sources(), {})
    tip = window.sidebar.entries[f"source:{source.id}"].tooltip
    expected = source_warning(source)
    assert (expected is None) or ("Graph API v21.0" in tip)


def test_a_refused_key_opens_its_settings(qtbot, window, aloop, store, replay):  # noqa: F811
    from inbox.secrets import MemorySecrets
    from inbox.ui import sources_dialog
    from tests.replay.bluesky import FakeBluesky

    FakeBluesky(n=2).install(replay)
    source = store.add_source("bluesky", "Café on Bluesky", settings={"base_url": replay.base_url,
                                                                      "handle": "harbourcafe.bsky.social"})
    mem = MemorySecrets({source.secret_key: {"app_password": "revoked-revoked"}})
    controller = install(window)
    controller.secrets = mem
    sources_dialog.install(window, secrets=mem)
    controller.sync_now()
    wait_sync(aloop, controller)
    run_until(aloop, lambda: "Sign in again…" in window.empty_label.text(), what="the sign-in link")
    assert "Bluesky no longer accepts the saved key. Paste a new key from your Bluesky account." \
        in window.empty_label.text()
    window.list_ctl._empty_link("inbox:fix")
    dialog = window.extensions.get(sources_dialog.SourcesDialog)
    assert dialog is not None and dialog.form.source.id == source.id  # its key field is right there
    assert "app_password" in dialog.form.secret_edits


def test_a_refused_mastodon_sign_in_signs_in_again_through_the_browser(qtbot, window, aloop, store, replay,  # noqa: F811
                                                                         monkeypatch):
    import httpx

    from inbox.secrets import MemorySecrets
    from inbox.ui import add_source_wizard, sources_dialog
    from tests.replay.sign_in import FakeMastodonSignIn

    fake = FakeMastodonSignIn(n=2).install(replay)
    source = store.add_source("mastodon", "Café on Mastodon", settings={"base_url": replay.base_url})
    mem = MemorySecrets({source.secret_key: {"token": "revoked"}})
    controller = install(window)
    controller.secrets = mem
    window.sources_secrets = mem
    sources_dialog.install(window, secrets=mem)
    monkeypatch.setattr(add_source_wizard.webbrowser, "open",
                        lambda url: httpx.get(url, follow_redirects=True, timeout=10))  # the owner allows
    controller.sync_now()
    wait_sync(aloop, controller)
    run_until(aloop, lambda: "Sign in again…" in window.empty_label.text(), what="the sign-in link")
    window.list_ctl._empty_link("inbox:fix")
    run_until(aloop, lambda: mem.entries[source.secret_key] == {"token": fake.token}, what="the new sign-in")
    run_until(aloop, lambda: len(window.model.rows) == 2, what="the mentions, fetched after signing in")
    assert window.extensions.get(sources_dialog.SourcesDialog) is None  # no form to fill in


def test_the_graph_version_warning_is_said_for_own_sources_not_the_demos(qtbot, make_window, store,
                                                                        monkeypatch):
    from datetime import date

    from inbox.ui import failures
    from inbox.ui.controllers import sidebar

    real = failures.source_warning
    monkeypatch.setattr(sidebar, "source_warning", lambda s: real(s, date(2027, 1, 1)))  # 20 days before
    store.add_source("facebook", "Café on Facebook", settings={"page_id": "1"})
    said: dict[bool, str] = {}
    for demo in (False, True):
        opened = make_window(store, is_demo=demo)
        qtbot.wait(50)  # the warning is said once the window has started
        said[demo] = opened.statusBar().currentMessage()
    assert "Graph API v21.0" in said[False]
    assert "Graph API" not in said[True]  # the demo's sample sources are not the owner's
