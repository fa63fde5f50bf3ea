"""File ▸ Back up now / Restore backup…, and the daily backup at start (on a worker thread).

A restore writes the backup into the window's own open store (`Store.restore_from`),
so the window simply reloads: no restart, no second connection racing the first. The
database as it was just before is backed up first, so a wrong restore can be undone.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QWidget

from inbox.services import backup as backups
from inbox.services.erasure import UNREAD, describe_reapplied
from inbox.ui import local_time
from inbox.ui.plain import plain_warning

if TYPE_CHECKING:
    from inbox.ui.main_window import MainWindow

log = logging.getLogger(__name__)


def choose_backup_file(parent: QWidget) -> Path | None:
    """Ask which file to restore (tests replace this)."""
    folder = backups.backups_dir()
    name, _ = QFileDialog.getOpenFileName(parent, "Restore backup", str(folder if folder.is_dir() else Path.home()),
                                          "Feedback Inbox backups (*.db);;All files (*)")
    return Path(name) if name else None


def _when(path: Path) -> str:
    info = next((b for b in backups.list_backups(path, path.parent) if b.path == path), None)
    created = info.created if info else datetime.fromtimestamp(path.stat().st_mtime, UTC)
    return local_time.full(created)


def restore_backup(window: MainWindow, file: Path | None = None) -> bool:
    """Choose, check, confirm, save the current state, restore, reload. True if restored."""
    file = file or choose_backup_file(window)
    if file is None:
        return False
    try:
        backups.check_database(file)
    except backups.BackupError as exc:
        plain_warning(window, "Cannot restore this file", f"{exc}.\n\nNothing was changed.")
        return False
    if not window.confirm("Restore backup?",
                          f"Replace everything in this inbox with the backup from {_when(file)}?\n\n"
                          "The inbox as it is now is backed up first, so you can go back to it."):
        return False
    try:
        try:
            safety = backups.create_backup(window.db_path, label="before-restore")
        except backups.BackupError as exc:  # damaged: a copy of it as it is, then the restore
            log.warning("the inbox cannot be backed up before the restore (%s); keeping a copy", exc)
            safety = backups.keep_damaged_copy(window.db_path)
        result = backups.restore_into(window.store, file)
    except (backups.BackupError, OSError) as exc:
        log.error("restore of %s failed: %s", file, exc)
        plain_warning(window, "Restore failed", f"{exc}")
        return False
    log.info("restored %s from %s; previous state saved as %s", window.db_path, file, safety)
    window.data_changed()
    done = f"Restored the backup from {_when(file)}. The previous state is saved as {safety.name}."
    window.status_message(done + (f" {describe_reapplied(list(result.reapplied))}" if result.reapplied else ""),
                          15_000)
    if result.erasures_unread:  # a customer may be back: the owner must read this, not miss it
        plain_warning(window, "Erased customers may be back", f"{done}\n\n{UNREAD}")
    return True


def backup_now(window: MainWindow) -> Path | None:
    try:
        target = backups.create_backup(window.db_path)
    except (backups.BackupError, OSError) as exc:
        plain_warning(window, "Backup failed", str(exc))
        return None
    window.status_message(f"Backed up to {target}", 10_000)
    return target


def start_daily_backup(db_path: Path) -> threading.Thread:
    """Back up off the GUI thread if the newest copy is over a day old. Not a daemon thread:
    quitting waits the second or two a copy takes rather than leave a half-written file."""
    thread = threading.Thread(target=backups.backup_if_due, args=(Path(db_path),),
                              name="daily-backup", daemon=False)
    thread.start()
    return thread


def install(window: MainWindow) -> None:
    window.register_command("file.backup_now", "Back up now", lambda: backup_now(window), menu="File")
    window.register_command("file.restore_backup", "Restore backup…", lambda: restore_backup(window),
                            menu="File")
    if not window.is_demo:
        start_daily_backup(window.db_path)
