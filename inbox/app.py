"""Starting the desktop app (the only place outside inbox/ui that imports Qt)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def run_gui(db_path: str | Path | None = None, smoke_test: bool = False) -> int:
    from inbox.ui.application import run

    if db_path and str(db_path).lower().startswith(("postgresql://", "postgres://")):  # a team inbox
        return run(team_url=str(db_path), smoke_test=smoke_test)
    return run(db_path=Path(db_path) if db_path else None, smoke_test=smoke_test)


def local_settings() -> Any:
    """The settings of this computer (QSettings), for `inbox settings` on the command line."""
    from PySide6.QtCore import QSettings

    from inbox.services.settings import LOCAL_SCOPE

    return QSettings(*LOCAL_SCOPE)
