"""Instructions of the sync writer's work per new row: N rows of a CSV (peer.py's), parsed
first, then written in 5,000-row pages as a big sync writes them, counted by callgrind for
the write phase only (load-independent, unlike CPU time on a shared machine):

    N=10000 CSV=reviews.csv valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        --instr-atstart=no python benchmarks/writer_instructions.py   # "Collected" / N

PREP=1 prepares the pages first as the engine does (`ingest_prep.prepare_items`); OLDEST=1 reads
the file oldest first, as a big import now does (`file_child`)."""
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, os.environ.get("WT", str(Path(__file__).resolve().parents[1])))
from inbox.services.pipeline import default_pipeline
from inbox.sources.file import FileConnector
from inbox.store import Store

N = int(os.environ.get("N", "20000"))
csv = Path(os.environ["CSV"])
tmp = Path(tempfile.mkdtemp())
store = Store(tmp / "x.db")
src = store.add_source("file", "export", settings={"path": str(csv)})
conn = FileConnector(store.get_source(src.id), {}, None)  # type: ignore[arg-type]
items = [i for b in conn.read(csv.read_bytes(), oldest_first=bool(os.environ.get("OLDEST"))) for i in b[0]][:N]
groups = [items[i:i + 5000] for i in range(0, len(items), 5000)]
pipe = default_pipeline().deferred()
if os.environ.get("PREP"):
    from inbox.store.ingest_prep import prepare_items
    groups = [prepare_items(src.id, "file", g) for g in groups]
def ctl(on: bool) -> None:
    """Callgrind counts only between ctl(True) and ctl(False) (needs valgrind installed)."""
    subprocess.run(["callgrind_control", "-i", "on" if on else "off", str(os.getpid())],
                   stdout=sys.stderr, stderr=sys.stderr, check=False)
ctl(True)
with store.bulk_load() as bulk:
    for g in groups:
        with store.transaction():
            r = store.save_page(src.id, g, {"x": 1}, pipeline=pipe)
        bulk.wrote(r.new)
ctl(False)
print("rows", store.conn.execute("select count(*) from items").fetchone()[0])
