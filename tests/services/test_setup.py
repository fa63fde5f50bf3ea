"""The guided set-up's logic: store links, the downloaded Google client file, the guide's
section for a platform, and the check's sentence."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from inbox.services.setup import Preview, guide_section, read_client_file, relative_day, settings_from_link


def test_store_links_give_the_ids() -> None:
    assert settings_from_link("appstore", "https://apps.apple.com/gb/app/harbour-cafe/id1611223344?platform=iphone") \
        == {"app_id": "1611223344", "country": "gb"}
    assert settings_from_link("appstore", "https://apps.apple.com/app/id1611223344") == {"app_id": "1611223344",
                                                                                         "country": "us"}
    assert settings_from_link("googleplay", "https://play.google.com/store/apps/details?id=com.harbourcafe.order&hl=en") \
        == {"package_name": "com.harbourcafe.order"}
    with pytest.raises(ValueError, match="not an App Store link"):
        settings_from_link("appstore", "https://example.com/app")
    with pytest.raises(ValueError, match="not a Google Play link"):
        settings_from_link("googleplay", "https://play.google.com/store/apps/details?hl=en")


def test_the_downloaded_client_file_is_read(tmp_path) -> None:
    path = tmp_path / "client_secret_1.json"
    path.write_text(json.dumps({"installed": {"client_id": "1.apps.googleusercontent.com", "client_secret": "GOCSPX-x",
                                              "token_uri": "https://oauth2.googleapis.com/token"}}))
    assert read_client_file(path) == {"client_id": "1.apps.googleusercontent.com", "client_secret": "GOCSPX-x",
                                      "token_url": "https://oauth2.googleapis.com/token"}
    path.write_text(json.dumps({"type": "service_account", "private_key": "-----BEGIN"}))
    with pytest.raises(ValueError, match="Desktop app"):
        read_client_file(path)
    path.write_text("not json")
    with pytest.raises(ValueError, match="can't be read"):
        read_client_file(path)


def test_the_guide_section_stops_before_the_commands() -> None:
    guide = "# Guide\n\n## Yelp\n\n1. Create an app.\n\n### On the command line\n\ninbox sources add yelp\n\n## Trustpilot\n\nx"
    assert guide_section(guide, "Yelp") == "## Yelp\n\n1. Create an app."
    assert guide_section(guide, "Nothing") == ""


def test_the_check_says_what_it_found() -> None:
    now = datetime(2026, 3, 14, 12, tzinfo=UTC)
    yesterday = now - timedelta(days=1)
    assert Preview(50, 212, yesterday, "Harbour Street Café").sentence(now) == \
        "Found 212 reviews of Harbour Street Café, newest from yesterday."
    assert Preview(50, None, now, "the feed", more=True, noun="article").sentence(now) == \
        "Found 50 articles or more of the feed, newest from today."
    assert Preview(0, None, None, "X").sentence(now) == "Connected to X, but there are no reviews yet."
    assert relative_day(now - timedelta(days=3), now) == "3 days ago"


async def test_sign_in_again_puts_a_new_refresh_token_in_the_keyring(store, replay) -> None:
    """Google refused the saved sign-in: the browser consent (PKCE, loopback) with the client
    the source already has, and the new token replaces the old one under the source's key."""
    import asyncio

    import httpx

    from inbox.secrets import MemorySecrets
    from inbox.services.setup import sign_in_again
    from inbox.sync.http import HttpClient
    from tests.replay.google_setup import CLIENT_ID, CLIENT_SECRET, FakeGoogleSignIn

    google = FakeGoogleSignIn(n=1).install(replay)
    source = store.add_source("google", "Café", settings={
        **FakeGoogleSignIn.settings(replay.base_url), "auth_url": replay.base_url + "/o/oauth2/v2/auth"})
    mem = MemorySecrets({source.secret_key: {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                                             "refresh_token": "revoked"}})
    async with HttpClient(retries=0) as http:
        await sign_in_again(source, mem, http, open_browser=lambda url: httpx.get(url, follow_redirects=True))
    assert mem.get(source.secret_key) == {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                                          "refresh_token": google.refresh_token}
    assert google.consents == 1 and asyncio.get_running_loop()


def test_what_an_owner_types_for_mastodon_and_bluesky() -> None:
    from inbox.services.setup import bluesky_handle, server_address

    for typed in ("mastodon.social", "https://mastodon.social/", "@harbourcafe@mastodon.social",
                  " mastodon.social/@harbourcafe "):
        assert server_address(typed) == "https://mastodon.social", typed
    for typed in ("not a server", "", "harbourcafe"):
        with pytest.raises(ValueError, match="not a server address"):
            server_address(typed)
    assert bluesky_handle("@HarbourCafe") == "harbourcafe.bsky.social"
    assert bluesky_handle("harbourcafe.co.uk") == "harbourcafe.co.uk"
    assert bluesky_handle("https://bsky.app/profile/harbourcafe.bsky.social") == "harbourcafe.bsky.social"
    with pytest.raises(ValueError, match="not a Bluesky handle"):
        bluesky_handle("harbour café!")


async def test_a_revoked_reddit_sign_in_is_said_plainly(store, replay) -> None:
    """The refresh token the browser sign-in kept no longer works (the owner revoked the app)."""
    from inbox.sources.base import CredentialsRejected
    from inbox.sync.errors import explain_exception
    from tests.replay.harness import add_source, http_client, ingest
    from tests.replay.sign_in import FakeRedditSignIn

    fake = FakeRedditSignIn(n=3).install(replay)
    src = add_source(store, "reddit", {"query": "harbour", "base_url": replay.base_url,
                                       "token_url": replay.base_url + "/api/v1/access_token"})
    secrets = {"client_id": fake.client_id, "refresh_token": fake.refresh, "username": "harbourcafe"}
    async with http_client() as http:
        assert (await ingest(store, src.id, secrets, http)).new == 3
        with pytest.raises(CredentialsRejected) as refused:
            await ingest(store, src.id, {**secrets, "refresh_token": "revoked"}, http)
    assert explain_exception(refused.value, "reddit").text == "Reddit no longer accepts the saved sign-in. Sign in again."


async def test_sign_in_again_per_platform(store, replay) -> None:
    """Reddit's installed app signs in again through the browser; a Play service account or
    a Bluesky app password has no browser sign-in (its settings open instead)."""
    import socket

    import httpx

    from inbox.secrets import MemorySecrets
    from inbox.services.setup import NoBrowserSignIn, sign_in_again
    from tests.replay.harness import http_client
    from tests.replay.sign_in import FakeRedditSignIn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    fake = FakeRedditSignIn(n=1, redirect=f"http://127.0.0.1:{port}/reddit_callback").install(replay)
    reddit = store.add_source("reddit", "Reddit", settings={
        "query": "harbour", "base_url": replay.base_url, "auth_url": replay.base_url + "/api/v1/authorize",
        "token_url": replay.base_url + "/api/v1/access_token"})
    play = store.add_source("googleplay", "Play", settings={"package_name": "com.harbourcafe.orderahead"})
    sky = store.add_source("bluesky", "Sky", settings={"handle": "harbourcafe.bsky.social"})
    mem = MemorySecrets({reddit.secret_key: {"client_id": fake.client_id, "refresh_token": "revoked",
                                             "username": "harbourcafe"},
                         play.secret_key: {"service_account_json": "{}"}, sky.secret_key: {"app_password": "x"}})

    def browser(url: str) -> None:
        httpx.get(url, follow_redirects=True, timeout=10)
    async with http_client() as http:
        await sign_in_again(reddit, mem, http, open_browser=browser, reddit_port=port)
        for other in (play, sky):
            with pytest.raises(NoBrowserSignIn):
                await sign_in_again(other, mem, http, open_browser=browser)
    assert mem.entries[reddit.secret_key] == {"client_id": fake.client_id, "refresh_token": fake.refresh,
                                              "username": "harbourcafe"}
