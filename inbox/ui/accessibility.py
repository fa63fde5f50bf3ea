"""Accessible names for fields that only have a label beside them: when a field is shown
without a name, it takes its form label's (or its buddy label's) text, so a screen reader
says "Account ID, edit text" and not "edit text". One application-wide event filter, so
dialogs built later (Sources, Rules) are covered too."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

if TYPE_CHECKING:
    from inbox.ui.main_window import MainWindow

FIELDS = (QLineEdit, QComboBox, QAbstractSpinBox, QAbstractItemView, QPlainTextEdit, QTextEdit)


def label_text(field: QWidget) -> str:
    """The text of the label that names `field` in its form or as its buddy, else ""."""
    parent = field.parentWidget()
    while parent is not None:
        layout = parent.layout()
        if isinstance(layout, QFormLayout):
            label = layout.labelForField(field)
            if isinstance(label, QLabel) and label.text().strip():
                return _clean(label.text())
        for label in parent.findChildren(QLabel):
            if label.buddy() is field and label.text().strip():
                return _clean(label.text())
        if isinstance(field.parentWidget(), QComboBox):  # an editable combo's line edit
            return field.parentWidget().accessibleName()
        if parent.isWindow():
            break
        parent = parent.parentWidget()
    return ""


def _clean(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").strip().rstrip(":").strip()


def name_fields(root: QWidget) -> None:
    for field in [root, *root.findChildren(QWidget)]:
        if isinstance(field, FIELDS) and not field.accessibleName():
            text = label_text(field) or field.toolTip() or getattr(field, "placeholderText", lambda: "")()
            if text:
                field.setAccessibleName(text)


_SHOW = QEvent.Type.Show  # looked up once: the filter sees every event of the application


class FieldNamer(QObject):
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() != _SHOW or not isinstance(obj, QWidget):
            return False
        if obj.isWindow() or (isinstance(obj, FIELDS) and not obj.accessibleName()):
            name_fields(obj)  # a dialog as it opens; a field a dialog adds later (a source's settings)
        return False


def install(window: MainWindow) -> FieldNamer:
    namer = FieldNamer(window)
    app = QApplication.instance()
    if app is not None:
        app.installEventFilter(namer)
    window.extensions.add(namer)
    name_fields(window)
    return namer
