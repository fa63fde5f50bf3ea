"""UI benchmark on a 1,000,000-item database.

    python benchmarks/ui.py            # build (cached in bench-data/), then measure all
    python benchmarks/ui.py build      # only build the database
    python benchmarks/ui.py startup    # process start -> first rows painted (--smoke-test)
    python benchmarks/ui.py scroll     # page loads scrolling to the end of a 100,000-row view
    python benchmarks/ui.py triage     # GUI-thread time of each triage key (on a copy)

Budgets: first rows painted <= 1.5 s from process start; each page load while scrolling
<= 30 ms; peak RSS <= 400 MB. Each measurement runs in its own subprocess (offscreen Qt),
so start-up and RSS figures are those of a fresh app.
"""

from __future__ import annotations

import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = ROOT / "bench-data" / "ui-1m.db"
N_ITEMS = 1_000_000
N_AUTHORS = 50_000
INBOX_EVERY = 10          # one item in ten is not done: the Inbox view holds 100,000 rows
ANCHOR = datetime(2026, 11, 1, tzinfo=UTC)
BUDGET_START_S = 1.5
BUDGET_PAGE_MS = 30.0
BUDGET_RSS_MB = 400.0

WORDS = ["coffee", "croissant", "queue", "friendly", "staff", "slow", "lunch", "cake", "price", "loyalty", "card", "flat", "white", "espresso", "terrace", "music", "wifi", "cosy", "cold", "warm", "noisy", "quiet", "tasty", "stale", "fresh", "vegan", "oat", "milk", "brunch", "eggs", "table", "window", "service", "smile", "rude", "bill", "wait", "sunny", "harbour"]


def build(path: Path = DB) -> Path:
    """Write the database with direct SQL in big batches, then `rebuild_derived` indexes it."""
    from inbox.store import Store

    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".building")
    for p in (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
        p.unlink(missing_ok=True)
    rnd = random.Random(7)
    started = time.perf_counter()
    store = Store(tmp)
    kinds = ["google", "yelp", "trustpilot", "facebook", "mastodon", "bluesky", "reddit", "rss",
             "appstore", "googleplay"]
    sources = [store.add_source(k, f"Bench {k} {n}", whose="competitor" if n else "own").id
               for n in range(2) for k in kinds]
    conn = store.conn
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "INSERT INTO authors (id, platform, external_id, display_name, handle) VALUES (?, 'google', ?, ?, '')",
        ((i, f"a{i}", f"Author {i}") for i in range(1, N_AUTHORS + 1)))
    for tag, colour in (("praise", "#46a758"), ("complaint", "#e5484d"), ("follow up", "#f76b15")):
        conn.execute("INSERT INTO tags (name, colour) VALUES (?, ?)", (tag, colour))

    def rows():
        for i in range(1, N_ITEMS + 1):
            created = ANCHOR - timedelta(seconds=i * 150)
            stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
            status = ("unread" if i % 3 else "read") if i % INBOX_EVERY == 0 else "done"
            text = " ".join(rnd.choices(WORDS, k=12))
            yield (i, sources[i % len(sources)], f"e{i}", "review", f"https://example.org/r/{i}",
                   rnd.randint(1, N_AUTHORS), rnd.randint(1, 5), "", text, stamp, status, stamp)

    batch: list[tuple] = []
    for row in rows():
        batch.append(row)
        if len(batch) == 50_000:
            _insert(conn, batch)
            batch.clear()
    _insert(conn, batch)
    conn.execute("INSERT INTO item_tags (item_id, tag_id) SELECT id, 1 + id % 3 FROM items WHERE id % 7 = 0")
    conn.execute("COMMIT")
    store.rebuild_derived()  # search index and insights figures (ingest's work, skipped here)
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("ANALYZE")
    store.close()
    for suffix in ("-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    tmp.rename(path)
    print(f"built {path} ({N_ITEMS:,} items) in {time.perf_counter() - started:.0f} s", flush=True)
    return path


def _insert(conn, batch: list[tuple]) -> None:
    conn.executemany(
        "INSERT INTO items (id, source_id, external_id, kind, url, author_id, rating, title, text, "
        "created_at, status, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", batch)


# -- start-up: a fresh process until the first rows are painted ---------------------------

def startup(runs: int = 5) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "inbox", "--db", str(DB), "--smoke-test"],
                                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                text=True)
        line = ""
        for line in proc.stdout:
            if line.startswith("smoke test:"):
                break
        painted = time.perf_counter() - started
        proc.wait(timeout=60)
        if "rows painted" not in line or proc.returncode != 0:
            raise SystemExit(f"smoke test failed: {line!r} (exit {proc.returncode})")
        times.append(painted)
    return {"first_rows_s": times, "median_s": statistics.median(times), "budget_s": BUDGET_START_S}


# -- scrolling: page loads to the end of a 100,000-row view --------------------------------

SCROLL_CHILD = r"""
import json, resource, sys, time
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
sys.path.insert(0, sys.argv[2])
from inbox.store import Store
from inbox.ui.main_window import MainWindow
from inbox.ui.application import EXTENSIONS, install_extensions

app = QApplication([])
store = Store(sys.argv[1])
settings = QSettings(sys.argv[3], QSettings.Format.IniFormat)
window = MainWindow(store, settings=settings)
install_extensions(window, [n for n in EXTENSIONS if n != "inbox.ui.first_run"])  # the whole app's RSS
window.resize(1280, 800)
window.show()
model = window.model

def wait_loaded():
    while model.loading or window.workers.pending:
        app.processEvents()
        time.sleep(0.0005)

wait_loaded()
pages, gui_blocked = [], []
view = window.list_view
while model.canFetchMore() or len(model.rows) < 100_000 and not model.exhausted:
    view.scrollToBottom()
    started = time.perf_counter()
    t0 = time.perf_counter()
    model.fetchMore()               # what the view calls when scrolled to the end
    gui_blocked.append((time.perf_counter() - t0) * 1000)
    wait_loaded()
    pages.append((time.perf_counter() - started) * 1000)
    app.processEvents()
view.scrollToBottom()
view.viewport().repaint()
rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"rows": len(model.rows), "pages": pages, "gui_blocked_ms": gui_blocked, "peak_rss_mb": rss_mb}))
window.shutdown()
store.close()
"""


def scroll() -> dict:
    import tempfile

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run([sys.executable, "-c", SCROLL_CHILD, str(DB), str(ROOT), f"{tmp}/s.ini"],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        raise SystemExit(done.stderr[-3000:])
    data = json.loads(done.stdout.strip().splitlines()[-1])
    pages = sorted(data["pages"])
    return {
        "rows": data["rows"], "page_loads": len(pages),
        "page_ms_median": statistics.median(pages), "page_ms_p95": pages[int(len(pages) * 0.95) - 1],
        "page_ms_max": pages[-1], "gui_blocked_ms_max": max(data["gui_blocked_ms"]),
        "peak_rss_mb": data["peak_rss_mb"], "budget_page_ms": BUDGET_PAGE_MS, "budget_rss_mb": BUDGET_RSS_MB,
    }


TRIAGE_CHILD = r"""
import json, sys, time, shutil
from datetime import timedelta
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
sys.path.insert(0, sys.argv[2])
from inbox.store import Store
from inbox.domain import utcnow
from inbox.ui.main_window import MainWindow

app = QApplication([])
store = Store(sys.argv[1])
window = MainWindow(store, settings=QSettings(sys.argv[3], QSettings.Format.IniFormat))
window.resize(1280, 800)
window.show()
def settle():
    while window.model.loading or window.workers.pending:
        app.processEvents()
        time.sleep(0.001)
settle()
times = {}
def timed(name, fn):
    t = time.perf_counter()
    fn()
    times.setdefault(name, []).append((time.perf_counter() - t) * 1000)
    app.processEvents()
for _ in range(10):
    timed("j (open next, mark read)", lambda: window.list_ctl.move_current(1))
    timed("e (done)", window.mark_done)
    timed("s (snooze)", lambda: window.snooze(utcnow() + timedelta(days=1)))
    timed("t (tag)", lambda: window.tag("follow up"))
    timed("u (unread)", lambda: window.triage_ctl.set_status("unread"))
    timed("ctrl+z (undo)", window.undo)
    settle()
print(json.dumps({k: {"median_ms": sorted(v)[len(v) // 2], "max_ms": max(v)} for k, v in times.items()}))
window.shutdown()
store.close()
"""


def triage() -> dict:
    """GUI-thread time of each triage key on the 1M database (on a copy: it writes)."""
    import shutil
    import tempfile

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory(dir=DB.parent) as tmp:
        copy = Path(tmp) / "triage.db"
        shutil.copy(DB, copy)
        done = subprocess.run([sys.executable, "-c", TRIAGE_CHILD, str(copy), str(ROOT), f"{tmp}/s.ini"],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        raise SystemExit(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def query_plans() -> dict[str, list[str]]:
    """EXPLAIN QUERY PLAN of the list page query for the views the benchmark uses."""
    from inbox.domain import InboxFilter, PageCursor, View
    from inbox.store import Store

    plans = {}
    with Store.open_reader(DB) as store:
        for name, flt in (("inbox", InboxFilter(view=View.INBOX)), ("all", InboxFilter(view=View.ALL)),
                          ("source", InboxFilter(view=View.ALL, source_ids=[3]))):
            sql, args = store.page_sql(flt, after=PageCursor("2030", 1 << 40), limit=200)
            plans[name] = [r[3] for r in store.conn.execute(f"EXPLAIN QUERY PLAN {sql}", args)]
    return plans


def main() -> int:
    what = sys.argv[1] if len(sys.argv) > 1 else "all"
    build()
    result: dict = {}
    if what in ("startup", "all"):
        result["startup"] = startup()
    if what in ("scroll", "all"):
        result["scroll"] = scroll()
    if what in ("triage", "all"):
        result["triage"] = triage()
    if what in ("plans", "all"):
        result["plans"] = query_plans()
    print(json.dumps(result, indent=2))
    ok = True
    if "startup" in result:
        ok &= result["startup"]["median_s"] <= BUDGET_START_S
    if "scroll" in result:
        ok &= result["scroll"]["page_ms_p95"] <= BUDGET_PAGE_MS and result["scroll"]["peak_rss_mb"] <= BUDGET_RSS_MB
    print("within budget" if ok else "OVER BUDGET")
    return 0 if ok or what == "build" else 1


if __name__ == "__main__":
    if re.fullmatch(r"build", sys.argv[1] if len(sys.argv) > 1 else ""):
        build()
        sys.exit(0)
    sys.exit(main())
