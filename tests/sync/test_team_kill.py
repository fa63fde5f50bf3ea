"""`inbox sync` into a team inbox, killed with SIGKILL at random moments: each page is one
transaction on the server together with its cursor, so the next run resumes where the last
commit left off: nothing is lost, nothing is stored twice, and the sync lock (an advisory
lock of the killed session) is released by the server."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from inbox.store.team import TeamStore, init_team
from tests.replay.mastodon import FakeMastodon
from tests.sync_helpers import SECRETS, add_source, forget_test_secrets, secrets_env  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
KILLS = 8


def slowed(handler, delay: float):
    def wrapped(req):
        time.sleep(delay)  # so that kills land in the middle of a sync
        return handler(req)
    return wrapped


@pytest.mark.slow
def test_a_killed_team_sync_resumes_without_loss_or_duplicates(tmp_path, replay, pg_server, team_url):
    masto = FakeMastodon(n=1500, token="kill-token")
    masto.install(replay)
    replay.add("GET", r"/api/v1/notifications", slowed(masto.notifications, 0.12))
    init_team(team_url, pg_server.password)
    with TeamStore(team_url, password=pg_server.password) as team:
        add_source(team, "mastodon", "masto", {"base_url": replay.base_url}, {"token": "kill-token"})
    SECRETS.set("team:" + team_url.removeprefix("postgresql://"), {"password": pg_server.password})
    env = {**os.environ, "PYTHONPATH": str(ROOT), **secrets_env(tmp_path)}
    cmd = [sys.executable, "-m", "inbox", "--db", team_url, "sync"]

    def stored() -> tuple[int, int]:
        with pg_server.connect(team_url.rsplit("/", 1)[1]) as conn:
            return conn.execute("SELECT count(*), count(DISTINCT external_id) FROM items").fetchone()

    rng = random.Random(20261203)
    seen = [0]
    for _ in range(KILLS):
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while stored()[0] <= seen[-1] and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)  # killed only once this run has committed something: mid-sync
        time.sleep(rng.uniform(0, 0.4))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        total, distinct = stored()
        assert total == distinct  # never a duplicate, at any moment
        seen.append(total)
    final = subprocess.run([*cmd, "--json"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert final.returncode == 0, final.stdout + final.stderr  # the killed runs' locks are gone
    assert stored() == (1500, 1500)
    assert seen == sorted(seen) and 0 < seen[1] < 1500  # each run kept what the one before had saved
