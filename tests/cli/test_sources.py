"""`inbox sources edit` and `remove` through the sources service, secrets in memory."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from inbox.cli import main
from inbox.secrets import MemorySecrets


@pytest.fixture
def mem() -> MemorySecrets:
    return MemorySecrets()


@pytest.fixture
def cli(tmp_path, mem):
    db = tmp_path / "cli.db"

    def run(*args: str, input: str | None = None):
        return CliRunner().invoke(main, ["--db", str(db), *args], input=input, obj={"secrets": mem})
    run.db = db  # type: ignore[attr-defined]
    return run


def key(cli, name: str) -> str:
    """Where the keyring files a source's secrets (by database and id, never its name)."""
    from inbox.store import Store

    with Store(cli.db) as store:
        return store.get_source(name).secret_key


def listed(cli) -> dict[str, dict]:
    return {s["name"]: s for s in json.loads(cli("sources", "list", "--json").output)}


def test_edit_renames_changes_settings_and_replaces_one_secret(cli, mem) -> None:
    r = cli("sources", "add", "reddit", "--name", "Reddit", "--set", "query=cafe", "--secret", "client_id",
            "--secret", "password", input="cid-value\nold-password\n")
    assert r.exit_code == 0, r.output
    r = cli("sources", "edit", "Reddit", "--name", "Reddit cafe", "--set", "query=coffee", "--secret", "password",
            "--disable", "--competitor", input="new-password\n")
    assert r.exit_code == 0, r.output
    assert "Saved Reddit cafe (reddit, competitor, disabled)." in r.output
    row = listed(cli)["Reddit cafe"]
    assert row["settings"] == {"query": "coffee"} and row["enabled"] is False and row["whose"] == "competitor"
    assert mem.entries == {key(cli, "Reddit cafe"): {"client_id": "cid-value", "password": "new-password"}}
    r = cli("sources", "edit", "Reddit cafe", "--enable", "--own")
    assert r.exit_code == 0 and listed(cli)["Reddit cafe"]["enabled"] is True
    assert mem.get(key(cli, "Reddit cafe"))["password"] == "new-password"  # untouched when not named


def test_edit_refusals_change_nothing(cli, mem) -> None:
    cli("sources", "add", "mastodon", "--name", "Masto", "--set", "base_url=http://127.0.0.1:9",
        "--secret", "token", input="tok-value-1\n")
    cli("sources", "add", "rss", "--name", "Feed", "--set", "url=http://127.0.0.1:9/feed")
    r = cli("sources", "edit", "Masto", "--name", "feed")
    assert r.exit_code == 2 and "a source named 'feed' already exists" in r.output
    r = cli("sources", "edit", "Masto", "--set", "colour=red")
    assert r.exit_code == 2 and "unknown setting 'colour'" in r.output
    mem.fail("set")
    r = cli("sources", "edit", "Masto", "--name", "Masto 2", "--secret", "token", input="tok-value-2\n")
    assert r.exit_code == 2 and "the source was not changed" in r.output
    assert set(listed(cli)) == {"Masto", "Feed"} and mem.entries == {key(cli, "Masto"): {"token": "tok-value-1"}}
    r = cli("sources", "edit", "Nope", "--disable")
    assert r.exit_code == 2 and "no source named 'Nope'" in r.output


def test_remove_warns_when_the_credentials_stay(cli, mem) -> None:
    cli("sources", "add", "mastodon", "--name", "Masto", "--set", "base_url=http://127.0.0.1:9",
        "--secret", "token", input="tok-value-1\n")
    mem.fail("delete")
    r = cli("sources", "remove", "Masto")
    assert r.exit_code == 0 and "Removed Masto." in r.output
    assert "Warning: saved credentials not deleted: the system keyring failed: simulated" in r.output
    assert listed(cli) == {}


def test_login_signs_a_mastodon_source_in_through_the_browser(cli, mem, replay, monkeypatch):
    """`inbox sources login` for Mastodon: the server registers the app, the owner allows in
    the browser, the token goes to the keyring; a key-based source is told what to do."""
    import webbrowser

    import httpx

    from tests.replay.sign_in import FakeMastodonSignIn

    fake = FakeMastodonSignIn(n=1).install(replay)
    monkeypatch.setattr(webbrowser, "open", lambda url: httpx.get(url, follow_redirects=True, timeout=10))
    assert cli("sources", "add", "mastodon", "--name", "Toots", "--set", f"base_url={replay.base_url}",
               input="placeholder\n").exit_code == 0
    result = cli("sources", "login", "Toots")
    assert result.exit_code == 0, result.output
    assert "Signed in; Toots is ready to sync." in result.output
    assert mem.entries[key(cli, "Toots")] == {"token": fake.token}
    assert cli("sources", "add", "bluesky", "--name", "Sky", "--set", "handle=a.bsky.social",
               input="pw\n").exit_code == 0
    refused = cli("sources", "login", "Sky")
    assert refused.exit_code == 2 and "it signs in with a key" in refused.output
