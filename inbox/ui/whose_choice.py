"""The "My business / A competitor" choice a source is saved with (the wizard and the form)."""

from __future__ import annotations

from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QRadioButton, QWidget


def whose_choice(parent: QWidget) -> tuple[QHBoxLayout, QRadioButton, QRadioButton]:
    """(row, own, competitor): two exclusive buttons, "My business" checked."""
    own, competitor = QRadioButton("My business"), QRadioButton("A competitor")
    own.setChecked(True)
    group = QButtonGroup(parent)
    group.addButton(own)
    group.addButton(competitor)
    row = QHBoxLayout()
    row.addWidget(own)
    row.addWidget(competitor)
    row.addStretch(1)
    return row, own, competitor
