"""The welcome screen: shown once on first start (and from Help ▸ Getting started).

A newcomer opens the app to a demo café's reviews; without a word of explanation they would
wonder whose data that is, and where their own is. This says it in three short paragraphs
and points at the one thing to do next: add a source, with the set-up guide at hand.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inbox import APP_NAME
from inbox.paths import resources_dir
from inbox.services import settings
from inbox.ui.about import app_icon
from inbox.ui.plain import plain_question
from inbox.ui.reading_pane import SafeBrowser

if TYPE_CHECKING:
    from inbox.ui.main_window import MainWindow

SEEN_KEY = "first_run.seen"
ADD_SOURCE_COMMAND = "sources.manage"
GUIDED_ADD_COMMAND = "sources.add"  # inbox/ui/add_source_wizard.py


def guide_path() -> Path | None:
    """docs/sources.md in a checkout, or docs/sources.md inside the packaged bundle."""
    for candidate in (resources_dir().parent / "docs" / "sources.md",
                      resources_dir() / "docs" / "sources.md"):
        if candidate.is_file():
            return candidate
    return None


class GuideBrowser(QDialog):
    """The set-up guide as formatted text. Links to the web open only after a yes;
    nothing local (file:, images) is ever followed or loaded."""

    def __init__(self, path: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Setting up sources")
        self.setObjectName("guide_browser")
        self.resize(760, 640)
        layout = QVBoxLayout(self)
        self.browser = SafeBrowser()  # opens and loads nothing by itself
        self.browser.link_requested.connect(self._link)
        if path is not None:
            self.browser.setMarkdown(path.read_text(encoding="utf-8"))
        else:
            self.browser.setMarkdown(
                "# Setting up sources\n\nThe set-up guide is not installed with this copy of the app. "
                "Open **File ▸ Sources…**, pick the kind of source, and the form explains each field.")
        layout.addWidget(self.browser)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _link(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https", "mailto"):
            if plain_question(self, "Open in your browser?", f"Open {url.toString()}?"):
                QDesktopServices.openUrl(url)
        elif url.hasFragment() and not url.path():
            self.browser.scrollToAnchor(url.fragment())


class FirstRunDialog(QDialog):
    def __init__(self, is_demo: bool, can_add_source: bool, parent: QWidget | None = None,
                 where_to_add: str = "File ▸ Sources…") -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Welcome to {APP_NAME}")
        self.setObjectName("first_run_dialog")
        self.wants_add_source = False
        self.guide: GuideBrowser | None = None
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)

        head = QHBoxLayout()
        logo = QLabel()
        logo.setPixmap(app_icon().pixmap(64, 64))
        head.addWidget(logo, 0, Qt.AlignmentFlag.AlignVCenter)
        title = QLabel(f"<div style='font-size:17pt; font-weight:600'>Welcome to {APP_NAME}</div>"
                       "<div>Every review and mention of your business, in one inbox.</div>")
        title.setWordWrap(True)
        title.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        head.addWidget(title, 1)
        layout.addLayout(head)

        demo = ("<p><b>What you see now is a demo.</b> The reviews of <i>a harbour café</i> and two "
                "competitors are made up, so you can try everything safely: <b>j</b>/<b>k</b> to move, "
                "<b>e</b> to mark done, <b>s</b> to snooze, <b>t</b> to tag, <b>/</b> to search, "
                "<b>Ctrl+K</b> for every command.</p>") if is_demo else (
                "<p>Move with <b>j</b>/<b>k</b>, <b>e</b> marks done, <b>s</b> snoozes, <b>t</b> tags, "
                "<b>/</b> searches, and <b>Ctrl+K</b> lists every command.</p>")
        body = QLabel(
            demo
            + f"<p><b>To see your own feedback, add a source:</b> open <b>{where_to_add}</b> and "
              "choose where your customers talk — Google, Yelp, Trustpilot, Facebook, Mastodon, "
              "Bluesky, Reddit, a feed, an app store, or a file you exported. A news feed, the App "
              "Store and an exported file need no sign-in; the others walk you through signing in "
              "step by step. Your own inbox opens as soon as you add one.</p>"
              "<p><b>Your data stays here.</b> Everything is kept in one file on this computer, "
              "credentials go to the system keyring, and the app only talks to the sources you add. "
              "A copy of the database is made every day.</p>")
        body.setObjectName("first_run_text")
        body.setWordWrap(True)
        body.setTextFormat(Qt.TextFormat.RichText)
        body.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        layout.addWidget(body)
        layout.addStretch(1)  # spare height below the text, not between its paragraphs

        buttons = QDialogButtonBox()
        guide = QPushButton("Open the set-up guide")
        guide.clicked.connect(self.show_guide)
        buttons.addButton(guide, QDialogButtonBox.ButtonRole.HelpRole)
        if can_add_source:
            add = QPushButton("Add a source…")
            add.clicked.connect(self._add_source)
            buttons.addButton(add, QDialogButtonBox.ButtonRole.ActionRole)
        start = buttons.addButton("Explore the demo" if is_demo else "Start",
                                  QDialogButtonBox.ButtonRole.AcceptRole)
        start.setDefault(True)
        start.clicked.connect(self.accept)
        layout.addWidget(buttons)

    def show_guide(self) -> GuideBrowser:
        self.guide = GuideBrowser(guide_path(), self)
        self.guide.open()
        return self.guide

    def _add_source(self) -> None:
        self.wants_add_source = True
        self.accept()


def show_first_run(window: MainWindow) -> FirstRunDialog:
    """Open the welcome screen (non-blocking) and remember that it was seen."""
    # the guided flow where it is installed, else the Sources form
    command_id = next((c for c in (GUIDED_ADD_COMMAND, ADD_SOURCE_COMMAND) if c in window.commands.commands),
                      ADD_SOURCE_COMMAND)
    command = window.commands.commands.get(command_id)
    where = f"{command.menu} ▸ {command.title}" if command else "File ▸ Sources…"
    dialog = FirstRunDialog(window.is_demo, command is not None, window, where)

    def done(_result: int) -> None:
        if dialog.wants_add_source:
            window.run_command(command_id)

    dialog.finished.connect(done)
    settings.set(SEEN_KEY, True, local=_settings(window))
    dialog.open()
    return dialog


def maybe_show_first_run(window: MainWindow) -> FirstRunDialog | None:
    """The welcome screen, if this user has never seen it."""
    if settings.get(SEEN_KEY, local=_settings(window)):
        return None
    return show_first_run(window)


def _settings(window: MainWindow) -> QSettings:
    return window.settings


def install(window: MainWindow) -> None:
    window.register_command("help.getting_started", "Getting started", lambda: show_first_run(window),
                            menu="Help")
    window.register_command("help.sources_guide", "Setting up sources",
                            lambda: GuideBrowser(guide_path(), window).open(), menu="Help")
