"""The main window: sidebar | list | reading pane, triage by keyboard, search, and the
extension API other features plug into (see UI_CONTRACT: `install(window)`).

Data flow: every write goes through the one writer `Store` on the GUI thread (small, indexed
statements); list pages, counts and other heavy reads run on worker threads with read-only
connections (`run_in_worker`). After a write, `data_changed()` reloads what is shown.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable, Coroutine
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QSettings,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import QAction, QDesktopServices, QIcon, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from inbox import APP_NAME
from inbox.domain import InboxFilter, ItemRow, Thread, View, format_time, utcnow
from inbox.services.operations import ChangeSet, Operations, UndoStack
from inbox.services.saved_views import delete_saved_view, list_saved_views, save_view
from inbox.store import BadQuery, Store, StoreError
from inbox.store.queries import check_query
from inbox.ui.commands import MENUS, Command, CommandTable
from inbox.ui.delegate import ROW_HEIGHT, ItemDelegate, source_pixmap
from inbox.ui.dialogs import CommandPalette, DateRangeDialog, SnoozeDialog, TagPicker
from inbox.ui.list_model import ItemListModel, sync_loader
from inbox.ui.reading_pane import ReadingPane
from inbox.ui.sanitize import is_openable
from inbox.ui.search_bar import VIEW_LABELS, SearchBar
from inbox.ui.sidebar import Sidebar, dot_icon
from inbox.ui.tasks import TaskManager, Workers

T = TypeVar("T")
log = logging.getLogger(__name__)

SETTINGS_ORG = "feedback-inbox"
SETTINGS_APP = "feedback-inbox"
WAKE_INTERVAL_MS = 30_000
COUNTS_DELAY_MS = 120
OTHER_ITEMS_LIMIT = 100


SIDEBAR_WIDTH = 245


class MainWindow(QMainWindow):
    """The app's one window. See UI_CONTRACT.md for the public API."""

    current_item_changed = Signal(object)   # ItemRow | None
    data_changed_signal = Signal(object)   # the ChangeSet of a write

    def __init__(self, store: Store, *, db_path: Path | None = None, is_demo: bool = False,
                 clock: Callable[[], datetime] = utcnow, settings: QSettings | None = None,
                 background_pages: bool = True) -> None:
        super().__init__()
        self.store = store
        self.db_path = Path(db_path or store.path)
        self.is_demo = is_demo
        self.clock = clock
        self.settings = settings or QSettings(SETTINGS_ORG, SETTINGS_APP)
        self.tasks = TaskManager()
        self.workers = Workers(self.db_path, parent=self)
        self.commands = CommandTable()
        self.actions_by_id: dict[str, QAction] = {}
        self.menus: dict[str, QMenu] = {}
        self.undo_stack = UndoStack()
        self.ops = Operations(store, self.undo_stack)
        self.flt = InboxFilter(view=View.INBOX)
        self.view_title = "Inbox"
        self.view_key: str | None = "view:inbox"
        self._open_id: int | None = None
        self._quiet = False
        self._count_after_load = False
        self._counts_after_load = False
        self._count_gen = 0
        self._counts_gen = 0
        self._restore: tuple[int | None, list[int], int] | None = None
        self._saved_views: dict[int, Any] = {}
        self._sources_known: list = []
        self._tags_known: list = []
        self.total_count: int | None = None

        self.setWindowTitle(APP_NAME + (" — demo workspace" if is_demo else ""))
        self.setAccessibleName(APP_NAME)
        self._build_widgets(background_pages)
        self._build_menus()
        self._register_builtin_commands()
        self._populate_sidebar()
        self._restore_settings()

        self.counts_timer = QTimer(self)
        self.counts_timer.setSingleShot(True)
        self.counts_timer.setInterval(COUNTS_DELAY_MS)
        self.counts_timer.timeout.connect(self.refresh_counts)
        self.wake_timer = QTimer(self)
        self.wake_timer.setInterval(WAKE_INTERVAL_MS)
        self.wake_timer.timeout.connect(self.wake_due)
        self.wake_timer.start()

        self.wake_due(initial=True)
        self._counts_after_load = True  # the first page gets the worker threads to itself
        self._show(self.flt, self.view_title, self.view_key)

    # == building ========================================================================

    def _build_widgets(self, background_pages: bool) -> None:
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.banner = QLabel()
        self.banner.setObjectName("demoBanner")
        self.banner.setWordWrap(True)
        self.banner.setAccessibleName("Demo workspace notice")
        self.banner.setContentsMargins(14, 8, 14, 8)
        self.banner.setText(
            "<b>Demo workspace.</b> You are looking at sample feedback for a café and two "
            "competitors. Add a source (File ▸ Sources…) to see your own reviews and mentions.")
        self.banner.setVisible(self.is_demo)
        outer.addWidget(self.banner)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.setChildrenCollapsible(False)
        outer.addWidget(self.splitter, 1)

        self.sidebar = Sidebar()
        self.sidebar.setMinimumWidth(200)
        self.sidebar.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.sidebar.customContextMenuRequested.connect(self._sidebar_menu)
        self.splitter.addWidget(self.sidebar)

        middle = QWidget()
        mid = QVBoxLayout(middle)
        mid.setContentsMargins(0, 0, 0, 0)
        mid.setSpacing(0)
        self.search_bar = SearchBar(self.clock)
        self.search_bar.changed.connect(self.apply_filter_change)
        self.search_bar.save_requested.connect(self.save_current_search)
        self.search_bar.date_range_requested.connect(self.date_range_dialog)
        mid.addWidget(self.search_bar)
        head = QHBoxLayout()
        head.setContentsMargins(12, 4, 12, 6)
        self.list_title = QLabel()
        self.list_title.setObjectName("listTitle")
        self.list_title.setAccessibleName("List title")
        font = self.list_title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.list_title.setFont(font)
        head.addWidget(self.list_title, 1)
        self.list_count = QLabel()
        self.list_count.setAccessibleName("Number of items")
        head.addWidget(self.list_count)
        mid.addLayout(head)

        if background_pages:
            def loader(flt, after, limit, now, on_page, on_error):
                self.workers.submit(lambda s: s.list_items(flt, after=after, limit=limit, now=now),
                                    on_page, on_error, lane="pages")
        else:
            loader = sync_loader(self.store)
        self.model = ItemListModel(loader, self._now_text, self)
        self.model.page_loaded.connect(self._after_page)
        self.model.load_failed.connect(self._load_failed)
        # A one-column QTableView, not a QListView: QListView re-lays out every row on each
        # insert (300 ms per page at 100,000 rows); a table with fixed row heights stays O(1).
        self.list_view = QTableView()
        self.list_view.setObjectName("itemList")
        self.list_view.setAccessibleName("Items")
        self.list_view.setShowGrid(False)
        self.list_view.setWordWrap(False)
        self.list_view.setTabKeyNavigation(False)
        self.list_view.setCornerButtonEnabled(False)
        vh = self.list_view.verticalHeader()
        vh.hide()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setMinimumSectionSize(ROW_HEIGHT)
        vh.setDefaultSectionSize(ROW_HEIGHT)
        hh = self.list_view.horizontalHeader()
        hh.hide()
        hh.setStretchLastSection(True)
        self.list_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list_view.setModel(self.model)
        # after the view's own reset handler (which clears the selection) has run
        self.model.modelReset.connect(self._after_reset)
        self.list_view.setItemDelegate(ItemDelegate(self.clock, self.list_view))
        self.list_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list_view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list_view.setFrameShape(QFrame.Shape.NoFrame)
        self.list_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list_view.customContextMenuRequested.connect(self._list_menu)
        self.list_view.doubleClicked.connect(lambda _index: self.open_current())
        self.list_view.selectionModel().currentChanged.connect(self._current_changed)
        self.list_view.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.empty_label = QLabel()
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setAccessibleName("Empty list")
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(self.list_view)
        self.list_stack.addWidget(self.empty_label)
        mid.addWidget(self.list_stack, 1)
        self.splitter.addWidget(middle)

        self.reading = ReadingPane(self.clock)
        self.reading.browser.link_requested.connect(self.open_link)
        self.reading.browser.internal_link.connect(self._internal_link)
        self.splitter.addWidget(self.reading)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 1)
        self.splitter.setSizes([250, 470, 560])
        self.setCentralWidget(central)
        self.statusBar().setSizeGripEnabled(True)
        self._style_from_palette()

    def _style_from_palette(self) -> None:
        pal = self.palette()
        hl = pal.color(QPalette.ColorRole.Highlight)
        text = pal.color(QPalette.ColorRole.WindowText).name()
        self.banner.setStyleSheet(
            f"QLabel#demoBanner {{ background-color: rgba({hl.red()},{hl.green()},{hl.blue()},0.16);"
            f" color: {text}; border-bottom: 1px solid rgba({hl.red()},{hl.green()},{hl.blue()},0.35); }}")
        muted = pal.color(QPalette.ColorRole.PlaceholderText).name()
        self.list_count.setStyleSheet(f"color: {muted}")
        self.empty_label.setStyleSheet(f"color: {muted}; font-size: 14pt")

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._style_from_palette()  # the reading pane redraws itself
        super().changeEvent(event)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        for name in MENUS:
            self.menus[name] = bar.addMenu("&" + name)

    def _register_builtin_commands(self) -> None:
        r = self.register_command
        r("app.palette", "Command palette…", self.show_palette, menu="Tools")
        r("app.quit", "Quit", self.close, menu="File")
        r("edit.undo", "Undo last triage action", self.undo, menu="Edit")
        r("edit.find", "Search", self.focus_search, menu="Edit")
        r("edit.escape", "Back to the list / clear search", self.escape, menu="Edit")
        r("edit.select_all", "Select all loaded items", self.select_all, menu="Edit")
        r("nav.next", "Next item", lambda: self.move_current(1), menu="View")
        r("nav.previous", "Previous item", lambda: self.move_current(-1), menu="View")
        r("nav.open", "Open item (read the conversation)", self.open_current, menu="View", context="list")
        self.menus["View"].addSeparator()
        for view in View.ALL_VIEWS:
            r(f"view.{view}", f"Go to {VIEW_LABELS[view]}",
              lambda v=view: self.show_view(v), menu="View")
        r("view.refresh", "Reload the list", self.data_changed, menu="View")
        r("view.clear_filters", "Clear search and filters", self.clear_filters, menu="View")
        r("view.save_search", "Save search…", self.save_current_search, menu="View")
        r("view.delete_saved_search", "Delete saved search", self.delete_current_saved_search, menu="View")
        mark = r("settings.mark_read_on_open", "Mark items read when opened", self._toggle_mark_read,
                 menu="View")
        mark.setCheckable(True)
        mark.setChecked(self.mark_read_on_open)
        r("item.done", "Done (archive)", self.mark_done, menu="Item")
        r("item.snooze", "Snooze…", self.snooze_dialog, menu="Item")
        r("item.tag", "Tag…", self.tag_dialog, menu="Item")
        r("item.unread", "Mark unread", lambda: self.set_status("unread"), menu="Item")
        r("item.read", "Mark read", lambda: self.set_status("read"), menu="Item")
        r("item.open_original", "Open the original page", self.open_original, menu="Item")
        r("item.author", "Everything by this author", self.show_author, menu="Item")
        r("help.shortcuts", "Keyboard shortcuts", self.show_palette, menu="Help")

    # == the extension API ===============================================================

    def register_command(self, id: str, title: str, callback: Callable[[], object], *,
                         shortcut: str | None = None, menu: str = "Tools",
                         context: str = "window") -> QAction:
        """Add a command to a menu, the palette and the shortcut table (see UI_CONTRACT)."""
        menu = menu if menu in self.menus else "Tools"
        key, unbound = self.commands.register(Command(id, title, callback, menu, context), shortcut)
        for other in unbound:
            if other in self.actions_by_id:
                self.actions_by_id[other].setShortcut(QKeySequence())
        old = self.actions_by_id.pop(id, None)
        if old is not None:
            for m in self.menus.values():
                m.removeAction(old)
            for w in (self, self.list_view):
                w.removeAction(old)
            old.deleteLater()
        action = QAction(title, self)
        action.setObjectName(id)
        if key:
            action.setShortcut(QKeySequence(key))
        if context == "list":
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.list_view.addAction(action)
        else:
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.addAction(action)
        action.triggered.connect(lambda _=False, cid=id: self.run_command(cid))
        self.menus[menu].addAction(action)
        self.actions_by_id[id] = action
        return action

    def run_command(self, command_id: str) -> object:
        return self.commands.commands[command_id].callback()

    def current_filter(self) -> InboxFilter:
        return dataclasses.replace(self.flt, source_ids=list(self.flt.source_ids), tags=list(self.flt.tags))

    def selected_item_ids(self) -> list[int]:
        rows = sorted(i.row() for i in self.list_view.selectionModel().selectedRows())
        ids = [self.model.rows[r].id for r in rows if r < len(self.model.rows)]
        if not ids and self.reading.item is not None:
            ids = [self.reading.item.id]
        return ids

    def current_item(self) -> ItemRow | None:
        return self.reading.item

    def show_items(self, flt: InboxFilter, title: str) -> None:
        self._show(flt, title, None)

    def open_item(self, item_id: int) -> None:
        row = self.model.row_of.get(item_id)
        if row is not None:
            self._select_row(row)
            return
        try:
            item = self.store.get_item(item_id)
        except StoreError:
            self.status_message(f"Item {item_id} no longer exists.")
            return
        self.list_view.selectionModel().clearSelection()
        self._open(item)

    def data_changed(self, changes: ChangeSet | None = None) -> None:
        """Redraw what a write changed: the rows it names in place, the counts and sidebar
        sections it names; with no ChangeSet (or `everything`), reload the list keeping
        position and selection."""
        changes = ChangeSet.all() if changes is None else changes
        if changes.everything:
            current = self.reading.item.id if self.reading.item else None
            self._restore = (current, self.selected_item_ids(), self.list_view.currentIndex().row())
            self.model.reload()
        elif changes.items:
            self.model.refresh_items(self.store, sorted(changes.items), drop_unmatched=False)
        if changes.counts or changes.sources or changes.tags or changes.everything:
            self.schedule_counts()
        self.data_changed_signal.emit(changes)

    def status_message(self, text: str, timeout_ms: int = 5000) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    def add_reading_pane_widget(self, widget: QWidget) -> None:
        self.reading.add_widget(widget)

    def add_sidebar_entry(self, section: str, key: str, label: str,
                          on_activate: Callable[[], object], *, count: int | None = None,
                          icon: QIcon | None = None, tooltip: str = "") -> None:
        self.sidebar.add_entry(section, key, label, on_activate, count=count, icon=icon, tooltip=tooltip)

    def update_sidebar_entry(self, key: str, *, label: str | None = None, count: int | None = None,
                             tooltip: str | None = None, state: str | None = None) -> None:
        self.sidebar.update_entry(key, label=label, count=count, tooltip=tooltip, state=state)

    def run_task(self, coro: Coroutine, *, name: str | None = None) -> asyncio.Task:
        return self.tasks.run(coro, name)

    def run_in_worker(self, fn: Callable[[Store], T], on_done: Callable[[T], None],
                      on_error: Callable[[Exception], None] | None = None) -> None:
        self.workers.submit(fn, on_done, on_error)

    def confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self, title, text,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def prompt_text(self, title: str, label: str, text: str = "") -> str | None:
        """Ask for one line of text (tests replace this)."""
        value, ok = QInputDialog.getText(self, title, label, text=text)
        return value if ok else None

    # == the list ========================================================================

    def _now_text(self) -> str:
        return format_time(self.clock())

    def _show(self, flt: InboxFilter, title: str, key: str | None) -> None:
        self.flt = flt
        self.view_title = title
        self.view_key = key
        self.sidebar.select_key(key)
        self.search_bar.show_error(None)
        self.search_bar.show_filter(flt)
        self.list_title.setText(title)
        self.setWindowTitle(f"{title} — {APP_NAME}" + (" (demo workspace)" if self.is_demo else ""))
        self._restore = None
        self.total_count = None
        self.list_count.setText("")
        self._count_after_load = True  # heavier than the page: ask once the rows are in
        self.model.set_filter(flt)

    def show_view(self, view: str) -> None:
        self._show(InboxFilter(view=view), VIEW_LABELS[view], f"view:{view}")

    def apply_filter_change(self, changes: dict[str, Any]) -> None:
        """A chip or the search field changed part of the filter."""
        if "query" in changes and changes["query"].strip():
            try:
                check_query(self.store.conn, changes["query"])
            except BadQuery as exc:
                self.search_bar.show_error(str(exc))
                return
        flt = dataclasses.replace(self.flt, **changes)
        title = self.view_title
        if flt.query.strip():
            title = f"Search: {flt.query.strip()}"
        elif self.view_title.startswith("Search: "):
            title = VIEW_LABELS.get(flt.view, "Items")
        self._show(flt, title, self.view_key)

    def date_range_dialog(self) -> DateRangeDialog:
        dialog = DateRangeDialog(self.flt.since, self.flt.until, self.clock().astimezone(),
                                 lambda since, until: self.apply_filter_change({"since": since, "until": until}),
                                 self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._present(dialog)
        return dialog

    def clear_filters(self) -> None:
        self.search_bar.field.clear()
        self.show_view(self.flt.view if self.flt.view in View.ALL_VIEWS else View.INBOX)

    def _count_current(self) -> None:
        flt, now = self.flt, self._now_text()
        self._count_gen += 1
        gen = self._count_gen

        def count(s: Store) -> int | None:
            # fast triage or clicking through views queues counts (seconds each at a
            # million items): only the latest one runs
            return s.count_items(flt, now) if gen == self._count_gen else None

        def done(n: int | None) -> None:
            if n is not None and flt is self.flt:
                self.total_count = n
                self.list_count.setText(f"{n:,} item{'s' if n != 1 else ''}")
                self._update_empty()
        self.run_in_worker(count, done, lambda exc: None)

    def _after_reset(self) -> None:
        if self._count_after_load:
            self._count_after_load = False
            self._count_current()
        if self._counts_after_load:
            self._counts_after_load = False
            self.refresh_counts()
        restore, self._restore = self._restore, None
        self._update_empty()
        if restore is None:
            if self.model.rows and not self.list_view.currentIndex().isValid():
                self._select_row(0, open_it=self.reading.item is None)
            elif not self.model.rows:
                self._open(None)
            return
        current, selected, old_row = restore
        sm = self.list_view.selectionModel()
        for item_id in selected:
            row = self.model.row_of.get(item_id)
            if row is not None:
                sm.select(self.model.index(row), QItemSelectionModel.SelectionFlag.Select)
        if current is not None and current in self.model.row_of:
            sm.setCurrentIndex(self.model.index(self.model.row_of[current]),
                               QItemSelectionModel.SelectionFlag.NoUpdate
                               if selected else QItemSelectionModel.SelectionFlag.ClearAndSelect)
        elif self.model.rows:
            self._select_row(min(max(old_row, 0), len(self.model.rows) - 1))
        else:
            self._open(None)

    def _after_page(self, _n: int) -> None:
        self._update_empty()

    def _update_empty(self) -> None:
        empty = not self.model.rows and not self.model.loading
        if empty:
            if self.flt.query or self.flt.tags or self.flt.source_ids or self.flt.rating_min or \
                    self.flt.rating_max or self.flt.since or self.flt.whose:
                text = "Nothing matches this search."
            elif self.flt.view == View.INBOX:
                text = "Inbox zero. ✓\nNothing waits for you."
            else:
                text = "Nothing here."
            self.empty_label.setText(text)
        self.list_stack.setCurrentWidget(self.empty_label if empty else self.list_view)

    def _load_failed(self, exc: Exception) -> None:
        self._count_after_load = False
        if self._counts_after_load:
            self._counts_after_load = False
            self.refresh_counts()
        if isinstance(exc, BadQuery):
            self.search_bar.show_error(str(exc))
        else:
            log.error("loading the list failed", exc_info=exc)
            self.status_message(f"Could not load the list: {exc}")
        self._update_empty()

    def _select_row(self, row: int, open_it: bool = True) -> None:
        index = self.model.index(row)
        if not index.isValid():
            return
        self.list_view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.list_view.scrollTo(index)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._quiet:
            return
        item = self.model.item_at(current.row()) if current.isValid() else None
        self._open(item)

    def _selection_changed(self) -> None:
        n = len(self.list_view.selectionModel().selectedRows())
        if n > 1:
            self.status_message(f"{n} items selected", 3000)

    def move_current(self, step: int) -> None:
        row = self.list_view.currentIndex().row()
        target = 0 if row < 0 else row + step
        if target >= len(self.model.rows) and self.model.canFetchMore():
            self.model.fetchMore()
        target = max(0, min(target, len(self.model.rows) - 1))
        if self.model.rows:
            self._select_row(target)

    def open_current(self) -> None:
        if self.reading.item is not None:
            self.reading.browser.setFocus()

    def select_all(self) -> None:
        self.list_view.setFocus()
        self.list_view.selectAll()

    def focus_search(self) -> None:
        self.search_bar.field.setFocus()
        self.search_bar.field.selectAll()

    def escape(self) -> None:
        if self.search_bar.field.hasFocus():
            self.search_bar.submit()
            self.list_view.setFocus()
        elif self.reading.browser.hasFocus():
            self.list_view.setFocus()
        elif len(self.list_view.selectionModel().selectedRows()) > 1:
            self._select_row(max(self.list_view.currentIndex().row(), 0))
        elif self.flt.query:
            self.search_bar.field.clear()
            self.apply_filter_change({"query": ""})

    # == the reading pane ================================================================

    def _open(self, item: ItemRow | None, mark_read: bool = True) -> None:
        if item is None:
            changed = self._open_id is not None
            self._open_id = None
            self.reading.show_empty("Select an item to read it." if self.model.rows else "")
            if changed:
                self.current_item_changed.emit(None)
            return
        if mark_read and self.mark_read_on_open and item.status == "unread" and not item.deleted:
            self.ops.mark_read_on_open(item.id)
            item = dataclasses.replace(item, status="read")
            self.model.refresh_items(self.store, [item.id], drop_unmatched=False)
            self.schedule_counts()
        thread = self._thread_of(item)
        self._render_thread(item, thread)
        if self._open_id != item.id:
            self._open_id = item.id
            self.current_item_changed.emit(item)

    def _thread_of(self, item: ItemRow) -> Thread:
        if item.thread_id is not None:
            try:
                thread = self.store.get_thread(item.thread_id)
                if thread.items:
                    return thread
            except StoreError:
                pass
        return Thread(id=-1, source_id=item.source_id, root_item_id=item.id,
                      last_activity_at=item.created_at, items=[item])

    def _render_thread(self, item: ItemRow, thread: Thread) -> None:
        in_thread = {i.id for i in thread.items}
        counts: dict[int, int] = {}
        for author_id in {i.author_id for i in thread.items if i.author_id is not None and not i.is_owner_reply}:
            others = self.store.author_items(author_id, limit=OTHER_ITEMS_LIMIT + len(in_thread))
            counts[author_id] = sum(1 for o in others if o.id not in in_thread)
        self.reading.show_thread(item, thread, counts)

    def open_link(self, url: QUrl) -> None:
        """A link in untrusted content: http/https/mailto only, and only after asking."""
        text = url.toString()
        if not is_openable(text):
            self.status_message(f"Not opening {text[:80]!r}: only web and mail links are opened.")
            return
        if self.confirm("Open link?", f"Open this link in your browser?\n\n{text}"):
            QDesktopServices.openUrl(url)

    def _internal_link(self, path: str) -> None:
        kind, _, value = path.partition("/")
        if kind == "author" and value.isdigit():
            self.show_author(int(value))

    def show_author(self, author_id: int | None = None) -> None:
        if author_id is None:
            item = self.reading.item
            if item is None or item.author_id is None:
                return
            author_id = item.author_id
        try:
            author = self.store.get_author(author_id)
        except StoreError:
            return
        name = author.get("display_name") or author.get("handle") or "this author"
        self._show(InboxFilter(view=View.ALL, author_id=author_id), f"By {name}", None)

    def open_original(self) -> None:
        item = self.reading.item
        if item is not None and item.url:
            self.open_link(QUrl(item.url))

    # == triage ==========================================================================

    @property
    def mark_read_on_open(self) -> bool:
        return self.settings.value("reading/mark_read_on_open", True, type=bool)

    def _toggle_mark_read(self) -> None:
        value = self.actions_by_id["settings.mark_read_on_open"].isChecked()
        self.settings.setValue("reading/mark_read_on_open", value)

    def _triage(self, label: str, ids: list[int], do: Callable[[list[int]], ChangeSet]) -> None:
        """Run an operation on `ids` (it pushes its own undo step) and update the list in place."""
        if not ids:
            self.status_message("Nothing selected.")
            return
        row = self.list_view.currentIndex().row()
        selected_rows = [i.row() for i in self.list_view.selectionModel().selectedRows()]
        first = min(selected_rows) if selected_rows else row
        try:
            changes = do(ids)
        except StoreError as exc:
            self.status_message(str(exc))
            return
        current_id = self.reading.item.id if self.reading.item else None
        self._quiet = True  # Qt moves the current row while rows leave: don't open those
        try:
            self.model.refresh_items(self.store, ids)
        finally:
            self._quiet = False
        if current_id is not None and current_id in self.model.row_of:
            if len(ids) == 1:
                self._open(self.model.rows[self.model.row_of[current_id]], mark_read=False)
        elif self.model.rows:
            target = min(max(first, 0), len(self.model.rows) - 1)
            if self.list_view.currentIndex().row() == target:
                self._open(self.model.rows[target])  # Qt already moved there, quietly
            self._select_row(target)
            if self.model.canFetchMore() and len(self.model.rows) < 50:
                self.model.fetchMore()
        else:
            self._open(None)
        self._update_empty()
        what = "1 item" if len(ids) == 1 else f"{len(ids)} items"
        self.status_message(f"{label}: {what}. Ctrl+Z to undo.")
        self.schedule_counts()
        self._count_current()
        self.data_changed_signal.emit(changes)

    def mark_done(self) -> None:
        self._triage("Done", self.selected_item_ids(), self.ops.mark_done)

    def set_status(self, status: str) -> None:
        self._triage(f"Marked {status}", self.selected_item_ids(), lambda ids: self.ops.set_status(ids, status))

    def snooze(self, when: datetime, ids: list[int] | None = None) -> None:
        self._triage(f"Snoozed until {when.astimezone():%a %d %b %H:%M}", ids or self.selected_item_ids(),
                     lambda ids: self.ops.snooze(ids, when))

    def snooze_dialog(self) -> SnoozeDialog | None:
        ids = self.selected_item_ids()
        if not ids:
            self.status_message("Nothing selected.")
            return None
        dialog = SnoozeDialog(self.clock(), lambda when: self.snooze(when, ids), self, count=len(ids))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._present(dialog)
        return dialog

    def tag(self, name: str, colour: str | None = None, ids: list[int] | None = None) -> None:
        """Add a tag to the items; if they all have it already, remove it (a toggle)."""
        ids = ids or self.selected_item_ids()
        applied = self._applied_tags(ids)

        self._triage(f"{'Untagged' if name in applied else 'Tagged'} “{name}”", ids,
                     lambda ids: self.ops.toggle_tag(ids, name, colour, applied=applied))

    def _applied_tags(self, ids: list[int]) -> set[str]:
        """Tags every one of the items has."""
        if not ids:
            return set()
        def tags_of(item_id: int) -> set[str]:
            row = self.model.row_of.get(item_id)  # the list already holds the rows' tags
            item = self.model.rows[row] if row is not None else self.store.get_item(item_id)
            return {name for name, _ in item.tags}
        per_item = [tags_of(i) for i in ids]
        return set.intersection(*per_item) if per_item else set()

    def tag_dialog(self) -> TagPicker | None:
        ids = self.selected_item_ids()
        if not ids:
            self.status_message("Nothing selected.")
            return None
        tags = self._tags_known or self.store.list_tags()  # the counts' copy: no query here
        dialog = TagPicker(tags, lambda name, colour: self.tag(name, colour, ids),
                           self, applied=self._applied_tags(ids))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._present(dialog)
        return dialog

    def _present(self, dialog) -> None:
        """Show a dialog without a nested event loop and give it the keyboard."""
        dialog.open()
        dialog.activateWindow()
        focus = getattr(dialog, "filter", None)
        if focus is not None:
            focus.setFocus()
        self.active_dialog = dialog

    def undo(self) -> None:
        try:
            done = self.ops.undo()
        except StoreError as exc:
            self.status_message(f"Could not undo: {exc}")
            return
        if done is None:
            self.status_message("Nothing to undo.")
            return
        step, changes = done
        # rows may come back into the list: reload it, selecting them again
        self._restore = (step.ids[0], step.ids, self.list_view.currentIndex().row())
        self.model.reload()
        self.schedule_counts()
        self._count_current()
        self.status_message(f"Undone: {step.label}.")
        self.data_changed_signal.emit(changes)

    def wake_due(self, initial: bool = False) -> list[int]:
        """Snoozed items whose time has come return to the inbox (unread)."""
        try:
            changes = self.ops.wake_due(self.clock())
        except StoreError as exc:
            log.warning("waking snoozed items failed: %s", exc)
            return []
        ids = sorted(changes.items)
        if ids and not initial:
            self.status_message(f"{len(ids)} snoozed item{'s are' if len(ids) != 1 else ' is'} back.")
            self.data_changed(ChangeSet.all())  # they return to lists they weren't in
        return ids

    # == the palette and saved searches ==================================================

    def show_palette(self) -> CommandPalette:
        palette = CommandPalette(self.commands, self)
        palette.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._present(palette)
        return palette

    def save_current_search(self) -> None:
        default = self.flt.query.strip() or self.view_title
        name = self.prompt_text("Save search", "Name of the saved search:", default)
        if not name or not name.strip():
            return
        try:
            view = save_view(self.store, name, self.flt)
        except StoreError as exc:
            self.status_message(str(exc))
            return
        self._refresh_saved_views()
        self.view_key = f"saved:{view.id}"
        self.sidebar.select_key(self.view_key)
        self.status_message(f"Saved search “{view.name}”.")

    def delete_current_saved_search(self, view_id: int | None = None) -> None:
        if view_id is None:
            if not (self.view_key or "").startswith("saved:"):
                self.status_message("Open a saved search first.")
                return
            view_id = int(self.view_key.split(":")[1])
        view = self._saved_views.get(view_id)
        if view is None:
            return
        if not self.confirm("Delete saved search", f"Delete the saved search “{view.name}”?"):
            return
        delete_saved_view(self.store, view_id)
        if self.view_key == f"saved:{view_id}":
            self.view_key = None
        self._refresh_saved_views()
        self.status_message(f"Deleted saved search “{view.name}”.")

    # == sidebar =========================================================================

    def _populate_sidebar(self) -> None:
        for view in View.ALL_VIEWS:
            self.add_sidebar_entry("Views", f"view:{view}", VIEW_LABELS[view],
                                   lambda v=view: self.show_view(v))
        self.add_sidebar_entry("Businesses", "whose:own", "Own business",
                               lambda: self._show(InboxFilter(view=View.ALL, whose="own"),
                                                  "Own business", "whose:own"))
        self.add_sidebar_entry("Businesses", "whose:competitor", "Competitors",
                               lambda: self._show(InboxFilter(view=View.ALL, whose="competitor"),
                                                  "Competitors", "whose:competitor"))
        self._refresh_sources(self.store.list_sources(), {})
        # tags (with their counts: ~15 ms at 1M items) arrive with the first counts
        self._refresh_saved_views()

    def schedule_counts(self) -> None:
        self.counts_timer.start()

    def refresh_counts(self) -> None:
        now = self._now_text()
        self._counts_gen += 1
        gen = self._counts_gen

        def query(s: Store):
            if gen != self._counts_gen:
                return None  # a newer request is queued behind this one
            return s.counts(now), s.list_sources(), s.list_tags()

        self.run_in_worker(query, self._apply_counts,
                           lambda exc: log.warning("counts failed: %s", exc))

    def _apply_counts(self, result) -> None:
        if result is None:
            return
        counts, sources, tags = result
        for view, n in counts["views"].items():
            self.update_sidebar_entry(f"view:{view}", count=n)
        for whose, n in counts["whose"].items():
            self.update_sidebar_entry(f"whose:{whose}", count=n)
        self._refresh_sources(sources, counts["sources"])
        self._refresh_tags(tags, counts["tags"])
        self.search_bar.set_choices(sources, tags)
        self.search_bar.show_filter(self.flt)

    def _refresh_sources(self, sources, counts: dict[int, int]) -> None:
        self._sources_known = sources
        keys = {f"source:{s.id}" for s in sources}
        self.sidebar.remove_section_entries("Sources", keep=keys | {
            k for k, e in self.sidebar.entries.items() if e.section == "Sources" and not k.startswith("source:")})
        for s in sources:
            key = f"source:{s.id}"
            synced = f"last synced {s.last_synced_at}" if s.last_synced_at else "never synced"
            tip = f"{s.name} ({s.kind}, {'competitor' if s.whose == 'competitor' else 'own'}) — {synced}"
            if not s.enabled:
                tip += " — paused"
            if s.last_error:
                tip += f"\nLast error: {s.last_error}"
            label = s.name + ("" if s.enabled else " (paused)")
            if key not in self.sidebar.entries:
                self.add_sidebar_entry(
                    "Sources", key, label,
                    lambda sid=s.id, name=s.name: self._show(
                        InboxFilter(view=View.ALL, source_ids=[sid]), name, f"source:{sid}"),
                    icon=QIcon(source_pixmap(s.kind, 16)), tooltip=tip)
            entry = self.sidebar.entries[key]
            state = None if entry.state == "syncing" else ("error" if s.last_error else "")
            self.update_sidebar_entry(key, label=label, count=counts.get(s.id, entry.count or 0),
                                      tooltip=tip, state=state)

    def _refresh_tags(self, tags, counts: dict[int, int]) -> None:
        self._tags_known = tags
        keys = {f"tag:{t.name}" for t in tags}
        self.sidebar.remove_section_entries("Tags", keep=keys)
        for t in tags:
            key = f"tag:{t.name}"
            if key not in self.sidebar.entries:
                self.add_sidebar_entry("Tags", key, t.name,
                                       lambda name=t.name: self._show(
                                           InboxFilter(view=View.ALL, tags=[name]), f"Tag: {name}", f"tag:{name}"),
                                       icon=dot_icon(t.colour), tooltip=f"Items tagged “{t.name}”")
            self.sidebar.update_entry(key, count=counts.get(t.id, t.count), icon=dot_icon(t.colour))
        self.sidebar.select_key(self.view_key)

    def _refresh_saved_views(self) -> None:
        views = list_saved_views(self.store)
        self._saved_views = {v.id: v for v in views}
        self.sidebar.remove_section_entries("Saved searches", keep={f"saved:{v.id}" for v in views})
        for v in views:
            key = f"saved:{v.id}"
            self.add_sidebar_entry("Saved searches", key, v.name,
                                   lambda v=v: self._show(v.filter, v.name, f"saved:{v.id}"),
                                   tooltip=f"Saved search: {v.filter.query or 'filters'} (right-click to delete)")
        self.sidebar.select_key(self.view_key)

    def _sidebar_menu(self, pos) -> None:
        item = self.sidebar.itemAt(pos)
        if item is None:
            return
        key = item.data(0, Qt.ItemDataRole.UserRole + 10) or ""
        if key.startswith("saved:"):
            menu = QMenu(self)
            menu.addAction("Delete saved search",
                           lambda: self.delete_current_saved_search(int(key.split(":")[1])))
            menu.popup(self.sidebar.viewport().mapToGlobal(pos))

    def _list_menu(self, pos) -> None:
        menu = QMenu(self)
        for cid in ("item.done", "item.snooze", "item.tag", "item.unread", "item.read",
                    "item.open_original", "item.author"):
            menu.addAction(self.actions_by_id[cid])
        menu.popup(self.list_view.viewport().mapToGlobal(pos))

    # == settings and closing ============================================================

    def _restore_settings(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray | bytes) and geometry:
            self.restoreGeometry(QByteArray(geometry))
        else:
            self.resize(1280, 800)
        self._default_panes = True
        for key, splitter in (("window/splitter", self.splitter), ("window/reading_splitter", self.reading.split)):
            state = self.settings.value(key)
            if isinstance(state, QByteArray | bytes) and state:
                splitter.restoreState(QByteArray(state))
                self._default_panes &= splitter is not self.splitter

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if getattr(self, "_default_panes", False):
            # First start: set pane widths once the window has its real width, so the
            # sidebar fits its source names (sizes set earlier are scaled from a small default).
            self._default_panes = False
            rest = max(0, self.splitter.width() - SIDEBAR_WIDTH)
            self.splitter.setSizes([SIDEBAR_WIDTH, rest * 45 // 100, rest - rest * 45 // 100])

    def save_settings(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.setValue("window/reading_splitter", self.reading.split.saveState())
        self.settings.sync()

    def closeEvent(self, event) -> None:
        self.save_settings()
        self.wake_timer.stop()
        self.counts_timer.stop()
        self.tasks.cancel_all()
        self.workers.close()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop timers, tasks and workers (tests and the app call this when done)."""
        self.wake_timer.stop()
        self.counts_timer.stop()
        self.tasks.cancel_all()
        self.workers.close()


def app_palette_is_dark() -> bool:
    pal = QApplication.palette()
    return pal.color(QPalette.ColorRole.Window).lightness() < 128
