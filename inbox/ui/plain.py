"""Showing untrusted text as text: labels, tooltips and message boxes that never interpret
markup.

Why: Qt guesses. A QLabel, a tooltip or a QMessageBox given text that "might be rich text"
renders it as HTML, so an author named `<img src="/home/me/photo.jpg">` would load and draw
a local file. Every place that shows a name, a title or a server's error goes through these."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from inbox.domain.colours import safe_colour

__all__ = ["as_rich_text", "plain", "plain_label", "plain_question", "plain_tooltip", "plain_warning", "safe_colour"]


def as_rich_text(text: str) -> str:
    """`text` as rich text that shows exactly `text`: declared rich, with the markup
    escaped (a plain string that merely looks like HTML would be rendered as HTML)."""
    return "<qt>" + html.escape(text, quote=False).replace("\n", "<br>") + "</qt>"


def plain_tooltip(text: str) -> str:
    """A tooltip that shows `text` as it is."""
    return as_rich_text(text) if text else ""


def plain(label: QLabel) -> QLabel:
    """`label`, set to show its text as plain text whatever it holds."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    return plain(QLabel(text, parent))


def plain_question(parent: QWidget | None, title: str, text: str) -> bool:
    """A Yes/No question (default No) whose text is shown as it is (it may quote a name)."""
    answer = QMessageBox.question(parent, title, as_rich_text(text),
                                  QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def plain_warning(parent: QWidget | None, title: str, text: str) -> None:
    """A warning whose text is shown as it is (it may quote a file name or a server's error)."""
    QMessageBox.warning(parent, title, as_rich_text(text))
