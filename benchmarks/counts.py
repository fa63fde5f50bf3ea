"""Counts benchmark: every count the window shows, at 1,000,000 items.

    python benchmarks/counts.py [--db bench-data/ui-1m.db]   # built by benchmarks/ui.py build

Budget: each count (the sidebar's views, sources and tags; the list's count of a view)
<= 50 ms at 1M items. Measured on a copy of the database, also after snoozing 2,000
conversations (snoozes are looked up live, the rest read from maintained counters), and
checked against a recount from the items.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from inbox.domain import InboxFilter, View, utcnow  # noqa: E402
from inbox.services.operations import Operations  # noqa: E402
from inbox.store import Store  # noqa: E402


def timed(fn, repeat: int = 20) -> tuple[float, float]:
    """(median, p95) in ms of wall time, and CPU time is close on an idle core."""
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    out.sort()
    return statistics.median(out), out[min(len(out) - 1, round(0.95 * (len(out) - 1)))]


def report(store: Store, label: str) -> None:
    reader = Store.open_reader(store.path)
    src = reader.list_sources()[0].id
    for name, fn in (
            ("sidebar counts (views, sources, whose, tags)", lambda: reader.counts()),
            ("tags with counts", lambda: reader.list_tags()),
            ("list count: Inbox", lambda: reader.count_items(InboxFilter(view=View.INBOX))),
            ("list count: a tag", lambda: reader.count_items(InboxFilter(tags=["praise"]))),
            ("list count: All of one source", lambda: reader.count_items(InboxFilter(source_ids=[src]))),
            ("list count: competitors' Done", lambda: reader.count_items(InboxFilter(view=View.DONE,
                                                                                     whose="competitor")))):
        med, p95 = timed(fn)
        print(f"  [{label}] {name}: median {med:.2f} ms, p95 {p95:.2f} ms")
    reader.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, default=ROOT / "bench-data" / "ui-1m.db")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    work = Path(tempfile.mkdtemp(prefix="inbox-counts-")) / "copy.db"
    shutil.copy(args.db, work)
    store = Store(work)
    print(f"{store.stats()['items']:,} items in a copy of {args.db}")
    report(store, "as built")
    ops = Operations(store)
    heads = [r.id for r in store.list_items(InboxFilter(view=View.INBOX), limit=2000)[0]]
    t = time.process_time()
    ops.snooze(heads, utcnow() + timedelta(days=2))
    print(f"  snoozing 2,000 conversations: {(time.process_time() - t) * 1000:.0f} ms CPU")
    report(store, "2,000 snoozed")
    t = time.process_time()
    ops.undo()
    ops.mark_done(heads[:500])
    ops.undo()
    print(f"  undo, done of 500, undo: {(time.process_time() - t) * 1000:.0f} ms CPU")
    t = time.perf_counter()
    exact = store.counts() == store.recounted()
    print(f"  counters equal a recount: {exact} (the recount takes {(time.perf_counter() - t) * 1000:.0f} ms)")
    store.close()
    shutil.rmtree(work.parent)


if __name__ == "__main__":
    main()
