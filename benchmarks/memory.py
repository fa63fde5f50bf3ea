"""Peak memory with the window open on 100,000 rows, every feature installed.

    python benchmarks/memory.py --db PATH [--rows 100000] [--top 15]

Opens the main window offscreen in a fresh process on the database (e.g. the 100,000 items
`benchmarks/peer.py --keep DIR` imports), installs every extension, loads rows page by page
until `--rows` are in the list (as scrolling to the end does), paints, and reports the peak
RSS (ru_maxrss) and, with `--top`, where Python's own allocations are (tracemalloc: this
slows the run and adds its own overhead, so the RSS of such a run is not the figure).
Budget: 250 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGET_MB = 250

CHILD = r"""
import json, resource, sys, time, tracemalloc
top = int(sys.argv[5])
if top:
    tracemalloc.start(8)
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
sys.path.insert(0, sys.argv[2])
from inbox.store import Store
from inbox.ui.main_window import MainWindow
from inbox.ui.application import EXTENSIONS, install_extensions

from inbox.ui.gc_guard import freeze_startup
from inbox.ui.prewarm import forget_sources, prewarm

app = QApplication([])
prewarm()  # the start as inbox/ui/application.py's run() makes it
store = Store(sys.argv[1])
window = MainWindow(store, settings=QSettings(sys.argv[3], QSettings.Format.IniFormat))
install_extensions(window, [n for n in EXTENSIONS if n != "inbox.ui.first_run"])
forget_sources()
freeze_startup()
window.resize(1280, 800)
window.show()
model = window.model
want = int(sys.argv[4])

def wait_loaded():
    while model.loading or window.workers.pending:
        app.processEvents()
        time.sleep(0.0005)

wait_loaded()
after_open = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
while len(model.rows) < want and model.canFetchMore():
    window.list_view.scrollToBottom()
    model.fetchMore()
    wait_loaded()
    app.processEvents()
window.list_view.viewport().repaint()
for _ in range(50):
    app.processEvents()
    time.sleep(0.002)
out = {"rows": len(model.rows), "rss_after_open_mb": after_open,
       "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
if top:
    snap = tracemalloc.take_snapshot()
    out["python_mb"] = sum(s.size for s in snap.statistics("filename")) / 2**20
    out["top"] = [f"{s.size / 2**20:7.1f} MB  {s.traceback.format()[-1].strip()[:140]}"
                  for s in snap.statistics("lineno")[:top]]
print(json.dumps(out))
window.shutdown()
store.close()
"""


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--top", type=int, default=0)
    args = ap.parse_args()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run([sys.executable, "-c", CHILD, str(args.db), str(ROOT), f"{tmp}/s.ini",
                               str(args.rows), str(args.top)],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        raise SystemExit(done.stderr[-3000:])
    data = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"rows loaded: {data['rows']:,}; peak RSS after opening {data['rss_after_open_mb']:.0f} MB, "
          f"with the rows {data['peak_rss_mb']:.0f} MB (budget {BUDGET_MB} MB)")
    if args.top:
        print(f"Python allocations (tracemalloc): {data['python_mb']:.0f} MB; the largest:")
        print("\n".join(data["top"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
