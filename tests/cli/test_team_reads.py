"""`inbox --db postgresql://…` shows each member's own read state (issue 20): what Ana read is
still unread in Ben's `search` and `export --status unread`, and what Ben read is read for
him only. Real PostgreSQL (tests/pg.py), the commands run as a user runs them."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

from inbox.secrets import JsonFileSecrets
from inbox.services.team import save_password
from inbox.store.team import TeamStore
from tests.services.test_team_link import shop  # noqa: F401 - the team inbox of ana and ben
from tests.store.team.conftest import roles  # noqa: F401 - the ana/ben fixture

ROOT = Path(__file__).resolve().parents[2]


def inbox(secrets_file: Path, *args: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "INBOX_TEST_SECRETS_FILE": str(secrets_file)}
    done = subprocess.run([sys.executable, "-m", "inbox", *args], cwd=ROOT, env=env, text=True,
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _plain(url: str) -> tuple[str, str]:
    """(the URL without its password, the password)."""
    user, rest = url.removeprefix("postgresql://").split("@", 1)
    name, password = user.split(":", 1)
    return f"postgresql://{name}@{rest}", password


def test_the_command_line_shows_each_members_own_read_state(shop, tmp_path):  # noqa: F811
    owner, _ana_url, ben_url, _ana, _ben = shop
    url, password = _plain(ben_url)
    secrets_file = tmp_path / "secrets.json"
    save_password(url, password, JsonFileSecrets(secrets_file))
    unread = [r.id for r in owner.list_items()[0] if r.status == "unread"][:2]
    owner.set_status(unread[:1], "read")   # Ana read the first
    with TeamStore(url, password=password) as ben:
        ben.set_status(unread[1:], "read")  # Ben the second
        assert [ben.get_item(i).status for i in unread] == ["unread", "read"]
    assert [owner.get_item(i).status for i in unread] == ["read", "unread"]

    found = {r["id"]: r["status"] for r in json.loads(inbox(secrets_file, "--db", url, "search", "croissant",
                                                            "--json", "--limit", "100"))}
    assert [found[i] for i in unread] == ["unread", "read"]
    out = tmp_path / "unread.csv"
    said = inbox(secrets_file, "--db", url, "export", "--status", "unread", "-o", str(out))
    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    listed = {r["text"] for r in rows}
    texts = [owner.get_item(i).text for i in unread]
    assert texts[0] in listed and texts[1] not in listed
    assert {r["status"] for r in rows} == {"unread"} and f"Exported {len(rows):,} item" in said
