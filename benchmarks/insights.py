"""Benchmark: the dashboard's figures over 1,000,000 items must take <= 1 s.

    python benchmarks/insights.py [--items 1000000] [--rebuild]

Builds (once, cached under bench-data/) a workspace of an own business with six sources
and two competitors with two sources each, over three years: customer items with ratings,
sentiment labels and phrases, and owner replies in their threads — written with direct
SQL inserts, because scoring a million texts with VADER is not what is measured here.
Then times `inbox.services.insights.compute` for each period of the picker.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from inbox.services.insights import compute  # noqa: E402
from inbox.services.themes import Period  # noqa: E402
from inbox.store import Store  # noqa: E402

ANCHOR = datetime(2026, 11, 1, tzinfo=UTC)
SOURCES = [("google", "Cafe · Google", "own"), ("yelp", "Cafe · Yelp", "own"), ("facebook", "Cafe · Facebook", "own"),
           ("mastodon", "Mastodon mentions", "own"), ("trustpilot", "Cafe · Trustpilot", "own"),
           ("googleplay", "Cafe app · Google Play", "own"), ("google", "Rival · Google", "competitor"),
           ("yelp", "Rival · Yelp", "competitor"), ("google", "Grind · Google", "competitor"),
           ("trustpilot", "Grind · Trustpilot", "competitor")]
PRAISE = ["flat white", "friendly staff", "almond croissant", "window seat", "loyalty card", "banana bread",
          "quick service", "oat milk", "sourdough toast", "cosy corner", "staff", "view", "brunch", "music"]
COMPLAINTS = ["long wait", "cold coffee", "rude staff", "high price", "order wrong", "dirty table",
              "app crash", "queue", "noise", "parking", "price", "milk"]
REPLY_RATE = 0.35


def build(path: Path, n: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    store = Store(path)
    conn = store.conn
    for kind, name, whose in SOURCES:
        store.add_source(kind, name, whose=whose)
    conn.execute("PRAGMA synchronous = OFF")
    authors = 150_000
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO authors (platform, external_id, display_name) VALUES ('google', ?, ?)",
                     ((f"a{i}", f"Customer {i}") for i in range(1, authors + 1)))
    conn.execute("COMMIT")
    customers = int(n / (1 + REPLY_RATE))
    span = 3 * 365 * 86400
    batch: list[tuple] = []
    phrases: list[tuple] = []
    threads: list[tuple] = []
    item_id = 0
    t0 = time.perf_counter()
    conn.execute("BEGIN")
    for k in range(customers):
        sid = rng.choices(range(1, 11), [30, 5, 8, 6, 10, 6, 15, 4, 12, 4])[0]
        created = ANCHOR - timedelta(seconds=int(span * rng.random() ** 1.3))
        rating = rng.choices([1, 2, 3, 4, 5], [10, 8, 12, 28, 42])[0]
        label = "positive" if rating >= 4 else "negative" if rating <= 2 else rng.choice(["neutral", "positive"])
        words = rng.sample(PRAISE if label == "positive" else COMPLAINTS, 3)
        text = f"Review about {words[0]} and {words[1]}; also {words[2]}."
        item_id += 1
        root = item_id
        stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
        threads.append((root, sid, f"x{k}", root, stamp))
        batch.append((root, sid, f"x{k}", "review", rng.randint(1, authors), rating, text, stamp, 0, None,
                      root, (rating - 3) / 2, label, "read"))
        phrases += [(root, w) for w in words]
        if item_id >= n:
            break
        if rng.random() < REPLY_RATE:
            item_id += 1
            when = (created + timedelta(hours=rng.uniform(0.5, 96))).strftime("%Y-%m-%dT%H:%M:%SZ")
            batch.append((item_id, sid, f"x{k}r", "reply", None, None, "Thank you!", when, 1, f"x{k}",
                          root, None, None, "read"))
        if len(batch) >= 20_000:
            _flush(conn, batch, phrases, threads)
    _flush(conn, batch, phrases, threads)
    conn.execute("COMMIT")
    store.rebuild_derived()  # reply times and per-day figures (ingest's work, skipped here)
    conn.execute("ANALYZE")
    print(f"built {item_id:,} items in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    store.close()


def _flush(conn, batch: list, phrases: list, threads: list) -> None:
    conn.executemany("INSERT INTO threads (id, source_id, root_external_id, root_item_id, last_activity_at) "
                     "VALUES (?, ?, ?, ?, ?)", threads)
    conn.executemany(
        "INSERT INTO items (id, source_id, external_id, kind, author_id, rating, text, created_at, "
        "is_owner_reply, parent_external_id, thread_id, sentiment, sentiment_label, status, fetched_at, reply_seconds) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '2026-11-01T00:00:00Z', NULL)", batch)
    conn.executemany("INSERT OR IGNORE INTO item_phrases (item_id, phrase) VALUES (?, ?)", phrases)
    batch.clear()
    phrases.clear()
    threads.clear()


def migration(path: Path) -> None:
    """Time the insights migration on a copy of the database put back to the schema before it (as a workspace from
    before insights): aggregate, reply times, indexes, and scoring of the newest items."""
    import shutil
    import sqlite3

    copy = path.with_name("insights-migrate.db")
    shutil.copyfile(path, copy)
    conn = sqlite3.connect(copy, isolation_level=None)
    for (name, kind) in conn.execute("SELECT name, type FROM sqlite_master WHERE type IN ('trigger', 'index') "
                                     "AND (name LIKE 'items_reply_time%' OR name LIKE 'insight_days%' "
                                     "OR name IN ('items_insights', 'items_owner_replies', 'authors_by_person'))"
                                     ).fetchall():
        conn.execute(f"DROP {kind} {name}")
    conn.execute("DROP TABLE insight_days")
    conn.execute("DROP TABLE item_phrases")
    conn.execute("ALTER TABLE items DROP COLUMN reply_seconds")
    conn.execute("UPDATE items SET sentiment = NULL, sentiment_label = NULL")
    from inbox.store.migrations import MIGRATIONS, m005_insights

    conn.execute(f"PRAGMA user_version = {MIGRATIONS.index(m005_insights)}")
    conn.execute("VACUUM")
    conn.close()
    from inbox.services.workspace import open_store

    t0 = time.perf_counter()
    open_store(copy).close()  # the migration, then the sentiment of the newest items
    print(f"insights migration on {path.name}: {time.perf_counter() - t0:.1f} s")
    copy.unlink()


def ingest_cost(n: int = 20_000) -> None:
    """Ingest throughput without and with the insights triggers and the sentiment hook
    (VADER + phrases per item), on the store benchmark's items, pages of 500."""
    import tempfile

    from benchmarks.store import PAGE, generate
    from inbox.services.pipeline import default_pipeline

    for label, triggers, hooked in (("without the insights triggers or sentiment", False, False),
                                    ("with the insights triggers", True, False),
                                    ("with the triggers and the sentiment hook", True, True)):
        pipeline = default_pipeline() if hooked else None
        with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "ingest.db") as store:
            if not triggers:
                for (name,) in store.conn.execute(
                        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND "
                        "(name LIKE 'items_reply_time%' OR name LIKE 'insight_days%')").fetchall():
                    store.conn.execute(f"DROP TRIGGER {name}")
            sources = [store.add_source("google", f"S{k}") for k in range(5)]
            pages: list[list] = [[] for _ in sources]
            t0 = time.perf_counter()
            for k, item in generate(n):
                pages[k].append(item)
                if len(pages[k]) == PAGE:
                    store.save_page(sources[k].id, pages[k], pipeline=pipeline)
                    pages[k] = []
            for k, page in enumerate(pages):
                store.save_page(sources[k].id, page, pipeline=pipeline)
            elapsed = time.perf_counter() - t0
        print(f"ingest {n:,} items {label}: {n / elapsed:,.0f} items/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--migration", action="store_true", help="also time the insights migration on a copy")
    parser.add_argument("--ingest", action="store_true", help="also time ingest with and without sentiment")
    args = parser.parse_args()
    if args.ingest:
        ingest_cost()
    path = ROOT / "bench-data" / f"insights-{args.items}.db"
    if args.rebuild or not path.exists():
        build(path, args.items)
    if args.migration:
        migration(path)
    reader = Store.open_reader(path)
    total = reader.conn.execute("SELECT count(*) FROM items").fetchone()[0]
    import os

    print(f"database: {path.name}, {total:,} items, {path.stat().st_size / 1e6:.0f} MB; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    today = ANCHOR.date().isoformat()
    cases = [("30 days", Period.last(30, today), None), ("90 days", Period.last(90, today), None),
             ("12 months", Period.last(365, today), None), ("12 months, 2 sources", Period.last(365, today), [1, 7]),
             ("3 years (custom)", Period.last(3 * 365, today), None)]
    results = {}
    for name, period, sources in cases:
        times, cpu = [], []
        for _ in range(args.runs):
            t0, c0 = time.perf_counter(), time.process_time()
            fig = compute(reader, period, sources)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        items = sum(b.volume for b in fig.businesses)
        results[name] = {"items_in_period": items, "first_s": round(times[0], 3),
                         "median_s": round(statistics.median(times), 3), "median_cpu_s": round(statistics.median(cpu), 3)}
        print(f"{name:<22} {items:>9,} items  first {times[0]:.3f} s  median {statistics.median(times):.3f} s"
              f"  (cpu {statistics.median(cpu):.3f} s)")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
