"""Where things live on this machine (platformdirs); `INBOX_DB` overrides the database."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from inbox import APP_ID

# platformdirs is imported where it is asked: a command given --db or INBOX_DB never needs it.


def data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_ID, appauthor=False))


def log_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_log_dir(APP_ID, appauthor=False))


def default_db_path() -> Path:
    env = os.environ.get("INBOX_DB")
    return Path(env) if env else data_dir() / "inbox.db"


def resources_dir() -> Path:
    """`resources/` next to the package (a checkout) or inside a frozen bundle."""
    here = Path(__file__).resolve().parent
    bundle = getattr(sys, "_MEIPASS", None)  # PyInstaller unpacks data files here
    frozen = [Path(bundle) / "resources"] if bundle else []
    for candidate in (*frozen, here.parent / "resources", here / "resources"):
        if candidate.is_dir():
            return candidate
    return here.parent / "resources"


def child_environment() -> dict[str, str] | None:
    """The environment for a worker process of ours (`python -m inbox.…`): it imports the
    same `inbox` as this process (a checkout run from its folder, a test's worktree), not
    whichever one is installed. None for a frozen app, whose workers are itself."""
    if getattr(sys, "frozen", False):
        return None
    here = str(Path(__file__).resolve().parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (here, env.get("PYTHONPATH")) if p)
    return env
