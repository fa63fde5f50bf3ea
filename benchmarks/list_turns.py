"""The window's own work when the list is redrawn, in GUI-thread CPU time (steady under load,
unlike wall time): a repaint of the visible rows, painted before and never painted, and the
longest turn of the event loop after `data_changed()` (what each source a sync finishes does).

    python benchmarks/list_turns.py --db COPY_OF_A_DATABASE [--runs 80]

The database is copied first (opening items marks them read). A 0 ms QTimer splits the
loop's turns; the longest gap between its ticks is the longest turn.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--runs", type=int, default=80)
    args = ap.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    from inbox.ui.prewarm import prewarm

    prewarm()
    from inbox.store import Store
    from inbox.ui.application import EXTENSIONS, install_extensions
    from inbox.ui.main_window import MainWindow

    tmp = Path(tempfile.mkdtemp())
    shutil.copy(args.db, tmp / "copy.db")
    store = Store(tmp / "copy.db")
    window = MainWindow(store, db_path=store.path, is_demo=False,
                        settings=QSettings(str(tmp / "ui.ini"), QSettings.Format.IniFormat))
    install_extensions(window, [n for n in EXTENSIONS if n not in ("inbox.ui.first_run", "inbox.ui.sync_controller")])
    window.resize(1280, 800)
    window.show()
    turns: list[float] = []
    last = [time.thread_time()]

    def beat() -> None:
        t = time.thread_time()
        turns.append(t - last[0])
        last[0] = t

    heartbeat = QTimer()
    heartbeat.setInterval(0)
    heartbeat.timeout.connect(beat)

    def settle(seconds: float) -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.001)

    settle(2)
    view = window.list_ctl.list_view
    delegate = view.itemDelegate()
    fresh, painted = [], []
    for _ in range(args.runs):
        if hasattr(delegate, "rows"):
            delegate.rows.clear()
        t = time.thread_time()
        view.viewport().repaint()
        fresh.append((time.thread_time() - t) * 1000)
        t = time.thread_time()
        view.viewport().repaint()
        painted.append((time.thread_time() - t) * 1000)
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {len(window.model.rows)} rows loaded")
    print(f"repaint, rows never painted: median {statistics.median(fresh):.2f} ms, min {min(fresh):.2f} ms")
    print(f"repaint, rows painted before: median {statistics.median(painted):.2f} ms, min {min(painted):.2f} ms")
    heartbeat.start()
    longest = []
    for _ in range(8):
        turns.clear()
        last[0] = time.thread_time()
        window.data_changed()
        settle(0.5)
        longest.append(max(turns) * 1000)
    heartbeat.stop()
    print("data_changed(), longest turn of 8 runs: " + ", ".join(f"{x:.1f}" for x in longest)
          + f" ms (median {statistics.median(longest):.1f})")
    window.shutdown()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
