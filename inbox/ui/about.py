"""Help ▸ About: the version and where everything lives, with one button to copy it all
into a support e-mail or a bug report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import PySide6
from PySide6.QtCore import Qt, QUrl, qVersion
from PySide6.QtGui import QDesktopServices, QGuiApplication, QIcon
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inbox import APP_NAME, __version__
from inbox.paths import data_dir, log_dir, resources_dir
from inbox.services import diagnostics
from inbox.services.backup import backups_dir

if TYPE_CHECKING:
    from inbox.ui.main_window import MainWindow


def app_icon() -> QIcon:
    """The app icon, every size we ship (Qt picks the closest)."""
    icons = resources_dir() / "icons"
    icon = QIcon(str(icons / "feedback-inbox.svg"))
    for png in sorted((icons / "hicolor").glob("*/apps/feedback-inbox.png")):
        icon.addFile(str(png))
    return icon


def details(db_path: Path | None, is_demo: bool = False) -> list[tuple[str, str]]:
    """The shared diagnostics plus Qt's own version (only the UI may ask Qt)."""
    rows = diagnostics.details(db_path, is_demo)
    rows.insert(5, ("Qt", f"{qVersion()} (PySide6 {PySide6.__version__})"))
    return [(k, v) for k, v in rows if k != "PySide6"]


def details_text(db_path: Path | None, is_demo: bool = False) -> str:
    return diagnostics.details_text(details(db_path, is_demo))


class AboutDialog(QDialog):
    def __init__(self, db_path: Path | None, is_demo: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"About {APP_NAME}")
        self.setObjectName("about_dialog")
        self.text = details_text(db_path, is_demo)
        layout = QVBoxLayout(self)

        head = QHBoxLayout()
        logo = QLabel()
        logo.setPixmap(app_icon().pixmap(72, 72))
        logo.setAlignment(Qt.AlignmentFlag.AlignTop)
        head.addWidget(logo)
        title = QLabel(f"<div style='font-size:16pt; font-weight:600'>{APP_NAME}</div>"
                       f"<div>Version {__version__}</div>"
                       "<div>Reviews and mentions from every place your customers talk, "
                       "in one inbox on this computer.</div>")
        title.setWordWrap(True)
        head.addWidget(title, 1)
        layout.addLayout(head)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        folders = {"Data folder": data_dir(), "Log folder": log_dir(), "Backups": backups_dir()}
        for label, value in details(db_path, is_demo)[1:]:
            field = QLabel()
            if label in folders:  # a link that opens the folder in the file manager
                field.setText(f"<a href='{QUrl.fromLocalFile(str(folders[label])).toString()}'>{_esc(value)}</a>")
                field.setOpenExternalLinks(False)
                field.linkActivated.connect(lambda url: QDesktopServices.openUrl(QUrl(url)))
            else:
                field.setText(_esc(value))
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                          | Qt.TextInteractionFlag.LinksAccessibleByMouse)
            field.setWordWrap(True)
            field.setMinimumWidth(420)
            form.addRow(f"{label}:", field)
        self.keyring_label = QLabel("checking…")  # asking the keyring may block: set later
        self.keyring_label.setTextFormat(Qt.TextFormat.PlainText)
        self.keyring_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("Keyring:", self.keyring_label)
        layout.addLayout(form)

        privacy = QLabel("Your data stays on this computer. The app only connects to the sources "
                         "you add, and credentials are kept in the system keyring.")
        privacy.setWordWrap(True)
        privacy.setStyleSheet("color: palette(placeholder-text);")
        layout.addWidget(privacy)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("Copy details")
        self.copy_button.clicked.connect(self.copy_details)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def set_keyring(self, status: str) -> None:
        self.keyring_label.setText(status)
        self.text += f"\nKeyring: {status}"

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.text)
        self.copy_button.setText("Copied")


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def show_about(window: MainWindow) -> AboutDialog:
    dialog = AboutDialog(window.db_path, window.is_demo, window)
    window.run_in_worker(lambda _store: diagnostics.keyring_status(), dialog.set_keyring,
                         lambda exc: dialog.set_keyring(f"unavailable ({type(exc).__name__})"))
    dialog.open()
    return dialog


def install(window: MainWindow) -> None:
    window.register_command("help.about", f"About {APP_NAME}", lambda: show_about(window), menu="Help")
    window.setWindowIcon(app_icon())
