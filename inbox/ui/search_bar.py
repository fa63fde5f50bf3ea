"""The search field and its filter chips (source, rating, tag, status, date, own/competitor,
sentiment).

The bar holds no filter of its own: it shows the window's current filter (`show_filter`)
and reports each change as keyword updates of `InboxFilter` fields (`changed`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from inbox.domain import InboxFilter, Source, Tag, View
from inbox.ui.plain import plain_tooltip

VIEW_LABELS = {View.INBOX: "Inbox", View.UNREAD: "Unread", View.SNOOZED: "Snoozed",
               View.DONE: "Done", View.ALL: "All"}
RATINGS: list[tuple[str, int | None, int | None]] = [
    ("Any rating", None, None), ("★★★★★ only", 5, 5), ("4★ and up", 4, None),
    ("3★ and below", None, 3), ("2★ and below", None, 2), ("1★ only", 1, 1)]
DATES: list[tuple[str, int | None]] = [
    ("Any time", None), ("Today", 0), ("Last 7 days", 7), ("Last 30 days", 30),
    ("Last 12 months", 365)]
# The label the list and charts use: the owner's correction wins over the computed one.
SENTIMENTS: list[tuple[str, str | None]] = [
    ("Any sentiment", None), ("Positive", "positive"), ("Neutral", "neutral"), ("Negative", "negative"),
    ("Not scored", "unknown")]
SEARCH_DELAY_MS = 250


class Chip(QToolButton):
    """A drop-down filter; checked (highlighted) while it narrows the list."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setCheckable(True)
        self.setAutoRaise(False)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.setAccessibleName(f"{name} filter")
        self.menu_ = QMenu(self)
        self.setMenu(self.menu_)
        self.show_value(None)

    def show_value(self, value: str | None) -> None:
        self.setText(f"{self.name}: {value}" if value else self.name)
        self.setChecked(bool(value))
        self.setToolTip(plain_tooltip(f"Filter by {self.name.lower()}" + (f" (now: {value})" if value else "")))


class SearchBar(QWidget):
    changed = Signal(dict)          # InboxFilter field updates
    save_requested = Signal()
    clear_requested = Signal()
    date_range_requested = Signal()

    def __init__(self, clock: Callable[[], datetime], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clock = clock
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 4)
        outer.setSpacing(4)
        self.field = QLineEdit()
        self.field.setPlaceholderText("Search (/)   words, \"a phrase\", crois*, author:name")
        self.field.setClearButtonEnabled(True)
        self.field.setAccessibleName("Search")
        outer.addWidget(self.field)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setAccessibleName("Search error")
        self.error.setStyleSheet("color: #d93025")
        self.error.hide()
        outer.addWidget(self.error)
        chips = QHBoxLayout()
        chips.setSpacing(4)
        self.chips: dict[str, Chip] = {}
        for key, label in (("view", "Status"), ("source", "Source"), ("rating", "Rating"),
                           ("tag", "Tag"), ("date", "Date"), ("whose", "Business"), ("sentiment", "Sentiment")):
            chip = Chip(label, self)
            self.chips[key] = chip
            chips.addWidget(chip)
        chips.addStretch(1)
        self.save_button = QToolButton()
        self.save_button.setText("Save search")
        self.save_button.setAccessibleName("Save this search")
        self.save_button.setToolTip("Save this search in the sidebar (Ctrl+S)")
        self.save_button.clicked.connect(self.save_requested)
        chips.addWidget(self.save_button)
        outer.addLayout(chips)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SEARCH_DELAY_MS)
        self.timer.timeout.connect(self.submit)
        self.field.textEdited.connect(lambda _: self.timer.start())
        self.field.returnPressed.connect(self.submit)
        self._sources: list[Source] = []
        self._tags: list[Tag] = []
        self._shown_query = ""

    # -- the field -------------------------------------------------------------------

    def submit(self) -> None:
        self.timer.stop()
        text = self.field.text()
        if text != self._shown_query:
            self._shown_query = text
            self.changed.emit({"query": text})

    def show_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))

    # -- chips -----------------------------------------------------------------------

    def set_choices(self, sources: list[Source], tags: list[Tag]) -> None:
        self._sources, self._tags = sources, tags

    def show_filter(self, flt: InboxFilter) -> None:
        if self.field.text() != flt.query and not self.field.hasFocus():
            self.field.setText(flt.query)
        self._shown_query = flt.query if not self.field.hasFocus() else self.field.text()
        self._build_menus(flt)
        self.chips["view"].show_value(None if flt.view == View.ALL and not flt.query else
                                      VIEW_LABELS.get(flt.view, flt.view))
        names = {s.id: s.name for s in self._sources}
        self.chips["source"].show_value(", ".join(names.get(i, str(i)) for i in flt.source_ids) or None)
        rating = next((label for label, lo, hi in RATINGS[1:]
                       if (lo, hi) == (flt.rating_min, flt.rating_max)), None)
        if rating is None and (flt.rating_min or flt.rating_max):
            rating = f"{flt.rating_min or 1}–{flt.rating_max or 5}★"
        self.chips["rating"].show_value(rating)
        self.chips["tag"].show_value(", ".join(flt.tags) or None)
        date = None
        if flt.since or flt.until:
            date = next((label for label, days in DATES[1:] if flt.since == self._since(days) and not flt.until),
                        f"{flt.since or '…'} – {flt.until or '…'}")
        self.chips["date"].show_value(date)
        self.chips["whose"].show_value({"own": "Own", "competitor": "Competitors"}.get(flt.whose or ""))
        self.chips["sentiment"].show_value(next((label for label, value in SENTIMENTS[1:]
                                                 if value == flt.sentiment), None))

    def _since(self, days: int | None) -> str | None:
        if days is None:
            return None
        return (self.clock().astimezone() - timedelta(days=days)).strftime("%Y-%m-%d")

    def _add(self, menu: QMenu, label: str, checked: bool, changes: dict[str, Any]) -> QAction:
        action = menu.addAction(label)
        action.setCheckable(True)
        action.setChecked(checked)
        action.triggered.connect(lambda _=False, c=changes: self.changed.emit(c))
        return action

    def _build_menus(self, flt: InboxFilter) -> None:
        m = self.chips["view"].menu_
        m.clear()
        for view, label in VIEW_LABELS.items():
            self._add(m, label, flt.view == view, {"view": view})
        m = self.chips["source"].menu_
        m.clear()
        self._add(m, "All sources", not flt.source_ids, {"source_ids": []})
        m.addSeparator()
        for s in self._sources:
            on = s.id in flt.source_ids
            ids = [i for i in flt.source_ids if i != s.id] if on else [*flt.source_ids, s.id]
            self._add(m, s.name, on, {"source_ids": ids})
        m = self.chips["rating"].menu_
        m.clear()
        for label, lo, hi in RATINGS:
            self._add(m, label, (lo, hi) == (flt.rating_min, flt.rating_max),
                      {"rating_min": lo, "rating_max": hi})
        m = self.chips["tag"].menu_
        m.clear()
        self._add(m, "Any tags", not flt.tags, {"tags": []})
        m.addSeparator()
        for t in self._tags:
            on = t.name in flt.tags
            tags = [x for x in flt.tags if x != t.name] if on else [*flt.tags, t.name]
            self._add(m, t.name, on, {"tags": tags})
        m = self.chips["date"].menu_
        m.clear()
        preset = False
        for label, days in DATES:
            since = self._since(days)
            on = flt.since == since and not flt.until
            preset = preset or on
            self._add(m, label, on, {"since": since, "until": None})
        m.addSeparator()
        custom = m.addAction("Custom range…")
        custom.setCheckable(True)
        custom.setChecked(not preset and bool(flt.since or flt.until))
        custom.triggered.connect(lambda _=False: self.date_range_requested.emit())
        m = self.chips["whose"].menu_
        m.clear()
        for label, whose in (("Own and competitors", None), ("Own business", "own"),
                             ("Competitors", "competitor")):
            self._add(m, label, flt.whose == whose, {"whose": whose})
        m = self.chips["sentiment"].menu_
        m.clear()
        for label, value in SENTIMENTS:
            self._add(m, label, flt.sentiment == value, {"sentiment": value})
