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
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inbox.ui.filtered_chooser import FilteredChooser
from inbox.ui.plain import plain
from inbox.ui.reading_pane import muted_colour
from inbox.ui.team_words import member_name

NOBODY = "Nobody"
HISTORY_SHOWN = 3  # the latest lines; the rest one click away


class AssignChooser(FilteredChooser):
    """Members of the team inbox to give the conversation to, "Nobody" first, you next;
    typing filters (by name or user name), Enter chooses."""

    def __init__(self, members: list[str], me: str, on_chosen: Callable[[str | None], None],
                 parent: QWidget | None = None, current: str | None = None, count: int = 1) -> None:
        super().__init__("Assign", "Type a name…", "Member", "Members", parent)
        self.on_chosen = on_chosen
        self.me = me
        self.current = current
        self.members = [me, *sorted(m for m in set(members) if m != me)]
        what = "this conversation" if count == 1 else f"{count} conversations"
        self.main_layout.insertWidget(0, QLabel(f"Who answers {what}?"))
        self.add_buttons()
        self.refilter("")

    def set_members(self, members: list[str]) -> None:
        """The members arrived from the server (the chooser opened with the ones known)."""
        self.members = [self.me, *sorted(m for m in set(members) if m != self.me)]
        self.refilter(self.filter.text())

    def refilter(self, text: str) -> None:
        self.list.clear()
        text = text.strip().lower()
        choices: list[tuple[str, str | None]] = [(NOBODY, None)]
        for m in self.members:
            choices.append((f"Me ({member_name(m)})" if m == self.me else member_name(m), m))
        for label, member in choices:
            if text and text not in label.lower() and text not in (member or "").lower():
                continue
            it = QListWidgetItem(label + ("  ✓" if member == self.current else ""))
            it.setData(Qt.ItemDataRole.UserRole, member)
            self.list.addItem(it)
        if self.list.count():
            # typing picks the first match; otherwise start on yourself (the usual choice)
            self.list.setCurrentRow(0 if text or self.list.count() == 1 else 1)

    def choose(self, member: str | None) -> None:
        self.on_chosen(member)


class NameDialog(QDialog):
    """How the team sees you: a name ("Ana López") shown in assignment, presence and the
    history on every member's computer; empty goes back to your user name."""

    def __init__(self, current: str, me: str, on_chosen: Callable[[str], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Your name in the team")
        self.on_chosen = on_chosen
        layout = QVBoxLayout(self)
        hint = QLabel(f"How the others see you (you sign in as “{me}”). Leave it empty to be shown by "
                      "your user name.")
        hint.setWordWrap(True)
        hint.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(hint)
        self.field = QLineEdit(current)
        self.field.setMaxLength(60)
        self.field.setPlaceholderText(member_name(me))
        self.field.setAccessibleName("Your name")
        self.field.returnPressed.connect(self.accept_name)
        layout.addWidget(self.field)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        box.accepted.connect(self.accept_name)
        box.rejected.connect(self.reject)
        layout.addWidget(box)
        self.setMinimumWidth(380)

    def accept_name(self) -> None:
        if not self.isVisible():
            return
        self.accept()
        self.on_chosen(" ".join(self.field.text().split()))


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
