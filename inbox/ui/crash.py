"""When something goes wrong that nobody caught: write it to the log (scrubbed) and say so
in a dialog, instead of the window vanishing or carrying on silently.

Three ways an error escapes: an exception in a Qt slot or virtual method (PySide prints it
through `sys.excepthook`), an exception in an asyncio task on the qasync loop (the loop's
exception handler), and Qt's own warnings and fatal messages (`qInstallMessageHandler`).
All three end in the log; the first two also open the crash dialog.
"""

from __future__ import annotations

import html
import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import QObject, Qt, QtMsgType, QUrl, qInstallMessageHandler
from PySide6.QtGui import QDesktopServices, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inbox import APP_NAME
from inbox.logging_setup import scrub
from inbox.ui.plain import as_rich_text

log = logging.getLogger("inbox.crash")
qt_log = logging.getLogger("qt")

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}
MAX_DIALOGS = 3  # after that, errors are only logged: a loop of dialogs helps nobody


class CrashDialog(QDialog):
    """Says what happened in plain words, shows the (scrubbed) details, and offers to copy
    them, open the log folder, keep going or quit."""

    def __init__(self, summary: str, details: str, log_path: Path | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{APP_NAME} — something went wrong")
        self.setObjectName("crash_dialog")
        self.details = details
        self.log_path = log_path
        self.resize(640, 420)
        layout = QVBoxLayout(self)
        where = (f" The details were written to the log file:<br><code>{html.escape(str(log_path))}</code>"
                 if log_path else "")
        intro = QLabel(
            f"<b>{APP_NAME} hit an unexpected error.</b><br>"
            "What you have saved is safe: items, tags and drafts are in the database. "
            "You can keep working, or quit and start the app again." + where)
        intro.setWordWrap(True)
        intro.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(intro)
        summary_label = QLabel(summary)
        summary_label.setTextFormat(Qt.TextFormat.PlainText)  # error text may quote untrusted input
        summary_label.setObjectName("crash_summary")
        summary_label.setWordWrap(True)
        summary_label.setStyleSheet("font-weight: 600;")
        layout.addWidget(summary_label)
        self.text = QPlainTextEdit(details)
        self.text.setReadOnly(True)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        layout.addWidget(self.text, 1)

        buttons = QDialogButtonBox()
        copy = QPushButton("Copy details")
        copy.clicked.connect(self.copy_details)
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        if log_path is not None:
            folder = QPushButton("Open log folder")
            folder.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_path.parent))))
            buttons.addButton(folder, QDialogButtonBox.ButtonRole.ActionRole)
        quit_button = buttons.addButton("Quit", QDialogButtonBox.ButtonRole.DestructiveRole)
        quit_button.clicked.connect(self._quit)
        keep = buttons.addButton("Keep working", QDialogButtonBox.ButtonRole.AcceptRole)
        keep.setDefault(True)
        keep.clicked.connect(self.accept)
        layout.addWidget(buttons)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details)

    def _quit(self) -> None:
        self.reject()
        QApplication.exit(1)


class CrashHandler(QObject):
    """Owns the hooks; `uninstall()` puts back what was there (tests use it)."""

    def __init__(self, log_path: Path | None = None, *,
                 dialog_factory: Callable[..., CrashDialog] = CrashDialog) -> None:
        super().__init__()
        self.log_path = log_path
        self.dialog_factory = dialog_factory
        self.dialogs: list[CrashDialog] = []
        self.reports: list[str] = []
        self._previous_hook: Callable[..., Any] | None = None
        self._previous_qt: Any = None
        self._installed = False

    def install(self) -> CrashHandler:
        if not self._installed:
            self._previous_hook = sys.excepthook
            sys.excepthook = self.excepthook
            self._previous_qt = qInstallMessageHandler(self.qt_message)
            self._installed = True
        return self

    def uninstall(self) -> None:
        if self._installed:
            sys.excepthook = self._previous_hook or sys.__excepthook__
            qInstallMessageHandler(self._previous_qt)
            self._installed = False

    # -- the hooks ----------------------------------------------------------------------

    def excepthook(self, etype: type[BaseException], value: BaseException,
                   tb: TracebackType | None) -> None:
        if issubclass(etype, KeyboardInterrupt | SystemExit):
            (self._previous_hook or sys.__excepthook__)(etype, value, tb)
            return
        self.report(value, tb)

    def loop_exception(self, loop: object, context: dict[str, Any]) -> None:
        """For `loop.set_exception_handler`: an exception no task awaited."""
        exc = context.get("exception")
        if isinstance(exc, BaseException):
            self.report(exc, exc.__traceback__, where=str(context.get("message", "")))
        else:
            log.error("event loop: %s", context.get("message", context))

    def qt_message(self, mode: QtMsgType, context: Any, message: str) -> None:
        level = _QT_LEVELS.get(mode, logging.WARNING)
        where = f" ({context.file}:{context.line})" if getattr(context, "file", None) else ""
        qt_log.log(level, "%s%s", message, where)
        if level >= logging.WARNING:
            print(scrub(f"qt: {message}"), file=sys.stderr)

    # -- what the user sees -------------------------------------------------------------

    def report(self, exc: BaseException, tb: TracebackType | None, where: str = "") -> None:
        details = scrub("".join(traceback.format_exception(type(exc), exc, tb)))
        summary = scrub(f"{type(exc).__name__}: {exc}") if str(exc) else type(exc).__name__
        from inbox.services.faults import describe

        summary = describe(exc) or summary  # a damaged file, a full disk: the sentence and next step
        log.critical("unhandled error%s\n%s", f" in {where}" if where else "", details.rstrip())
        self.reports.append(details)
        print(details, file=sys.stderr, flush=True)  # for whoever started it from a terminal
        self._show(summary, details)

    def _show(self, summary: str, details: str) -> None:
        if QApplication.instance() is None:
            return
        self.dialogs = [d for d in self.dialogs if d.isVisible()]
        if len(self.dialogs) >= MAX_DIALOGS:
            return
        parent = QApplication.activeWindow()
        try:
            dialog = self.dialog_factory(summary, details, self.log_path, parent)
            dialog.setModal(True)
            dialog.open()  # not exec(): no nested loop inside a slot or a qasync task
        except Exception:  # the dialog itself failed: the log has the error already
            log.exception("could not show the crash dialog")
            return
        self.dialogs.append(dialog)


def install_crash_handler(log_path: Path | None = None, loop: Any = None) -> CrashHandler:
    """Install the hooks for the app's lifetime; pass the qasync loop to cover tasks too."""
    handler = CrashHandler(log_path).install()
    if loop is not None:
        loop.set_exception_handler(handler.loop_exception)
    return handler


def startup_error_text(exc: BaseException, db_path: Path) -> str:
    """Why the database could not be opened, in words a newcomer can act on."""
    from inbox.services.backup import backups_dir
    from inbox.services.faults import describe

    described = describe(exc, db_path)
    if described is not None and "Restore a backup" in described:  # damaged: the next step is in it
        return f"{APP_NAME} cannot open {db_path}:\n{described}\n\nOr start with another file: inbox --db FILE"
    if described is not None:
        reason = described.rstrip(".").replace(". Nothing was changed", "")
    elif isinstance(exc, OSError):
        reason = exc.strerror or str(exc)
    else:
        reason = scrub(str(exc)) or type(exc).__name__
    return (f"{APP_NAME} cannot open {db_path}:\n{reason}.\n\n"
            f"Nothing was changed. Daily backups are in {backups_dir()}; restore one with\n"
            f"    inbox backup restore FILE --yes\nor start with another file: inbox --db FILE")


def report_startup_error(exc: BaseException, db_path: Path, log_path: Path | None, *,
                         interactive: bool = True) -> int:
    """Log why the app could not start, say so (a dialog; the terminal too), return exit code 1.
    Before the event loop runs, a blocking message box is fine."""
    from PySide6.QtWidgets import QMessageBox

    text = startup_error_text(exc, Path(db_path))
    log.error("cannot start: %s", text, exc_info=(type(exc), exc, exc.__traceback__))
    print(text, file=sys.stderr, flush=True)
    if interactive and QApplication.instance() is not None:
        more = f"\n\nDetails are in the log: {log_path}" if log_path else ""
        QMessageBox.critical(None, f"{APP_NAME} cannot start", as_rich_text(text + more))  # paths, as they are
    return 1
