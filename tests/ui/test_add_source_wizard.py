"""The guided Add-source flow in the real window, from "Add a source" to the reviews in the
list, without a restart: Google (browser sign-in against a local fake authorisation server
and API), a news feed, a Trustpilot export and a Google Play report file. Credentials end in
the secrets backend under the source's stable key; rename and remove keep it consistent."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from PySide6.QtWidgets import QWizard

from inbox.secrets import MemorySecrets
from inbox.services.sources import SourcesService
from inbox.ui import add_source_wizard, sync_controller
from inbox.ui.add_source_wizard import CHECK, CHOOSE, CONNECT, NEEDS, AddSourceWizard
from tests.qt_async import aloop, run_until, window  # noqa: F401 (fixtures)
from tests.replay.feeds import FakeFeed
from tests.replay.google_setup import FakeGoogleSignIn

EXPORTS = Path(__file__).resolve().parents[1] / "fixtures" / "exports"
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "setup"


@pytest.fixture
def mem() -> MemorySecrets:
    return MemorySecrets()


def browser(url: str) -> None:
    """The system browser: opens the consent page, the owner allows, Google redirects back."""
    httpx.get(url, follow_redirects=True, timeout=10)


def start(window, mem, **kwargs) -> AddSourceWizard:  # noqa: F811
    controller = sync_controller.install(window)
    controller.startup_timer.stop()
    controller.secrets = mem
    controller.http_options = {"retries": 0, "connect_timeout": 2, "read_timeout": 5}
    window.sources_secrets = mem
    add_source_wizard.install(window)
    wizard = add_source_wizard.open_wizard(window, secrets=mem, open_browser=kwargs.get("open_browser", browser))
    return wizard


def pick(wizard: AddSourceWizard, kind: str) -> None:
    platforms = wizard.pages[0].list
    for row in range(platforms.count()):
        if platforms.item(row).data(256) == kind:  # Qt.UserRole
            platforms.setCurrentRow(row)
    wizard.next()
    assert wizard.currentId() == NEEDS


def shoot(wizard: AddSourceWizard, name: str) -> None:
    import os

    if os.environ.get("UPDATE_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        assert wizard.grab().save(str(SHOTS / f"{name}.png"))


def finish(aloop, wizard: AddSourceWizard, window) -> None:  # noqa: F811
    assert wizard.currentId() == CHECK
    run_until(aloop, lambda: wizard.button(QWizard.WizardButton.FinishButton).isEnabled(), what="check")
    wizard.button(QWizard.WizardButton.FinishButton).click()
    run_until(aloop, lambda: wizard.saved is not None, what="save")


def test_google_from_add_source_to_reviews_in_the_list(qtbot, window, aloop, store, mem, replay, tmp_path):  # noqa: F811
    google = FakeGoogleSignIn(n=120).install(replay)
    client_file = tmp_path / "client_secret_1234567890-abcdef.apps.googleusercontent.com.json"
    client_file.write_text(json.dumps(FakeGoogleSignIn.client_file(replay.base_url)))
    wizard = start(window, mem)
    shoot(wizard, "1-where")
    pick(wizard, "google")
    guide = wizard.pages[NEEDS].guide.toPlainText()
    assert "Desktop app" in guide and "OAuth" in guide  # the guide's own steps, inline
    assert not wizard.pages[NEEDS].no_sign_in.isVisibleTo(wizard)
    shoot(wizard, "2-needs")
    wizard.next()
    connect = wizard.pages[CONNECT]
    assert not connect.advanced_box.isVisibleTo(wizard)  # API addresses only behind Advanced
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()  # not signed in yet
    connect.advanced_button.click()
    connect.advanced_edits["base_url"].setText(replay.base_url + "/v4")
    connect.advanced_edits["accounts_url"].setText(replay.base_url + "/v1")
    connect.advanced_edits["locations_url"].setText(replay.base_url + "/v1")
    assert wizard.use_client_file(str(client_file))
    connect.sign_in_button.click()
    run_until(aloop, lambda: connect.status.text().startswith("Signed in"), what="browser sign-in")
    assert google.consents == 1
    connect.advanced_button.click()  # closed again: the test's addresses are no one's business
    shoot(wizard, "3-connect")
    wizard.next()
    assert wizard.currentId() == CHOOSE
    choose = wizard.pages[CHOOSE]
    run_until(aloop, lambda: choose.list.count() == 1, what="the locations Google lists")
    assert choose.list.item(0).text() == "Harbour Street Café\n12 Harbour Street, Brighton · Harbour Street Café Ltd"
    shoot(wizard, "4-choose")
    wizard.next()
    check = wizard.pages[CHECK]
    run_until(aloop, lambda: check.found.text().startswith("Found"), what="the check")
    assert check.found.text().startswith("Found 120 reviews of Harbour Street Café, newest from ")
    assert check.name.text() == "Harbour Street Café"
    shoot(wizard, "5-check")
    finish(aloop, wizard, window)

    source = store.get_source("Harbour Street Café")
    assert source.settings["account_id"] and source.settings["location_id"]
    assert mem.entries == {source.secret_key: {"client_id": google_client_id(), "client_secret": "GOCSPX-fake-client-secret",
                                               "refresh_token": "1//refresh-tok"}}
    db = Path(store.path).read_bytes() + (Path(str(store.path) + "-wal").read_bytes()
                                          if Path(str(store.path) + "-wal").exists() else b"")
    assert b"GOCSPX" not in db and b"1//refresh-tok" not in db
    run_until(aloop, lambda: len(window.model.rows) > 50, what="the reviews in the list, no restart")

    # rename and remove keep the keyring consistent
    import asyncio

    service = SourcesService(store, mem)
    task = asyncio.ensure_future(service.rename(source.id, "Café on Google"))
    run_until(aloop, task.done, what="rename")
    assert list(mem.entries) == [source.secret_key]
    task = asyncio.ensure_future(service.remove(source.id))
    run_until(aloop, task.done, what="remove")
    assert mem.entries == {}


def google_client_id() -> str:
    from tests.replay.google_setup import CLIENT_ID

    return CLIENT_ID


def test_a_news_feed_needs_no_sign_in(qtbot, window, aloop, store, mem, replay):  # noqa: F811
    feed = FakeFeed(n=6).install(replay)
    wizard = start(window, mem)
    pick(wizard, "rss")
    assert wizard.pages[NEEDS].no_sign_in.isVisibleTo(wizard)
    assert "Google Alerts" in wizard.pages[NEEDS].guide.toPlainText()
    wizard.next()
    wizard.pages[CONNECT].edits["url"].setText(replay.base_url + feed.path)
    wizard.next()
    assert wizard.currentId() == CHECK  # nothing to choose for a feed
    check = wizard.pages[CHECK]
    run_until(aloop, lambda: check.found.text().startswith("Found"), what="the check")
    assert check.found.text().startswith("Found 6 articles")
    check.name.setText("Google Alerts")
    finish(aloop, wizard, window)
    run_until(aloop, lambda: len(window.model.rows) == 6, what="the feed's items in the list")
    assert mem.entries == {}


@pytest.mark.parametrize(("export", "found"), [
    ("trustpilot-export.csv", "Found 2 reviews"),
    ("googleplay-reviews_uk.co.harbourcafe.order_202603.csv", "Found 2 reviews"),
])
def test_an_export_file_imports_with_its_preset(qtbot, window, aloop, store, mem, export, found):  # noqa: F811
    wizard = start(window, mem)
    pick(wizard, "file")
    assert "Trustpilot" in wizard.pages[NEEDS].needs.text()
    wizard.next()
    wizard.pages[CONNECT].edits["path"].setText(str(EXPORTS / export))
    wizard.next()
    check = wizard.pages[CHECK]
    run_until(aloop, lambda: check.found.text().startswith(("Found", "Connected")) or check.details.isVisible(),
              what="the check")
    assert check.found.text().startswith(found), check.found.text()
    check.name.setText("Export")
    finish(aloop, wizard, window)
    run_until(aloop, lambda: len(window.model.rows) >= 2, what="the exported reviews in the list")


def test_a_wrong_store_link_is_said_plainly(qtbot, window, aloop, store, mem):  # noqa: F811
    wizard = start(window, mem)
    pick(wizard, "appstore")
    wizard.next()
    connect = wizard.pages[CONNECT]
    connect.edits["link"].setText("https://example.com/not-an-app")
    wizard.next()
    assert wizard.currentId() == CONNECT
    assert connect.status.text().startswith("That is not an App Store link.")


def test_facebook_lists_the_pages_and_keeps_only_the_page_token(qtbot, window, aloop, store, mem, replay):  # noqa: F811
    from tests.replay import facebook as fb
    from tests.replay.server import Reply

    fb.install(replay, fb.Graph())
    user_token = "EAAGUserTokenFromTheExplorer"
    replay.add("GET", rf"/{fb.VERSION}/me/accounts", lambda req: Reply(json={"data": [
        {"id": fb.PAGE, "name": "Harbour Street Café", "category": "Café", "access_token": fb.TOKEN,
         "tasks": ["ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT", "MANAGE"]}],
        "paging": {"cursors": {"before": "QVFIUk", "after": "QVFIUk"}}})
        if req.headers.get("authorization") == f"Bearer {user_token}" else fb.TOKEN_EXPIRED)
    wizard = start(window, mem)
    pick(wizard, "facebook")
    wizard.next()
    connect = wizard.pages[CONNECT]
    connect.edits["user_token"].setText(user_token)
    connect.advanced_button.click()
    connect.advanced_edits["base_url"].setText(f"{replay.base_url}/{fb.VERSION}")
    wizard.next()
    choose = wizard.pages[CHOOSE]
    run_until(aloop, lambda: choose.list.count() == 1, what="the Pages the token manages")
    assert choose.list.item(0).text() == "Harbour Street Café\nCafé"
    wizard.next()
    check = wizard.pages[CHECK]
    run_until(aloop, lambda: check.found.text().startswith("Found") or check.details.isVisible(), what="check")
    assert check.found.text().startswith("Found"), check.found.text()
    finish(aloop, wizard, window)
    source = store.get_source("Harbour Street Café")
    assert source.settings["page_id"] == fb.PAGE
    assert mem.entries == {source.secret_key: {"page_token": fb.TOKEN}}  # the user token is not kept


def test_google_play_from_the_store_link_and_the_key_file(qtbot, window, aloop, store, mem, replay, tmp_path):  # noqa: F811
    from tests.replay import googleplay as fake

    fake.install(replay, fake.sample())
    key_file = tmp_path / "harbour-cafe-0123456789ab.json"
    key_file.write_text(fake.service_account_json(f"{replay.base_url}/token"))  # several lines, as downloaded
    wizard = start(window, mem)
    pick(wizard, "googleplay")
    wizard.next()
    connect = wizard.pages[CONNECT]
    connect.edits["link"].setText(f"https://play.google.com/store/apps/details?id={fake.PACKAGE}&hl=en_GB")
    connect.edits["key_file"].setText(str(tmp_path / "missing.json"))
    wizard.next()
    assert wizard.currentId() == CONNECT and connect.status.text().startswith("That file can't be read")
    connect.edits["key_file"].setText(str(key_file))
    connect.advanced_button.click()
    connect.advanced_edits["base_url"].setText(f"{replay.base_url}/androidpublisher/v3")
    wizard.next()
    check = wizard.pages[CHECK]
    run_until(aloop, lambda: check.found.text().startswith("Found") or check.details.isVisible(), what="check")
    assert check.found.text().startswith("Found"), check.found.text()
    check.name.setText("Android app")
    finish(aloop, wizard, window)
    source = store.get_source("Android app")
    assert source.settings["package_name"] == fake.PACKAGE
    saved = mem.entries[source.secret_key]["service_account_json"]
    assert "\n" not in saved.replace("\\n", "") and json.loads(saved)["type"] == "service_account"


def test_from_the_demo_the_first_source_opens_the_owners_inbox(qtbot, window, aloop, store, mem, replay,  # noqa: F811
                                                                monkeypatch):
    from PySide6.QtWidgets import QApplication

    from inbox.paths import default_db_path
    from inbox.ui.main_window import MainWindow

    feed = FakeFeed(n=3).install(replay)
    monkeypatch.setattr(window, "is_demo", True)
    wizard = start(window, mem)
    pick(wizard, "rss")
    wizard.next()
    wizard.pages[CONNECT].edits["url"].setText(replay.base_url + feed.path)
    wizard.next()
    wizard.pages[CHECK].name.setText("Google Alerts")
    finish(aloop, wizard, window)
    assert store.list_sources() == []  # the demo file is untouched

    def own_window():
        return next((w for w in QApplication.topLevelWidgets()
                     if isinstance(w, MainWindow) and w is not window and w.isVisible()), None)
    run_until(aloop, lambda: own_window() is not None, what="the owner's inbox, without a restart")
    own = own_window()
    assert not own.is_demo and own.db_path == default_db_path()
    run_until(aloop, lambda: len(own.model.rows) == 3, what="the feed's items in the owner's list")
    own.close()


def test_the_app_store_from_a_pasted_link_needs_no_sign_in(qtbot, window, aloop, store, mem, replay):  # noqa: F811
    from tests.ui.test_sync_window import AppStore

    AppStore(replay)
    wizard = start(window, mem)
    pick(wizard, "appstore")
    assert wizard.pages[NEEDS].no_sign_in.isVisibleTo(wizard)
    wizard.next()
    connect = wizard.pages[CONNECT]
    connect.edits["link"].setText("https://apps.apple.com/gb/app/harbour-cafe-order-ahead/id1611223344")
    connect.advanced_button.click()
    connect.advanced_edits["base_url"].setText(replay.base_url)
    wizard.next()
    check = wizard.pages[CHECK]
    run_until(aloop, lambda: check.found.text().startswith("Found"), what="the check")
    assert check.found.text().startswith("Found 2 reviews")
    check.name.setText("Order-ahead app")
    finish(aloop, wizard, window)
    assert store.get_source("Order-ahead app").settings == {"base_url": replay.base_url, "app_id": "1611223344",
                                                           "country": "gb"}
    run_until(aloop, lambda: len(window.model.rows) == 2, what="the app's reviews in the list")
    assert mem.entries == {}
