"""The sync worker process (inbox/sync/worker.py) and the window's side of it
(inbox/sync/child.py), without a window: the credentials come from the caller's own
`Secrets` over the pipe (a renewed session goes back the same way), progress and summaries
come back as the engine's own types, and the frozen app starts the worker by its flag."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from inbox.paths import child_environment
from inbox.secrets import key_of
from inbox.store import Store
from inbox.sync import child, worker
from tests.replay.bluesky import FakeBluesky
from tests.replay.mastodon import FakeMastodon
from tests.sync_helpers import FAST, SECRETS, add_source, forget_test_secrets, item_count  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "mast-token-123"


def test_a_sync_in_the_worker_process_reports_like_the_engine(store, replay):
    FakeMastodon(n=120, token=TOKEN).install(replay)
    source = add_source(store, "mastodon", "masto", {"base_url": replay.base_url}, {"token": TOKEN})
    seen = []
    pids = []

    async def main():
        return await child.sync_in_child(store, secrets=SECRETS, http_options=FAST, on_progress=seen.append,
                                         on_started=lambda w: pids.append(w.pid))
    [summary] = asyncio.run(main())
    assert summary.ok and summary.new == 120 and len(summary.new_item_ids) == 120
    assert item_count(store) == 120
    assert pids and pids[0] != os.getpid()
    assert seen[-1].state == "done" and seen[-1].new == 120
    assert ("get", key_of(source)) in SECRETS.calls  # asked of this process's secrets


def test_a_session_the_connector_renewed_is_saved_in_the_callers_keyring(store, replay):
    fake = FakeBluesky(n=3).install(replay)
    source = add_source(store, "bluesky", "bsky", {"handle": fake.handle, "base_url": replay.base_url},
                        {"app_password": "abcd-efgh-ijkl-mnop"})

    async def main():
        return await child.sync_in_child(store, secrets=SECRETS, http_options=FAST)
    [summary] = asyncio.run(main())
    assert summary.ok and summary.new == 3
    kept = SECRETS.get(key_of(source))
    assert json.loads(kept["session"])["accessJwt"] == "access-0"
    assert kept["app_password"] == "abcd-efgh-ijkl-mnop"  # merged, not replaced


def test_a_whole_sync_that_cannot_run_says_why(store, replay):
    FakeMastodon(n=3, token=TOKEN).install(replay)
    add_source(store, "mastodon", "masto", {"base_url": replay.base_url}, {"token": TOKEN})

    async def main():
        return await child.sync_in_child(store, secrets=SECRETS, http_options=FAST)
    with store.sync_lock():  # another sync (the command line's) holds this inbox
        try:
            asyncio.run(main())
        except child.SyncFailed as exc:
            assert str(exc).startswith("A sync is already running on this inbox")
        else:
            raise AssertionError("the sync ran beside another")
    assert item_count(store) == 0


def test_the_frozen_app_runs_the_worker_by_its_flag_and_stdout_carries_only_messages(tmp_path, monkeypatch):
    Store(tmp_path / "inbox.db").close()
    job = json.dumps({"job": "analyse", "db": str(tmp_path / "inbox.db")})
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, str(ROOT / "packaging" / "entry.py"), worker.FLAG], input=job + "\n",
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert [json.loads(line) for line in done.stdout.splitlines()] == [{"done": 0}]
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert child.worker_command() == [sys.executable, worker.FLAG]


@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="no niceness on Windows")
def test_the_worker_runs_below_the_windows_priority():
    """A sync that keeps both cores busy must not take the window's turns (the window's
    stalls over one frame were the OS running the sync instead)."""
    proc = subprocess.Popen(child.worker_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            env=child_environment())
    try:
        wanted = min(os.getpriority(os.PRIO_PROCESS, 0) + worker.NICENESS, 19)
        deadline = time.monotonic() + 20
        while os.getpriority(os.PRIO_PROCESS, proc.pid) != wanted and time.monotonic() < deadline:
            time.sleep(0.02)  # it lowers its priority first thing, then waits for its job
        assert os.getpriority(os.PRIO_PROCESS, proc.pid) == wanted
    finally:
        proc.stdin.close()  # no job: it ends at once
        proc.wait(timeout=30)
        proc.stdout.close()
    assert proc.returncode == 0
