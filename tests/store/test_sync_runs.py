"""Sync runs in the store: a row per run, its counts and how it ended (error and kind)."""

from __future__ import annotations

import sqlite3

from inbox.store import RunCounts, Store
from inbox.store.migrations import migrate
from tests.store.backend import sql


def test_a_run_is_started_finished_and_listed_newest_first(store: Store) -> None:
    src = store.add_source("rss", "Alerts", settings={"url": "http://example.invalid/feed"})
    first = store.start_sync_run(src.id, "2026-03-01T10:00:00Z")
    store.finish_sync_run(first, RunCounts("2026-03-01T10:00:05Z", 12, 10, 2, 1))
    second = store.start_sync_run(src.id, "2026-03-02T10:00:00Z")
    store.finish_sync_run(second, RunCounts("2026-03-02T10:00:03Z", 0, 0, 0, 0,
                                            "could not reach example.invalid", "offline"))
    assert first is not None and second is not None and second != first
    newest, older = store.sync_runs(src.id)
    assert newest["id"] == second and newest["error"] == "could not reach example.invalid"
    assert newest["error_kind"] == "offline" and newest["finished_at"] == "2026-03-02T10:00:03Z"
    assert (older["fetched"], older["new"], older["updated"], older["skipped"]) == (12, 10, 2, 1)
    assert older["error"] is None and older["error_kind"] is None
    assert [r["id"] for r in store.sync_runs(src.id, limit=1)] == [second]


def test_a_run_of_a_removed_source_gets_no_row_and_finishing_it_is_harmless(store: Store) -> None:
    src = store.add_source("rss", "Gone", settings={"url": "http://example.invalid/feed"})
    store.remove_source(src.id)
    run_id = store.start_sync_run(src.id, "2026-03-01T10:00:00Z")
    assert run_id is None
    store.finish_sync_run(run_id, RunCounts("2026-03-01T10:00:01Z", 0, 0, 0, 0, "removed", "removed"))
    assert sql(store, "SELECT count(*) FROM sync_runs") == [(0,)]


def test_runs_go_with_their_source(store: Store) -> None:
    src = store.add_source("rss", "Short-lived", settings={"url": "http://example.invalid/feed"})
    store.start_sync_run(src.id, "2026-03-01T10:00:00Z")
    store.remove_source(src.id)
    assert store.sync_runs(src.id) == []


def test_the_error_kind_column_is_added_to_an_older_database(tmp_path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=7)
    conn.execute("INSERT INTO sources (kind, name, whose, settings, created_at) "
                 "VALUES ('rss', 'Old', 'own', '{}', '2025-01-01T00:00:00Z')")
    conn.execute("INSERT INTO sync_runs (source_id, started_at, error) VALUES (1, '2025-01-02T00:00:00Z', 'x')")
    conn.close()
    with Store(path) as store:
        [run] = store.sync_runs(1)
        assert run["error"] == "x" and run["error_kind"] is None  # older runs: kind unknown
