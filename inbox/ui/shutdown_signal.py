"""SIGTERM (a desktop logout, `kill`, a system shutdown) closes the window the way the user
would: the draft being typed is saved, a running export is cancelled and its partial file
removed, the sync stops between pages. Python's default is to die on the spot.

Python runs a signal handler only between bytecodes, and Qt may wait in C++ for a long
time: a short timer hands control back to Python so the handler runs at once."""

from __future__ import annotations

import signal
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

WAKE_MS = 250


def close_on_sigterm(app: QApplication) -> Callable[[], None]:
    """Close every window on SIGTERM (whichever workspace is open by then); returns what
    puts the previous handler back."""
    previous = signal.getsignal(signal.SIGTERM)

    def close_all() -> None:
        app.closeAllWindows()
        # A quit Qt sends while its loop is not running yet (an early processEvents during
        # set-up) is lost, and the app would run on with no window: quit again from the loop.
        if not any(w.isVisible() for w in app.topLevelWidgets()):
            QTimer.singleShot(0, app.quit)

    def handler(_signum: int, _frame: Any) -> None:
        QTimer.singleShot(0, close_all)

    signal.signal(signal.SIGTERM, handler)
    wake = QTimer(app)
    wake.setInterval(WAKE_MS)
    wake.timeout.connect(lambda: None)
    wake.start()

    def restore() -> None:
        wake.stop()
        signal.signal(signal.SIGTERM, previous)
    return restore
