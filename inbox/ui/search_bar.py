"""The search field and its filter chips (source, rating, tag, status, date, own/competitor,
sentiment).

The bar holds no filter of its own: it shows the window's current filter (`show_filter`)
and reports each change as keyword updates of `InboxFilter` fields (`changed`)."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from inbox.domain import InboxFilter, Source, Tag, View
from inbox.domain.filter_words import date_words, names_words, rating_words
from inbox.ui import local_time
from inbox.ui.plain import plain_tooltip

VIEW_LABELS = {View.INBOX: "Inbox", View.UNREAD: "Unread", View.SNOOZED: "Snoozed",
               View.DONE: "Done", View.ALL: "All"}
RATINGS: list[tuple[str, int | None, int | None]] = [
    ("Any rating", None, None), ("5 ★ only", 5, 5), ("4–5 ★", 4, None),
    ("1–3 ★", None, 3), ("1–2 ★", None, 2), ("1 ★ only", 1, 1)]
DATES: list[tuple[str, int | None]] = [
    ("Any time", None), ("Today", 0), ("Last 7 days", 7), ("Last 30 days", 30),
    ("Last 12 months", 365)]
# The label the list and charts use: the owner's correction wins over the computed one.
SENTIMENTS: list[tuple[str, str | None]] = [
    ("Any sentiment", None), ("Positive", "positive"), ("Neutral", "neutral"), ("Negative", "negative"),
    ("Not scored", "unknown")]
SEARCH_DELAY_MS = 250
CHIP_MAX_WIDTH = 220  # a chip never pushes the window wider: long values are cut, tooltip has all


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
        self.full_text = name
        self._shown: tuple[str | None, str | None] = (None, None)
        self.show_value(None, again=True)

    def max_width(self) -> int:
        """CHIP_MAX_WIDTH at the usual font sizes; wider in proportion with a larger font,
        so that a chip cuts only what is long, not what is large."""
        return max(CHIP_MAX_WIDTH, 26 * self.fontMetrics().averageCharWidth())

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.show_value(*self._shown, again=True)

    def show_value(self, value: str | None, detail: str | None = None, *, again: bool = False) -> None:
        """`value` on the chip, cut at the end to its maximum width; the whole of it (or
        `detail`, e.g. every source's name) in the tooltip. The same value again changes
        nothing (the sidebar's counts show the filter again after every sync's write)."""
        if (value, detail) == self._shown and self.isChecked() == bool(value) and not again:
            return
        self._shown = (value, detail)
        full = f"{self.name}: {value}" if value else self.name
        self.full_text = full
        self.setMaximumWidth(self.max_width())
        room = self.max_width() - max(28, 12 + self.fontMetrics().height())  # the menu arrow and the margins
        self.setText(self.fontMetrics().elidedText(full, Qt.TextElideMode.ElideRight, room).replace("&", "&&"))
        self.setChecked(bool(value))
        self.setToolTip(plain_tooltip(f"Filter by {self.name.lower()}" + (f" (now: {detail or value})" if value else "")))
        self.setAccessibleDescription(full)


class SearchBar(QWidget):
    changed = Signal(dict)          # InboxFilter field updates
    save_requested = Signal()
    clear_requested = Signal()
    date_range_requested = Signal()
    reason_closed = Signal()        # the "why" chip's ✕: go back to the list before it

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
        self.field.setMinimumWidth(80)
        top = QHBoxLayout()
        top.setSpacing(4)
        top.addWidget(self.field, 1)
        outer.addLayout(top)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setAccessibleName("Search error")
        self.error.setStyleSheet("color: #d93025")
        self.error.hide()
        outer.addWidget(self.error)
        # The chips scroll sideways in a row that asks for no width of its own: however many
        # filters are on, the list pane (and the window) can be as narrow as the user likes.
        self.chip_row = QWidget()
        chips = QHBoxLayout(self.chip_row)
        chips.setContentsMargins(0, 0, 0, 0)
        chips.setSpacing(4)
        self.chips: dict[str, Chip] = {}
        for key, label in (("scope", "In"), ("view", "Status"), ("source", "Source"), ("rating", "Rating"),
                           ("tag", "Tag"), ("date", "Date"), ("whose", "Business"), ("sentiment", "Sentiment")):
            chip = Chip(label, self.chip_row)
            self.chips[key] = chip
            chips.addWidget(chip)
        self.chips["scope"].setAccessibleName("Search in")
        # Why the list shows what it shows, when a chart click chose it ("From Insights: …")
        self.reason = QToolButton(self.chip_row)
        self.reason.setObjectName("reasonChip")
        self.reason.setCheckable(True)
        self.reason.setChecked(True)
        self.reason.setMaximumWidth(CHIP_MAX_WIDTH + 80)
        self.reason.setAccessibleName("Why these items are shown")
        self.reason.clicked.connect(lambda _=False: self.reason_closed.emit())
        self.reason.hide()
        self.reason_text = ""
        chips.insertWidget(0, self.reason)
        self.chips["scope"].hide()  # shown while searching
        chips.addStretch(1)
        self.save_button = QToolButton()
        self.save_button.setText("Save search")
        self.save_button.setAccessibleName("Save this search")
        self.save_button.setToolTip("Save this search in the sidebar (Ctrl+S)")
        self.save_button.clicked.connect(self.save_requested)
        top.addWidget(self.save_button)
        self.chip_scroll = QScrollArea()
        self.chip_scroll.setObjectName("chipRow")
        self.chip_scroll.setWidget(self.chip_row)
        self.chip_scroll.setWidgetResizable(True)
        self.chip_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.chip_scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.chip_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.chip_scroll.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.chip_scroll.setMinimumWidth(0)
        self.chip_scroll.setFixedHeight(self.chip_row.sizeHint().height()
                                        + self.chip_scroll.horizontalScrollBar().sizeHint().height())
        outer.addWidget(self.chip_scroll)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SEARCH_DELAY_MS)
        self.timer.timeout.connect(self.submit)
        self.field.textEdited.connect(lambda _: self.timer.start())
        self.field.returnPressed.connect(self.submit)
        self._sources: list[Source] = []
        self._tags: list[Tag] = []
        self._menus_for: tuple | None = None  # what the chips' menus were last built from
        self._shown_query = ""

    # -- the field -------------------------------------------------------------------

    def submit(self) -> None:
        self.timer.stop()
        text = self.field.text()
        if text != self._shown_query:
            self._shown_query = text
            self.changed.emit({"query": text})

    def show_reason(self, text: str | None) -> None:
        """Say why the list shows these items (None hides it); ✕ or Esc goes back."""
        self.reason_text = text or ""
        self.reason.setVisible(bool(text))
        if text:
            full = f"✕  {text}"
            self.reason.setText(self.reason.fontMetrics().elidedText(
                full, Qt.TextElideMode.ElideRight, CHIP_MAX_WIDTH + 50).replace("&", "&&"))
            self.reason.setToolTip(html.escape(text) + "<br>Click or press Esc to go back.")

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
        searching = bool(flt.query.strip())
        self.chips["scope"].setVisible(searching)
        self.chips["scope"].show_value(VIEW_LABELS.get(flt.view, flt.view) if searching else None)
        self.chips["view"].setVisible(not searching)  # while searching, "In:" says where
        self.chips["view"].show_value(None if flt.view == View.ALL else VIEW_LABELS.get(flt.view, flt.view))
        names = {s.id: s.name for s in self._sources}
        chosen = [names.get(i, "a removed source") for i in flt.source_ids]
        self.chips["source"].show_value(names_words(chosen, "source"), ", ".join(chosen))
        self.chips["rating"].show_value(rating_words(flt.rating_min, flt.rating_max))
        self.chips["tag"].show_value(names_words(flt.tags, "tag"), ", ".join(flt.tags))
        today = self.clock().astimezone(local_time.zone()).date()
        date = None
        if flt.since or flt.until:
            date = next((label for label, days in DATES[1:] if flt.since == self._since(days) and not flt.until),
                        date_words(flt.since, flt.until, today))
        self.chips["date"].show_value(date)
        self.chips["whose"].show_value({"own": "Own", "competitor": "Competitors"}.get(flt.whose or ""))
        self.chips["sentiment"].show_value(next((label for label, value in SENTIMENTS[1:]
                                                 if value == flt.sentiment), None))

    def _since(self, days: int | None) -> str | None:
        if days is None:
            return None
        return (self.clock().astimezone(local_time.zone()) - timedelta(days=days)).strftime("%Y-%m-%d")

    def _add(self, menu: QMenu, label: str, checked: bool, changes: dict[str, Any]) -> QAction:
        action = menu.addAction(label)
        action.setCheckable(True)
        action.setChecked(checked)
        action.triggered.connect(lambda _=False, c=changes: self.changed.emit(c))
        return action

    def _build_menus(self, flt: InboxFilter) -> None:
        # Rebuilt only when what they offer changed: the sidebar's counts, which come often
        # during a sync, show the same filter and choices (about 8 ms of the window's thread).
        key = (repr(flt), [(s.id, s.name) for s in self._sources], [t.name for t in self._tags], self._since(1))
        if key == self._menus_for:
            return
        self._menus_for = key
        m = self.chips["scope"].menu_
        m.clear()
        for view, label in VIEW_LABELS.items():
            self._add(m, "All items" if view == View.ALL else f"Only {label}", flt.view == view, {"view": view})
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
