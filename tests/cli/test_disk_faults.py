"""Disks: full, read-only, a folder that is not there. Each is one sentence on the command
line, no traceback, and what was committed stays intact (`integrity_check` ok).

A full disk is a small tmpfs where root may mount one (as in CI containers run as root),
else a file-size limit (RLIMIT_FSIZE) on the process."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tests.faults import ROOT, count_items, fingerprint, integrity, run_inbox

ROWS = 30_000


def _mount(mnt: Path, options: str) -> bool:
    if os.geteuid() != 0:
        return False
    return subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(mnt)],
                          capture_output=True).returncode == 0


@pytest.fixture
def disk(tmp_path: Path):
    """A 3 MB disk: ("tmpfs", folder), or ("rlimit", folder) when mounting is not allowed."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    if _mount(mnt, "size=3m"):
        yield "tmpfs", mnt
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)
    else:
        yield "rlimit", mnt


def _csv(tmp_path: Path) -> Path:
    csv = tmp_path / "export.csv"
    csv.write_text("id,text,rating,author,date\n" + "".join(
        f"r{i},Lovely coffee and a long review text number {i} with words,{1 + i % 5},Author {i % 700},2026-11-01\n"
        for i in range(ROWS)))
    return csv


def _limited(kind: str, *args: str) -> subprocess.CompletedProcess:
    if kind == "tmpfs":
        return run_inbox(*args, timeout=300)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (3 * 2**20, 3 * 2**20))
    return subprocess.run([sys.executable, "-m", "inbox", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300, preexec_fn=limit)


def test_a_full_disk_during_an_import_is_one_sentence_and_keeps_what_was_saved(disk, tmp_path: Path) -> None:
    kind, folder = disk
    db = folder / "inbox.db"
    assert run_inbox("sources", "add", "file", "--name", "Export", "--set", f"path={_csv(tmp_path)}",
                     "--db", str(db)).returncode == 0
    result = _limited(kind, "sync", "--db", str(db))
    assert result.returncode == 1, result.stderr
    assert "The disk is full:" in result.stdout and "free some space and sync again" in result.stdout
    assert "the disk is full or the inbox can't be written" in result.stdout  # not "went wrong inside"
    assert "Traceback" not in result.stdout + result.stderr
    saved = count_items(db)
    assert 0 < saved < ROWS and integrity(db) == "ok"
    if kind == "tmpfs":  # space freed: the next sync picks up where it stopped
        subprocess.run(["mount", "-o", "remount,size=160m", str(folder)], check=True)
        again = run_inbox("sync", "--db", str(db), timeout=300)
        assert again.returncode == 0, again.stdout + again.stderr
        assert count_items(db) == ROWS and integrity(db) == "ok"


def test_a_read_only_disk_is_one_sentence_and_changes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    if not _mount(folder, "size=8m"):
        pytest.skip("needs root and tmpfs to make a folder read-only for root")
    try:
        db = folder / "inbox.db"
        assert run_inbox("sources", "add", "file", "--name", "Export", "--set",
                         f"path={_csv(tmp_path)}", "--db", str(db)).returncode == 0
        assert run_inbox("stats", "--db", str(db)).returncode == 0
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        before = fingerprint(db)
        for args in (("sync",), ("sources", "add", "file", "--name", "B", "--set", "path=/x.csv"), ("stats",)):
            result = run_inbox(*args, "--db", str(db))
            assert result.returncode in (1, 2), result.stderr
            text = result.stdout + result.stderr
            assert "read-only" in text and "Traceback" not in text
        assert fingerprint(db) == before
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def test_exporting_into_a_folder_that_is_not_there(tmp_path: Path) -> None:
    db = tmp_path / "inbox.db"
    assert run_inbox("demo", "--db", str(db)).returncode == 0
    result = run_inbox("export", "-o", str(tmp_path / "gone" / "out.csv"), "--db", str(db))
    assert result.returncode == 2 and "does not exist" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "gone").exists()
