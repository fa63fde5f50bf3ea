"""Migration 5 only changes the schema and marks a database whose items predate
sentiment; opening the workspace (a service step) then scores them, once."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from inbox.services import sentiment, workspace
from inbox.store import Store
from inbox.store import insights as data
from inbox.store.migrations import MIGRATIONS, m005_insights, migrate

ROOT = Path(__file__).resolve().parents[2]
TEXTS = ["Wonderful scones and friendly staff", "Terrible coffee, rude staff", "Amazing cake"]


def old_database(path: Path) -> None:
    """A workspace from before insights existed, with three customers' items and a reply."""
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=MIGRATIONS.index(m005_insights))
    conn.execute("INSERT INTO sources (kind, name, created_at) VALUES ('google', 'Old', '2025-01-01T00:00:00Z')")
    for n, text in enumerate(TEXTS):
        conn.execute("INSERT INTO items (source_id, external_id, kind, text, created_at, fetched_at) "
                     "VALUES (1, ?, 'review', ?, ?, '2025-01-01T00:00:00Z')", (str(n), text, f"2025-01-0{n + 1}T10:00:00Z"))
    conn.execute("INSERT INTO items (source_id, external_id, kind, text, created_at, fetched_at, is_owner_reply, "
                 "parent_external_id) VALUES (1, 'r', 'reply', 'Thanks!', '2025-01-05T10:00:00Z', "
                 "'2025-01-05T10:00:00Z', 1, '0')")
    conn.close()


def test_an_old_database_opened_gets_its_sentiment_once(tmp_path, monkeypatch) -> None:
    path = tmp_path / "old.db"
    old_database(path)
    analysed: list[int] = []
    real = sentiment.analyse

    def counting(row):
        analysed.append(row[0])
        return real(row)
    monkeypatch.setattr(sentiment, "analyse", counting)

    with Store(path) as store:  # migrating analyses nothing, and leaves the mark
        assert data.backfill_pending(store)
        assert set(dict(store.conn.execute("SELECT external_id, sentiment_label FROM items")).values()) == {None}
    assert analysed == []

    with workspace.open_store(path) as store:
        labels = dict(store.conn.execute("SELECT external_id, sentiment_label FROM items").fetchall())
        assert labels == {"0": "positive", "1": "negative", "2": "positive", "r": None}  # replies carry none
        assert store.conn.execute("SELECT count(*) FROM item_phrases WHERE phrase = 'scone'").fetchone()[0] == 1
        assert not data.backfill_pending(store)
    assert sorted(analysed) == [1, 2, 3]

    with workspace.open_store(path) as store:
        assert sentiment.backfill(store) == 0
    assert sorted(analysed) == [1, 2, 3]  # nothing analysed twice


def test_a_new_database_has_nothing_to_back_fill(tmp_path) -> None:
    with workspace.open_store(tmp_path / "new.db") as store:
        assert not data.backfill_pending(store)


def test_migrating_imports_no_service(tmp_path) -> None:
    path = tmp_path / "old.db"
    old_database(path)
    code = ("import sys; from inbox.store import Store; Store(sys.argv[1]).close(); "
            "print(sorted(m for m in sys.modules if m.startswith('inbox.services')))")
    out = subprocess.run([sys.executable, "-c", code, str(path)], cwd=ROOT, capture_output=True, text=True,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
