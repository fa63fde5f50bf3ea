"""Edit ▸ Settings… (Ctrl+,): one window generated from the settings table.

Each setting in `inbox.services.settings` that is not internal gets a row: a checkbox, a
number box or a text field by its type, with its one-line description under it. Saving writes
through the table (so values are validated there) and announces each change on the window's
`SettingsChanges`, which the features that keep a setting in memory listen to.
"""

from __future__ import annotations

import zoneinfo
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from inbox.services import settings
from inbox.services.settings import LocalSettings, Setting, SettingError, Where

if TYPE_CHECKING:
    from inbox.store import Store
    from inbox.ui.main_window import MainWindow

THIS_COMPUTER_ZONE = "This computer's time zone"
GROUPS = ((Where.WORKSPACE, "This workspace", "Kept in the workspace, so they move with it and its backups."),
          (Where.COMPUTER, "This computer", "Kept for you on this computer only."))


class SettingsChanges(QObject):
    """Tells the features that a setting changed: (name, new value)."""

    changed = Signal(str, object)


def settings_changes(window: QObject) -> SettingsChanges:
    """The window's one `SettingsChanges` (made on first use)."""
    found = window.findChild(SettingsChanges, "settingsChanges")
    if found is None:
        found = SettingsChanges(window)
        found.setObjectName("settingsChanges")
    return found


class SettingsDialog(QDialog):
    def __init__(self, store: Store, local: LocalSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setObjectName("settings_dialog")
        self.store = store
        self.local = local
        self.editors: dict[str, QWidget] = {}
        self.saved: dict[str, Any] = {}

        layout = QVBoxLayout(self)
        grids: list[QGridLayout] = []
        for where, title, note in GROUPS:
            shown = [s for s in settings.visible() if s.where is where]
            if not shown:
                continue
            box = QGroupBox(title)
            grid = QGridLayout(box)
            grid.setColumnStretch(1, 1)
            grid.setHorizontalSpacing(12)
            grid.setVerticalSpacing(2)
            hint = QLabel(note)
            hint.setObjectName("groupNote")
            hint.setWordWrap(True)
            grid.addWidget(hint, 0, 0, 1, 2)
            grid.setRowMinimumHeight(1, 8)
            for setting in shown:
                self._add_row(grid, setting)
            layout.addWidget(box)
            grids.append(grid)
        titles = [w for w in self.findChildren(QLabel) if w.buddy() is not None]
        widest = max((t.sizeHint().width() for t in titles), default=0)
        for grid in grids:  # the editors of both groups start at the same x
            grid.setColumnMinimumWidth(0, widest)
        layout.addStretch(1)
        self.error = QLabel("")
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
                                   | QDialogButtonBox.StandardButton.RestoreDefaults)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(self.restore_defaults)
        layout.addWidget(buttons)
        self.load()

    def _add_row(self, grid: QGridLayout, setting: Setting) -> None:
        """The editor on one line (its title on the left, or on the checkbox), the
        description under it."""
        editor: QWidget
        if setting.type is bool:
            editor = QCheckBox(setting.title)
        elif setting.type is int:
            editor = QSpinBox()
            editor.setRange(setting.minimum if setting.minimum is not None else -(2**31),
                            setting.maximum if setting.maximum is not None else 2**31 - 1)
            if setting.unit:
                editor.setSuffix(f" {setting.unit}")
            if setting.zero_text:
                editor.setSpecialValueText(setting.zero_text)
        elif setting.choices:
            editor = QComboBox()
            for value, label in setting.choices:
                editor.addItem(label, value)
        elif setting.name == "display.time_zone":  # any zone name, the known ones offered
            editor = QComboBox()
            editor.setEditable(True)
            editor.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            editor.addItem(THIS_COMPUTER_ZONE, "")
            for zone in sorted(zoneinfo.available_timezones()):
                editor.addItem(zone, zone)
            editor.completer().setFilterMode(Qt.MatchFlag.MatchContains)
            editor.completer().setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            editor.setMinimumWidth(260)
            editor.lineEdit().setAccessibleName(setting.title)
        else:
            editor = QLineEdit()
            editor.setMinimumWidth(360)  # a name, not a paragraph
        editor.setObjectName(setting.name)
        editor.setAccessibleName(setting.title)
        editor.setAccessibleDescription(setting.description)
        description = QLabel(setting.description)  # one line each, so the window fits them whole
        description.setStyleSheet("color: palette(placeholder-text);")
        row = grid.rowCount()
        if setting.type is not bool:
            title = QLabel(setting.title + ":")
            title.setBuddy(editor)
            grid.addWidget(title, row, 0)
        grid.addWidget(editor, row, 1, 1, 1, Qt.AlignmentFlag.AlignLeft)
        grid.addWidget(description, row + 1, 1)
        grid.setRowMinimumHeight(row + 2, 10)
        self.editors[setting.name] = editor

    # -- values ---------------------------------------------------------------------------

    def _backends(self) -> dict[str, Any]:
        return {"store": self.store, "local": self.local}

    def load(self) -> None:
        """Show the values as they are now."""
        for name in self.editors:
            value = settings.get(name, **self._backends())
            self.saved[name] = value
            self._show(name, value)

    def restore_defaults(self) -> None:
        """Put every default in the window (nothing is kept until Save)."""
        for name in self.editors:
            self._show(name, settings.spec(name).default)

    def _show(self, name: str, value: Any) -> None:
        editor = self.editors[name]
        if isinstance(editor, QCheckBox):
            editor.setChecked(bool(value))
        elif isinstance(editor, QSpinBox):
            editor.setValue(int(value))
        elif isinstance(editor, QComboBox) and editor.isEditable():
            found = editor.findData(value or "")
            if found >= 0:
                editor.setCurrentIndex(found)
            else:
                editor.setEditText(str(value))
        elif isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(value)))
        elif isinstance(editor, QLineEdit):
            editor.setText(str(value or ""))

    def value(self, name: str) -> Any:
        """What the window shows for `name` now."""
        editor = self.editors[name]
        if isinstance(editor, QCheckBox):
            return editor.isChecked()
        if isinstance(editor, QSpinBox):
            return editor.value()
        if isinstance(editor, QComboBox) and editor.isEditable():
            text = editor.currentText().strip()
            return "" if text == THIS_COMPUTER_ZONE else text
        if isinstance(editor, QComboBox):
            return editor.currentData()
        assert isinstance(editor, QLineEdit)
        return " ".join(editor.text().split())

    def changes(self) -> dict[str, Any]:
        return {name: self.value(name) for name in self.editors if self.value(name) != self.saved.get(name)}

    def save(self) -> None:
        """Write what changed and close; a value the table refuses keeps the window open."""
        changed = self.changes()
        try:
            for name, value in changed.items():
                settings.validate(settings.spec(name), value)
        except SettingError as exc:
            self.error.setText(str(exc))
            return
        for name, value in changed.items():
            self.saved[name] = settings.set(name, value, **self._backends())
            if self.parent() is not None:
                settings_changes(self.parent()).changed.emit(name, self.saved[name])
        self.accept()


def open_settings(window: MainWindow) -> SettingsDialog:
    """The one Settings window (a child of the main window), showing the values as they are
    now: the View menu may have changed one since it was last open."""
    dialog = window.findChild(SettingsDialog, "settings_dialog")
    if dialog is None:
        dialog = SettingsDialog(window.store, window.settings, window)
    else:
        dialog.error.setText("")
        dialog.load()
    dialog.open()
    return dialog


def _mark_read_changed(window: MainWindow, name: str, value: Any) -> None:
    # The View menu's checkable command mirrors this setting.
    action = window.actions_by_id.get("settings.mark_read_on_open")
    if name == "reading.mark_read_on_open" and action is not None:
        action.setChecked(bool(value))


def install(window: MainWindow) -> None:
    window.register_command("app.settings", "Settings…", lambda: open_settings(window), menu="Edit")
    settings_changes(window).changed.connect(lambda name, value: _mark_read_changed(window, name, value))
