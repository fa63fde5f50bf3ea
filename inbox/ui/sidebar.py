"""The sidebar: sections (Views, Sources, Businesses, Tags, Saved searches) of entries with
counts. Other features add entries through the window (`add_sidebar_entry`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from inbox.domain.wording import plural
from inbox.ui.plain import plain_tooltip

SECTIONS = ("Views", "Sources", "Businesses", "Tags", "Saved searches")
KeyRole = Qt.ItemDataRole.UserRole + 10


def dot_icon(colour: str, size: int = 12) -> QIcon:
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(colour))
    p.drawEllipse(QRectF(1, 1, size - 2, size - 2))
    p.end()
    return QIcon(pix)


@dataclass(slots=True)
class Entry:
    key: str
    section: str
    label: str
    on_activate: Callable[[], object]
    item: QTreeWidgetItem
    count: int | None = None
    state: str = ""
    tooltip: str = ""
    shown: tuple | None = None  # what update_entry last put on screen


class Sidebar(QTreeWidget):
    """Two columns: label and count. Section headers are not selectable."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setColumnCount(2)
        self.setHeaderHidden(True)
        self.setRootIsDecorated(False)
        self.setIndentation(8)
        self.setUniformRowHeights(True)
        self.setIconSize(QSize(16, 16))
        self.setTextElideMode(Qt.TextElideMode.ElideRight)  # cut at the end; the tooltip has it all
        self.setFrameShape(QTreeWidget.Shape.NoFrame)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAccessibleName("Views, sources and tags")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.sections: dict[str, QTreeWidgetItem] = {}
        self.entries: dict[str, Entry] = {}
        self.itemClicked.connect(self._activated)
        self.itemActivated.connect(self._activated)
        self.setAutoFillBackground(True)
        self._restyling = False
        self.restyle()

    def restyle(self) -> None:
        """Colours from the application's palette: the sidebar's background is the window's,
        section titles and counts are muted. Run again when the theme changes at run time
        (a palette copied once would keep the old theme's colours)."""
        self._restyling = True
        try:
            app = QApplication.instance()
            source = app.palette() if isinstance(app, QApplication) else self.palette()
            pal = QPalette()  # only Base set here: every other colour keeps following the app's
            pal.setColor(QPalette.ColorRole.Base, source.color(QPalette.ColorRole.Window))
            self.setPalette(pal)
            muted = source.color(QPalette.ColorRole.PlaceholderText)
            for section in self.sections.values():
                section.setForeground(0, muted)
            for key in self.entries:
                self.update_entry(key)
            self.viewport().update()
        finally:
            self._restyling = False

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange,
                            QEvent.Type.StyleChange) and not self._restyling:
            self.restyle()

    def section(self, name: str) -> QTreeWidgetItem:
        if name in self.sections:
            return self.sections[name]
        item = QTreeWidgetItem([name.upper(), ""])
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        font = QFont(self.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 0.8)
        item.setFont(0, font)
        item.setForeground(0, self.palette().color(QPalette.ColorRole.PlaceholderText))
        item.setSizeHint(0, QSize(0, max(30, self.fontMetrics().height() + 12)))  # grows with the font
        order = list(SECTIONS)
        pos = self.topLevelItemCount()
        if name in order:
            for i in range(self.topLevelItemCount()):
                other = self.topLevelItem(i).data(0, KeyRole)
                if other in order and order.index(other) > order.index(name):
                    pos = i
                    break
        item.setData(0, KeyRole, name)
        self.insertTopLevelItem(pos, item)
        item.setExpanded(True)
        self.sections[name] = item
        return item

    def add_entry(self, section: str, key: str, label: str, on_activate: Callable[[], object], *,
                  count: int | None = None, icon: QIcon | None = None, tooltip: str = "",
                  parent_key: str | None = None) -> Entry:
        """An entry in `section`, or under the entry `parent_key` (a source under its business)."""
        if key in self.entries:
            self.remove_entry(key)
        parent = self.entries[parent_key].item if parent_key in self.entries else self.section(section)
        item = QTreeWidgetItem(["", ""])
        item.setData(0, KeyRole, key)
        item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        item.setSizeHint(0, QSize(0, max(26, self.fontMetrics().height() + 8)))
        if icon is not None:
            item.setIcon(0, icon)
        parent.addChild(item)
        parent.setExpanded(True)
        entry = Entry(key, section, label, on_activate, item)
        self.entries[key] = entry
        self.update_entry(key, label=label, count=count, tooltip=tooltip)
        return entry

    def remove_entry(self, key: str) -> None:
        entry = self.entries.pop(key, None)
        if entry is not None:
            for child_key in [k for k, e in self.entries.items() if e.item.parent() is entry.item]:
                self.remove_entry(child_key)
            if entry.item.parent() is not None:
                entry.item.parent().removeChild(entry.item)

    def remove_section_entries(self, section: str, keep: set[str] | None = None) -> None:
        for key, entry in list(self.entries.items()):
            if entry.section == section and (keep is None or key not in keep):
                self.remove_entry(key)

    def update_entry(self, key: str, *, label: str | None = None, count: int | None = None,
                     tooltip: str | None = None, state: str | None = None,
                     icon: QIcon | None = None) -> None:
        entry = self.entries.get(key)
        if entry is None:
            return
        if label is not None:
            entry.label = label
        if count is not None:
            entry.count = count
        if tooltip is not None:
            entry.tooltip = tooltip
        if state is not None:
            entry.state = state
        if icon is not None:
            entry.item.setIcon(0, icon)
        shown = (entry.label, entry.count, entry.tooltip, entry.state, self.palette().cacheKey())
        if shown == entry.shown and icon is None:
            return  # counts arrive after every write of a sync, mostly unchanged
        entry.shown = shown
        suffix = {"syncing": "  ⟳", "error": "  ⚠"}.get(entry.state, "")
        entry.item.setText(0, entry.label + suffix)
        entry.item.setText(1, "" if not entry.count else f"{entry.count:,}")
        tip = plain_tooltip(entry.tooltip or entry.label)  # may quote a server's error; a cut name, whole
        entry.item.setToolTip(0, tip)
        entry.item.setToolTip(1, tip)
        colour = QColor("#d93025") if entry.state == "error" else None
        if colour is not None:
            entry.item.setForeground(0, colour)
        else:
            entry.item.setData(0, Qt.ItemDataRole.ForegroundRole, None)
        count_colour = self.palette().color(QPalette.ColorRole.PlaceholderText)
        entry.item.setForeground(1, count_colour)
        entry.item.setData(0, Qt.ItemDataRole.AccessibleTextRole,
                           f"{entry.label}, {plural(entry.count or 0, 'item')}" + (f", {entry.state}" if entry.state else ""))

    def select_key(self, key: str | None) -> None:
        self.blockSignals(True)
        try:
            entry = self.entries.get(key or "")
            if entry is None:
                self.clearSelection()
                self.setCurrentItem(None)
            else:
                self.setCurrentItem(entry.item)
        finally:
            self.blockSignals(False)

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        key = item.data(0, KeyRole)
        entry = self.entries.get(key)
        if entry is not None:
            entry.on_activate()
