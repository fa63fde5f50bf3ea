"""Smoothness with the window open: the longest GUI-thread stall while the window syncs
100,000 items from the 5 local fake sources (benchmarks/sync.py's), then while the analysis
pass adds their sentiment in the background.

    python benchmarks/sync_window.py [--scale 1.0] [--no-analysis] [--profile-turns MS] [--turns]

The window runs as in the app (offscreen Qt, the qasync loop, garbage collection on the GUI
thread, every extension installed) and syncs through its sync controller, which runs the
sync (and then the analysis pass) in a worker process of its own (inbox/sync/child.py). A 10 ms QTimer on
the GUI thread records how late each tick is; the GUI thread's own CPU time inside the worst
gap says how much of it was our code rather than the OS giving the core to another process.
Budget: 16 ms (one frame). `--profile-turns MS` runs cProfile (thread CPU time) on the GUI
thread and prints what ran in each gap that held more than MS ms of it (slower, for finding
the long turns, not for the figures). `--turns` also times each turn of the event loop
(a 0 ms timer: the GUI thread then never sleeps, so its wall figures are not the idle ones)
and prints the longest turns' GUI-thread CPU: a gap's CPU may be several short turns.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

BUDGET_MS = 16.0


def children_cpu() -> float:
    """CPU of the ended child processes (the sync's worker, once it has ended)."""
    t = os.times()
    return t.children_user + t.children_system


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--no-analysis", action="store_true", help="stop after the sync")
    ap.add_argument("--profile-turns", type=float, metavar="MS", default=0.0,
                    help="cProfile the GUI thread and print what ran in each gap with over MS ms of its CPU")
    ap.add_argument("--turns", action="store_true",
                    help="time every turn of the event loop (busy) and print the longest turns' GUI-thread CPU")
    args = ap.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import qasync
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication
    from sync import MIX, add_sources

    from inbox.secrets import MemorySecrets
    from inbox.store import Store
    from inbox.sync.engine import SWITCH_INTERVAL_S
    from inbox.ui.application import EXTENSIONS, install_extensions
    from inbox.ui.gc_guard import collect_on_gui_thread, freeze_startup
    from inbox.ui.main_window import MainWindow
    from inbox.ui.prewarm import prewarm
    from inbox.ui.scoring import backfill_for
    from inbox.ui.sync_controller import SyncController

    counts = {k: max(1, int(v * args.scale)) for k, v in MIX.items()}
    server = subprocess.Popen([sys.executable, "-m", "tests.replay.serve", *[f"--{k}={v}" for k, v in counts.items()]],
                              cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    info = json.loads(server.stdout.readline())
    tmp = Path(tempfile.mkdtemp())
    app = QApplication([])
    prewarm()  # as the app does (inbox/ui/application.py): no connector is first imported mid-sync
    collect_on_gui_thread(app)
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    store = Store(tmp / "bench.db")
    secrets = MemorySecrets()
    add_sources(store, info["base_url"], secrets)
    window = MainWindow(store, db_path=store.path, is_demo=False,
                        settings=QSettings(str(tmp / "ui.ini"), QSettings.Format.IniFormat))
    install_extensions(window, [n for n in EXTENSIONS if n != "inbox.ui.first_run"])
    freeze_startup()  # as the app does
    window.resize(1280, 800)
    window.show()
    controller = window.extensions.get(SyncController)
    controller.startup_timer.stop()
    controller.secrets = secrets
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)

    phase = {"name": "sync"}
    worst: dict[str, tuple[float, float]] = {}
    last = {"wall": time.perf_counter(), "cpu": time.thread_time(), "proc": time.process_time()}

    gaps: list[tuple[float, float, float, str, float]] = []  # (gap ms, GUI CPU ms, s in, phase, process CPU ms)
    began = time.perf_counter()

    profiled: list[tuple[float, float, cProfile.Profile]] = []  # (GUI CPU ms, s in, profile)
    prof = {"p": cProfile.Profile(time.thread_time) if args.profile_turns else None}

    def tick() -> None:
        wall, cpu, proc = time.perf_counter(), time.thread_time(), time.process_time()
        if prof["p"] is not None:  # one profile per gap: kept when the gap held much GUI work
            prof["p"].disable()
            if (cpu - last["cpu"]) * 1000 > args.profile_turns:
                profiled.append(((cpu - last["cpu"]) * 1000, last["wall"] - began, prof["p"]))
            prof["p"] = cProfile.Profile(time.thread_time)
        gap = (wall - last["wall"]) * 1000 - 10
        gaps.append((gap, (cpu - last["cpu"]) * 1000, last["wall"] - began, phase["name"],
                     (proc - last["proc"]) * 1000))
        last["proc"] = proc
        if gap > worst.get(phase["name"], (0.0, 0.0))[0]:
            worst[phase["name"]] = (gap, (cpu - last["cpu"]) * 1000)
        last["wall"], last["cpu"] = wall, cpu
        if prof["p"] is not None:
            prof["p"].enable()
            last["cpu"] = time.thread_time()  # the profiler's own start is not the window's work

    heartbeat = QTimer()
    heartbeat.setInterval(10)
    heartbeat.timeout.connect(tick)

    long_turns: list[tuple[float, float, str]] = []  # (GUI CPU ms, s in, phase) of turns over 3 ms
    turn_count = [0]
    turn_last = [time.thread_time()]

    def turn() -> None:
        cpu = time.thread_time()
        turn_count[0] += 1
        if (cpu - turn_last[0]) * 1000 > 3:
            long_turns.append(((cpu - turn_last[0]) * 1000, time.perf_counter() - began, phase["name"]))
        turn_last[0] = time.thread_time()

    turns_timer = QTimer()
    turns_timer.setInterval(0)
    turns_timer.timeout.connect(turn)

    async def run() -> dict:
        await asyncio.sleep(0.5)  # the window's first paint and layout are not part of the sync
        last["wall"], last["cpu"], last["proc"] = time.perf_counter(), time.thread_time(), time.process_time()
        heartbeat.start()
        if prof["p"] is not None:  # the first gap too (the sync's start)
            prof["p"].enable()
        if args.turns:
            turn_last[0] = time.thread_time()
            turns_timer.start()
        start, cpu0, kids0 = time.perf_counter(), time.process_time(), children_cpu()
        summaries = await controller.run(store.list_sources())
        synced, cpu = time.perf_counter() - start, time.process_time() - cpu0
        out = {"items": sum(s.new for s in summaries), "sync_s": synced, "sync_cpu_s": cpu,
               "worker_cpu_s": children_cpu() - kids0}
        if not args.no_analysis:
            phase["name"] = "analysis"
            while backfill_for(window).running:
                await asyncio.sleep(0.05)
            out["analysis_s"] = time.perf_counter() - start - synced
        heartbeat.stop()
        turns_timer.stop()
        return out

    try:
        with loop:
            out = loop.run_until_complete(run())
    finally:
        server.stdin.close()
        server.wait(timeout=10)
    n = out["items"]
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    print(f"window sync: {n:,} items in {out['sync_s']:.1f} s = {n / out['sync_s']:,.0f} items/s; "
          f"window process CPU {out['sync_cpu_s']:.1f} s = {out['sync_cpu_s'] / n * 1e6:.0f} µs/item; "
          f"sync worker process CPU {out['worker_cpu_s']:.1f} s")
    for name, (gap, cpu) in worst.items():
        print(f"longest GUI stall during {name}: {gap:.1f} ms wall (budget {BUDGET_MS:.0f} ms); "
              f"GUI-thread CPU inside it {cpu:.1f} ms")
    over = sorted(g for g in gaps if g[0] > BUDGET_MS)
    print(f"ticks: {len(gaps):,}; over {BUDGET_MS:.0f} ms: {len(over)}; the largest: " + ", ".join(
        f"{g:.0f} ms (GUI thread CPU {c:.1f} ms, whole process {pc:.0f} ms) at {t:.1f} s in {p}"
        for g, c, t, p, pc in over[::-1][:5]))
    busiest = max(gaps, key=lambda g: g[1], default=None)
    if busiest is not None:  # our own code's longest turn, whatever the load did to wall time
        print(f"most GUI-thread CPU inside one gap: {busiest[1]:.1f} ms (gap {busiest[0]:.0f} ms wall) "
              f"at {busiest[2]:.1f} s in {busiest[3]}; gaps with over {BUDGET_MS:.0f} ms of it: "
              f"{sum(g[1] > BUDGET_MS for g in gaps)}")
    if args.turns:
        top = sorted(long_turns, reverse=True)
        print(f"turns of the loop: {turn_count[0]:,}; over 3 / 8 / 16 ms of GUI-thread CPU: {len(top)} / "
              f"{sum(c > 8 for c, _, _ in top)} / {sum(c > 16 for c, _, _ in top)}; the longest: " + ", ".join(
                  f"{c:.1f} ms at {t:.1f} s in {p}" for c, t, p in top[:6]))
    for ms, at, p in profiled:
        print(f"\n--- gap at {at:.1f} s: {ms:.1f} ms of GUI-thread CPU (under cProfile) ---")
        try:
            pstats.Stats(p).sort_stats("cumulative").print_stats(25)
        except TypeError:  # no Python ran: all of it inside Qt
            print("(no Python code recorded)")
    if "analysis_s" in out:
        print(f"analysis pass after the sync: {out['analysis_s']:.1f} s")
    window.shutdown()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
