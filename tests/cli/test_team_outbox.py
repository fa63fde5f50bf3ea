"""`inbox --db postgresql://… outbox flush`, run as a user runs it: two members' commands
started at the same moment on the same queued reply post it once. Real PostgreSQL
(tests/pg.py), real HTTP against the local replay server playing a Mastodon instance."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from inbox.secrets import JsonFileSecrets
from inbox.services.outbox import Outbox
from inbox.services.team import save_password
from inbox.store.team import TeamStore, init_team
from tests.replies.support import add_item
from tests.services.test_team_outbox import TEXT, MastodonSite

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 4


def inbox(secrets_file: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "INBOX_TEST_SECRETS_FILE": str(secrets_file)}
    return subprocess.Popen([sys.executable, "-m", "inbox", *args], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_two_members_flushing_the_team_outbox_at_once_post_once(pg_server, team_url, replay, tmp_path) -> None:
    site = MastodonSite(replay, post_delay=0.05)
    init_team(team_url, pg_server.password)
    secrets_file = tmp_path / "secrets.json"
    keyring = JsonFileSecrets(secrets_file)
    save_password(team_url, pg_server.password, keyring)  # each member's password, in the keyring
    with TeamStore(team_url, password=pg_server.password) as team:
        item = add_item(team, "mastodon", replay.base_url, "1140", handle="jon", name="Jon")  # type: ignore[arg-type]
        keyring.set(team.get_source(item.source_id).secret_key, {"token": "m"})  # by the source's key
        box, printed = Outbox(team), []
        for n in range(ROUNDS):
            box.queue(item.id, f"{TEXT} ({n})", undo_seconds=0)
            racers = [inbox(secrets_file, "--db", team_url, "outbox", "flush") for _ in range(2)]
            outs = [r.communicate(timeout=120) for r in racers]
            printed += outs
            assert [r.returncode for r in racers] == [0, 0], outs
            said = sorted(out for out, _ in outs)
            assert any("Sent 1 of 1 due." in s for s in said), said  # the other: nothing due, or skipped
        listed = inbox(secrets_file, "--db", team_url, "outbox", "--all", "--json").communicate(timeout=120)[0]
    assert replay.count("POST", r"/api/v1/statuses") == ROUNDS
    assert sorted(p["status"] for p in site.posted) == sorted(f"@jon {TEXT} ({n})" for n in range(ROUNDS))
    assert [e["state"] for e in json.loads(listed)] == ["sent"] * ROUNDS
    assert not any(pg_server.password in out + err for out, err in printed)  # never printed
