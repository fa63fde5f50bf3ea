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
