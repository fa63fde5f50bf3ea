"""Saved replies: a picker (type to filter, Enter inserts) and a dialog to manage them.

Both are opened with open(), never exec(), so the qasync loop keeps running.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from inbox.domain.templates import VARIABLES
from inbox.services.saved_replies import (
    SavedReply,
    delete_reply_template,
    list_saved_replies,
    save_reply_template,
)
from inbox.store import Store, StoreError
from inbox.ui.plain import plain_question

IdRole = Qt.ItemDataRole.UserRole + 1


def _one_line(text: str, limit: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class SavedReplyPicker(QDialog):
    """A small popup: the filter box takes the typing, the list follows it."""

    chosen = Signal(object)  # SavedReply

    def __init__(self, replies: list[SavedReply], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Insert a saved reply")
        self.setObjectName("savedReplyPicker")
        self.replies = replies
        layout = QVBoxLayout(self)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Type to filter saved replies…")
        self.filter.setAccessibleName("Filter saved replies")
        self.filter.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setAccessibleName("Saved replies")
        self.list.setWordWrap(True)
        self.list.setSpacing(3)
        self.preview = QLabel()
        self.preview.setTextFormat(Qt.TextFormat.PlainText)
        self.preview.setWordWrap(True)
        self.preview.setObjectName("pickerPreview")
        hint = QLabel("Enter inserts · Esc closes · manage them in Tools → Saved replies…")
        hint.setEnabled(False)
        layout.addWidget(self.filter)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.preview)
        layout.addWidget(hint)
        self.filter.textChanged.connect(self._refilter)
        self.filter.returnPressed.connect(self._choose)
        self.list.itemActivated.connect(lambda _i: self._choose())
        self.list.currentRowChanged.connect(self._show_preview)
        self.filter.installEventFilter(self)
        self.resize(480, 360)
        self._refilter("")

    def eventFilter(self, obj, event) -> bool:  # arrows in the filter box move the list
        if obj is self.filter and event.type() == event.Type.KeyPress and event.key() in (
                Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
            self.list.keyPressEvent(event)
            return True
        return super().eventFilter(obj, event)

    def visible_names(self) -> list[str]:
        return [self.list.item(i).text().split("\n")[0] for i in range(self.list.count())]

    def _refilter(self, text: str) -> None:
        words = text.casefold().split()
        self.list.clear()
        matches = [r for r in self.replies if all(w in (r.name + " " + r.body).casefold() for w in words)]
        # Replies whose name matches come first: people filter by the name they gave it.
        matches.sort(key=lambda r: not all(w in r.name.casefold() for w in words))
        for reply in matches:
            item = QListWidgetItem(f"{reply.name}\n{_one_line(reply.body)}")
            item.setData(IdRole, reply.id)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        else:
            self.preview.setText("No saved reply matches." if words else "No saved replies yet.")

    def _show_preview(self, row: int) -> None:
        reply = self._reply_at(row)
        self.preview.setText(reply.body if reply else "")

    def _reply_at(self, row: int) -> SavedReply | None:
        item = self.list.item(row) if row >= 0 else None
        if item is None:
            return None
        return next((r for r in self.replies if r.id == item.data(IdRole)), None)

    def _choose(self) -> None:
        reply = self._reply_at(self.list.currentRow())
        if reply is not None:
            self.chosen.emit(reply)
            self.accept()


class SavedRepliesDialog(QDialog):
    """Add, edit and delete saved replies; the variables are listed beside the text."""

    def __init__(self, store: Store, parent: QWidget | None = None,
                 on_change: Callable[[], None] | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.on_change = on_change
        self.setWindowTitle("Saved replies")
        self.setObjectName("savedRepliesDialog")
        self.current_id: int | None = None

        self.list = QListWidget()
        self.list.setAccessibleName("Saved replies")
        new = QPushButton("New")
        delete = QPushButton("Delete")
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.list, 1)
        row = QHBoxLayout()
        row.addWidget(new)
        row.addWidget(delete)
        lv.addLayout(row)

        self.name = QLineEdit()
        self.name.setPlaceholderText("Name, e.g. “Sorry about the wait”")
        self.name.setAccessibleName("Saved reply name")
        self.body = QPlainTextEdit()
        self.body.setPlaceholderText("Hi {author_first_name}, …")
        self.body.setAccessibleName("Saved reply text")
        variables = QLabel("Variables — filled in from the review when you insert the reply:\n" + "\n".join(
            f"  {{{name}}}  {doc}" for name, doc in VARIABLES.items()))
        variables.setTextFormat(Qt.TextFormat.PlainText)
        variables.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        variables.setEnabled(False)
        self.error = QLabel()
        self.error.setStyleSheet("color: #d93025")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        save = QPushButton("Save")
        save.setDefault(True)
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addWidget(QLabel("Name"))
        rv.addWidget(self.name)
        rv.addWidget(QLabel("Reply"))
        rv.addWidget(self.body, 1)
        rv.addWidget(variables)
        rv.addWidget(self.error)
        rv.addWidget(save, 0, Qt.AlignmentFlag.AlignRight)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([220, 480])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)

        self.list.currentRowChanged.connect(self._load)
        new.clicked.connect(self.new)
        delete.clicked.connect(self.delete_current)
        save.clicked.connect(self.save)
        self.resize(760, 460)
        self.reload()

    def reload(self, select_id: int | None = None) -> None:
        self.replies = list_saved_replies(self.store)
        self.list.blockSignals(True)
        self.list.clear()
        for reply in self.replies:
            item = QListWidgetItem(reply.name)
            item.setData(IdRole, reply.id)
            self.list.addItem(item)
        self.list.blockSignals(False)
        ids = [r.id for r in self.replies]
        row = ids.index(select_id) if select_id in ids else (0 if ids else -1)
        self.list.setCurrentRow(row)
        self._load(row)

    def _load(self, row: int) -> None:
        reply = self.replies[row] if 0 <= row < len(self.replies) else None
        self.current_id = reply.id if reply else None
        self.name.setText(reply.name if reply else "")
        self.body.setPlainText(reply.body if reply else "")
        self.error.clear()

    def new(self) -> None:
        self.list.clearSelection()
        self.current_id = None
        self.name.clear()
        self.body.clear()
        self.name.setFocus()

    def save(self) -> bool:
        try:
            saved = save_reply_template(self.store, self.name.text(), self.body.toPlainText(), self.current_id)
        except StoreError as exc:
            self.error.setText(str(exc))
            return False
        self.reload(saved.id)
        if self.on_change:
            self.on_change()
        return True

    def delete_current(self) -> None:
        if self.current_id is None:
            return
        if not plain_question(self, "Delete saved reply", f"Delete “{self.name.text()}”?"):
            return
        delete_reply_template(self.store, self.current_id)
        self.reload()
        if self.on_change:
            self.on_change()
