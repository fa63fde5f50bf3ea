"""The bytes of an inbox file, for tests that check what never reaches it (a token, a password)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

_READ = ("import pathlib, sys; p = pathlib.Path(sys.argv[1]); "
         "sys.stdout.buffer.write(b''.join(f.read_bytes() for f in sorted(p.parent.glob(p.name + '*'))))")


def db_bytes(path: str | Path) -> bytes:
    """The database file with its -wal and -shm, read by another process. Why: closing a
    descriptor of them here drops every SQLite lock this process holds on them (POSIX), and
    a sync's process may then reset the -shm under this process's map: a bus error."""
    return subprocess.run([sys.executable, "-c", _READ, str(path)], capture_output=True, check=True,
                          timeout=60).stdout
