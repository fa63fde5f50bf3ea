"""`inbox search` answered before click (`inbox.quick.search`) prints what the click command
prints, byte for byte, with the same exit code: each case runs both in fresh interpreters
on a real database, the quick one as `inbox` runs it, the other through the click group."""

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
from tests.cli.test_start_imports import CHILD
from tests.faults import ROOT

CLICK = """
import sys
sys.argv.pop(1)
sys.argv[0] = "inbox"
from inbox.cli import main
main()
"""


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("quick") / "inbox.db"
    with Store(path) as store:
        own = store.add_source("google", "Harbour Café").id
        rival = store.add_source("google", "The Bakery Next Door With A Long Name", whose="competitor").id
        store.save_page(own, [
            Item(external_id=f"c{n}", title="Warm" if n % 2 else "", text=f"Croissant number {n}\nflaky  and\tbuttery",
                 rating=None if n == 3 else n % 5 + 1,
                 author=Author(external_id=f"a{n}", display_name="Ana \x1b[31mRed\x1b[0m" if n == 2 else f"Ana {n}"),
                 created_at=datetime(2026, 11, n, 12, tzinfo=UTC), url=f"https://example.com/{n}")
            for n in range(1, 8)])
        store.save_page(rival, [Item(external_id="r1", text="Their croissant is dry", rating=2,
                                     author=Author(external_id="bo", display_name="Bo"),
                                     created_at=datetime(2026, 11, 20, 23, 30, tzinfo=UTC))])
        ids = [r.id for r in store.search("croissant", limit=3)]
        store.tag_items(ids[:2], "praise")
        store.tag_items(ids[:1], "follow up")
    return path


def run(script: str, tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess, set[str]]:
    listing = tmp_path / "modules.json"
    listing.write_text("[]")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(tmp_path), "TZ": "America/Los_Angeles"}
    env.pop("INBOX_DB", None)
    done = subprocess.run([sys.executable, "-c", script, str(listing), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)
    return done, set(json.loads(listing.read_text()))


@pytest.mark.parametrize("args", [
    ["search", "croissant"],
    ["search", "croissant", "--json"],
    ["search", "--limit", "3", "croissant", "--json"],
    ["search", "croissant", "--limit=2"],
    ["search", "title:warm"],
    ["search", "croi*", "--json", "--limit", "10000"],
    ["search", "nothing-like-this"],
    ["search", "nothing", "--json"],
    ["search", 'a"b'],
    ["search", "NOT"],
])
def test_the_quick_answer_is_the_click_commands(db: Path, tmp_path: Path, args: list[str]) -> None:
    quick, modules = run(CHILD, tmp_path, *args, "--db", str(db))
    slow, _ = run(CLICK, tmp_path, *args, "--db", str(db))
    assert (quick.returncode, quick.stdout, quick.stderr) == (slow.returncode, slow.stdout, slow.stderr)
    assert "click" not in modules, "the quick path was not taken"
    assert quick.returncode in (0, 2) and (quick.stdout or quick.stderr)


def test_the_root_db_option_and_the_environment_choose_the_same_file(db: Path, tmp_path: Path) -> None:
    quick, modules = run(CHILD, tmp_path, "--db", str(db), "search", "croissant")
    slow, _ = run(CLICK, tmp_path, "--db", str(db), "search", "croissant")
    assert (quick.returncode, quick.stdout, quick.stderr) == (slow.returncode, slow.stdout, slow.stderr)
    assert "click" not in modules and "Harbour Café" in quick.stdout


@pytest.mark.parametrize("args", [
    ["search", "--help"],
    ["search", "croissant", "--limit", "0"],
    ["search", "croissant", "--colour"],
    ["search", "croissant", "extra"],
    ["search", "   "],
    ["search"],
])
def test_what_it_does_not_understand_goes_to_click(db: Path, tmp_path: Path, args: list[str]) -> None:
    quick, modules = run(CHILD, tmp_path, *args, "--db", str(db))
    slow, _ = run(CLICK, tmp_path, *args, "--db", str(db))
    assert (quick.returncode, quick.stdout, quick.stderr) == (slow.returncode, slow.stdout, slow.stderr)
    assert "click" in modules


def test_a_new_file_is_made_by_the_full_path(tmp_path: Path) -> None:
    """No file yet: the click command makes the inbox, as it always has."""
    path = tmp_path / "new.db"
    quick, modules = run(CHILD, tmp_path, "search", "croissant", "--db", str(path))
    assert quick.returncode == 0 and quick.stdout == "No items match.\n"
    assert "click" in modules and path.exists()
