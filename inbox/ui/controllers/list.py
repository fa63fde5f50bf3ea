"""The middle pane: the search bar, the list of items (paged on a worker) and its title and
count; which filter is shown, the selection, and moving through the rows."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from inbox import APP_NAME
from inbox.domain import InboxFilter, View, format_time
from inbox.domain.plain_errors import RETRY, SIGN_IN
from inbox.services.operations import ChangeSet
from inbox.store import BadQuery, Store
from inbox.ui import sidebar_keys
from inbox.ui.delegate import ROW_HEIGHT, ItemDelegate, row_height
from inbox.ui.dialogs import DateRangeDialog
from inbox.ui.elided_label import ElidedLabel
from inbox.ui.failures import DETAILS_LINK, FIX_LINK, empty_list_html
from inbox.ui.list_model import ItemListModel, sync_loader
from inbox.ui.search_bar import VIEW_LABELS, SearchBar

if TYPE_CHECKING:
    from inbox.ui.main_window import MainWindow

log = logging.getLogger(__name__)
LIST_MENU = ("item.done", "item.snooze", "item.tag", "item.assign", "item.unread", "item.read", "item.open_original",
             "item.author")


_PLAIN = InboxFilter()
FRAME_MS = 16


def _still_within(flt: InboxFilter, base: InboxFilter) -> bool:
    """Whether `flt` keeps every constraint `base` set (it may add more of its own)."""
    for name in InboxFilter.__dataclass_fields__:
        wanted = getattr(base, name)
        if name != "view" and wanted != getattr(_PLAIN, name) and getattr(flt, name) != wanted:
            return False
    return True


def highlight_key(flt: InboxFilter, key: str | None, key_filter: InboxFilter | None = None) -> str | None:
    """The sidebar entry that says what the list shows: a status view follows the Status
    chip; a source's entry stays lit only while that one source is the filter; any other
    entry (a business, a tag, a saved search) while the list keeps what it chose."""
    family = sidebar_keys.family(key)
    if family == sidebar_keys.VIEW:
        return sidebar_keys.view(flt.view) if flt.view in View.ALL_VIEWS else None
    if family == sidebar_keys.SOURCE:
        if flt.source_ids == [sidebar_keys.source_id(key)]:
            return key
        return None if flt.source_ids else sidebar_keys.view(flt.view)
    if key_filter is not None and not _still_within(flt, key_filter):
        return None
    return key


class ListController(QObject):
    """Owns the filter on screen and the list widgets; opens the row the user lands on."""

    def __init__(self, window: MainWindow, background_pages: bool) -> None:
        super().__init__(window)
        self.window = window
        self.store = window.store
        self.background_pages = background_pages
        self._warmed = False  # the rows' fonts drawn once (an empty inbox's first load)
        self._panels_later = False  # the row being selected is opened by the list, not the user
        self.flt = InboxFilter(view=View.INBOX)
        self.view_before_search: str | None = None  # a search looks in All; clearing it goes back
        # Esc in the list asks these first (Insights: back from a chart's items); True = handled
        self.back_handlers: list[Callable[[], bool]] = []
        self.shown_handlers: list[Callable[[str | None], None]] = []  # after every show(), with its key
        self.highlight_override: str | None = None  # an entry lit whatever the filter (Insights)
        self.key_filter: InboxFilter | None = None  # the filter the sidebar entry (view_key) chose
        self._chip_change = False
        self.view_title = "Inbox"
        self.view_key: str | None = sidebar_keys.view(View.INBOX)
        self.total_count: int | None = None
        self.quiet = False  # while rows leave after triage, Qt's passing stops open nothing
        self._count_gen = 0
        # (current id, selected ids, row) to select again after the next reload
        self._restore: tuple[int | None, list[int], int] | None = None
        # work that waits for the next page to arrive (it gets the worker threads first)
        self._after_load: dict[str, Callable[[], None]] = {}
        w = window
        self.widget = middle = QWidget()
        mid = QVBoxLayout(middle)
        mid.setContentsMargins(0, 0, 0, 0)
        mid.setSpacing(0)
        self.search_bar = SearchBar(w.clock)
        self.search_bar.changed.connect(self.apply_filter_change)
        self.search_bar.save_requested.connect(lambda: w.sidebar_ctl.save_current_search())
        self.search_bar.date_range_requested.connect(self.date_range_dialog)
        mid.addWidget(self.search_bar)
        head = QHBoxLayout()
        head.setContentsMargins(12, 4, 12, 6)
        self.list_title = ElidedLabel()
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
                w.workers.submit(lambda s: s.list_items(flt, after=after, limit=limit, now=now),
                                 on_page, on_error, lane="pages")
        else:
            loader = sync_loader(self.store)
        self.model = ItemListModel(loader, self.now_text, self)
        self.model.page_loaded.connect(lambda _n: self.update_empty())
        self.model.load_failed.connect(self._load_failed)
        # A one-column QTableView, not a QListView: QListView re-lays out every row on each
        # insert; a table with fixed row heights stays O(1) per page.
        view = self.list_view = QTableView()
        view.setObjectName("itemList")
        view.setAccessibleName("Items")
        view.setShowGrid(False)
        view.setWordWrap(False)
        view.setTabKeyNavigation(False)
        view.setCornerButtonEnabled(False)
        vh = view.verticalHeader()
        vh.hide()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setMinimumSectionSize(ROW_HEIGHT)
        vh.setDefaultSectionSize(row_height(view.font()))
        view.installEventFilter(self)  # a larger system font makes the rows taller, never clipped
        hh = view.horizontalHeader()
        hh.hide()
        hh.setStretchLastSection(True)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        view.setModel(self.model)
        # after the view's own reset handler (which clears the selection) has run
        self.model.modelReset.connect(self._after_reset)
        delegate = ItemDelegate(w.clock, view)
        view.setItemDelegate(delegate)
        # the first paint of rows just loaded is spread over a few turns (delegate.FreshBudget)
        self.model.modelReset.connect(delegate.fresh.arm)
        self.model.rowsInserted.connect(delegate.fresh.arm)
        delegate.fresh.schedule = w.workers.next_turn
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        view.setFrameShape(QFrame.Shape.NoFrame)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._list_menu)
        view.doubleClicked.connect(lambda _index: w.reading_ctl.focus())
        view.selectionModel().currentChanged.connect(self._current_changed)
        view.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.empty_label = QLabel()
        self.empty_label.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setTextFormat(Qt.TextFormat.PlainText)  # source names are the owner's text
        self.empty_label.linkActivated.connect(self._empty_link)
        self.failed: list = []  # (source, PlainError) the empty list explains
        self.empty_label.setAccessibleName("Empty list")
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(view)
        self.list_stack.addWidget(self.empty_label)
        mid.addWidget(self.list_stack, 1)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.list_view and event.type() == QEvent.Type.FontChange:
            self.list_view.verticalHeader().setDefaultSectionSize(row_height(self.list_view.font()))
        return False

    def now_text(self) -> str:
        return format_time(self.window.clock())

    # -- what is shown -----------------------------------------------------------------

    def show(self, flt: InboxFilter, title: str, key: str | None) -> None:
        w = self.window
        self.flt = flt
        self.view_title = title
        if not self._chip_change or key != self.view_key:
            self.key_filter = dataclasses.replace(flt, source_ids=list(flt.source_ids), tags=list(flt.tags))
        self.view_key = key
        w.sidebar.select_key(self.highlighted_key())
        self.search_bar.show_error(None)
        self.search_bar.show_filter(flt)
        self.search_bar.show_reason(None)  # a "why" belongs to the list it was set for
        self.list_title.setText(title)
        w.setWindowTitle(f"{title} — {APP_NAME}" + (" (demo workspace)" if w.is_demo else ""))
        self._restore = None
        self.total_count = None
        self.list_count.setText("")
        self.after_load("count", self.count_current)  # heavier than the page: once the rows are in
        self.model.set_filter(flt)
        for handler in list(self.shown_handlers):
            handler(key)

    def highlighted_key(self) -> str | None:
        """The sidebar entry to light for what the list shows now."""
        return self.highlight_override or highlight_key(self.flt, self.view_key, self.key_filter)

    def after_load(self, name: str, work: Callable[[], None]) -> None:
        """Run `work` once the next page has arrived (or failed)."""
        self._after_load[name] = work

    def show_view(self, view: str) -> None:
        self.show(InboxFilter(view=view), VIEW_LABELS[view], sidebar_keys.view(view))

    def current_filter(self) -> InboxFilter:
        return dataclasses.replace(self.flt, source_ids=list(self.flt.source_ids), tags=list(self.flt.tags))

    def apply_filter_change(self, changes: dict[str, Any]) -> None:
        """A chip or the search field changed part of the filter."""
        if "query" in changes and changes["query"].strip():
            try:
                self.store.check_query(changes["query"])
            except BadQuery as exc:
                self.search_bar.show_error(str(exc))
                return
        if "query" in changes and "view" not in changes:
            searching, was = bool(changes["query"].strip()), bool(self.flt.query.strip())
            if searching and not was:  # search covers everything; the "In:" chip narrows it
                self.view_before_search = self.flt.view
                changes = {**changes, "view": View.ALL}
            elif was and not searching and self.view_before_search:
                changes = {**changes, "view": self.view_before_search}
                self.view_before_search = None
        flt = dataclasses.replace(self.flt, **changes)
        title = self.view_title
        if flt.query.strip():
            title = f"Search: {flt.query.strip()}"
        elif self.view_title.startswith("Search: "):
            title = VIEW_LABELS.get(flt.view, "Items")
        self._chip_change = True
        try:
            self.show(flt, title, self.view_key)
        finally:
            self._chip_change = False

    def date_range_dialog(self) -> DateRangeDialog:
        dialog = DateRangeDialog(self.flt.since, self.flt.until, self.window.clock().astimezone(),
                                 lambda since, until: self.apply_filter_change({"since": since, "until": until}),
                                 self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.window.present(dialog)
        return dialog

    def clear_filters(self) -> None:
        self.search_bar.field.clear()
        self.show_view(self.flt.view if self.flt.view in View.ALL_VIEWS else View.INBOX)

    def count_current(self) -> None:
        flt, now = self.flt, self.now_text()
        self._count_gen += 1
        gen = self._count_gen

        def count(s: Store) -> int | None:
            # fast triage or clicking through views queues counts (seconds each on a large
            # workspace): only the latest one runs
            return s.count_items(flt, now) if gen == self._count_gen else None

        def done(n: int | None) -> None:
            if n is not None and flt is self.flt:
                self.total_count = n
                noun = "conversation" if flt.conversation_rows() else "message"
                self.list_count.setText(f"{n:,} {noun}{'s' if n != 1 else ''}")
                self.update_empty()
        self.window.run_in_worker(count, done, lambda exc: None)

    # -- redrawing ---------------------------------------------------------------------

    def reload(self) -> None:
        """Read the list again, keeping the current item, the selection and the position."""
        current = self.window.reading_ctl.current.id if self.window.reading_ctl.current else None
        self.reload_selecting(current, self.selected_item_ids())

    def reload_selecting(self, current: int | None, ids: list[int]) -> None:
        self._restore = (current, ids, self.list_view.currentIndex().row())
        self.model.reload()

    def redraw(self, changes: ChangeSet) -> None:
        """What a write changed: reload for `everything`, else re-read the named rows."""
        if changes.everything:
            self.reload()
        elif changes.items:
            self.model.refresh_items(self.store, sorted(changes.items), drop_unmatched=False)

    def _run_after_load(self) -> None:
        work, self._after_load = self._after_load, {}
        for fn in work.values():
            fn()

    def _after_reset(self) -> None:
        self._run_after_load()
        restore, self._restore = self._restore, None
        self.update_empty()
        reading = self.window.reading_ctl
        if restore is None:
            if self.model.rows and not self.list_view.currentIndex().isValid():
                self._open_first()
            elif not self.model.rows:
                reading.open(None)
                self._warm_up()
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
            self._open_first(min(max(old_row, 0), len(self.model.rows) - 1))
        else:
            reading.open(None)

    def _warm_up(self) -> None:
        """An empty list: its rows' fonts are drawn once now, in a turn of their own, rather
        than in the turn a sync's first rows arrive (ItemDelegate.warm_up); so are the
        reading panels' (`window.warm_ups`)."""
        if self._warmed:
            return
        self._warmed = True
        delegate = self.list_view.itemDelegate()
        for step in delegate.warm_up(self.list_view):
            self.window.workers.next_turn(step)
        self.window.workers.next_turn(lambda: delegate.warm_up_badges(self.list_view))
        for warm_up in self.window.warm_ups:
            self.window.workers.next_turn(warm_up)

    def _open_first(self, row: int = 0) -> None:
        """Select a row of a list just (re)loaded that has none current. With pages from a
        worker, on the next turn: the new rows' first paint and opening the item (the reading
        pane, the reply box, the author's panel) were one frame-long stall when a sync's
        first rows came in."""
        if not self.background_pages:
            self.select_row(row)
            return
        generation = self.model.generation

        def select() -> None:
            if generation == self.model.generation and self.model.rows and not self.list_view.currentIndex().isValid():
                self._panels_later = True
                try:
                    self.select_row(min(row, len(self.model.rows) - 1))
                finally:
                    self._panels_later = False
        self.window.workers.next_turn(select, FRAME_MS)  # after the rows' paint has had its frame

    def update_empty(self) -> None:
        empty = not self.model.rows and not self.model.loading
        if empty:
            f = self.flt
            self.failed = self.window.sidebar_ctl.failed_sources(f.source_ids or None)
            failed = empty_list_html([(s.name, plain) for s, plain in self.failed])
            self.empty_label.setTextFormat(Qt.TextFormat.RichText if failed else Qt.TextFormat.PlainText)
            if failed and not (f.query or f.tags or f.rating_min or f.rating_max or f.since):
                text = failed  # a failed sync is why the list is empty: never "Inbox zero"
            elif not self.window.sidebar_ctl.sources_known and not self.window.is_demo:
                text = "No sources yet.\nAdd where your customers talk with File ▸ Add a source…"
            elif f.query or f.tags or f.source_ids or f.rating_min or f.rating_max or f.since or f.whose:
                text = "Nothing matches this search."
            elif f.view == View.INBOX:
                text = "Inbox zero. ✓\nNothing waits for you."
            else:
                text = "Nothing here."
            self.empty_label.setText(text)
        self.list_stack.setCurrentWidget(self.empty_label if empty else self.list_view)

    def _empty_link(self, link: str) -> None:
        """The empty list's "Sign in again…" / "Try again" / "Details…" for its failed source."""
        if not self.failed:
            return
        source, plain = self.failed[0]
        if link == DETAILS_LINK:
            box = QMessageBox(QMessageBox.Icon.Information, "Details", plain.detail or plain.text,
                              QMessageBox.StandardButton.Close, self.window)
            box.setTextFormat(Qt.TextFormat.PlainText)  # it may quote what a server sent
            box.open()
        elif link == FIX_LINK and plain.action == RETRY and "sync.now" in self.window.commands.commands:
            self.window.run_command("sync.now")
        elif link == FIX_LINK and plain.action == SIGN_IN and source.kind in ("google", "googleplay", "mastodon",
                                                                          "reddit"):
            from inbox.ui.add_source_wizard import sign_in_again  # the browser flow lives there

            sign_in_again(self.window, source)
        elif link == FIX_LINK and "sources.manage" in self.window.commands.commands:
            dialog = self.window.run_command("sources.manage")
            if dialog is not None:
                dialog.reload(select_id=source.id)  # its sign-in fields are right there

    def _load_failed(self, exc: Exception) -> None:
        self._after_load.pop("count", None)  # nothing to count
        self._run_after_load()
        if isinstance(exc, BadQuery):
            self.search_bar.show_error(str(exc))
        else:
            log.error("loading the list failed", exc_info=exc)
            self.window.status_message(f"Could not load the list: {exc}")
        self.update_empty()

    # -- the selection -----------------------------------------------------------------

    def selected_item_ids(self) -> list[int]:
        rows = sorted(i.row() for i in self.list_view.selectionModel().selectedRows())
        ids = [self.model.rows[r].id for r in rows if r < len(self.model.rows)]
        current = self.window.reading_ctl.current
        if not ids and current is not None:
            ids = [current.id]
        return ids

    def select_row(self, row: int) -> None:
        index = self.model.index(row)
        if not index.isValid():
            return
        self.list_view.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.list_view.scrollTo(index)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self.quiet:
            return
        self.window.reading_ctl.open(self.model.item_at(current.row()) if current.isValid() else None,
                                     panels_later=self._panels_later)

    def _selection_changed(self) -> None:
        n = len(self.list_view.selectionModel().selectedRows())
        if n > 1:
            self.window.status_message(f"{n} conversations selected", 3000)

    def move_current(self, step: int) -> None:
        row = self.list_view.currentIndex().row()
        target = 0 if row < 0 else row + step
        if target >= len(self.model.rows) and self.model.canFetchMore():
            self.model.fetchMore()
        target = max(0, min(target, len(self.model.rows) - 1))
        if self.model.rows:
            self.select_row(target)

    def select_all(self) -> None:
        self.list_view.setFocus()
        self.list_view.selectAll()

    def focus_search(self) -> None:
        self.search_bar.field.setFocus()
        self.search_bar.field.selectAll()

    def escape(self) -> None:
        """Esc steps back one level. From anywhere in the reading pane (the conversation, the
        reply box) it only returns to the list: a draft being written never loses its item."""
        focus = QApplication.focusWidget()
        if focus is not None and (focus is self.window.reading or self.window.reading.isAncestorOf(focus)):
            self.list_view.setFocus()
            return
        if self.search_bar.field.hasFocus():
            self.search_bar.submit()
            self.list_view.setFocus()
        elif self.window.reading.browser.hasFocus():
            self.list_view.setFocus()
        elif len(self.list_view.selectionModel().selectedRows()) > 1:
            self.select_row(max(self.list_view.currentIndex().row(), 0))
        elif any(handler() for handler in list(self.back_handlers)):
            return
        elif self.flt.query:
            self.search_bar.field.clear()
            self.apply_filter_change({"query": ""})

    def _list_menu(self, pos) -> None:
        menu = QMenu(self.window)
        for cid in LIST_MENU:
            if cid in self.window.actions_by_id:  # "Assign to…" only in a team inbox
                menu.addAction(self.window.actions_by_id[cid])
        menu.popup(self.list_view.viewport().mapToGlobal(pos))
