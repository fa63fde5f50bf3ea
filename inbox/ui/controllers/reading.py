"""The reading pane's behaviour: opening an item (one view-model query on a worker), links
in untrusted content, and the author one click away."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices

from inbox.domain import InboxFilter, ItemRow, Thread, View
from inbox.services import settings
from inbox.store import Store, StoreError
from inbox.store.views import ItemView, item_view
from inbox.ui.no_wait import refused, without_waiting
from inbox.ui.reading_pane import ReadingPane
from inbox.ui.sanitize import is_openable

if TYPE_CHECKING:
    from inbox.ui.main_window import MainWindow

READ_RETRY_MS = 300


class ReadingController(QObject):
    """Which item is open. `current` changes at once (triage and commands act on it); the
    conversation arrives from a worker a moment later and `view_ready` announces it."""

    view_ready = Signal(object)  # ItemView

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.store = window.store
        self.current: ItemRow | None = None
        self.view: ItemView | None = None
        self._gen = 0
        self.pane = ReadingPane(window.clock)
        self.pane.browser.link_requested.connect(self.open_link)
        self.pane.browser.internal_link.connect(self._internal_link)
        # Read marks the file's write lock refused (a sync was writing): tried again shortly.
        self.read_later: set[int] = set()
        self._read_retry = QTimer(self)
        self._read_retry.setSingleShot(True)
        self._read_retry.setInterval(READ_RETRY_MS)
        self._read_retry.timeout.connect(self._write_read_marks)
        window.on_shutdown.append(self._read_retry.stop)  # the store may close after it
        window.data_changed_signal.connect(self._triaged)

    @property
    def mark_read_on_open(self) -> bool:
        return settings.get("reading.mark_read_on_open", local=self.window.settings)

    def set_mark_read_on_open(self, value: bool) -> None:
        settings.set("reading.mark_read_on_open", value, local=self.window.settings)

    def open(self, item: ItemRow | None, mark_read: bool = True, *, panels_later: bool = False) -> None:
        """Show an item (None: nothing); opening an unread item reads it (a setting).
        `panels_later`: the reply box and the author's panel hear of it a turn later (a list
        just loaded opening its first row: their first show was ~10 ms, and with the row's
        selection and the read mark one turn of ~25 ms when a sync's first rows came in)."""
        w = self.window
        self._gen += 1
        if item is None:
            changed = self.current is not None
            self.current = self.view = None
            self.pane.show_empty("Select an item to read it." if w.model.rows else "")
            if changed:
                w.current_item_changed.emit(None)
            return
        if mark_read and self.mark_read_on_open and item.status == "unread" and not item.deleted:
            self.read_later.add(item.id)
            self._write_read_marks()
            item = dataclasses.replace(item, status="read")
            w.model.replace_item(item)  # the row we hold, redrawn: no query
        changed = self.current is None or self.current.id != item.id
        self.current = item
        gen, item_id = self._gen, item.id

        def query(s: Store) -> ItemView | None:
            return item_view(s, item_id) if gen == self._gen else None  # skipped when overtaken

        w.workers.submit(query, lambda view: self._show(gen, item, view), lambda exc: self._failed(gen, item),
                         lane="reading")
        if changed and panels_later:
            w.workers.next_turn(lambda: self._announce(item.id))
        elif changed:
            w.current_item_changed.emit(item)

    def _announce(self, item_id: int) -> None:
        """Tell the panels of the item opened a turn ago, if it is still the one open."""
        if self.current is not None and self.current.id == item_id:
            self.window.current_item_changed.emit(self.current)

    def _write_read_marks(self) -> None:
        """Opening reads: written without waiting for a sync's write lock (the window would
        freeze for as long); refused, it is tried again a moment later."""
        if not self.read_later:
            return
        ids = sorted(self.read_later)
        try:
            with without_waiting(self.store):
                for item_id in ids:
                    self.window.ops.mark_read_on_open(item_id)
        except Exception as exc:
            if not refused(exc):
                raise
            self._read_retry.start()
            return
        self.read_later.difference_update(ids)
        self.window.sidebar_ctl.schedule_counts()

    def _triaged(self, changes: object) -> None:
        """The user's own triage of an item wins over its read mark still to be written."""
        items = getattr(changes, "items", None)
        if self.read_later and items and not getattr(changes, "everything", False):
            self.read_later.difference_update(items)

    def _show(self, gen: int, item: ItemRow, view: ItemView | None) -> None:
        if view is None or gen != self._gen:
            return
        # the list's copy is the newer one for triage state (a write may follow the query)
        view = dataclasses.replace(view, item=item)
        self.view = view
        self.pane.show_thread(item, view.thread, view.other_items)
        self.view_ready.emit(view)

    def _failed(self, gen: int, item: ItemRow) -> None:
        if gen == self._gen:  # deleted meanwhile: show what the list holds
            self._show(gen, item, ItemView(item=item, thread=_alone(item)))

    def reopen(self) -> None:
        """Read the open item again (after a write changed it), without marking it read."""
        if self.current is not None:
            row = self.window.model.row_of.get(self.current.id)
            self.open(self.window.model.rows[row] if row is not None else self.current, mark_read=False)

    def focus(self) -> None:
        if self.current is not None:
            self.pane.browser.setFocus()

    def open_link(self, url: QUrl) -> None:
        """A link in untrusted content: http/https/mailto only, and only after asking."""
        text = url.toString()
        if not is_openable(text):
            self.window.status_message(f"Not opening {text[:80]!r}: only web and mail links are opened.")
            return
        if self.window.confirm("Open link?", f"Open this link in your browser?\n\n{text}"):
            QDesktopServices.openUrl(url)

    def _internal_link(self, path: str) -> None:
        kind, _, value = path.partition("/")
        if kind == "author" and value.isdigit():
            self.show_author(int(value))

    def show_author(self, author_id: int | None = None) -> None:
        if author_id is None:
            if self.current is None or self.current.author_id is None:
                return
            author_id = self.current.author_id
        try:
            author = self.store.get_author(author_id)
        except StoreError:
            return
        name = author.get("display_name") or author.get("handle") or "this author"
        self.window.list_ctl.show(InboxFilter(view=View.ALL, author_id=author_id), f"By {name}", None)

    def open_original(self) -> None:
        if self.current is not None and self.current.url:
            self.open_link(QUrl(self.current.url))


def _alone(item: ItemRow) -> Thread:
    return Thread(id=-1, source_id=item.source_id, root_item_id=item.id, last_activity_at=item.created_at,
                  items=[item])
