"""The small choosers' common part: a field that filters a list as you type, arrows in the
field moving through the list, Enter or a double click choosing, and OK/Cancel. The tag
picker (`dialogs.TagPicker`) and the Assign chooser (`team_widgets.AssignChooser`) are it
with their own rows.

Shown with `open()` and reporting through `choose`, never `exec()` (see `dialogs`)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLineEdit, QListWidget, QVBoxLayout, QWidget


class FilteredChooser(QDialog):
    """Subclasses fill the list in `refilter(text)` (each row's choice in its UserRole
    data) and act on the chosen row's data in `choose(data)`."""

    def __init__(self, title: str, placeholder: str, field_name: str, list_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.main_layout = QVBoxLayout(self)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(placeholder)
        self.filter.setAccessibleName(field_name)
        self.filter.textChanged.connect(self.refilter)
        self.filter.returnPressed.connect(self.accept_current)
        self.main_layout.addWidget(self.filter)
        self.list = QListWidget()
        self.list.setAccessibleName(list_name)
        self.list.itemActivated.connect(lambda _: self.accept_current())
        self.main_layout.addWidget(self.list)
        self.filter.installEventFilter(self)

    def add_buttons(self) -> QDialogButtonBox:
        """OK (chooses the current row) and Cancel, at the bottom."""
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        box.accepted.connect(self.accept_current)
        box.rejected.connect(self.reject)
        self.main_layout.addWidget(box)
        return box

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # arrows in the field move through the list
        if obj is self.filter and event.type() == QEvent.Type.KeyPress and event.key() in (  # type: ignore[attr-defined]
                Qt.Key.Key_Down, Qt.Key.Key_Up):
            row = self.list.currentRow() + (1 if event.key() == Qt.Key.Key_Down else -1)  # type: ignore[attr-defined]
            self.list.setCurrentRow(max(0, min(self.list.count() - 1, row)))
            return True
        return super().eventFilter(obj, event)

    def refilter(self, text: str) -> None:
        raise NotImplementedError

    def choose(self, data: Any) -> None:
        raise NotImplementedError

    def shown(self) -> list[Any]:
        """Each shown row's choice (tests read it)."""
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]

    def accept_current(self) -> None:
        it = self.list.currentItem()
        if it is None or not self.isVisible():  # Return reaches the field and the OK button
            return
        data = it.data(Qt.ItemDataRole.UserRole)
        self.accept()
        self.choose(data)
