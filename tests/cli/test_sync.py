"""`inbox sources ...` and `inbox sync` as a user runs them (secrets in memory, replay server)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from inbox.cli import main
from inbox.secrets import TEST_FILE_ENV
from inbox.store import Store
from tests.replay.feeds import FakeFeed
from tests.replay.mastodon import FakeMastodon
from tests.sync_helpers import SECRETS, forget_test_secrets  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cli(tmp_path):
    db = tmp_path / "cli.db"

    def run(*args: str, input: str | None = None):
        return CliRunner().invoke(main, ["--db", str(db), *args], input=input, obj={"secrets": SECRETS})
    run.db = db  # type: ignore[attr-defined]
    return run


def test_add_help_is_generated_from_declarations(cli):
    out = cli("sources", "add", "reddit", "--help").output
    assert "query (required)" in out and "token_url" in out and "client_secret" in out
    out = cli("sources", "add", "bluesky", "--help").output
    assert "handle" in out and "app_password" in out
    listing = cli("sources", "add", "--help").output
    for kind in ("google", "yelp", "trustpilot", "facebook", "mastodon", "bluesky", "reddit", "rss",
                 "appstore", "googleplay", "file"):
        assert kind in listing


def test_bad_settings_are_refused_clearly(cli):
    r = cli("sources", "add", "rss", "--name", "x", "--set", "colour=red")
    assert r.exit_code == 2 and "unknown setting 'colour' for rss; known: url" in r.output
    r = cli("sources", "add", "rss", "--name", "x")
    assert r.exit_code == 2 and "rss needs --set url=" in r.output
    r = cli("sources", "add", "rss", "--name", "x", "--set", "url=http://a", "--secret", "token")
    assert r.exit_code == 2 and "unknown secret 'token'" in r.output
    assert json.loads(cli("sources", "list", "--json").output) == []


def store_key(db, name: str) -> str:
    """Where the keyring files a source's secrets (by database and id, never its name)."""
    from inbox.store import Store

    with Store(db) as store:
        return store.get_source(name).secret_key


def test_add_list_test_sync_remove_with_saved_secrets(cli, replay):
    FakeMastodon(n=30, token="the-real-token-77").install(replay)
    masto = "Masto"
    feed = FakeFeed(n=4).install(replay)
    r = cli("sources", "add", "mastodon", "--name", masto, "--set", f"base_url={replay.base_url}",
            "--secret", "token", input="the-real-token-77\n")
    assert r.exit_code == 0, r.output
    masto_key = store_key(cli.db, masto)
    assert SECRETS.get(masto_key) == {"token": "the-real-token-77"}
    assert b"the-real-token-77" not in cli.db.read_bytes()  # never in the database
    r = cli("sources", "add", "rss", "--name", "Alerts", "--competitor", "--set", f"url={replay.base_url}{feed.path}")
    assert r.exit_code == 0
    rows = {s["name"]: s for s in json.loads(cli("sources", "list", "--json").output)}
    assert rows["Alerts"]["whose"] == "competitor" and rows[masto]["settings"] == {"base_url": replay.base_url}

    r = cli("sources", "test", masto)
    assert r.exit_code == 0 and f"{masto}: OK: signed in as @harbourcafe" in r.output

    r = cli("sync", "--json")
    assert r.exit_code == 0, r.output
    summary = {s["source"]: s for s in json.loads(r.output)}
    assert summary[masto]["new"] == 30 and summary["Alerts"]["new"] == 4 and summary[masto]["ok"]

    r = cli("sync")
    assert r.exit_code == 0 and "SOURCE" in r.output and masto[:24] in r.output and "ok" in r.output

    r = cli("sources", "add", "mastodon", "--name", masto, "--set", "base_url=http://x", "--secret", "token",
            input="other\n")
    assert r.exit_code == 2 and "already exists" in r.output
    assert SECRETS.get(masto_key) == {"token": "the-real-token-77"}  # not overwritten

    r = cli("sources", "remove", masto)
    assert r.exit_code == 0 and SECRETS.get(masto_key) == {}
    assert [s["name"] for s in json.loads(cli("sources", "list", "--json").output)] == ["Alerts"]


def test_sync_exit_code_and_reason_when_a_source_fails(cli, replay):
    FakeMastodon(n=3, token="good").install(replay)
    bad = "Bad"
    feed = FakeFeed(n=2).install(replay)
    cli("sources", "add", "mastodon", "--name", bad, "--set", f"base_url={replay.base_url}",
        "--secret", "token", input="bad-token-value\n")
    cli("sources", "add", "rss", "--name", "Feed", "--set", f"url={replay.base_url}{feed.path}")
    r = cli("sync")
    assert r.exit_code == 1
    assert f"{bad}: Mastodon no longer accepts the saved key." in r.output
    assert "details: credentials rejected" in r.output and "bad-token-value" not in r.output
    r = cli("sources", "test", bad)
    assert r.exit_code == 1 and f"{bad}: FAILED: Mastodon no longer accepts the saved key." in r.output
    assert "details: credentials rejected" in r.output
    listed = cli("sources", "list").output
    assert "error: credentials rejected" in listed
    r = cli("sync", "--source", "Feed")
    assert r.exit_code == 0
    r = cli("sync", "--source", "Nope")
    assert r.exit_code == 2 and "no source named 'Nope'" in r.output


def test_no_keyring_means_credentials_not_saved_and_source_not_added(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
           "XDG_CURRENT_DESKTOP": "GNOME"}
    env.pop(TEST_FILE_ENV, None)  # the real keyring path (KeyringSecrets)
    db = tmp_path / "nokr.db"
    cmd = [sys.executable, "-m", "inbox", "--db", str(db)]
    r = subprocess.run([*cmd, "sources", "add", "mastodon", "--name", "M", "--set", "base_url=http://127.0.0.1:9", "--secret", "token"], input="tok-123\n", capture_output=True, text=True,
                       cwd=ROOT, env=env, timeout=60)
    assert r.returncode == 2
    assert "Feedback Inbox can't open the system keyring, where sign-ins are kept. Install GNOME Keyring" \
        in r.stderr and "Nothing was changed" in r.stderr
    assert "details: credentials not saved: no system keyring" in r.stderr and "tok-123" not in r.stderr
    r = subprocess.run([*cmd, "sources", "list", "--json"], capture_output=True, text=True, cwd=ROOT, env=env,
                       timeout=60)
    assert json.loads(r.stdout) == []


def test_sync_progress_plain_lines_when_not_a_tty(tmp_path, replay):
    feed = FakeFeed(n=3).install(replay)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    db = tmp_path / "p.db"
    cmd = [sys.executable, "-m", "inbox", "--db", str(db)]
    subprocess.run([*cmd, "sources", "add", "rss", "--name", "F", "--set", f"url={replay.base_url}{feed.path}"],
                   check=True, cwd=ROOT, env=env, capture_output=True, timeout=60)
    r = subprocess.run([*cmd, "sync"], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    assert r.returncode == 0
    assert "\x1b[" not in r.stderr and "F " in r.stderr and "done" in r.stderr
    assert "F " in r.stdout and "ok" in r.stdout


async def test_google_installed_app_login_flow(replay):
    """The browser is simulated: it 'consents' by calling the loopback redirect."""
    import asyncio
    from urllib.parse import parse_qs, urlsplit

    import httpx

    from inbox.sources.google_oauth import authorize
    from inbox.sync.http import HttpClient
    from tests.replay import Reply

    def token(req):
        form = req.form()
        ok = form.get("code") == ["4/granted"] and form.get("grant_type") == ["authorization_code"] \
            and form.get("code_verifier")
        return Reply(json={"access_token": "ya29", "refresh_token": "1//fresh"} if ok else {"error": "invalid_grant"},
                     status=200 if ok else 400)
    replay.add("POST", r"/token", token)
    opened = []

    def browser(url: str) -> None:
        opened.append(url)
        q = parse_qs(urlsplit(url).query)
        assert q["code_challenge_method"] == ["S256"] and "business.manage" in q["scope"][0]
        httpx.get(q["redirect_uri"][0], params={"code": "4/granted", "state": q["state"][0]}, timeout=5)

    async with HttpClient() as http:
        refresh = await asyncio.wait_for(authorize("cid", "csecret", http, open_browser=browser,
                                                   auth_url=replay.base_url + "/auth",
                                                   token_url=replay.base_url + "/token"), 20)
    assert refresh == "1//fresh" and opened[0].startswith(replay.base_url + "/auth?")


def _csv(path: Path, rows: int) -> Path:
    path.write_text("Review ID,Date,Name,Stars,Comment\n" + "\n".join(
        f"R{i},2025-03-{1 + i % 28:02d},Guest {i % 50},{1 + i % 5},\"Lovely scones, visit {i}\""
        for i in range(rows)), encoding="utf-8")
    return path


def test_a_small_import_is_analysed_before_the_command_ends(cli, tmp_path):
    assert cli("sources", "add", "file", "--name", "export", "--set",
               f"path={_csv(tmp_path / 'small.csv', 700)}").exit_code == 0
    done = cli("sync")
    assert done.exit_code == 0, done.output
    assert "still need their sentiment" not in done.output
    with Store(cli.db) as store:
        assert store.conn.execute("SELECT count(*) FROM items WHERE sentiment_label IS NULL").fetchone()[0] == 0


def test_a_big_import_leaves_analysis_to_the_background_and_says_so(cli, tmp_path, monkeypatch):
    from inbox.cli import sync as sync_cli

    monkeypatch.setattr(sync_cli, "ANALYSE_NOW_AT_MOST", 300)  # what is "big", kept small for a test
    assert cli("sources", "add", "file", "--name", "export", "--set",
               f"path={_csv(tmp_path / 'big.csv', 700)}").exit_code == 0
    done = cli("sync")
    assert done.exit_code == 0, done.output
    assert "700 new items still need their sentiment and themes" in done.output
    assert "inbox insights --rescore" in done.output
    assert cli("insights", "--rescore").exit_code == 0
    with Store(cli.db) as store:
        assert store.conn.execute("SELECT count(*) FROM items WHERE sentiment_label IS NULL").fetchone()[0] == 0
