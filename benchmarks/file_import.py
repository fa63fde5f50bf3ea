"""File-import benchmark: a big CSV export imported, re-imported unchanged, and re-imported
with one row edited (the cases a user repeats with each new export).

    python benchmarks/file_import.py [--rows 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from inbox.domain import Source
from inbox.sources.file import FileConnector
from inbox.store import Store


async def run_import(store: Store, source_id: int) -> tuple[float, int, int]:
    start = time.perf_counter()
    new = updated = 0
    conn = FileConnector(store.get_source(source_id), {}, None)  # type: ignore[arg-type]
    async for page in conn.pages(store.get_source(source_id).cursor):
        result = store.save_page(source_id, page.items, page.cursor)
        new, updated = new + result.new, updated + result.updated
    return time.perf_counter() - start, new, updated


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    rows = ["Review ID,Date,Name,Stars,Title,Comment"] + [
        f'R{i},2025-{1 + i % 12:02d}-{1 + i % 28:02d} 10:00:00,Name {i % 3000},{1 + i % 5},T{i},'
        f'"Comment number {i}, with some words about coffee and cake"' for i in range(args.rows)]
    path = tmp / "export.csv"
    path.write_text("\n".join(rows), encoding="utf-8")
    store = Store(tmp / "inbox.db")
    source: Source = store.add_source("file", "export", settings={"path": str(path)})
    first = asyncio.run(run_import(store, source.id))
    same = asyncio.run(run_import(store, source.id))
    path.write_text("\n".join([*rows[:-1], rows[-1].replace("cake", "scones")]), encoding="utf-8")
    edited = asyncio.run(run_import(store, source.id))
    print(f"{args.rows} rows, {path.stat().st_size // 1024} KB")
    print(f"first import:   {first[0]:.2f} s ({first[1]} new, {args.rows / first[0]:.0f} rows/s)")
    print(f"unchanged file: {same[0] * 1000:.0f} ms ({same[1]} new)")
    print(f"one row edited: {edited[0]:.2f} s ({edited[2]} updated)")


if __name__ == "__main__":
    main()
