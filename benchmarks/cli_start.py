"""Command-line start: `inbox --version` and `inbox search QUERY` as whole processes.

    python benchmarks/cli_start.py --db PATH [--runs 20] [--query croissant]

The database should hold 100,000 items (e.g. the one `benchmarks/peer.py --keep DIR` leaves).
Prints, per command (and `inbox stats`, which has no budget), the median and best wall time and the median CPU time (user + system
of the process, from rusage), beside a bare `python -c pass` for what the interpreter alone
costs. Budgets: --version <= 80 ms, search <= 120 ms.

The commands run with their bytecode cached, as an installed app has it (pip compiles it;
the frozen app carries it): PYTHONDONTWRITEBYTECODE, if set, is dropped and the cache goes
to a folder of its own under the temp dir (PYTHONPYCACHEPREFIX), not into the checkout.
Without it every run compiles the package afresh: about 1.9x the instructions of a search.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def compiled_env(env: dict[str, str]) -> dict[str, str]:
    """`env` for a child `python -m inbox` that reads and keeps its bytecode (see above)."""
    env = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "inbox-bench-pycache")
    return env


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--query", default="croissant")
    args = ap.parse_args()
    env = compiled_env({**os.environ, "PYTHONPATH": str(ROOT), "INBOX_DB": str(args.db)})
    py = sys.executable
    cases = {"python -c pass": [py, "-c", "pass"],
             "inbox --version": [py, "-m", "inbox", "--version"],
             f"inbox search {args.query} --limit 200": [py, "-m", "inbox", "search", args.query, "--limit", "200"],
             "inbox stats": [py, "-m", "inbox", "stats"]}
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    for name, cmd in cases.items():
        run(cmd, env)  # warm the file cache
        walls, cpus = zip(*(run(cmd, env) for _ in range(args.runs)), strict=True)
        print(f"{name:<40} wall median {statistics.median(walls) * 1000:6.0f} ms, best {min(walls) * 1000:5.0f} ms; "
              f"CPU median {statistics.median(cpus) * 1000:5.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
