"""The inbox list as a Qt model that pages through the store with keyset cursors.

It never loads every row: `canFetchMore`/`fetchMore` ask for the next page after the last
row's (created_at, id). Where the page comes from is a `loader` — synchronous by default
(tests, qtmodeltester), or a background reader in the window (`run_in_worker`), in which
case a page arrives later and stale answers (the filter changed meanwhile) are dropped.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from inbox.domain import InboxFilter, ItemRow, PageCursor
from inbox.store import Store

RELOAD_KEEP = 1000
PAGE_SIZE = 100  # ~12 rows fill a screen; 100 keep each page load well under 30 ms at 1M items
ItemRole = Qt.ItemDataRole.UserRole + 1
IdRole = Qt.ItemDataRole.UserRole + 2

Page = tuple[list[ItemRow], PageCursor | None]
# loader(filter, after, limit, now, on_page, on_error)
Loader = Callable[[InboxFilter, PageCursor | None, int, str, Callable[[Page], None],
                   Callable[[Exception], None]], None]

_Index = QModelIndex | QPersistentModelIndex


def sync_loader(store: Store) -> Loader:
    def load(flt, after, limit, now, on_page, on_error):
        try:
            page = store.list_items(flt, after=after, limit=limit, now=now)
        except Exception as exc:
            on_error(exc)
            return
        on_page(page)
    return load


class ItemListModel(QAbstractListModel):
    """Rows of `ItemRow`, newest first, loaded a page at a time."""

    loading_changed = Signal(bool)
    load_failed = Signal(object)      # the exception of a failed page
    page_loaded = Signal(int)         # rows added

    def __init__(self, loader: Loader, now: Callable[[], str], parent=None,
                 page_size: int = PAGE_SIZE) -> None:
        super().__init__(parent)
        self.loader = loader
        self.now = now
        self.page_size = page_size
        self.flt = InboxFilter()
        self.rows: list[ItemRow] = []
        self.row_of: dict[int, int] = {}
        self.cursor: PageCursor | None = None
        self.exhausted = True
        self.loading = False
        self.generation = 0
        self.pending_select: Callable[[], None] | None = None

    # -- Qt model API ----------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        item = self.rows[index.row()]
        if role == ItemRole:
            return item
        if role == IdRole:
            return item.id
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{item.author_name}: {item.first_line}"
        if role == Qt.ItemDataRole.ToolTipRole:
            from inbox.ui.delegate import row_summary  # the delegate imports this module

            return row_summary(item)  # local time, never the store's UTC text
        if role == Qt.ItemDataRole.AccessibleTextRole:
            stars = f", {item.rating} stars" if item.rating else ""
            unread = "unread, " if item.status == "unread" else ""
            size = f", {item.messages} messages" if item.messages > 1 else ""
            replied = ", replied" if item.replied else ""
            return f"{unread}{item.author_name} on {item.source_name}{stars}{size}{replied}: {item.first_line}"
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self.exhausted and not self.loading

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self.exhausted or self.loading:
            return
        self._load(self.cursor, self.page_size, replace=False)

    # -- loading ---------------------------------------------------------------------

    def set_filter(self, flt: InboxFilter, keep: int = 0) -> None:
        """Show a filter from its first row; `keep` asks for at least that many rows at once
        (a reload keeps the user's scroll position)."""
        self.flt = flt
        self.generation += 1
        self.loading = False
        self._load(None, max(self.page_size, keep), replace=True)

    def reload(self) -> None:
        """Re-read the list after a write, keeping up to RELOAD_KEEP rows already scrolled
        through (not all 100,000: a reload should cost what a few pages cost)."""
        self.set_filter(self.flt, keep=min(len(self.rows), RELOAD_KEEP))

    def _load(self, after: PageCursor | None, limit: int, replace: bool) -> None:
        generation = self.generation
        self._set_loading(True)

        def on_page(page: Page) -> None:
            if generation != self.generation:
                return
            rows, cursor = page
            if replace:
                self.beginResetModel()
                self.rows = list(rows)
                self.row_of = {r.id: i for i, r in enumerate(self.rows)}
                self.cursor = cursor
                self.exhausted = cursor is None
                self.endResetModel()
            elif rows:
                start = len(self.rows)
                self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
                self.rows.extend(rows)
                for i, r in enumerate(rows, start):
                    self.row_of[r.id] = i
                self.cursor = cursor
                self.exhausted = cursor is None
                self.endInsertRows()
            else:
                self.cursor, self.exhausted = cursor, cursor is None
            # only now: a view (or qtmodeltester) asking canFetchMore while rows are being
            # inserted must not start a nested load
            self._set_loading(False)
            self.page_loaded.emit(len(rows))

        def on_error(exc: Exception) -> None:
            if generation != self.generation:
                return
            self._set_loading(False)
            self.exhausted = True
            if replace:
                self.beginResetModel()
                self.rows, self.row_of, self.cursor = [], {}, None
                self.endResetModel()
            self.load_failed.emit(exc)

        self.loader(self.flt, after, limit, self.now(), on_page, on_error)

    def _set_loading(self, value: bool) -> None:
        if self.loading != value:
            self.loading = value
            self.loading_changed.emit(value)

    # -- after triage ----------------------------------------------------------------

    def refresh_items(self, store: Store, ids: list[int], *, drop_unmatched: bool = True) -> None:
        """Re-read some rows after a write (a tiny query by id): rows that still match the
        filter are updated in place; rows that no longer match leave the list."""
        ids = [i for i in ids if i in self.row_of]
        if not ids:
            return
        wanted = set(ids) if self.flt.item_ids is None else set(ids) & set(self.flt.item_ids)
        flt = dataclasses.replace(self.flt, item_ids=sorted(wanted))
        fresh = {r.id: r for r in store.list_items(flt, limit=len(ids) + 1, now=self.now())[0]}
        if not drop_unmatched:
            for item_id in ids:
                if item_id not in fresh:
                    try:
                        fresh[item_id] = store.get_item(item_id)
                    except Exception:
                        continue
        for item_id in ids:
            if item_id in fresh:
                row = self.row_of[item_id]
                self.rows[row] = fresh[item_id]
                idx = self.index(row)
                self.dataChanged.emit(idx, idx)
        gone = sorted((self.row_of[i] for i in ids if i not in fresh), reverse=True)
        for row in _runs(gone):
            first, last = row
            self.beginRemoveRows(QModelIndex(), first, last)
            del self.rows[first:last + 1]
            self.endRemoveRows()
        if gone:
            self.row_of = {r.id: i for i, r in enumerate(self.rows)}

    def replace_item(self, item: ItemRow) -> None:
        """Show a changed copy of a row we hold (e.g. read on opening) without a query."""
        row = self.row_of.get(item.id)
        if row is not None:
            self.rows[row] = item
            idx = self.index(row)
            self.dataChanged.emit(idx, idx)

    def item_at(self, row: int) -> ItemRow | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None


def _runs(rows_desc: list[int]) -> list[tuple[int, int]]:
    """Contiguous (first, last) runs of row numbers, last run first (safe removal order)."""
    runs: list[tuple[int, int]] = []
    for r in rows_desc:
        if runs and runs[-1][0] == r + 1:
            runs[-1] = (r, runs[-1][1])
        else:
            runs.append((r, r))
    return runs
