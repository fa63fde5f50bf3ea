"""The Sources dialog in the real window: secrets to the secrets backend (never the SQLite
file), the no-keyring path through the real keyring code, validation, rename and remove,
and Test connection against the replay server."""

from __future__ import annotations

import os
import time
from pathlib import Path

import keyring
import keyring.backend
import keyring.backends.fail
import pytest
from jaraco.classes import properties
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QPushButton

from inbox.secrets import KeyringSecrets, MemorySecrets, Secrets
from inbox.ui import sources_dialog
from inbox.ui.sources_dialog import SourcesDialog
from tests.db_files import db_bytes
from tests.qt_async import aloop, run_until, window  # noqa: F401 (fixtures)
from tests.replay import Reply

YELP_REVIEWS = {
    "reviews": [
        {"id": "xQk3vR8tLmN2pZyW0aB4cD", "url": "https://www.yelp.com/biz/harbour?hrid=x&utm_source=y",
         "text": "Came for the cinnamon buns, stayed for the view...", "rating": 5,
         "time_created": "2026-03-09 14:22:31",
         "user": {"id": "Zq8pLm2Nb5Vx7Ck1Rt4Wyg", "profile_url": "https://www.yelp.com/u", "image_url": None,
                  "name": "Dana F."}},
        {"id": "Tm5cY0gHs2Jd9Ke4Pq7RwA", "url": "https://www.yelp.com/biz/harbour?hrid=y",
         "text": "Coffee was fine but we waited 25 minutes...", "rating": 2,
         "time_created": "2026-02-26 09:05:17",
         "user": {"id": "Hh3kLp9Qm1Ns6Bv2Xc8Zfw", "profile_url": "https://www.yelp.com/u2", "image_url": None,
                  "name": "Marco T."}},
    ],
    "total": 148,
    "possible_languages": ["en"],
}


@pytest.fixture
def mem() -> MemorySecrets:
    return MemorySecrets()


@pytest.fixture
def no_keyring():
    """The real keyring code on a machine without a keyring."""
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


def open_dialog(window, secrets: Secrets | None = None) -> SourcesDialog:  # noqa: F811
    sources_dialog.install(window, secrets=secrets if secrets is not None else MemorySecrets())
    return window.run_command("sources.manage")


def fill_yelp(qtbot, dialog: SourcesDialog, name: str, api_key: str = "", base_url: str = "",
              competitor: bool = False) -> None:
    dialog.new_source()  # the form (Add source opens the guided flow)
    form = dialog.form
    form.kind.setCurrentIndex(form.kind.findData("yelp"))
    qtbot.keyClicks(form.name, name)
    qtbot.keyClicks(form.setting_edits["business_id"], "harbour-street-cafe-brighton")
    if base_url:
        form.setting_edits["base_url"].setText(base_url)
    if api_key:
        qtbot.keyClicks(form.secret_edits["api_key"], api_key)
    if competitor:
        form.competitor.setChecked(True)


def test_form_is_generated_from_the_connector(qtbot, window, aloop):  # noqa: F811
    dialog = open_dialog(window)
    dialog.new_source()  # the form (Add source opens the guided flow)
    dialog.form.kind.setCurrentIndex(dialog.form.kind.findData("yelp"))
    assert set(dialog.form.setting_edits) >= {"business_id", "locale", "timezone", "base_url"}
    key = dialog.form.secret_edits["api_key"]
    assert key.echoMode() == key.EchoMode.Password
    dialog.form.kind.setCurrentIndex(dialog.form.kind.findData("appstore"))
    assert "app_id" in dialog.form.setting_edits and dialog.form.secret_edits == {}


def test_add_source_keeps_the_secret_in_the_keyring_only(qtbot, window, aloop, store, mem,  # noqa: F811
                                                          replay):
    name = "Harbour Yelp"
    key = "yelp-key-4f0c9a7d2e"
    dialog = open_dialog(window, mem)
    fill_yelp(qtbot, dialog, name, api_key=key, competitor=True)
    dialog.save_button.click()
    run_until(aloop, lambda: dialog.verdict.text().startswith("Saved"), what="save")

    source = store.get_source(name)
    assert source.whose == "competitor"
    assert source.settings == {"business_id": "harbour-street-cafe-brighton"}
    assert mem.entries == {source.secret_key: {"api_key": key}}  # by database and id, not name
    store.conn.execute("PRAGMA wal_checkpoint(FULL)")
    assert key.encode() not in db_bytes(store.path)
    # the window's sidebar lists the new source
    run_until(aloop, lambda: f"source:{source.id}" in window.sidebar.entries, what="sidebar entry")

    # rename: the secret stays where it is, with the source
    new_name = name + " (renamed)"
    dialog.form.name.setText(new_name)
    dialog.save_button.click()
    run_until(aloop, lambda: dialog.verdict.text() == f"Saved “{new_name}”.", what="rename")
    assert mem.entries == {source.secret_key: {"api_key": key}}
    assert store.get_source(source.id).secret_key == source.secret_key

    # Test connection on the saved source, password field left empty: the saved key is used
    replay.add("GET", r"/v3/businesses/[^/]+/reviews",
               lambda req: Reply(json=YELP_REVIEWS) if req.headers.get("authorization") == f"Bearer {key}"
               else Reply(401, json={"error": {"code": "TOKEN_INVALID"}}))
    dialog.form.setting_edits["base_url"].setText(replay.base_url + "/v3")
    assert dialog.form.secret_edits["api_key"].text() == ""
    dialog.test_button.click()
    run_until(aloop, lambda: not dialog.busy, what="test with the saved key")
    assert dialog.verdict.text().startswith("OK: 2 review excerpts")

    # remove: confirmation (answered yes), then the keyring entry goes too
    dialog.remove_selected()
    run_until(aloop, lambda: dialog.verdict.text().startswith("Removed"), what="remove")
    assert store.list_sources() == []
    assert mem.entries == {}


def test_without_a_keyring_nothing_is_created(qtbot, window, aloop, store, no_keyring,  # noqa: F811
                                              monkeypatch):
    monkeypatch.setenv("XDG_CURRENT_DESKTOP", "KDE")
    dialog = open_dialog(window, KeyringSecrets())
    fill_yelp(qtbot, dialog, "Yelp without keyring", api_key="sk-should-not-be-stored")
    dialog.save_button.click()
    run_until(aloop, lambda: not dialog.busy and dialog.verdict.text().startswith("Not saved"), what="refusal")
    assert dialog.verdict.text() == (
        "Not saved. Feedback Inbox can't open the system keyring, where sign-ins are kept. "
        "Switch on KDE Wallet in System Settings ▸ KDE Wallet (package kwalletmanager), or install "
        "GNOME Keyring (gnome-keyring); then log out and in again.")
    assert "no system keyring" in dialog.verdict_detail and dialog.details_button.isVisibleTo(dialog)
    assert store.list_sources() == []
    assert b"sk-should-not-be-stored" not in db_bytes(store.path)
    assert dialog.form.name.text() == "Yelp without keyring"  # the form keeps what was typed


class SlowKeyring(keyring.backend.KeyringBackend):
    """A keyring that hangs (a D-Bus unlock prompt nobody answers). Never auto-selected."""

    @properties.classproperty
    def priority(cls) -> float:
        raise RuntimeError("only for the test that sets it")

    def get_password(self, service, username):
        time.sleep(1.0)

    def set_password(self, service, username, password):
        time.sleep(1.0)

    def delete_password(self, service, username):
        time.sleep(1.0)


def test_a_hanging_keyring_times_out_without_freezing(qtbot, window, aloop, store, monkeypatch):  # noqa: F811
    previous = keyring.get_keyring()
    keyring.set_keyring(SlowKeyring())
    monkeypatch.setattr(sources_dialog, "KEYRING_TIMEOUT_S", 0.2)
    try:
        dialog = open_dialog(window, KeyringSecrets())
        fill_yelp(qtbot, dialog, "Slow keyring", api_key="k")
        ticks = []
        timer = QTimer()
        timer.timeout.connect(lambda: ticks.append(1))
        timer.start(20)
        dialog.save_button.click()
        run_until(aloop, lambda: not dialog.busy, what="timeout")
        timer.stop()
        assert dialog.verdict.text() == (
            "Not saved. The system keyring, where sign-ins are kept, is locked or did not answer. "
            "Unlock it (it usually asks for your login password) and try again.")
        assert dialog.verdict_detail == "the system keyring did not answer (is it locked?)"
        assert store.list_sources() == []
        assert len(ticks) >= 3  # the event loop kept running while the keyring hung
        time.sleep(1.0)  # let the hung call end before the backend is restored
    finally:
        keyring.set_keyring(previous)


def test_sources_without_secrets_need_no_keyring(qtbot, window, aloop, store, no_keyring):  # noqa: F811
    dialog = open_dialog(window, KeyringSecrets())
    dialog.new_source()  # the form (Add source opens the guided flow)
    dialog.form.kind.setCurrentIndex(dialog.form.kind.findData("appstore"))
    dialog.form.name.setText("Our app")
    dialog.form.setting_edits["app_id"].setText("1234567890")
    dialog.form.enabled.setChecked(False)
    dialog.save_button.click()
    run_until(aloop, lambda: dialog.verdict.text().startswith("Saved"), what="save")
    saved = store.get_source("Our app")
    assert saved.settings["app_id"] == "1234567890" and saved.enabled is False
    store.update_source(saved.id, settings={**saved.settings, "extra": "kept"})  # e.g. set by the CLI
    dialog.reload(select_id=saved.id)
    dialog.form.enabled.setChecked(True)
    dialog.form.setting_edits["country"].setText("gb")
    dialog.save_button.click()
    run_until(aloop, lambda: not dialog.busy, what="save")
    again = store.get_source("Our app")
    assert again.enabled is True
    assert again.settings == {"app_id": "1234567890", "country": "gb", "extra": "kept"}


def test_missing_required_setting_and_duplicate_name(qtbot, window, aloop, store):  # noqa: F811
    store.add_source("yelp", "Taken")
    dialog = open_dialog(window)
    dialog.new_source()  # the form (Add source opens the guided flow)
    dialog.form.kind.setCurrentIndex(dialog.form.kind.findData("yelp"))
    dialog.form.name.setText("New one")
    dialog.save_button.click()
    run_until(aloop, lambda: not dialog.busy, what="verdict")
    assert dialog.verdict.text() == "Not saved: fill in: Business ID."
    dialog.form.name.setText("taken")
    dialog.form.setting_edits["business_id"].setText("x")
    dialog.save_button.click()
    run_until(aloop, lambda: "already exists" in dialog.verdict.text(), what="duplicate")
    assert [s.name for s in store.list_sources()] == ["Taken"]


def test_test_connection_success_and_rejected_key(qtbot, window, aloop, store, replay):  # noqa: F811
    def reviews(req):
        if req.headers.get("authorization") != "Bearer good-key":
            return Reply(401, json={"error": {"code": "TOKEN_INVALID", "description": "Invalid access token"}})
        return Reply(json=YELP_REVIEWS)
    replay.add("GET", r"/v3/businesses/[^/]+/reviews", reviews)
    dialog = open_dialog(window)
    fill_yelp(qtbot, dialog, "Yelp test", api_key="good-key", base_url=replay.base_url + "/v3")
    dialog.test_button.click()
    assert not dialog.test_button.isEnabled()  # busy, and the window is not blocked
    run_until(aloop, lambda: not dialog.busy, what="test connection")
    assert dialog.verdict.text() == ("OK: 2 review excerpts of 148 reviews (all Yelp shares on this key's plan; "
                                     "paid plans share more)")

    dialog.form.secret_edits["api_key"].setText("bad-key")
    dialog.test_button.click()
    run_until(aloop, lambda: not dialog.busy, what="second test")
    assert dialog.verdict.text() == "Yelp no longer accepts the saved key. Paste a new key from your Yelp account."
    assert dialog.verdict_detail.startswith("credentials rejected")
    assert "bad-key" not in dialog.verdict.text() + dialog.verdict_detail
    assert store.list_sources() == []  # testing saves nothing
    assert replay.count("GET", r"/v3/businesses/harbour-street-cafe-brighton/reviews") == 2


def test_interval_setting_reaches_the_store(qtbot, window, aloop, store):  # noqa: F811
    from inbox.ui import sync_controller

    controller = sync_controller.install(window)
    assert controller.timer.interval() == 30 * 60_000
    dialog = open_dialog(window)
    assert dialog.interval.value() == 30
    dialog.interval.setValue(15)
    assert sources_dialog.sync_interval(store) == 15
    assert controller.timer.isActive() and controller.timer.interval() == 15 * 60_000
    dialog.interval.setValue(0)
    assert dialog.interval.text() == "never"
    assert not controller.timer.isActive()


def test_screenshot(qtbot, window, aloop, store, tmp_path):  # noqa: F811
    """The dialog as docs/screenshot-sources.png shows it (regenerated by this test)."""
    store.add_source("yelp", "Harbour Street Café · Yelp", settings={"business_id": "harbour-street-cafe"})
    store.add_source("appstore", "Order-ahead app", settings={"app_id": "1234567890", "country": "gb"})
    store.add_source("yelp", "Bean & Gone · Yelp", whose="competitor", settings={"business_id": "bean-gone"})
    dialog = open_dialog(window)
    dialog.reload(select_id=store.get_source("Harbour Street Café · Yelp").id)
    assert dialog.form.setting_edits["business_id"].text() == "harbour-street-cafe"
    assert dialog.form.kind.isEnabled() is False
    assert dialog.list.currentItem().data(Qt.ItemDataRole.UserRole) == store.get_source(
        "Harbour Street Café · Yelp").id
    assert not dialog.form.setting_edits["base_url"].isVisibleTo(dialog)  # behind "Advanced"
    dialog.form.findChild(QPushButton, "advancedSettings").click()
    run_until(aloop, lambda: dialog.form.setting_edits["base_url"].isVisible(), what="fields shown")
    assert dialog.form.secret_edits["api_key"].placeholderText() == "leave empty to keep the saved value"
    dialog.show_verdict("OK: 3 review excerpts of 148 reviews", ok=True)
    out = Path(__file__).resolve().parents[2] / "docs" / "screenshot-sources.png"
    if os.environ.get("UPDATE_SCREENSHOTS"):
        out.parent.mkdir(exist_ok=True)
        assert dialog.grab().save(str(out))
    assert dialog.grab().save(str(tmp_path / "sources.png"))


def test_an_error_quoting_html_is_shown_as_text(qtbot, window, aloop, store, replay):  # noqa: F811
    evil = "<img src='file:///etc/hostname'><b>bold</b>"
    replay.add("GET", r"/v3/businesses/[^/]+/reviews",
               Reply(400, json={"error": {"code": "VALIDATION_ERROR", "description": evil}}))
    dialog = open_dialog(window)
    fill_yelp(qtbot, dialog, "Yelp html", api_key="k", base_url=replay.base_url + "/v3")
    dialog.test_button.click()
    run_until(aloop, lambda: not dialog.busy, what="test connection")
    assert dialog.verdict.text() == "Yelp refused the request. Check the source's settings; Details shows what it said."
    assert evil in dialog.verdict_detail
    assert dialog.verdict.textFormat() == Qt.TextFormat.PlainText
    box = dialog.show_details()
    assert box.textFormat() == Qt.TextFormat.PlainText and evil in box.text()
    box.close()
    tip = sources_dialog.plain_tooltip(evil)  # declared rich text, the markup escaped: shown as it is
    assert tip.startswith("<qt>") and "<img" not in tip and "&lt;img src=" in tip and "&lt;b&gt;bold" in tip


def test_in_the_demo_a_new_source_goes_to_the_users_own_inbox(qtbot, window, aloop, store,  # noqa: F811
                                                               monkeypatch, replay):
    from tests.ui.test_sync_window import AppStore

    AppStore(replay)
    from inbox.paths import default_db_path
    from inbox.services.workspace import choose_workspace
    from inbox.store import Store

    monkeypatch.setattr(window, "is_demo", True)
    dialog = open_dialog(window)
    assert dialog.for_demo and dialog.findChild(QLabel, "demoNote").isVisibleTo(dialog)
    dialog.new_source()  # the form (Add source opens the guided flow)
    dialog.form.kind.setCurrentIndex(dialog.form.kind.findData("appstore"))
    dialog.form.name.setText("My real app")
    dialog.form.setting_edits["app_id"].setText("1611223344")
    dialog.form.setting_edits["country"].setText("gb")
    dialog.form.setting_edits["base_url"].setText(replay.base_url)
    dialog.save_button.click()
    run_until(aloop, lambda: not dialog.busy, what="save")
    assert dialog.verdict.text() == "Saved “My real app” in your own inbox, which opens now."
    assert store.list_sources() == []  # the demo file is untouched
    # no restart: the window is rebuilt on the owner's inbox, which syncs the new source
    from PySide6.QtWidgets import QApplication

    from inbox.ui.main_window import MainWindow

    def own_window():
        return next((w for w in QApplication.topLevelWidgets()
                     if isinstance(w, MainWindow) and w is not window and w.isVisible()), None)
    run_until(aloop, lambda: own_window() is not None, what="the owner's inbox to open")
    own_win = own_window()
    assert not own_win.is_demo and own_win.db_path == default_db_path() and not window.isVisible()
    assert [s.name for s in own_win.store.list_sources()] == ["My real app"]
    assert "workspace.demo" in own_win.actions_by_id  # the demo stays one click away
    run_until(aloop, lambda: len(own_win.model.rows) == 2, what="the new source's reviews in the list")
    own_win.close()
    with Store(default_db_path()) as own:
        assert [s.name for s in own.list_sources()] == ["My real app"]
    workspace = choose_workspace()
    assert (workspace.path, workspace.is_demo) == (default_db_path(), False)  # next start opens it


def test_add_source_in_the_dialog_opens_the_guided_flow(qtbot, window, aloop, store, mem, replay):  # noqa: F811
    """Sources ▸ Add source walks through the same steps as File ▸ Add a source…; the new
    source shows in the dialog's list at once, and its form still edits it."""
    from PySide6.QtWidgets import QWizard

    from inbox.ui.add_source_wizard import CHECK, CONNECT, AddSourceWizard
    from tests.replay.feeds import FakeFeed

    feed = FakeFeed(n=2).install(replay)
    window.sources_secrets = mem
    dialog = open_dialog(window, mem)
    dialog.add_button.click()
    wizard = window.extensions.get(AddSourceWizard)
    assert wizard is not None and wizard.isVisible()
    dialog.add_button.click()  # a second click brings the same flow forward
    assert window.extensions.get(AddSourceWizard) is wizard
    platforms = wizard.pages[0].list
    platforms.setCurrentRow(next(r for r in range(platforms.count()) if platforms.item(r).data(256) == "rss"))
    wizard.next()
    wizard.next()
    wizard.pages[CONNECT].edits["url"].setText(replay.base_url + feed.path)
    wizard.next()
    wizard.pages[CHECK].name.setText("Alerts")
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    run_until(aloop, finish.isEnabled, what="the check")
    finish.click()
    run_until(aloop, lambda: wizard.saved is not None, what="save")
    source = store.get_source("Alerts")
    assert dialog.selected_source() is not None and dialog.selected_source().id == source.id
    assert dialog.form.source is not None and dialog.form.source.id == source.id  # editing it: the form
    assert dialog.heading.text() == "Alerts"
