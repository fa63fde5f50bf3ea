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
