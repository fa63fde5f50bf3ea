"""Each failure said in the owner's words, with the next step, per kind and platform."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from inbox.domain.plain_errors import SIGN_IN, desktop_of, explain, keyring_help
from inbox.domain.sync_errors import SyncErrorKind as K


def say(kind, source_kind="google", platform="Google", **kw) -> str:
    return explain(kind, source_kind=source_kind, platform=platform, detail="tech", **kw).text


def test_offline_auth_and_not_found_on_google() -> None:
    assert say(K.OFFLINE) == "Can't reach Google. Check that you're online."
    signed_out = explain(K.AUTH, source_kind="google", platform="Google", detail="401")
    assert signed_out.text == "Google no longer accepts the saved sign-in. Sign in again."
    assert signed_out.action == SIGN_IN and signed_out.detail == "401"
    assert say(K.NOT_FOUND).startswith("This location was removed or you lost access to it.")


def test_key_platforms_ask_for_a_new_key_and_name_their_thing() -> None:
    assert say(K.AUTH, "yelp", "Yelp") == "Yelp no longer accepts the saved key. Paste a new key from your Yelp account."
    assert say(K.NOT_FOUND, "appstore", "App Store").startswith("This app was removed or you lost access")
    assert say(K.NOT_FOUND, "rss", "RSS") == "This feed is no longer there. Check its address in the source's settings."


def test_rate_limited_says_when_it_tries_again() -> None:
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert say(K.RATE_LIMITED, retry_at=now + timedelta(minutes=15), now=now) == (
        "Google asked Feedback Inbox to slow down. Feedback Inbox tries again in about 15 minutes.")
    assert say(K.RATE_LIMITED, retry_at=now + timedelta(seconds=30), now=now).endswith("tries again in a minute.")
    later = now + timedelta(hours=3)
    assert say(K.RATE_LIMITED, retry_at=later, now=now).endswith(
        f"tries again at {later.astimezone().strftime('%H:%M')}.")  # local time
    assert say(K.RATE_LIMITED).endswith("tries again at the next sync.")


@pytest.mark.parametrize(("env", "desktop", "advice"), [
    ({"XDG_CURRENT_DESKTOP": "ubuntu:GNOME", "DISPLAY": ":0"}, "gnome", "Install GNOME Keyring"),
    ({"XDG_CURRENT_DESKTOP": "KDE"}, "kde", "Switch on KDE Wallet"),
    ({"XDG_CURRENT_DESKTOP": "XFCE"}, "xfce", "Session and Startup"),
    ({"XDG_CURRENT_DESKTOP": "sway", "WAYLAND_DISPLAY": "wayland-0"}, "other", "KeePassXC"),
    ({}, "none", "no desktop session"),
])
def test_missing_keyring_advice_per_desktop(env, desktop, advice) -> None:
    assert desktop_of(env) == desktop
    text = say(K.CREDENTIALS, desktop=desktop, keyring="missing")
    assert text.startswith("Feedback Inbox can't open the system keyring, where sign-ins are kept.")
    assert advice in text


def test_locked_keyring_and_other_platforms() -> None:
    assert say(K.CREDENTIALS, keyring="locked") == (
        "The system keyring, where sign-ins are kept, is locked or did not answer. "
        "Unlock it (it usually asks for your login password) and try again.")
    assert "Keychain Access" in keyring_help("other", "darwin")
    assert "Credential Manager" in keyring_help("other", "win32")


def test_the_other_kinds_have_a_sentence_and_never_the_detail() -> None:
    for kind in K:
        plain = explain(kind, source_kind="trustpilot", platform="Trustpilot", detail="HTTP 500 <b>x</b>")
        assert plain.headline and "HTTP 500" not in plain.text
    assert say(K.SERVER) == "Google is having trouble on its side. Feedback Inbox tries again at the next sync."
    assert say(None).startswith("Something went wrong inside Feedback Inbox")
    assert say("a kind from a newer version").startswith("Something went wrong inside Feedback Inbox")
