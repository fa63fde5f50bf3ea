"""A big file's rows read by a process of its own (`inbox.sources.file_child`): the same
rows as reading them here, oldest first when the file lists them newest first, made ready
for ingest there, the same errors, and no reader process left behind by a sync that stops
or is killed."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from inbox.sources import file_child
from inbox.sources.base import BadPayload
from inbox.sources.file import FileConnector
from inbox.store import Store
from tests.replay.harness import add_source, connector, stored

ROOT = Path(__file__).resolve().parents[2]


def newest_first_csv(n: int) -> str:
    """n dated reviews, newest first as exports list them, each about 200 bytes."""
    lines = ["Review ID,Date,Name,Stars,Comment"]
    for i in range(n, 0, -1):
        day, minute = divmod(i, 1440)
        lines.append(f"R{i},2025-{1 + day // 28 % 12:02d}-{1 + day % 28:02d} {minute // 60:02d}:{minute % 60:02d}:00,"
                     f"Reviewer {i % 300},{1 + i % 5},\"Review number {i}: the flat white was fine, "
                     f"the croissant flaky and the staff kind; we will come back {'soon' * 20}\"")
    return "\r\n".join(lines) + "\r\n"


@pytest.fixture
def big_csv(tmp_path: Path) -> Path:
    path = tmp_path / "export.csv"
    path.write_text(newest_first_csv(12_000), encoding="utf-8")
    assert path.stat().st_size >= file_child.CHILD_AT_BYTES  # read by the child, as an import would
    return path


def children_of(pid: int) -> list[int]:
    """The live (not zombie) file reader processes `pid` started, from /proc (not its other
    children: the suite's PostgreSQL server is one)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError):
            fields = stat.read_text().rsplit(") ", 1)[1].split()
            if int(fields[1]) == pid and fields[0] != "Z" and _is_reader(stat.parent / "cmdline"):
                found.append(int(stat.parent.name))
    return found


def _is_reader(cmdline: Path) -> bool:
    args = cmdline.read_bytes().split(b"\0")
    return file_child.READER_MODULE.encode() in args or file_child.FLAG.encode() in args


async def test_a_big_file_read_by_the_child_gives_the_rows_read_here_oldest_first(store, big_csv):
    src = add_source(store, "file", {"path": str(big_csv)}, name="export")
    conn = connector(store, src.id, {}, None)  # type: ignore[arg-type]
    pages = [p async for p in conn.pages({})]
    from_child = [i for p in pages for i in p.items]
    here = [i for items, _, _ in FileConnector(store.get_source(src.id), {}, None).read(  # type: ignore[arg-type]
        big_csv.read_bytes(), None) for i in items]
    assert len(from_child) == len(here) == 12_000
    assert [i.external_id for i in from_child] == [i.external_id for i in reversed(here)]
    assert from_child[0].created_at < from_child[-1].created_at
    by_id = {i.external_id: i for i in here}
    assert all(i == by_id[i.external_id] for i in from_child[:: 97])
    assert "file" in pages[-1].cursor and "file" not in pages[0].cursor
    # the first page says how big the import is (its lines): the writer loads it as a bulk load
    assert pages[0].expected == 12_001 and not any(p.expected for p in pages[1:])


async def test_an_import_numbers_its_items_in_time_order_and_indexes_them_all(store, big_csv):
    src = add_source(store, "file", {"path": str(big_csv)}, name="export")
    async for page in connector(store, src.id, {}, None).pages({}):  # type: ignore[arg-type]
        store.save_page(src.id, page.items, page.cursor)
    rows = sorted(stored(store, src.id).values(), key=lambda r: r.id)
    assert len(rows) == 12_000
    assert [r.created_at for r in rows] == sorted(r.created_at for r in rows)
    assert store.conn.execute("SELECT count(*) FROM items_fts").fetchone()[0] == 12_000
    assert store.conn.execute("SELECT count(*) FROM items_fts WHERE items_fts MATCH 'number AND 777'"
                              ).fetchone()[0] == 1


async def test_the_childs_batches_come_ready_for_ingest_and_are_stored_as_rows_read_here(store, big_csv, tmp_path):
    from inbox.store.ingest_prep import PreparedItems

    src = add_source(store, "file", {"path": str(big_csv)}, name="export")
    pages = [p async for p in connector(store, src.id, {}, None).pages({})]  # type: ignore[arg-type]
    assert all(isinstance(p.items, PreparedItems) and p.items.fits(src.id, "file") for p in pages)
    for page in pages:
        store.save_page(src.id, page.items, page.cursor)
    with Store(tmp_path / "here.db") as here:  # the same rows read in this process, unprepared
        other = add_source(here, "file", {"path": str(big_csv)}, name="export")
        read = FileConnector(here.get_source(other.id), {}, None)  # type: ignore[arg-type]
        for items, _, _ in read.read(big_csv.read_bytes(), None, oldest_first=True):
            here.save_page(other.id, list(items))
        columns = ("id, external_id, kind, title, text, rating, created_at, author_id, thread_id, is_head, "
                   "status, active_at, raw")
        rows = f"SELECT {columns} FROM items ORDER BY id"
        assert store.conn.execute(rows).fetchall() == here.conn.execute(rows).fetchall()
        assert here.conn.execute("SELECT count(*) FROM items_fts").fetchone()[0] == 12_000


def test_a_file_listed_oldest_first_or_undated_keeps_its_order(tmp_path):
    lines = newest_first_csv(300).splitlines()
    oldest_first = "\r\n".join([lines[0], *reversed(lines[1:])])
    undated = "id,text\r\n" + "".join(f"u{i},text {i}\r\n" for i in range(300))
    for name, content, first in (("old.csv", oldest_first, "R1"), ("undated.csv", undated, "u0")):
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        from inbox.domain import Source

        conn = FileConnector(Source(id=1, kind="file", name="x", settings={"path": str(path)}), {}, None)  # type: ignore[arg-type]
        items = [i for batch, _, _ in conn.read(path.read_bytes(), None, oldest_first=True) for i in batch]
        assert items[0].external_id == first and len(items) == 300


async def test_an_unreadable_big_file_says_the_same_through_the_child(store, tmp_path):
    path = tmp_path / "bad.json"
    path.write_bytes(b'[{"id": 1, "text": "' + b"x" * file_child.CHILD_AT_BYTES + b'"')
    src = add_source(store, "file", {"path": str(path)}, name="export")
    with pytest.raises(BadPayload, match="JSON file cannot be read"):
        [p async for p in connector(store, src.id, {}, None).pages({})]  # type: ignore[arg-type]
    assert children_of(os.getpid()) == []


async def test_a_sync_that_stops_early_ends_the_reader_process(store, big_csv):
    src = add_source(store, "file", {"path": str(big_csv)}, name="export")
    pages = connector(store, src.id, {}, None).pages({})  # type: ignore[arg-type]
    first = await pages.__anext__()
    assert len(first.items) == 500 and children_of(os.getpid())
    await pages.aclose()
    assert children_of(os.getpid()) == []


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_an_import_killed_again_and_again_resumes_to_every_row_indexed_once(tmp_path, big_csv):
    db = tmp_path / "kill.db"
    with Store(db) as store:
        add_source(store, "file", {"path": str(big_csv)}, name="export")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "inbox", "--db", str(db), "sync", "--json"]
    # how long a whole import takes on this machine (into a copy): the kills land across it
    scratch = tmp_path / "scratch.db"
    with Store(scratch) as store:
        add_source(store, "file", {"path": str(big_csv)}, name="export")
    started = time.monotonic()
    subprocess.run([*cmd[:4], str(scratch), *cmd[5:]], cwd=ROOT, env=env, capture_output=True, check=True, timeout=200)
    whole = time.monotonic() - started
    seen = []
    for share in (0.5, 0.7, 0.8, 0.9, 0.95, 0.6):
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(share * whole)
        reader = children_of(proc.pid)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        deadline = time.monotonic() + 10  # the reader ends on its own once nobody reads it
        while any(_alive(p) for p in reader) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_alive(p) for p in reader)
        seen.append(_count(db))
    final = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=200)
    assert final.returncode == 0, final.stdout + final.stderr
    with contextlib.closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*), count(DISTINCT external_id) FROM items").fetchone() == (12_000, 12_000)
        assert conn.execute("SELECT count(*) FROM items_fts").fetchone()[0] == 12_000
    assert any(0 < c < 12_000 for c in seen), seen  # kills landed mid-import


def _count(db: Path) -> int:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return conn.execute("SELECT count(*) FROM items").fetchone()[0]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (ended, not yet reaped by init) counts as ended
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    return False


def test_the_frozen_apps_entry_runs_the_reader_with_its_flag(tmp_path):
    """packaging/entry.py (the frozen app) dispatches the hidden flag to the reader."""
    import pickle

    path = tmp_path / "few.csv"
    path.write_text("id,text\r\na,first\r\nb,second\r\n", encoding="utf-8")
    job = pickle.dumps(({"path": str(path)}, path.read_bytes(), None))
    done = subprocess.run([sys.executable, str(ROOT / "packaging" / "entry.py"), file_child.FLAG], input=job,
                          capture_output=True, timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    out = done.stdout
    size = file_child._LENGTH.unpack(out[:8])[0]
    items, skipped, problems = pickle.loads(out[8:8 + size])
    assert [i.external_id for i in items] == ["a", "b"] and (skipped, problems) == (0, [])
    assert pickle.loads(out[16 + size:]) is None  # then the end


def test_the_frozen_apps_reader_prepares_the_batches_for_the_source_it_is_given(tmp_path):
    import pickle

    from inbox.store.ingest_prep import PreparedItems

    path = tmp_path / "few.csv"
    path.write_text("id,text\r\na,first\r\nb,second\r\n", encoding="utf-8")
    job = pickle.dumps(({"path": str(path)}, path.read_bytes(), None, (7, "file")))
    done = subprocess.run([sys.executable, str(ROOT / "packaging" / "entry.py"), file_child.FLAG], input=job,
                          capture_output=True, timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    size = file_child._LENGTH.unpack(done.stdout[:8])[0]
    items, _, _ = pickle.loads(done.stdout[8:8 + size])
    assert isinstance(items, PreparedItems) and items.fits(7, "file") and not items.fits(8, "file")
    assert [items.rows[e]["text"] for e in ("a", "b")] == ["first", "second"]




async def test_broken_rows_of_a_big_file_are_named_by_their_lines_through_the_child(store, tmp_path):
    lines = newest_first_csv(12_000).split("\r\n")
    huge = "x" * 140_000  # past the CSV reader's limit for a cell
    lines[100] = f'Rq,2025-01-01 00:00:00,Bob,5,"a quote that never closes {huge}'  # line 101
    lines[5000] = f"Rh,2025-01-01 00:00:00,Bob,5,{huge}"  # line 5001
    lines[9000] = 'Rn,2025-01-01 00:00:00,"Ann\r\nOn two lines",4,"Fine"'  # one row, lines 9001-9002
    lines[9001] = f"Rh2,2025-01-01 00:00:00,Bob,5,{huge}"  # line 9003
    path = tmp_path / "export.csv"
    path.write_text("\r\n".join(lines), encoding="utf-8")
    src = add_source(store, "file", {"path": str(path)}, name="export")
    pages = [p async for p in connector(store, src.id, {}, None).pages({})]  # type: ignore[arg-type]
    ids = [i.external_id for p in pages for i in p.items]
    assert len(ids) == len(set(ids)) == 11_997 and "Rn" in ids
    assert [n.split(":")[0] for n in pages[-1].cursor["notes"]] == ["line 9003", "line 5001", "line 101"]
    assert all("a cell longer than" in n for n in pages[-1].cursor["notes"])
    here = FileConnector(store.get_source(src.id), {}, None).read(path.read_bytes(), None)  # type: ignore[arg-type]
    assert [i.external_id for items, _, _ in here for i in items] == ids[::-1]


@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="POSIX priorities")
def test_the_reader_runs_behind_the_sync_that_waits_for_it(big_csv):
    # On two cores the reader's turns came out of the writer's: it need only stay a batch ahead.
    batches = file_child.batches_in_child({"path": str(big_csv)}, big_csv.read_bytes(), None)
    assert batches is not None
    try:
        items, _, _ = next(batches)  # the child is at work once its first batch is here
        assert items
        ours = os.getpriority(os.PRIO_PROCESS, 0)
        assert os.getpriority(os.PRIO_PROCESS, batches.proc.pid) == min(ours + file_child.NICENESS, 19)
    finally:
        batches.close()
