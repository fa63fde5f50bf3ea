"""A big sync or import writes its rows first and leaves their sentiment and themes to the
background analysis pass: every item is analysed in the end, exactly once, with the analysis
the writer would have stored itself, also when a pass is killed or two passes overlap."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from inbox.secrets import MemorySecrets
from inbox.services import sentiment
from inbox.store import Store
from inbox.store import insights as data
from inbox.sync.engine import DEFER_ANALYSIS_AT, sync

ROOT = Path(__file__).resolve().parents[2]
WORDS = ["lovely scones", "cold coffee", "rude staff", "friendly waiter", "long wait", "great cake"]


def write_csv(path: Path, rows: int, start: int = 0) -> Path:
    lines = ["Review ID,Date,Name,Stars,Comment"] + [
        f"R{i},2025-03-{1 + i % 28:02d} 10:00:00,Guest {i % 40},{1 + i % 5},"
        f"\"{WORDS[i % 6]} and {WORDS[(i // 6) % 6]}, visit {i}\"" for i in range(start, start + rows)]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def counting_analyses(monkeypatch) -> list[tuple]:
    """Every analysis made from here on, by its content (id 0 when made before the insert)."""
    made: list[tuple] = []
    real = sentiment.analyse

    def counting(row):
        made.append(tuple(row[1:]))
        return real(row)
    monkeypatch.setattr(sentiment, "analyse", counting)
    return made


def stored(store: Store) -> list[sqlite3.Row]:
    return store.conn.execute("SELECT id, title, text, rating, language, sentiment, sentiment_label "
                              "FROM items WHERE is_owner_reply = 0").fetchall()


def test_a_big_import_is_written_first_and_analysed_once_by_the_pass(store, tmp_path, monkeypatch):
    path = write_csv(tmp_path / "export.csv", 650)
    store.add_source("file", "export", settings={"path": str(path)})
    made = counting_analyses(monkeypatch)

    [summary] = asyncio.run(sync(store, secrets=MemorySecrets()))
    assert summary.ok and summary.new == 650
    # the 500-row hand-over waits for the pass; the last 150 rows were few enough to analyse at once
    assert 150 < DEFER_ANALYSIS_AT <= 500
    assert sentiment.pending(store) == 500
    assert len(made) == 150

    while sentiment.backfill(store, batch=120):
        pass
    assert sentiment.pending(store) == 0
    assert sentiment.backfill(store) == 0
    rows = stored(store)
    assert len(rows) == 650 and len(made) == 650  # each item analysed once
    assert len(set(made)) == 650
    for r in rows:
        assert (r["sentiment"], r["sentiment_label"]) == sentiment.score(r["title"], r["text"], r["rating"],
                                                                          r["language"])
    themed = store.conn.execute("SELECT count(DISTINCT item_id) FROM item_phrases").fetchone()[0]
    assert themed > 600  # phrases came with the pass too


def test_overlapping_passes_store_each_analysis_once(store, tmp_path):
    path = write_csv(tmp_path / "export.csv", 700)  # two hand-overs: 500 and 200 rows
    store.add_source("file", "export", settings={"path": str(path)})
    asyncio.run(sync(store, secrets=MemorySecrets()))
    assert sentiment.pending(store) == 700
    with Store.open_reader(store.path) as reader:
        first = sentiment.prepare_backfill(reader, 400)   # e.g. the window's pass ...
        second = sentiment.prepare_backfill(reader, 400)  # ... and `inbox insights --rescore`
    assert data.write_pending_analyses(store, *first) == 400
    # the second pass's batch was all written by the first meanwhile: it writes nothing
    assert data.write_pending_analyses(store, *second) == 0
    assert sentiment.pending(store) == 300
    # a batch prepared and never written (a pass killed meanwhile) is simply done again
    with Store.open_reader(store.path) as reader:
        sentiment.prepare_backfill(reader, 100)
    while sentiment.backfill(store, batch=150):
        pass
    assert sentiment.pending(store) == 0
    assert all(r["sentiment_label"] for r in stored(store))


def test_the_pass_skips_an_item_its_sync_updated_meanwhile(store, tmp_path):
    """An item whose text changed was analysed by the sync's update: the pass's older
    analysis of the old text must not overwrite it."""
    path = write_csv(tmp_path / "export.csv", 300)
    src = store.add_source("file", "export", settings={"path": str(path)})
    asyncio.run(sync(store, secrets=MemorySecrets()))
    with Store.open_reader(store.path) as reader:
        prepared = sentiment.prepare_backfill(reader, 300)
    text = path.read_text(encoding="utf-8").replace("visit 7\"", "visit 7, awful and disgusting\"")
    path.write_text(text, encoding="utf-8")
    [summary] = asyncio.run(sync(store, secrets=MemorySecrets()))
    assert summary.updated == 1
    sentiment.finish_backfill(store, prepared)
    row = store.conn.execute("SELECT title, text, rating, language, sentiment, sentiment_label FROM items "
                             "WHERE source_id = ? AND external_id = 'R7'", (src.id,)).fetchone()
    assert "awful" in row["text"]
    assert (row["sentiment"], row["sentiment_label"]) == sentiment.score(row["title"], row["text"], row["rating"],
                                                                          row["language"])
    assert sentiment.pending(store) == 0


@pytest.mark.slow
def test_a_pass_killed_with_sigkill_resumes_and_analyses_each_item_once(tmp_path):
    db = tmp_path / "kill.db"
    path = write_csv(tmp_path / "export.csv", 30_000)
    with Store(db) as store:
        store.add_source("file", "export", settings={"path": str(path)})
        asyncio.run(sync(store, secrets=MemorySecrets()))
        total = sentiment.pending(store)
    assert total == 30_000
    cmd = [sys.executable, "-m", "inbox", "--db", str(db), "insights", "--rescore", "--json"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    left = [total]
    for _ in range(3):  # killed mid-pass, three times
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            with contextlib.closing(sqlite3.connect(db)) as conn:
                n = conn.execute("SELECT count(*) FROM items WHERE sentiment_label IS NULL").fetchone()[0]
            if n < left[-1]:  # a batch committed: kill it in the middle of the next
                break
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        with contextlib.closing(sqlite3.connect(db)) as conn:
            left.append(conn.execute("SELECT count(*) FROM items WHERE sentiment_label IS NULL").fetchone()[0])
    assert left[-1] < total  # the kills did land after some batches
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
    with Store(db) as store:
        assert sentiment.pending(store) == 0
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        for r in store.conn.execute("SELECT title, text, rating, language, sentiment, sentiment_label "
                                    "FROM items ORDER BY random() LIMIT 300"):
            assert (r["sentiment"], r["sentiment_label"]) == sentiment.score(r["title"], r["text"], r["rating"],
                                                                              r["language"])
        # one analysis per item: its phrases once each (never a copy from a second pass)
        assert store.conn.execute("SELECT count(*) FROM (SELECT item_id, phrase FROM item_phrases "
                                  "GROUP BY item_id, phrase HAVING count(*) > 1)").fetchone()[0] == 0
