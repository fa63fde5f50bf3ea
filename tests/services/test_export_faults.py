"""Exports never leave partial or temporary files: not on an error, not on SIGTERM, and a
SIGKILL's leftovers go with the next export into that folder. XLSX cells over Excel's
limit are cut with a visible marker and counted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest

from inbox.domain import Author, InboxFilter, Item, View
from inbox.services import export
from inbox.services.export_staging import SUFFIX, remove_leftovers
from inbox.store import Store
from tests.faults import ROOT, item, run_inbox


@pytest.fixture(scope="module")
def big_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("exp") / "inbox.db"
    with Store(path) as store:
        sid = store.add_source("google", "Café").id
        for start in range(0, 40_000, 5000):
            store.save_page(sid, [item(i, text=f"A long enough review text {i} " * 8) for i in range(start, start + 5000)])
    return path


def _start_export(db: Path, out: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "inbox", "export", "-o", str(out), "--format", "xlsx",
                             "--db", str(db)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _wait_for_stage(folder: Path, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if any(p.name.endswith(SUFFIX) for p in folder.iterdir()):
            time.sleep(0.3)  # well inside the writing
            return
        time.sleep(0.02)
    pytest.fail(f"the export never started writing ({proc.poll()})")


@pytest.mark.slow
def test_sigterm_during_an_export_leaves_nothing_behind(big_db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    proc = _start_export(big_db, folder / "all.xlsx")
    _wait_for_stage(folder, proc)
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM and "Traceback" not in err
    assert list(folder.iterdir()) == []


@pytest.mark.slow
def test_a_sigkills_leftovers_go_with_the_next_export_into_that_folder(big_db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "mine.txt").write_text("the user's own file")
    proc = _start_export(big_db, folder / "all.xlsx")
    _wait_for_stage(folder, proc)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    assert any(p.name.endswith(SUFFIX) for p in folder.iterdir())  # what a SIGKILL leaves
    result = run_inbox("export", "-o", str(folder / "small.csv"), "--query", "review", "--db", str(big_db),
                       timeout=300)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["mine.txt", "small.csv"]


def test_a_running_exports_folder_is_not_taken_for_a_leftover(tmp_path: Path) -> None:
    from inbox.services.export_staging import staged

    folder = tmp_path / "out"
    folder.mkdir()
    with staged(folder / "a.csv") as path:
        path.write_text("x")
        assert remove_leftovers(folder) == []  # its lock is held
        assert path.exists()
    assert list(folder.iterdir()) == []


def test_an_error_half_way_leaves_no_file(tmp_path: Path, store) -> None:
    sid = store.add_source("google", "Café").id
    store.save_page(sid, [item(i) for i in range(50)])

    def broken(done: int, total: int) -> None:
        if done:
            raise OSError(28, "No space left on device")

    with pytest.raises((export.ExportError, OSError)):
        export.export_view(store, InboxFilter(view=View.ALL), "xlsx", tmp_path / "x.xlsx", progress=broken)
    assert [p.name for p in tmp_path.iterdir() if p.name != "inbox.db" and not p.name.startswith("inbox.db")
            and p.name != "home"] == []


def test_xlsx_cells_over_excels_limit_are_cut_marked_and_counted(tmp_path: Path, store) -> None:
    sid = store.add_source("google", "Café").id
    long_text = "word " * 9000  # 45,000 characters: more than Excel takes in a cell
    store.save_page(sid, [Item(external_id="long", text=long_text, rating=3,
                               author=Author(external_id="a", display_name="Ana"),
                               created_at=datetime(2026, 11, 1, tzinfo=UTC)), item(1)])
    result = export.export_view(store, InboxFilter(view=View.ALL), "xlsx", tmp_path / "x.xlsx")
    assert result.cut_cells == 1
    ws = openpyxl.load_workbook(tmp_path / "x.xlsx")["Feedback"]
    texts = [c.value for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, str)]
    cut = [t for t in texts if t.endswith(export.XLSX_CUT_MARKER)]
    assert len(cut) == 1 and len(cut[0]) == export.XLSX_MAX_STRING


def test_the_command_line_counts_cut_cells(tmp_path: Path) -> None:
    db = tmp_path / "inbox.db"
    with Store(db) as store:
        sid = store.add_source("google", "Café").id
        store.save_page(sid, [item(0, text="word " * 9000)])
    result = run_inbox("export", "-o", str(tmp_path / "x.xlsx"), "--format", "xlsx", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "1 cell cut at Excel's 32,767-character limit" in result.stdout
