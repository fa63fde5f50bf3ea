"""Item ▸ Export author data… / Erase author…: one customer's data, on request.

Both act on the author of the item open in the reading pane. Export runs on a worker
thread (read-only connection); erase is a write, so it runs on the window's one writer
connection after a confirmation that says exactly what will go.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from inbox.services.authors import erase_author, erase_plan, export_author
from inbox.store import StoreError
from inbox.ui.export_dialog import default_folder

if TYPE_CHECKING:
    from inbox.ui.main_window import MainWindow


def _author_of_current(window: MainWindow) -> tuple[int, str] | None:
    item = window.current_item()
    if item is None or item.author_id is None:
        window.status_message("Open an item by the author first.")
        return None
    return item.author_id, item.author_name


def start_author_export(window: MainWindow, author_id: int, path: str | Path) -> None:
    """Write the JSON, HTML and CSV off the GUI thread; report in the status bar."""
    def done(paths: tuple[Path, Path, Path]) -> None:
        window.status_message(f"Wrote {paths[0]}, {paths[2].name} (a readable page) and {paths[1].name}", 10_000)

    def failed(exc: Exception) -> None:
        window.status_message(f"Could not export the author's data: {exc}", 10_000)

    window.run_in_worker(lambda reader: export_author(reader, author_id, path), done, failed)


def export_author_data(window: MainWindow, folder: Path | None = None) -> QFileDialog | None:
    """Ask where to save (non-blocking), then export."""
    found = _author_of_current(window)
    if found is None:
        return None
    author_id, name = found
    slug = re.sub(r"[^\w-]+", "-", name).strip("-").lower() or "author"
    dialog = QFileDialog(window, f"Export everything about {name}",
                         str((folder or default_folder()) / f"{slug}-{author_id}.json"))
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setDefaultSuffix("json")
    dialog.setNameFilter("JSON (*.json)")
    dialog.fileSelected.connect(lambda path: start_author_export(window, author_id, path))
    window.extensions.add(dialog, key=QFileDialog)  # keeps it alive while open
    dialog.open()
    return dialog


def erase_author_data(window: MainWindow) -> bool:
    """Confirm, erase, and refresh the window. Returns whether anything was erased."""
    found = _author_of_current(window)
    if found is None:
        return False
    author_id, _name = found
    try:
        plan = erase_plan(window.store, author_id)
    except StoreError as exc:
        window.status_message(str(exc))
        return False
    if not window.confirm("Erase author?",
                          f"Erase {plan.who()} for good? This removes:\n{plan.details()}\n\nThere is no "
                          "undo: use “Export author data…” first if they asked for a copy."):
        return False
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # a write: the one writer, briefly
    try:
        done = erase_author(window.store, author_id)
    finally:
        QApplication.restoreOverrideCursor()
    window.data_changed()
    window.status_message(f"Erased {done.who()}.", 10_000)
    notice = QMessageBox(QMessageBox.Icon.Information, "Author erased",
                         f"Erased {done.who()}. Removed:\n{done.details()}", parent=window)
    notice.setObjectName("erased_notice")
    window.present(notice)
    return True


def install(window: MainWindow) -> None:
    window.register_command("author.export", "Export author data…", lambda: export_author_data(window),
                            menu="Item")
    window.register_command("author.erase", "Erase author…", lambda: erase_author_data(window), menu="Item",
                            destructive=True)
