"""The window's turns when a sync's first rows arrive in an empty inbox (the worst gap of
`sync_window.py`), in GUI-thread CPU time, with each turn's time split by what ran in it.

    python benchmarks/first_rows.py [--rows 300] [--runs 5]

Each run is a fresh process (fonts, pixmaps and widgets shown for the first time, as in a
sync's first rows): an empty store and the window at 1280 x 800, then one source's page is
saved and `data_changed()` called as a finished source does. A 0 ms QTimer splits the loop's
turns; the longest turn and its parts (the model reset, the rows' paint, opening the item)
are printed. Budget: no turn over ~10 ms of GUI-thread work (a 16 ms frame with margin).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def one_run(rows: int, width: int, height: int, over: float = 8.0) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    from inbox.ui.prewarm import prewarm

    prewarm()
    from inbox.domain import Author, Item, ItemKind
    from inbox.store import Store
    from inbox.ui import delegate as delegate_mod
    from inbox.ui.application import EXTENSIONS, install_extensions
    from inbox.ui.controllers.reading import ReadingController
    from inbox.ui.list_model import ItemListModel
    from inbox.ui.main_window import MainWindow
    from inbox.ui.profile import InsightsBar
    from inbox.ui.reading_pane import ReadingPane
    from inbox.ui.replies import RepliesController

    parts: dict[str, float] = defaultdict(float)  # this turn's CPU by part

    def timed(name: str, fn):
        def wrapper(*a, **k):
            t = time.thread_time()
            try:
                return fn(*a, **k)
            finally:
                parts[name] += time.thread_time() - t
        return wrapper

    delegate_mod.ItemDelegate.paint = timed("rows' paint", delegate_mod.ItemDelegate.paint)
    ReadingController.open = timed("opening the item", ReadingController.open)
    ItemListModel.endResetModel = timed("model reset", ItemListModel.endResetModel)
    # connected as bound methods when the window is built: patched before it
    RepliesController.item_changed = timed("reply box", RepliesController.item_changed)
    InsightsBar.show_item = timed("author panel", InsightsBar.show_item)
    ReadingPane.show_thread = timed("reading pane", ReadingPane.show_thread)


    tmp = Path(tempfile.mkdtemp())
    store = Store(tmp / "bench.db")
    window = MainWindow(store, db_path=store.path, is_demo=False,
                        settings=QSettings(str(tmp / "ui.ini"), QSettings.Format.IniFormat))
    install_extensions(window, [n for n in EXTENSIONS if n not in ("inbox.ui.first_run", "inbox.ui.sync_controller")])
    window.resize(width, height)
    window.show()

    def settle(seconds: float) -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.001)

    settle(1.5)
    now = datetime.now(UTC)
    source = store.add_source("google", "Café · Google")
    words = ["the", "coffee", "was", "lovely", "but", "the", "queue", "at", "lunch", "was", "far", "too", "slow", "for", "a", "weekday", "visit"]
    store.save_page(source.id, [
        Item(external_id=f"g{n}", kind=ItemKind.REVIEW, rating=n % 5 + 1,
             text=" ".join(words[(n + k) % len(words)] for k in range(12 + n % 20)),
             author=Author(external_id=f"a{n % 97}", display_name=f"Guest Person {n % 97}"),
             created_at=now - timedelta(minutes=7 * n + 1))
        for n in range(rows)])
    turns: list[tuple[float, dict[str, float]]] = []
    last = [time.thread_time()]

    def beat() -> None:
        t = time.thread_time()
        turns.append(((t - last[0]) * 1000, {k: v * 1000 for k, v in parts.items()}))
        parts.clear()
        last[0] = time.thread_time()

    heartbeat = QTimer()
    heartbeat.setInterval(0)
    heartbeat.timeout.connect(beat)
    heartbeat.start()
    last[0] = time.thread_time()
    window.data_changed()
    settle(1.5)
    heartbeat.stop()
    shown = len(window.model.rows)
    window.shutdown()
    store.close()
    longest = max(turns, key=lambda t: t[0])
    return {"longest": longest[0], "parts": longest[1], "rows": shown,
            "over8": [(round(ms, 1), {k: round(v, 1) for k, v in part.items()}) for ms, part in turns if ms > over]}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=300)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--small", action="store_true", help="1024 x 640 instead of 1280 x 800")
    ap.add_argument("--over", type=float, default=8.0, help="list the turns over this many ms")
    ap.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    size = (1024, 640) if args.small else (1280, 800)
    if args.one:
        print(json.dumps(one_run(args.rows, *size, over=args.over)))
        return 0
    results = []
    for _ in range(args.runs):
        cmd = [sys.executable, __file__, "--one", f"--rows={args.rows}", f"--over={args.over}"] + (["--small"] if args.small else [])
        out = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        results.append(r)
        print(f"longest turn {r['longest']:.1f} ms of GUI-thread CPU: "
              + ", ".join(f"{k} {v:.1f}" for k, v in sorted(r["parts"].items()))
              + f"; turns over {args.over:g} ms: {r['over8']}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores; "
          f"{results[0]['rows']} rows shown, {size[0]} x {size[1]}")
    print(f"first rows' longest turn, GUI-thread CPU: median {statistics.median(r['longest'] for r in results):.1f} ms, "
          f"max {max(r['longest'] for r in results):.1f} ms (budget ~10 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
