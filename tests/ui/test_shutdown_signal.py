"""SIGTERM (a logout, `kill`) closes the window as the user would: the draft being typed is
saved, not lost with the process."""

from __future__ import annotations

import os
import signal

from PySide6.QtWidgets import QApplication

from inbox.ui.shutdown_signal import close_on_sigterm
from tests.ui.test_reply_editor import _open, replies  # noqa: F401 - the fixture


def test_sigterm_closes_the_window_and_keeps_the_draft_being_typed(window, replies, qtbot) -> None:  # noqa: F811
    g0 = _open(window, qtbot, "g0")
    qtbot.keyClicks(replies.editor.editor, "Hi Guest, half a thought")
    assert window.store.get_draft(g0) is None  # not saved yet: the debounce has not run out
    restore = close_on_sigterm(QApplication.instance())
    try:
        os.kill(os.getpid(), signal.SIGTERM)
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=3000)
    finally:
        restore()
    assert window.store.get_draft(g0).text == "Hi Guest, half a thought"
    assert signal.getsignal(signal.SIGTERM) is not None  # the test runner's handler is back


def test_sigterm_before_the_event_loop_runs_still_ends_the_app(qtbot) -> None:
    """A SIGTERM that lands while the window is still being set up (its close handled by an
    early processEvents, when Qt ignores a quit) must still end the app once its loop runs."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QWidget

    app = QApplication.instance()
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    restore = close_on_sigterm(app)
    try:
        os.kill(os.getpid(), signal.SIGTERM)
        deadline = QTimer()
        deadline.setSingleShot(True)
        deadline.timeout.connect(lambda: app.exit(99))  # the app would otherwise run on forever
        app.processEvents()  # not in the loop yet: the window closes, a quit now would be lost
        assert not window.isVisible()
        deadline.start(3000)
        assert app.exec() == 0
    finally:
        deadline.stop()
        restore()
