"""Team replica benchmark: a laptop's replica catching up 10,000 changes of the team inbox.

    python benchmarks/team_replica.py [--items 50000] [--rounds 3]

Starts its own server (tests/pg.py, durable settings: fsync on), makes a team inbox with
`--items` synthetic reviews, makes this machine's replica of it (`connect_replica`: the
first copy, timed too), then, each round, makes 10,000 changes on the server (6,000 items
marked done or back, 3,000 tagged, 1,000 conversations assigned) and times `TeamLink.catch_up`:
reading the changes, the rows they touch and writing them into the replica (search index,
maintained counts, history). Wall clock, this process's CPU time and the server's (its
processes' CPU from /proc). Issue 20's budget: a catch-up of 10,000 changes <= 2 s.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.team import items  # noqa: E402
from inbox.domain import InboxFilter  # noqa: E402
from inbox.services.team_link import TeamLink, connect_replica  # noqa: E402
from inbox.store import Store  # noqa: E402
from inbox.store.team import TeamStore, init_team  # noqa: E402
from tests.pg import start_server  # noqa: E402

CHANGES = 10_000


def server_cpu(root: Path) -> float:
    """CPU seconds used so far by the server started in `root` (its postmaster and the
    backends it forked), from /proc: the steadier figure on a busy machine."""
    stats: dict[int, list[str]] = {}
    started: set[int] = set()  # runuser and the postmaster: their command lines name `root`
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                stats[int(pid)] = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if str(root).encode() in f.read():
                    started.add(int(pid))
        except OSError:
            continue
    # utime + stime of those and of the backends they forked (ppid); a backend that has
    # ended is not counted: the link's connections stay open while it is measured
    ticks = sum(int(st[11]) + int(st[12]) for pid, st in stats.items() if pid in started or int(st[1]) in started)
    return ticks / os.sysconf("SC_CLK_TCK")


def make_changes(team: TeamStore, heads: list[int], rnd: int, rng: random.Random) -> int:
    """10,000 changes of the kinds a team makes; returns how many the server recorded."""
    before = team.last_change()
    picked = rng.sample(heads, 10_000)
    status = "done" if rnd % 2 == 0 else "read"
    for k in range(0, 6000, 500):
        team.set_status(picked[k:k + 500], status)
    for k in range(6000, 9000, 500):
        team.tag_items(picked[k:k + 500], f"Round {rnd}")
    for k in range(9000, 10_000, 250):
        team.assign(picked[k:k + 250], team.me())
    return team.last_change() - before


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    server = start_server(settings=("shared_buffers=256MB", "max_connections=20"))
    try:
        url = server.url(server.create_database(), password=True)
        init_team(url, None)
        with TeamStore(url) as team, tempfile.TemporaryDirectory() as data:
            rng = random.Random(7)
            source = team.add_source("google", "Bench")
            for k in range(0, args.items, 1000):
                team.save_page(source.id, items(k, min(1000, args.items - k), rng))
            with team.cursor() as cur:
                cur.execute("ANALYZE")
            heads = [r.id for r in team.iter_items(InboxFilter())]
            wall, cpu = time.perf_counter(), time.process_time()
            path = connect_replica(url, None, Path(data))
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            print(f"first copy: {args.items:,} items in {wall:.1f} s (client CPU {cpu:.1f} s)")
            walls: list[float] = []
            with Store(path) as replica, TeamLink(replica, url, None) as link:
                link.catch_up()
                for rnd in range(args.rounds):
                    made = make_changes(team, heads, rnd, rng)
                    wall, cpu, srv = time.perf_counter(), time.process_time(), server_cpu(server.root)
                    applied = link.catch_up()
                    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                    srv = server_cpu(server.root) - srv
                    walls.append(wall)
                    print(f"catch-up round {rnd + 1}: {applied:,} changes (server made {made:,}) in "
                          f"{wall * 1000:.0f} ms (client CPU {cpu * 1000:.0f} ms, server CPU {srv * 1000:.0f} ms)")
                assert replica.counts() == replica.recounted()
            print(f"catch-up of {CHANGES:,} changes: median {statistics.median(walls) * 1000:.0f} ms, "
                  f"worst {max(walls) * 1000:.0f} ms (budget 2,000 ms)")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
