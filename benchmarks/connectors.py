"""The HTTP sync's client side alone: each connector fetching, parsing and building its items
from the local fake APIs, then the items prepared for the writer, with no database writes.

    python benchmarks/connectors.py [--scale 0.2] [--rounds 3] [--only mastodon,rss]

Why: `benchmarks/sync.py` mixes the connectors with the writer's SQLite (on the other core)
and the machine's load. This prints the CPU time of the client side per item and source
(best of `--rounds`), the figure to compare A/B (or under `valgrind --tool=callgrind`); the
fake APIs run in a separate process, as in sync.py, and are not counted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from sync import MIX, add_sources  # noqa: E402

from inbox.secrets import MemorySecrets, read_source  # noqa: E402
from inbox.sources.registry import connector_class  # noqa: E402
from inbox.store import Store  # noqa: E402
from inbox.store.ingest_prep import prepare_items  # noqa: E402
from inbox.sync.http import HttpClient  # noqa: E402


async def run_source(store: Store, secrets: MemorySecrets, name: str) -> tuple[int, float]:
    """Items a source delivers and the CPU seconds it took (fetch, parse, build, prepare)."""
    source = store.get_source(name)
    cls = connector_class(source.kind)
    values = read_source(secrets, source) if cls.secrets else {}
    async with HttpClient() as http:
        http.add_secrets(values)
        connector = cls(source, values, http)
        count, cpu0 = 0, time.process_time()
        async for page in connector.pages(dict(source.cursor)):
            count += len(prepare_items(source.id, source.kind, page.items).rows)
        return count, time.process_time() - cpu0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=0.2, help="multiply sync.py's item counts")
    ap.add_argument("--rounds", type=int, default=3, help="runs per source; the best is printed")
    ap.add_argument("--only", default="", help="comma-separated source kinds")
    args = ap.parse_args()
    kinds = [k for k in MIX if not args.only or k in args.only.split(",")]
    counts = {k: max(1, int(MIX[k] * args.scale)) for k in kinds}
    server = subprocess.Popen([sys.executable, "-m", "tests.replay.serve",
                               *[f"--{k}={v}" for k, v in counts.items()]],
                              cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        info = json.loads(server.stdout.readline())
        with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.db") as store:
            secrets = MemorySecrets()
            add_sources(store, info["base_url"], secrets)
            total_items, total_cpu = 0, 0.0
            for kind in kinds:
                best = min((asyncio.run(run_source(store, secrets, f"bench-{kind}"))
                            for _ in range(args.rounds)), key=lambda r: r[1])
                items, cpu = best
                total_items += items
                total_cpu += cpu
                print(f"{kind:9} {items:7,} items  {cpu:6.3f} s CPU  {cpu / max(items, 1) * 1e6:7.1f} µs/item")
            print(f"all       {total_items:7,} items  {total_cpu:6.3f} s CPU  "
                  f"{total_cpu / max(total_items, 1) * 1e6:7.1f} µs/item = "
                  f"{total_items / max(total_cpu, 1e-9):,.0f} items per client CPU-second (connectors + "
                  "preparing, no writes)")
    finally:
        server.stdin.close()
        server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
