"""Shared fixtures: a fresh store per test, and an environment that never touches the
user's real data (INBOX_DB and the platform dirs point into tmp_path)."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest

from tests.pg import pg_server, team_db, team_url  # noqa: F401 - PostgreSQL fixtures (team inbox)

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="session", autouse=True)
def _modules_loaded_on_the_main_thread() -> None:
    """What the app does at start: workers must find nothing new to import (prewarm.py)."""
    from inbox.ui.prewarm import prewarm

    prewarm()


@pytest.fixture(scope="session", autouse=True)
def _garbage_collected_on_the_main_thread():
    """What the app does (inbox/ui/gc_guard.py): no automatic collection, which could run on
    a worker thread and free Qt objects there; the main thread collects after each test."""
    thresholds = gc.get_threshold()
    gc.disable()
    yield thresholds
    gc.enable()


@pytest.fixture(autouse=True)
def _collect_after_test(_garbage_collected_on_the_main_thread):
    from inbox.ui.gc_guard import collect_due

    yield
    collect_due(_garbage_collected_on_the_main_thread)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every test out of the real home: data, config, cache and logs go to tmp."""
    home = tmp_path / "home"
    for var, sub in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"),
                     ("XDG_CACHE_HOME", "cache"), ("XDG_STATE_HOME", "state")):
        (home / sub).mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.delenv("INBOX_DB", raising=False)
    monkeypatch.delenv("INBOX_TEST_SECRETS_FILE", raising=False)  # only the tests that mean it set it


@pytest.fixture
def store(tmp_path: Path):
    from inbox.store import Store

    s = Store(tmp_path / "inbox.db")
    yield s
    s.close()


@pytest.fixture
def replay():
    """A started ReplayServer on 127.0.0.1; see tests/replay/server.py."""
    from tests.replay import ReplayServer

    with ReplayServer() as server:
        yield server
