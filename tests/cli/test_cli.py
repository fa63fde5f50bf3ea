"""The headless commands, run as a user runs them: a subprocess with --db."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def inbox(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "inbox", *args], cwd=ROOT, env=full_env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "demo.db"
    result = inbox("demo", "--db", str(path))
    assert result.returncode == 0, result.stderr
    return path


def test_demo_fills_a_workspace_and_running_it_twice_adds_nothing(demo_db):
    stats = json.loads(inbox("stats", "--json", "--db", str(demo_db)).stdout)
    again = inbox("demo", "--db", str(demo_db))
    assert again.returncode == 0 and "0 new items" in again.stdout
    assert json.loads(inbox("stats", "--json", "--db", str(demo_db)).stdout)["items"] == stats["items"]
    assert 550 <= stats["items"] <= 700
    assert {"schema_version", "items", "threads", "authors", "tags", "drafts", "sources"} <= set(stats)
    kinds = {s["kind"] for s in stats["sources"]}
    assert len(kinds) >= 6 and {s["whose"] for s in stats["sources"]} == {"own", "competitor"}
    assert all({"name", "kind", "whose", "items"} <= set(s) for s in stats["sources"])
    assert stats["threads"] < stats["items"] and stats["drafts"] >= 2 and stats["tags"] >= 5


def test_demo_data_is_varied_like_real_feedback(demo_db):
    import contextlib
    import sqlite3

    with contextlib.closing(sqlite3.connect(demo_db)) as conn:
        ratings = {r for (r,) in conn.execute("SELECT DISTINCT rating FROM items WHERE rating IS NOT NULL")}
        languages = {r for (r,) in conn.execute("SELECT DISTINCT language FROM items")}
        distinct_share = conn.execute("SELECT count(DISTINCT text) * 1.0 / count(*) FROM items").fetchone()[0]
        span_days = conn.execute("SELECT julianday(max(created_at)) - julianday(min(created_at)) FROM items").fetchone()[0]
        chains = conn.execute("SELECT count(*) FROM (SELECT thread_id FROM items i JOIN sources s ON s.id = i.source_id "
                              "WHERE s.kind IN ('mastodon','bluesky','reddit') GROUP BY thread_id HAVING count(*) >= 3)").fetchone()[0]
        owner_replies = conn.execute("SELECT count(*) FROM items WHERE is_owner_reply = 1").fetchone()[0]
        emoji = conn.execute("SELECT count(*) FROM items WHERE text GLOB '*[😀-🫶☕❤]*'").fetchone()[0]
        longest = conn.execute("SELECT max(length(text)) FROM items").fetchone()[0]
    assert ratings == {1, 2, 3, 4, 5}
    assert len(languages) >= 4
    assert distinct_share > 0.5
    assert 450 <= span_days <= 560
    assert chains >= 5 and owner_replies >= 50 and emoji >= 5 and longest > 250


def test_search_json_lists_matches_newest_first(demo_db):
    result = inbox("search", "croissant", "--json", "--limit", "5", "--db", str(demo_db))
    rows = json.loads(result.stdout)
    assert result.returncode == 0 and 1 <= len(rows) <= 5
    for row in rows:
        assert {"id", "source", "kind", "author", "rating", "created_at", "text", "url", "tags"} <= set(row)
        assert "croissant" in (row["text"] + row.get("title", "")).lower()
    assert [r["created_at"] for r in rows] == sorted((r["created_at"] for r in rows), reverse=True)


def test_bad_query_exits_2_with_one_clear_line(demo_db):
    result = inbox("search", '"flat white', "--db", str(demo_db))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "quote is not closed" in result.stderr
    assert "Traceback" not in result.stderr


def test_inbox_db_environment_variable_is_honoured(demo_db):
    result = inbox("stats", "--json", env={"INBOX_DB": str(demo_db)})
    assert json.loads(result.stdout)["items"] > 500


def test_a_file_that_is_not_a_database_gets_a_clear_error(tmp_path):
    bad = tmp_path / "notes.db"
    bad.write_text("this is not sqlite\n" * 100)
    result = inbox("stats", "--db", str(bad))
    assert result.returncode == 2 and "not a Feedback Inbox database" in result.stderr and "Traceback" not in result.stderr
    assert bad.read_text().startswith("this is not sqlite")


def test_version():
    result = inbox("--version")
    assert result.returncode == 0 and "Feedback Inbox" in result.stdout
