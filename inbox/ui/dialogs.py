"""Small non-blocking dialogs: snooze, tag picker, command palette.

Each is shown with `open()` and reports through a callback, never `exec()`: a nested event
loop inside a qasync coroutine raises "Cannot enter into task", and tests can drive an open
dialog directly.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtGui import QColor, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QColorDialog,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from inbox.domain import Tag
from inbox.domain.snooze import snooze_presets
from inbox.store.triage import DEFAULT_TAG_COLOURS
from inbox.ui import local_time
from inbox.ui.commands import Command, CommandTable
from inbox.ui.filtered_chooser import FilteredChooser
from inbox.ui.sidebar import dot_icon


class SnoozeDialog(QDialog):
    """Presets (later today, tomorrow, next week) and a date-time picker."""

    def __init__(self, now: datetime, on_chosen: Callable[[datetime], None], parent: QWidget | None = None,
                 count: int = 1) -> None:
        super().__init__(parent)
        self.setWindowTitle("Snooze")
        self.on_chosen = on_chosen
        layout = QVBoxLayout(self)
        what = "this item" if count == 1 else f"{count} items"
        layout.addWidget(QLabel(f"Snooze {what} until:"))
        self.buttons: dict[str, QPushButton] = {}
        self.zone = local_time.zone()  # the owner's zone (Settings), not only the computer's
        for key, label, when in snooze_presets(now, self.zone):
            b = QPushButton(label)
            b.setAccessibleName(f"Snooze until {label}")
            b.clicked.connect(lambda _=False, w=when: self.choose(w))
            layout.addWidget(b)
            self.buttons[key] = b
        row = QHBoxLayout()
        wall = now.astimezone(self.zone).replace(tzinfo=None, microsecond=0)  # a wall clock in that zone
        self.picker = QDateTimeEdit(QDateTime(wall).addDays(2))
        self.picker.setTime(QTime(8, 0))
        self.picker.setCalendarPopup(True)
        self.picker.setMinimumDateTime(QDateTime(wall))
        self.picker.setDisplayFormat("ddd d MMM yyyy, HH:mm")
        self.picker.setAccessibleName("Snooze until date and time")
        row.addWidget(self.picker, 1)
        pick = QPushButton("Snooze")
        pick.setDefault(True)
        pick.clicked.connect(lambda: self.choose(self.picked()))
        row.addWidget(pick)
        layout.addLayout(row)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        box.rejected.connect(self.reject)
        layout.addWidget(box)

    def picked(self) -> datetime:
        wall = self.picker.dateTime().toPython().replace(tzinfo=None)
        return wall.replace(tzinfo=self.zone).astimezone(UTC)

    def choose(self, when: datetime) -> None:
        self.accept()
        self.on_chosen(when.astimezone(UTC))


class DateRangeDialog(QDialog):
    """From and to dates (inclusive, UTC days as the store keeps them)."""

    def __init__(self, since: str | None, until: str | None, today: datetime,
                 on_chosen: Callable[[str | None, str | None], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Date range")
        self.on_chosen = on_chosen
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        today_q = QDate(today.year, today.month, today.day)
        self.since = QDateEdit(QDate.fromString(since, "yyyy-MM-dd") if since else today_q.addDays(-30))
        self.until = QDateEdit(QDate.fromString(until, "yyyy-MM-dd") if until else today_q)
        for label, edit in (("From", self.since), ("to", self.until)):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d MMM yyyy")
            edit.setAccessibleName(f"{label} date")
            row.addWidget(QLabel(label))
            row.addWidget(edit, 1)
        layout.addLayout(row)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        box.accepted.connect(self.choose)
        box.rejected.connect(self.reject)
        layout.addWidget(box)

    def choose(self) -> None:
        since, until = self.since.date(), self.until.date()
        if since > until:
            since, until = until, since
        self.accept()
        self.on_chosen(since.toString("yyyy-MM-dd"), until.toString("yyyy-MM-dd"))


class TagPicker(FilteredChooser):
    """A filterable list of tags; typing a new name offers to create it with a colour."""

    def __init__(self, tags: list[Tag], on_chosen: Callable[[str, str | None], None],
                 parent: QWidget | None = None, applied: set[str] | None = None) -> None:
        self.tags = tags
        self.applied = applied or set()
        self.new_colour = DEFAULT_TAG_COLOURS[len(tags) % len(DEFAULT_TAG_COLOURS)]
        self.swatches: list[QToolButton] = []
        super().__init__("Tag", "Filter or type a new tag…", "Tag name", "Tags", parent)
        self.on_chosen = on_chosen
        # A new tag's colour: one click on a swatch; any other colour behind "More…"
        swatches = QHBoxLayout()
        swatches.setSpacing(4)
        self.swatch_label = QLabel("Colour:")
        swatches.addWidget(self.swatch_label)
        for colour in DEFAULT_TAG_COLOURS:
            swatch = QToolButton()
            swatch.setObjectName(f"swatch_{colour}")
            swatch.setCheckable(True)
            swatch.setAutoExclusive(False)
            swatch.setFixedSize(22, 22)
            swatch.setAccessibleName(f"Tag colour {colour}")
            swatch.setToolTip("Colour of the new tag")
            swatch.setStyleSheet(f"QToolButton {{ background: {colour}; border: 1px solid palette(mid); border-radius: 11px; }}"
                                 f" QToolButton:checked {{ border: 3px solid palette(text); }}")
            swatch.clicked.connect(lambda _=False, c=colour: self.set_new_colour(QColor(c)))
            swatches.addWidget(swatch)
            self.swatches.append(swatch)
        self.colour_button = QPushButton("More…")
        self.colour_button.setAccessibleName("Another colour for the new tag")
        self.colour_button.setToolTip("Pick any colour for the new tag")
        self.colour_button.clicked.connect(self.pick_colour)
        swatches.addWidget(self.colour_button)
        swatches.addStretch(1)
        self.main_layout.addLayout(swatches)
        self.add_buttons()
        self.refilter("")

    def refilter(self, text: str) -> None:
        self.list.clear()
        text = " ".join(text.split())
        exact = False
        for tag in self.tags:
            if text.lower() in tag.name.lower():
                mark = "  ✓" if tag.name in self.applied else ""
                it = QListWidgetItem(dot_icon(tag.colour), f"{tag.name}{mark}")
                it.setData(Qt.ItemDataRole.UserRole, (tag.name, None))
                self.list.addItem(it)
                exact = exact or tag.name.lower() == text.lower()
        if text and not exact:
            it = QListWidgetItem(dot_icon(self.new_colour), f"Create tag “{text}”")
            it.setData(Qt.ItemDataRole.UserRole, (text, "new"))
            self.list.insertItem(0 if not self.list.count() else self.list.count(), it)
        creating = bool(text) and not exact
        for w in (self.colour_button, self.swatch_label, *self.swatches):
            w.setEnabled(creating)
        for swatch in self.swatches:
            swatch.setChecked(swatch.objectName() == f"swatch_{self.new_colour}")
        if self.list.count():
            self.list.setCurrentRow(0)

    def pick_colour(self) -> None:
        dialog = QColorDialog(QColor(self.new_colour), self)
        dialog.colorSelected.connect(self.set_new_colour)
        dialog.open()

    def set_new_colour(self, colour: QColor) -> None:
        self.new_colour = colour.name()
        self.refilter(self.filter.text())

    def choose(self, data: tuple[str, str | None]) -> None:
        name, new = data
        self.on_chosen(name, self.new_colour if new else None)


KeyRole = Qt.ItemDataRole.UserRole + 1


class _KeyDelegate(QStyledItemDelegate):
    """Paints a command's key right-aligned, in the secondary text colour."""

    def paint(self, painter, option, index) -> None:
        super().paint(painter, option, index)
        key = index.data(KeyRole)
        if not key:
            return
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        painter.setPen(option.palette.color(role))
        painter.drawText(option.rect.adjusted(0, 0, -10, 0),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, key)
        painter.restore()


class CommandPalette(QDialog):
    """Ctrl+K: every command with its key, filtered as you type, Enter runs it."""

    def __init__(self, table: CommandTable, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Commands")
        self.table = table
        self.resize(520, 420)
        layout = QVBoxLayout(self)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Type a command…")
        self.filter.setAccessibleName("Command")
        self.filter.textChanged.connect(self.refilter)
        self.filter.returnPressed.connect(self.run_current)
        layout.addWidget(self.filter)
        self.list = QListWidget()
        self.list.setAccessibleName("Commands")
        self.list.setItemDelegate(_KeyDelegate(self.list))
        self.list.setUniformItemSizes(True)
        self.list.itemActivated.connect(lambda _: self.run_current())
        layout.addWidget(self.list)
        self.filter.installEventFilter(self)
        self.refilter("")

    def eventFilter(self, obj, event) -> bool:
        from PySide6.QtCore import QEvent
        if obj is self.filter and event.type() == QEvent.Type.KeyPress and event.key() in (
                Qt.Key.Key_Down, Qt.Key.Key_Up):
            row = self.list.currentRow() + (1 if event.key() == Qt.Key.Key_Down else -1)
            self.list.setCurrentRow(max(0, min(self.list.count() - 1, row)))
            return True
        return super().eventFilter(obj, event)

    def refilter(self, text: str) -> None:
        self.list.clear()
        for cmd in self.table.matching(text):
            if cmd.id == "app.palette":
                continue
            key = QKeySequence(self.table.key_for(cmd.id)).toString(QKeySequence.SequenceFormat.NativeText)
            it = QListWidgetItem(cmd.title)
            it.setData(Qt.ItemDataRole.UserRole, cmd.id)
            it.setData(KeyRole, key)
            it.setData(Qt.ItemDataRole.AccessibleTextRole, f"{cmd.title}, {key}" if key else cmd.title)
            it.setToolTip(f"{cmd.menu} › {cmd.title}" + (f" ({key})" if key else ""))
            self.list.addItem(it)
        if self.list.count():
            self.list.setCurrentRow(0)

    def shown_ids(self) -> list[str]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]

    def run_current(self) -> None:
        it = self.list.currentItem()
        if it is None or not self.isVisible():
            return
        cmd: Command = self.table.commands[it.data(Qt.ItemDataRole.UserRole)]
        self.accept()
        cmd.callback()
