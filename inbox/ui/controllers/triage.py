"""Triage from the keyboard: done, read/unread, snooze, tag and undo. The writes are
service operations (inbox/services/operations.py); this module picks the items, moves the
selection as rows leave the list, and redraws from the ChangeSet."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer

from inbox.services.operations import ChangeSet
from inbox.store import StoreError
from inbox.ui.dialogs import SnoozeDialog, TagPicker
from inbox.ui.no_wait import refused, without_waiting

if TYPE_CHECKING:
    from inbox.ui.main_window import MainWindow

log = logging.getLogger(__name__)
WAKE_INTERVAL_MS = 30_000


class TriageController(QObject):
    """Runs operations on the selected items; snoozes wake on a timer."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.ops = window.ops
        self.wake_timer = QTimer(self)
        self.wake_timer.setInterval(WAKE_INTERVAL_MS)
        self.wake_timer.timeout.connect(self.wake_due)

    def run(self, label: str, ids: list[int], do: Callable[[list[int]], ChangeSet]) -> None:
        """Run an operation on `ids` (it pushes its own undo step) and update the list in place:
        rows that leave the view go, and the next row opens."""
        w, lst = self.window, self.window.list_ctl
        if not ids:
            w.status_message("Nothing selected.")
            return
        row = lst.list_view.currentIndex().row()
        selected_rows = [i.row() for i in lst.list_view.selectionModel().selectedRows()]
        first = min(selected_rows) if selected_rows else row
        try:
            changes = do(ids)
        except StoreError as exc:
            w.status_message(str(exc))
            return
        current = w.reading_ctl.current
        current_id = current.id if current else None
        model = w.model
        lst.quiet = True  # Qt moves the current row while rows leave: don't open those
        try:
            model.refresh_items(w.store, ids)
        finally:
            lst.quiet = False
        if current_id is not None and current_id in model.row_of:
            if len(ids) == 1:
                w.reading_ctl.open(model.rows[model.row_of[current_id]], mark_read=False)
        elif model.rows:
            target = min(max(first, 0), len(model.rows) - 1)
            if lst.list_view.currentIndex().row() == target:
                w.reading_ctl.open(model.rows[target])  # Qt already moved there, quietly
            lst.select_row(target)
            if model.canFetchMore() and len(model.rows) < 50:
                model.fetchMore()
        else:
            w.reading_ctl.open(None)
        lst.update_empty()
        what = "1 item" if len(ids) == 1 else f"{len(ids)} items"
        w.status_message(f"{label}: {what}. Ctrl+Z to undo.")
        w.sidebar_ctl.schedule_counts()
        lst.count_current()
        w.data_changed_signal.emit(changes)

    def mark_done(self) -> None:
        self.run("Done", self.window.selected_item_ids(), self.ops.mark_done)

    def set_status(self, status: str) -> None:
        self.run(f"Marked {status}", self.window.selected_item_ids(), lambda ids: self.ops.set_status(ids, status))

    def snooze(self, when: datetime, ids: list[int] | None = None) -> None:
        self.run(f"Snoozed until {when.astimezone():%a %d %b %H:%M}", ids or self.window.selected_item_ids(),
                 lambda ids: self.ops.snooze(ids, when))

    def snooze_dialog(self) -> SnoozeDialog | None:
        ids = self.window.selected_item_ids()
        if not ids:
            self.window.status_message("Nothing selected.")
            return None
        dialog = SnoozeDialog(self.window.clock(), lambda when: self.snooze(when, ids), self.window, count=len(ids))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.window.present(dialog)
        return dialog

    def tag(self, name: str, colour: str | None = None, ids: list[int] | None = None) -> None:
        """Add a tag to the items; if they all have it already, remove it (a toggle)."""
        ids = ids or self.window.selected_item_ids()
        applied = self.applied_tags(ids)
        self.run(f"{'Untagged' if name in applied else 'Tagged'} “{name}”", ids,
                 lambda ids: self.ops.toggle_tag(ids, name, colour, applied=applied))

    def applied_tags(self, ids: list[int]) -> set[str]:
        """Tags every one of the items has (the list already holds the rows' tags)."""
        if not ids:
            return set()
        model = self.window.model

        def tags_of(item_id: int) -> set[str]:
            row = model.row_of.get(item_id)
            item = model.rows[row] if row is not None else self.window.store.get_item(item_id)
            return {name for name, _ in item.tags}
        return set.intersection(*(tags_of(i) for i in ids))

    def tag_dialog(self) -> TagPicker | None:
        ids = self.window.selected_item_ids()
        if not ids:
            self.window.status_message("Nothing selected.")
            return None
        tags = self.window.sidebar_ctl.tags_known or self.window.store.list_tags()  # the counts' copy
        dialog = TagPicker(tags, lambda name, colour: self.tag(name, colour, ids), self.window,
                           applied=self.applied_tags(ids))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.window.present(dialog)
        return dialog

    def undo(self) -> None:
        w = self.window
        try:
            done = self.ops.undo()
        except StoreError as exc:
            w.status_message(f"Could not undo: {exc}")
            return
        if done is None:
            w.status_message("Nothing to undo.")
            return
        step, changes = done
        # rows may come back into the list: reload it, selecting them again
        w.list_ctl.reload_selecting(step.ids[0] if step.ids else None, step.ids)
        w.sidebar_ctl.schedule_counts()
        w.list_ctl.count_current()
        w.status_message(f"Undone: {step.label}.")
        w.data_changed_signal.emit(changes)

    def wake_due(self, initial: bool = False) -> list[int]:
        """Snoozed items whose time has come return to the inbox (unread)."""
        try:
            with without_waiting(self.window.store):  # a sync is writing: the next tick wakes them
                changes = self.ops.wake_due(self.window.clock())
        except Exception as exc:
            if not isinstance(exc, StoreError) and not refused(exc):
                raise
            if not refused(exc):
                log.warning("waking snoozed items failed: %s", exc)
            return []
        ids = sorted(changes.items)
        if ids and not initial:
            self.window.status_message(f"{len(ids)} snoozed item{'s are' if len(ids) != 1 else ' is'} back.")
            self.window.data_changed(ChangeSet.all())  # they return to lists they weren't in
        return ids
