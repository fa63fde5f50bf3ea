"""The team inbox's widgets: the Assign chooser (Shift+A), and the strip under the reading
pane's title that says who the conversation is assigned to, who else is in it right now
("Ana is replying…") and what happened to it (its history, in local time)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inbox.ui.plain import plain
from inbox.ui.reading_pane import muted_colour
from inbox.ui.team_words import member_name

NOBODY = "Nobody"
HISTORY_SHOWN = 3  # the latest lines; the rest one click away


class AssignChooser(QDialog):
    """Members of the team inbox to give the conversation to, "Nobody" first, you next;
    typing filters, Enter chooses."""

    def __init__(self, members: list[str], me: str, on_chosen: Callable[[str | None], None],
                 parent: QWidget | None = None, current: str | None = None, count: int = 1) -> None:
        super().__init__(parent)
        self.setWindowTitle("Assign")
        self.on_chosen = on_chosen
        self.me = me
        self.current = current
        self.members = [me, *sorted(m for m in set(members) if m != me)]
        layout = QVBoxLayout(self)
        what = "this conversation" if count == 1 else f"{count} conversations"
        layout.addWidget(QLabel(f"Who answers {what}?"))
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Type a name…")
        self.filter.setAccessibleName("Member")
        self.filter.textChanged.connect(self.refilter)
        self.filter.returnPressed.connect(self.accept_current)
        layout.addWidget(self.filter)
        self.list = QListWidget()
        self.list.setAccessibleName("Members")
        self.list.itemActivated.connect(lambda _: self.accept_current())
        layout.addWidget(self.list)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        box.accepted.connect(self.accept_current)
        box.rejected.connect(self.reject)
        layout.addWidget(box)
        self.filter.installEventFilter(self)
        self.refilter("")

    def eventFilter(self, obj, event) -> bool:  # arrows in the field move through the list
        from PySide6.QtCore import QEvent

        if obj is self.filter and event.type() == QEvent.Type.KeyPress and event.key() in (
                Qt.Key.Key_Down, Qt.Key.Key_Up):
            row = self.list.currentRow() + (1 if event.key() == Qt.Key.Key_Down else -1)
            self.list.setCurrentRow(max(0, min(self.list.count() - 1, row)))
            return True
        return super().eventFilter(obj, event)

    def set_members(self, members: list[str]) -> None:
        """The members arrived from the server (the chooser opened with the ones known)."""
        self.members = [self.me, *sorted(m for m in set(members) if m != self.me)]
        self.refilter(self.filter.text())

    def refilter(self, text: str) -> None:
        self.list.clear()
        text = text.strip().lower()
        choices: list[tuple[str, str | None]] = [(NOBODY, None)]
        for m in self.members:
            choices.append((f"Me ({m})" if m == self.me else member_name(m), m))
        for label, member in choices:
            if text and text not in label.lower() and text not in (member or "").lower():
                continue
            it = QListWidgetItem(label + ("  ✓" if member == self.current else ""))
            it.setData(Qt.ItemDataRole.UserRole, member)
            self.list.addItem(it)
        if self.list.count():
            # typing picks the first match; otherwise start on yourself (the usual choice)
            self.list.setCurrentRow(0 if text or self.list.count() == 1 else 1)

    def shown(self) -> list[str | None]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]

    def accept_current(self) -> None:
        it = self.list.currentItem()
        if it is None or not self.isVisible():
            return
        member = it.data(Qt.ItemDataRole.UserRole)
        self.accept()
        self.on_chosen(member)


class TeamStrip(QWidget):
    """Under the conversation's title: "Assigned to Ben", "Ana is replying…", and the
    history's latest lines with the rest behind "Show all"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("teamStrip")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 0, 16, 6)
        layout.setSpacing(2)
        top = QHBoxLayout()
        top.setSpacing(12)
        self.assignee = plain(QLabel())
        self.assignee.setObjectName("assignee")
        self.assignee.setAccessibleName("Assigned to")
        top.addWidget(self.assignee)
        self.presence = plain(QLabel())
        self.presence.setObjectName("presence")
        self.presence.setAccessibleName("Who else is here")
        font = self.presence.font()
        font.setBold(True)
        self.presence.setFont(font)
        top.addWidget(self.presence, 1)
        layout.addLayout(top)
        self.history = QLabel()
        self.history.setObjectName("history")
        self.history.setAccessibleName("History of this conversation")
        self.history.setWordWrap(True)
        self.history.setTextFormat(Qt.TextFormat.RichText)  # every line escaped; one link of ours
        self.history.linkActivated.connect(self._toggle)
        small = self.history.font()
        small.setPointSizeF(small.pointSizeF() * 0.9)
        self.history.setFont(small)
        layout.addWidget(self.history)
        self.lines: list[str] = []
        self.expanded = False
        self.restyle()

    def restyle(self) -> None:
        pal = self.palette()
        muted = muted_colour(pal)
        accent = pal.color(QPalette.ColorRole.Highlight).name()
        self.assignee.setStyleSheet(f"color: {muted}")
        self.presence.setStyleSheet(f"color: {accent}")
        self.history.setStyleSheet(f"color: {muted}")
        self._draw_history()

    def changeEvent(self, event) -> None:
        from PySide6.QtCore import QEvent

        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.restyle()

    def show_assignee(self, member: str | None, me: str) -> None:
        if member is None:
            self.assignee.setText("Not assigned")
        else:
            self.assignee.setText("Assigned to you" if member == me else f"Assigned to {member_name(member)}")
        self._visible()

    def show_presence(self, text: str) -> None:
        self.presence.setText(text)
        self._visible()

    def show_history(self, lines: list[str]) -> None:
        if lines != self.lines:
            self.expanded = False
        self.lines = lines
        self._draw_history()
        self._visible()

    def clear(self) -> None:
        self.assignee.setText("")
        self.presence.setText("")
        self.lines = []
        self.expanded = False
        self._draw_history()
        self.hide()

    def _visible(self) -> None:
        self.setVisible(bool(self.assignee.text() or self.presence.text() or self.lines))

    def _toggle(self, _link: str) -> None:
        self.expanded = not self.expanded
        self._draw_history()

    def _draw_history(self) -> None:
        import html

        lines = self.lines if self.expanded else self.lines[-HISTORY_SHOWN:]
        if not lines:
            self.history.setText("")
            self.history.hide()
            return
        body = "<br>".join(html.escape(line) for line in lines)
        hidden = len(self.lines) - len(lines)
        if hidden:
            body = f'<a href="more">Show all {len(self.lines)}</a><br>' + body
        elif self.expanded and len(self.lines) > HISTORY_SHOWN:
            body = '<a href="less">Show fewer</a><br>' + body
        self.history.setText(body)
        self.history.show()

    def history_text(self) -> str:
        """What the history says (tests read it)."""
        return "\n".join(self.lines)
