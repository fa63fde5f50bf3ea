"""A draft survives a killed app: type in the real window (a subprocess), SIGKILL it without
any chance to clean up, start the app again and find the text in the editor."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from inbox.store import Store
from tests.ui.workspace import build_small_workspace

ROOT = Path(__file__).resolve().parents[2]
TEXT = "Hi Guest, thank you! The croissants are baked at six every morning."  # QTest types ASCII only


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen",
            "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data")}


def _draft(db: Path) -> str | None:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT d.text FROM drafts d JOIN items i ON i.id = d.item_id "
                           "WHERE i.external_id = 'g0'").fetchone()
    finally:
        conn.close()
    return row[0] if row else None


@pytest.mark.slow
def test_draft_survives_sigkill(tmp_path: Path) -> None:
    db = tmp_path / "inbox.db"
    with Store(db) as store:
        build_small_workspace(store, datetime.now(UTC))
    proc = subprocess.Popen([sys.executable, "-m", "tests.replies.draft_app", str(db), "type", "g0", TEXT],
                            cwd=ROOT, env=_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True)
    try:
        assert proc.stdout.readline().strip() == "TYPED"
        deadline = time.monotonic() + 10  # the debounced autosave, with no close or quit
        while _draft(db) != TEXT and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
    shown = subprocess.run([sys.executable, "-m", "tests.replies.draft_app", str(db), "show", "g0"],
                           cwd=ROOT, env=_env(tmp_path), capture_output=True, text=True, timeout=60)
    assert json.loads(shown.stdout.strip().splitlines()[-1]) == TEXT
