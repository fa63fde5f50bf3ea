"""The guided Add-source flow for Mastodon, Bluesky, Reddit and Google Play's sign-in, in the
real window over real HTTP against local fakes (tests/replay/sign_in.py): from "Add a
source" to the items in the list without a restart, the credentials in the secrets backend
under the source's own key and nowhere in the inbox file."""

from __future__ import annotations

import json
import socket
import time
from urllib.parse import parse_qs, urlsplit

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QWizard

from inbox.ui.add_source_wizard import CHECK, CONNECT, NEEDS
from tests.db_files import db_bytes
from tests.qt_async import aloop, run_until, window  # noqa: F401 (fixtures)
from tests.replay.bluesky import FakeBluesky
from tests.replay.sign_in import FakeMastodonSignIn, FakePlaySignIn, FakeRedditSignIn
from tests.ui.test_add_source_wizard import SHOTS, browser, finish, mem, pick, start  # noqa: F401


def shoot(wizard, name: str, dress: dict | None = None) -> None:
    """`UPDATE_SCREENSHOTS=1`: the step as an owner sees it, over the window, on a 1280×800
    screen and on a 1024×640 one (`-small`). `dress`: widget → text shown instead of the
    local fake's address (mastodon.social rather than 127.0.0.1:PORT), put back after."""
    import os

    from PySide6.QtGui import QPainter

    if not os.environ.get("UPDATE_SCREENSHOTS"):
        return
    kept = {w: w.text() for w in (dress or {})}
    for w, text in (dress or {}).items():
        w.blockSignals(True)
        w.setText(text)
    behind = wizard.parentWidget()
    for (width, height), suffix in (((1280, 800), ""), ((1024, 640), "-small")):
        behind.resize(width, height)
        wizard.resize(min(720, width - 80), min(560, height - 60))
        for _ in range(5):
            QApplication.processEvents()
            time.sleep(0.02)
        picture = behind.grab()
        with QPainter(picture) as paint:
            shot = wizard.grab()
            paint.fillRect(0, 0, picture.width(), picture.height(), QColor(0, 0, 0, 90))
            paint.drawPixmap((picture.width() - shot.width()) // 2, (picture.height() - shot.height()) // 2, shot)
        assert picture.save(str(SHOTS / f"{name}{suffix}.png"))
    behind.resize(1100, 700)
    for w, text in kept.items():
        w.setText(text)
        w.blockSignals(False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def checked(aloop, wizard) -> str:  # noqa: F811
    check = wizard.pages[CHECK]
    run_until(aloop, lambda: check.found.text().startswith(("Found", "Connected")) or check.details.isVisible(),
              what="the check")
    return check.found.text()


def test_mastodon_signs_in_through_the_browser(qtbot, window, aloop, store, mem, replay):  # noqa: F811
    fake = FakeMastodonSignIn(n=30).install(replay)
    opened: list[str] = []

    def consent(url: str) -> None:
        opened.append(url)
        browser(url)
    wizard = start(window, mem, open_browser=consent)
    shoot(wizard, "all-1-where")
    pick(wizard, "mastodon")
    assert "Mastodon" in wizard.pages[NEEDS].guide.toPlainText()
    shoot(wizard, "mastodon-2-needs")
    wizard.next()
    connect = wizard.pages[CONNECT]
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()  # not signed in yet
    connect.edits["server"].setText("not a server")
    connect.sign_in_button.click()
    run_until(aloop, lambda: connect.status.text().startswith("That is not a server address."), what="plain error")
    connect.edits["server"].setText(replay.base_url)  # what an owner types: mastodon.social
    connect.sign_in_button.click()
    run_until(aloop, lambda: connect.status.text().startswith("Signed in"), what="the browser sign-in")
    assert connect.status.text().startswith("Signed in as @harbourcafe@127.0.0.1")
    query = parse_qs(urlsplit(opened[0]).query)
    assert query["code_challenge_method"] == ["S256"] and query["redirect_uri"][0].startswith("http://127.0.0.1:")
    assert query["scope"] == ["read write:statuses"]
    shoot(wizard, "mastodon-3-connect", {connect.edits["server"]: "mastodon.social", connect.status:
                                         "Signed in as @harbourcafe@mastodon.social ✓  Press Next to check."})
    wizard.next()
    assert checked(aloop, wizard).startswith("Found 30 mentions of @harbourcafe@127.0.0.1, newest from ")
    check = wizard.pages[CHECK]
    shoot(wizard, "mastodon-5-check", {check.name: "@harbourcafe@mastodon.social", check.found: check.found.text()
                                       .replace("127.0.0.1", "mastodon.social")})
    finish(aloop, wizard, window)
    source = store.get_source("@harbourcafe@127.0.0.1")
    assert source.settings == {"base_url": replay.base_url}
    assert mem.entries == {source.secret_key: {"token": fake.token}}
    assert fake.token.encode() not in db_bytes(store.path)
    run_until(aloop, lambda: len(window.model.rows) == 30, what="the mentions in the list, no restart")


def test_mastodon_takes_a_pasted_token_under_advanced(qtbot, window, aloop, store, mem, replay):  # noqa: F811
    fake = FakeMastodonSignIn(n=4).install(replay)
    wizard = start(window, mem)
    pick(wizard, "mastodon")
    wizard.next()
    connect = wizard.pages[CONNECT]
    connect.edits["server"].setText(replay.base_url)
    assert not connect.advanced_box.isVisibleTo(wizard)
    connect.advanced_button.click()
    connect.advanced_edits["token"].setText(fake.token)
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    wizard.next()
    assert checked(aloop, wizard).startswith("Found 4 mentions")
    wizard.pages[CHECK].name.setText("Café on Mastodon")
    finish(aloop, wizard, window)
    source = store.get_source("Café on Mastodon")
    assert mem.entries == {source.secret_key: {"token": fake.token}}
    assert fake.apps == {}  # no sign-in: no app registered on the server
    run_until(aloop, lambda: len(window.model.rows) == 4, what="the mentions in the list")


def test_bluesky_with_a_handle_and_an_app_password(qtbot, window, aloop, store, mem, replay):  # noqa: F811
    fake = FakeBluesky(n=12).install(replay)
    wizard = start(window, mem)
    pick(wizard, "bluesky")
    shoot(wizard, "bluesky-2-needs")
    needs = wizard.pages[NEEDS].needs.text()
    assert "App passwords" in needs and "https://bsky.app/settings/app-passwords" in needs
    wizard.next()
    connect = wizard.pages[CONNECT]
    connect.edits["handle"].setText("@HarbourCafe")  # as typed: the @, capitals, no .bsky.social
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    connect.edits["app_password"].setText("wrong-pass-word-xxxx")
    connect.advanced_button.click()
    connect.advanced_edits["base_url"].setText(replay.base_url)
    connect.advanced_button.click()
    wizard.next()
    assert checked(aloop, wizard) == ("Bluesky did not accept this handle and app password. Go Back and check "
                                      "what you entered.")
    assert wizard.pages[CHECK].details.isVisible()  # the detail one click away
    shoot(wizard, "bluesky-4-refused")
    wizard.back()
    connect.edits["app_password"].setText(fake.app_password)
    shoot(wizard, "bluesky-3-connect")
    wizard.next()
    assert checked(aloop, wizard).startswith("Found 12 posts or more mentioning @harbourcafe.bsky.social, newest from ")
    shoot(wizard, "bluesky-5-check")
    finish(aloop, wizard, window)
    source = store.get_source("@harbourcafe.bsky.social")
    assert source.settings == {"base_url": replay.base_url, "handle": "harbourcafe.bsky.social"}
    assert mem.entries[source.secret_key]["app_password"] == fake.app_password
    assert fake.app_password.encode() not in db_bytes(store.path)
    run_until(aloop, lambda: len(window.model.rows) == 12, what="the posts in the list, no restart")


def test_reddit_signs_in_with_the_owners_installed_app(qtbot, window, aloop, store, mem, replay):  # noqa: F811
    port = free_port()
    fake = FakeRedditSignIn(n=40, redirect=f"http://127.0.0.1:{port}/reddit_callback").install(replay)
    wizard = start(window, mem)
    wizard.reddit_port = port
    pick(wizard, "reddit")
    shoot(wizard, "reddit-2-needs")
    needs = wizard.pages[NEEDS].needs.text()
    assert "https://www.reddit.com/prefs/apps" in needs and "installed app" in needs
    assert "http://127.0.0.1:65010/reddit_callback" in needs  # what to type as the redirect uri
    wizard.next()
    connect = wizard.pages[CONNECT]
    connect.edits["query"].setText('"Harbour Street Cafe"')
    connect.sign_in_button.click()
    run_until(aloop, lambda: connect.status.text().startswith("Paste your Reddit app's client id first"),
              what="what is missing")
    connect.edits["client_id"].setText(fake.client_id)
    connect.advanced_button.click()
    for name, path in (("auth_url", "/api/v1/authorize"), ("token_url", "/api/v1/access_token"), ("base_url", "")):
        connect.advanced_edits[name].setText(replay.base_url + path)
    connect.advanced_button.click()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    connect.sign_in_button.click()
    run_until(aloop, lambda: connect.status.text().startswith("Signed in"), what="the browser sign-in")
    assert connect.status.text().startswith("Signed in as u/harbourcafe") and fake.consents == 1
    shoot(wizard, "reddit-3-connect")
    wizard.next()
    assert checked(aloop, wizard).startswith("Found 40 posts or more matching “Harbour Street Cafe”, newest from ")
    shoot(wizard, "reddit-5-check")
    finish(aloop, wizard, window)
    source = store.get_source('Reddit: "Harbour Street Cafe"')
    assert source.settings["query"] == '"Harbour Street Cafe"'
    assert mem.entries == {source.secret_key: {"client_id": fake.client_id, "refresh_token": fake.refresh,
                                               "username": "harbourcafe"}}
    assert fake.refresh.encode() not in db_bytes(store.path)
    run_until(aloop, lambda: len(window.model.rows) >= 40, what="the posts in the list, no restart")


def test_reddit_says_so_when_the_redirect_was_not_registered(qtbot, window, aloop, store, mem, replay):  # noqa: F811
    import httpx

    port = free_port()
    fake = FakeRedditSignIn(n=1, redirect="http://127.0.0.1:1/elsewhere").install(replay)
    pages: list[int] = []
    wizard = start(window, mem, open_browser=lambda url: pages.append(httpx.get(url).status_code))
    wizard.reddit_port = port
    pick(wizard, "reddit")
    wizard.next()
    connect = wizard.pages[CONNECT]
    connect.edits["query"].setText("harbour")
    connect.edits["client_id"].setText(fake.client_id)
    connect.advanced_button.click()
    connect.advanced_edits["auth_url"].setText(replay.base_url + "/api/v1/authorize")
    connect.sign_in_button.click()
    run_until(aloop, lambda: pages == [400], what="Reddit's page saying the redirect is wrong")
    assert connect.status.text() == "Your browser opened: sign in there and allow access…"
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    wizard.busy.cancel()


def test_google_play_with_a_google_sign_in(qtbot, window, aloop, store, mem, replay, tmp_path):  # noqa: F811
    from tests.replay import googleplay as play

    fake = FakePlaySignIn().install(replay)
    client_file = tmp_path / "client_secret_5550001111-play.apps.googleusercontent.com.json"
    client_file.write_text(json.dumps(fake.client_file(replay.base_url)))
    wizard = start(window, mem)
    pick(wizard, "googleplay")
    wizard.next()
    connect = wizard.pages[CONNECT]
    connect.edits["link"].setText(f"https://play.google.com/store/apps/details?id={play.PACKAGE}")
    assert not connect.sign_in_button.isVisibleTo(wizard)  # the key file is the first way
    connect.play_oauth.setChecked(True)
    assert connect.sign_in_button.isVisibleTo(wizard) and not connect.edits["key_file"].isVisibleTo(wizard)
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    assert wizard.use_client_file(str(client_file))
    connect.sign_in_button.click()
    run_until(aloop, lambda: connect.status.text().startswith("Signed in"), what="the browser sign-in")
    assert fake.scopes == ["https://www.googleapis.com/auth/androidpublisher"]
    connect.advanced_button.click()
    connect.advanced_edits["base_url"].setText(f"{replay.base_url}/androidpublisher/v3")
    connect.advanced_button.click()
    shoot(wizard, "googleplay-3-connect")
    wizard.next()
    assert checked(aloop, wizard).startswith("Found 2 reviews")
    wizard.pages[CHECK].name.setText("Android app")
    finish(aloop, wizard, window)
    source = store.get_source("Android app")
    assert source.settings["package_name"] == play.PACKAGE
    assert mem.entries == {source.secret_key: {"client_id": fake.CLIENT_ID, "client_secret": fake.CLIENT_SECRET,
                                               "refresh_token": fake.REFRESH}}
    assert fake.REFRESH.encode() not in db_bytes(store.path) and fake.CLIENT_SECRET.encode() not in db_bytes(store.path)
    run_until(aloop, lambda: len(window.model.rows) == 2, what="the app's reviews in the list, no restart")


def test_closing_the_flow_frees_the_sign_in_port(qtbot, window, aloop, store, mem, replay):  # noqa: F811
    """The owner closes the flow while the browser waits: Reddit's fixed port is free again."""
    port = free_port()
    FakeRedditSignIn(n=1, redirect=f"http://127.0.0.1:{port}/reddit_callback").install(replay)
    wizard = start(window, mem, open_browser=lambda url: None)  # the owner never answers
    wizard.reddit_port = port
    pick(wizard, "reddit")
    wizard.next()
    connect = wizard.pages[CONNECT]
    connect.edits["query"].setText("harbour")
    connect.edits["client_id"].setText("Xy3kQm9Pz-installed")
    connect.sign_in_button.click()
    run_until(aloop, lambda: connect.status.text().startswith("Your browser opened"), what="waiting for the browser")
    busy = wizard.busy
    wizard.reject()
    run_until(aloop, busy.done, what="the sign-in to stop")

    def bindable() -> bool:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                return False
            return True
    run_until(aloop, bindable, what="the port to be free")
