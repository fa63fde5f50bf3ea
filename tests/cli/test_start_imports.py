"""A quick command loads only what it needs (issue 19: `inbox search` <= 120 ms whole process,
`inbox --version` <= 80 ms). Timings are the benchmarks' business (benchmarks/cli_start.py);
these tests watch the cause of a slow start instead: a heavy module imported again where
it is not used. Each runs the real command in a fresh interpreter on a real database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from inbox.domain import Author, Item
from inbox.store import Store
from tests.faults import ROOT

# Modules a search never uses, each costing a noticeable part of its start (or, for the app's
# own packages, bringing such modules in): the network stack, Qt, the keyring, the language
# libraries of the analysis, sqlite-utils, the log file's set-up (only when a line is logged),
# OpenSSL's digests and the time zone database.
NOT_FOR_SEARCH = (
    "httpx", "httpcore", "PySide6", "shiboken6", "keyring", "secretstorage", "jeepney", "dbus",
    "sqlite_utils", "textblob", "wordfreq", "simplemma", "nltk", "vaderSentiment", "nh3",
    "feedparser", "platformdirs", "logging.handlers", "hashlib", "secrets", "zoneinfo",
    "inbox.ui", "inbox.sources", "inbox.sync", "inbox.secrets", "inbox.services.sentiment",
    "inbox.services.aspects", "inbox.services.pipeline", "inbox.services.export",
    "inbox.cli.sources", "inbox.cli.sync", "inbox.cli.team", "inbox.cli.export",
)

CHILD = """
import json, sys
out = sys.argv.pop(1)
sys.argv[0] = "inbox"
from inbox.__main__ import run
try:
    run()
finally:
    with open(out, "w") as f:
        # loaded ones: inbox/__init__ blocks httpx's own CLI with a None entry
        json.dump(sorted(name for name, module in sys.modules.items() if module is not None), f)
"""


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "inbox.db"
    with Store(path) as store:
        sid = store.add_source("google", "Harbour Café").id
        store.save_page(sid, [Item(external_id="c1", text="The almond croissant was still warm", rating=5,
                                   author=Author(external_id="ana", display_name="Ana"),
                                   created_at=datetime(2026, 11, 1, 12, tzinfo=UTC))])
    return path


def run_and_list_modules(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess, set[str]]:
    listing = tmp_path / "modules.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)}  # no log folder of the user's
    env.pop("INBOX_DB", None)
    done = subprocess.run([sys.executable, "-c", CHILD, str(listing), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    return done, set(json.loads(listing.read_text()))


def loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


def test_search_finds_the_item_without_loading_what_other_commands_need(db: Path, tmp_path: Path) -> None:
    done, modules = run_and_list_modules(tmp_path, "search", "croissant", "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert "almond croissant" in done.stdout and "Ana" in done.stdout
    assert loaded(modules, NOT_FOR_SEARCH) == [], done.stderr
    assert "inbox.store" in modules  # the check above did watch a real search


# What the quick search (answered before click, on `inbox.store.reader`) leaves out too:
# click, the full store with its mixins, the domain's dataclasses, typing, logging (json is the
# listing's own).
NOT_FOR_QUICK_SEARCH = (
    "click", "inbox.cli", "inbox.store.store", "inbox.store.queries", "inbox.store.connection",
    "inbox.domain.models", "inbox.domain.filters", "inbox.domain.team", "inbox.services",
    "dataclasses", "inspect", "typing", "logging",
)


def test_a_plain_search_answers_before_click_and_the_full_store(db: Path, tmp_path: Path) -> None:
    done, modules = run_and_list_modules(tmp_path, "search", "croissant", "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert "almond croissant" in done.stdout
    assert loaded(modules, NOT_FOR_QUICK_SEARCH) == [], done.stderr
    assert "inbox.store.reader" in modules


def test_stats_counts_without_sqlite_utils(db: Path, tmp_path: Path) -> None:
    done, modules = run_and_list_modules(tmp_path, "stats", "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert "Items            1" in done.stdout and "Harbour Café" in done.stdout
    assert loaded(modules, (*NOT_FOR_SEARCH, "numpy")) == [], done.stderr


def test_version_loads_neither_click_nor_the_store(tmp_path: Path) -> None:
    done, modules = run_and_list_modules(tmp_path, "--version")
    assert done.returncode == 0 and "version" in done.stdout
    assert loaded(modules, ("click", "inbox.store", "inbox.domain", "sqlite3", "logging")) == []


def test_a_file_sync_never_loads_the_keyring(tmp_path: Path) -> None:
    """A file source has no secrets: its sync must not pay for the keyring (nor need one)."""
    rows = tmp_path / "reviews.csv"
    rows.write_text("Review ID,Date,Name,Stars,Comment\n"
                    "R1,2026-11-01 12:00:00,Ana,5,The almond croissant was still warm\n", encoding="utf-8")
    path = tmp_path / "inbox.db"
    with Store(path) as store:
        store.add_source("file", "Reviews export", settings={"path": str(rows)})
    done, modules = run_and_list_modules(tmp_path, "sync", "--db", str(path))
    assert done.returncode == 0, done.stderr
    with Store(path) as store:
        assert [r.text for r in store.search("croissant")] == ["The almond croissant was still warm"]
    assert loaded(modules, ("keyring", "secretstorage", "jeepney", "PySide6", "sqlite_utils")) == []
