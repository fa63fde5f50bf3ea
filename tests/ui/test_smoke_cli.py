"""`inbox --smoke-test` opens the window offscreen, paints the first rows and exits 0."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_smoke(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "inbox", *args, "--smoke-test"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)


def test_smoke_test_opens_the_demo_workspace_when_nothing_is_set_up():
    done = run_smoke()
    assert done.returncode == 0, done.stderr[-3000:]
    match = re.search(r"smoke test: (\d+) rows painted in 'Inbox' \(demo workspace\)", done.stdout)
    assert match, done.stdout
    assert int(match.group(1)) > 20


def test_smoke_test_on_a_given_database(tmp_path):
    from inbox.domain import utcnow
    from inbox.store import Store
    from tests.ui.workspace import build_small_workspace

    with Store(tmp_path / "mine.db") as store:
        build_small_workspace(store, utcnow())
    done = run_smoke("--db", str(tmp_path / "mine.db"))
    assert done.returncode == 0, done.stderr[-3000:]
    assert "smoke test: 31 rows painted in 'Inbox'" in done.stdout
    assert "demo" not in done.stdout
