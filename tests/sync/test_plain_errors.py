"""Real failures of a source test (over HTTP against the replay server) said in the owner's
words: offline, a refused sign-in, a removed location, rate limiting, no keyring."""

from __future__ import annotations

import socket

from inbox.domain import Source
from inbox.secrets import MemorySecrets, NoKeyring
from inbox.services.sources import SourceDraft, SourcesService
from inbox.sources.base import SourceError
from inbox.sync.errors import explain_exception
from inbox.sync.http import HttpClient
from tests.replay import Reply
from tests.replay.google import FakeGoogle

SECRETS = {"client_id": "cid", "client_secret": "csecret", "refresh_token": "1//refresh-tok"}


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def failure(store, settings: dict, secrets: dict | None = None) -> str:
    service = SourcesService(store, MemorySecrets())
    draft = SourceDraft(kind="google", name="Harbour Street Café", settings=settings,
                        secrets=dict(secrets or SECRETS))
    async with HttpClient(retries=0, rate_limit_tries=1, max_wait=0.01, connect_timeout=2) as http:
        try:
            await service.test(draft, http=http)
        except SourceError as exc:
            plain = explain_exception(exc, "google")
            assert plain.detail and plain.detail not in plain.text
            return plain.text
    raise AssertionError("the test passed")


async def test_offline(store) -> None:
    dead = f"http://127.0.0.1:{closed_port()}"
    assert await failure(store, FakeGoogle.settings(dead)) == "Can't reach Google. Check that you're online."


async def test_a_refused_sign_in_asks_to_sign_in_again(store, replay) -> None:
    FakeGoogle(n=1).install(replay)
    text = await failure(store, FakeGoogle.settings(replay.base_url), {**SECRETS, "refresh_token": "revoked"})
    assert text == "Google no longer accepts the saved sign-in. Sign in again."


async def test_a_403_asks_to_sign_in_again(store, replay) -> None:
    FakeGoogle(n=1).install(replay)
    replay.add("GET", r"/v4/accounts/.*", Reply(403, json={"error": {"code": 403, "status": "PERMISSION_DENIED"}}))
    text = await failure(store, FakeGoogle.settings(replay.base_url))
    assert text == "Google no longer accepts the saved sign-in. Sign in again."


async def test_a_removed_location(store, replay) -> None:
    FakeGoogle(n=1).install(replay)
    settings = {**FakeGoogle.settings(replay.base_url), "location_id": "404404"}
    replay.add("GET", r"/v4/accounts/.*/locations/404404/reviews",
               Reply(404, json={"error": {"code": 404, "status": "NOT_FOUND"}}))
    text = await failure(store, settings)
    assert text.startswith("This location was removed or you lost access to it.")


async def test_rate_limited_says_when(store, replay) -> None:
    FakeGoogle(n=1).install(replay)
    replay.add("GET", r"/v4/accounts/.*", Reply(429, headers={"Retry-After": "600"}))
    text = await failure(store, FakeGoogle.settings(replay.base_url))
    assert text == "Google asked Feedback Inbox to slow down. Feedback Inbox tries again in about 10 minutes."


async def test_no_keyring_says_what_to_install(store, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CURRENT_DESKTOP", "GNOME")
    saved = store.add_source("google", "Harbour Street Café", settings=FakeGoogle.settings("http://127.0.0.1:9"))
    service = SourcesService(store, MemorySecrets(keyring=False))
    async with HttpClient(retries=0) as http:
        try:
            await service.test(SourceDraft.of(saved), http=http, saved=saved)
        except NoKeyring as exc:
            text = explain_exception(exc, "google").text
    assert text == ("Feedback Inbox can't open the system keyring, where sign-ins are kept. Install GNOME "
                    "Keyring (the package gnome-keyring), log out and in again, and unlock it if it asks.")
    assert isinstance(saved, Source)
