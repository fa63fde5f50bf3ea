"""Where an export is written until it is complete: a hidden folder beside the target.

Why a folder, not just a temporary file: the XLSX writer keeps its own temporary files
while it works (in the folder it is given), and a SIGKILL leaves all of them behind. In one
private folder they are found and removed as one. The folder holds a lock for as long as
its export runs, so the next export into the same place removes only the leftovers of
exports that died (the lock is gone with its process), never one still running."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)

SUFFIX = ".inbox-export"
_OURS = re.compile(r"^\..+\.[A-Za-z0-9_]{8}" + re.escape(SUFFIX) + r"$")
LOCK = "lock"


def remove_leftovers(folder: Path) -> list[Path]:
    """Remove the staging folders in `folder` whose export is no longer running."""
    removed = []
    try:
        candidates = [p for p in folder.iterdir() if _OURS.match(p.name) and p.is_dir()]
    except OSError:
        return removed
    for stage in candidates:
        try:
            fd = os.open(stage / LOCK, os.O_RDWR)
        except OSError:  # no lock file: killed before it was made
            fd = None
        try:
            if fd is not None:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # held: an export is running
            shutil.rmtree(stage, ignore_errors=True)
            removed.append(stage)
        except OSError:
            continue
        finally:
            if fd is not None:
                os.close(fd)
    if removed:
        log.info("removed %d unfinished export(s) left in %s", len(removed), folder)
    return removed


@contextlib.contextmanager
def staged(target: Path) -> Iterator[Path]:
    """A path to write the export to, inside a locked hidden folder beside `target`; moved
    onto `target` only if the block succeeds. Whatever happens (an error, a cancel, SIGTERM
    turned into SystemExit) the folder is removed; after a SIGKILL, by the next export."""
    remove_leftovers(target.parent)
    stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=SUFFIX, dir=target.parent))
    lock = os.open(stage / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield stage / target.name
    finally:
        os.close(lock)
        shutil.rmtree(stage, ignore_errors=True)
