"""Store benchmark: ingest, search and first-page latency at scale.

    python benchmarks/store.py [--items 1000000] [--group PAGES] [--db PATH]

Budgets at 1,000,000 items on a 2-core machine: ingest >= 20,000 items/s (upsert +
threading + FTS), search p95 <= 50 ms, first page p95 <= 30 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from inbox.domain import Author, InboxFilter, Item, View, parse_time
from inbox.services import demo_text as T
from inbox.store import Store
from inbox.store.bulk import BulkLoad

PAGE = 500
QUERIES = ["croissant", "queue", "flat white", '"almond croissant"', "crois*", "rude staff", "latte cold",
           "wifi", "vegan", "prices", "dog friendly", "harbour", "cardamom buns", "toilets", "music loud",
           "brunch shakshuka", "café", "service slow", "lukewarm", "loyalty card"]


def fragments(rng: random.Random) -> list[str]:
    out = []
    for aspect in T.ASPECTS.values():
        out += aspect["pos"] + aspect["neg"]
    return out + [m.format(day=d) for m in T.SOCIAL_MENTIONS for d in T.DAYS] + T.SOCIAL_REPLIES


def generate(n: int, seed: int = 1):
    """Yield (source index, Item) in pages; 15% are replies to an earlier item."""
    rng = random.Random(seed)
    frags = fragments(rng)
    names = [f"{f} {ln}" for f in T.FIRST_NAMES for ln in T.LAST_NAMES]
    t0 = parse_time("2025-01-01T00:00:00Z")
    for i in range(n):
        k = rng.randrange(5)
        parent = None
        if i > 100 and rng.random() < 0.15:
            j = i - rng.randrange(1, 100)
            if j % 5 == k:
                parent = f"x{j}"
        text = " ".join(rng.sample(frags, rng.randint(1, 3))) + f" #{rng.randrange(10**6)}"
        who = rng.randrange(50_000)
        yield k, Item(f"x{i}", "reply" if parent else "review", text=text,
                      rating=None if parent else rng.randint(1, 5),
                      author=Author(f"u{who}", names[who % len(names)] + f" {who}"),
                      created_at=t0 + timedelta(seconds=i * 30 + rng.randrange(600)),
                      parent_external_id=parent, language="en")


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def ingest(store: Store, n: int, group: int = 1) -> float:
    """Seconds spent in the store's `save_page` (the generator's time is not counted).
    `group` pages share one transaction, as the sync's writer commits pages that queued up."""
    sources = [store.add_source(kind, f"Bench {kind}", whose="competitor" if kind == "yelp" else "own")
               for kind in ("google", "mastodon", "reddit", "yelp", "rss")]
    pages: list[list[Item]] = [[] for _ in sources]
    held: list[tuple[int, list[Item], dict]] = []
    spent = 0.0
    done = 0

    bulk = BulkLoad(store.conn)  # as the sync's writer does

    def save() -> None:
        nonlocal spent, done
        start = time.perf_counter()
        with store.transaction():
            new = sum(store.save_page(sources[k].id, page, cursor).new for k, page, cursor in held)
        bulk.wrote(new)
        spent += time.perf_counter() - start
        done += sum(len(page) for _, page, _ in held)
        held.clear()

    for k, item in generate(n):
        pages[k].append(item)
        if len(pages[k]) == PAGE:
            held.append((k, pages[k], {"at": item.external_id}))
            pages[k] = []
            if len(held) >= group:
                save()
                if done % 100_000 < PAGE * group:
                    print(f"  … {done:,} items, {done / spent:,.0f}/s", flush=True)
    held += [(k, page, {}) for k, page in enumerate(pages) if page]
    save()
    start = time.perf_counter()
    bulk.finish()
    spent += time.perf_counter() - start
    return spent


def bare_insert(n: int, directory: Path) -> float:
    """The same rows into a bare table with one executemany: the floor to compare with."""
    conn = sqlite3.connect(directory / "bare.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE t (source INTEGER, external_id TEXT, kind TEXT, text TEXT, rating INTEGER, "
                 "author TEXT, created_at TEXT, parent TEXT)")
    rows = [(k, it.external_id, str(it.kind), it.text, it.rating, it.author.external_id,
             it.created_at.isoformat(), it.parent_external_id) for k, it in generate(n)]
    start = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def timed(fn, repeat: int = 3) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, help="reuse a database (skips ingest if it has items)")
    parser.add_argument("--group", type=int, default=1, help=f"pages of {PAGE} items per transaction")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="inbox-bench-"))
    path = args.db or workdir / "bench.db"
    store = Store(path)
    print(f"Store benchmark: {args.items:,} items in {path}")
    # Other work on the machine moves the figures by a third (docs/benchmarks.md): say how busy it was.
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} before the run")
    if store.stats()["items"] == 0:
        elapsed = ingest(store, args.items, args.group)
        rate = args.items / elapsed
        print("Bare executemany of the same rows …", flush=True)
        bare = bare_insert(args.items, workdir)
        print(f"ingest ({args.group} page(s) of {PAGE} per transaction): {rate:,.0f} items/s ({elapsed:.1f} s); bare executemany {args.items / bare:,.0f} rows/s "
              f"({bare:.1f} s); ratio {bare / elapsed:.3f} (ingest does {elapsed / bare:.1f}x the work time)")
    store.conn.execute("PRAGMA optimize")
    store.conn.execute("ANALYZE")
    reader = Store.open_reader(path)
    search_ms: list[float] = []
    for q in QUERIES:
        search_ms += timed(lambda q=q: reader.list_items(InboxFilter(query=q), limit=50))
    print(f"search (20 queries x3, first 50 newest): p50 {pct(search_ms, 50):.1f} ms, "
          f"p95 {pct(search_ms, 95):.1f} ms, max {max(search_ms):.1f} ms")
    own = reader.get_source("Bench google").id
    tag = store.ensure_tag("bench")
    store.tag_items(list(range(1, args.items, 97)), tag.name)
    filters = {
        "inbox": InboxFilter(view=View.INBOX),
        "unread, one source": InboxFilter(view=View.UNREAD, source_ids=[own]),
        "competitors 1-2 stars": InboxFilter(whose="competitor", rating_max=2),
        "tag": InboxFilter(tags=["bench"]),
        "last 30 days, 4+ stars": InboxFilter(since="2025-12-01", rating_min=4),
    }
    page_ms: list[float] = []
    for name, flt in filters.items():
        t = timed(lambda flt=flt: reader.list_items(flt, limit=100), repeat=5)
        page_ms += t
        print(f"  first page '{name}': median {statistics.median(t):.1f} ms")
    print(f"first page (5 filters x5): p50 {pct(page_ms, 50):.1f} ms, p95 {pct(page_ms, 95):.1f} ms")
    size = sum(os.path.getsize(p) for p in (path, Path(f"{path}-wal")) if os.path.exists(p))
    print(f"database size: {size / 1e6:,.0f} MB ({size / max(1, args.items):,.0f} bytes/item)")


if __name__ == "__main__":
    main()
