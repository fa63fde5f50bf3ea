"""A qasync event loop for GUI tests (pytest-qt does not drive asyncio), and a helper that
runs that loop until a condition holds. Import the fixtures into a test module."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import qasync


@pytest.fixture
def aloop(qapp):
    """A qasync loop marked as running, so that coroutines advance whenever Qt processes
    events — as in the app, where the loop runs for the whole session."""
    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    yield loop
    pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in pending:
        task.cancel()
    if pending:
        run_until(loop, lambda: all(t.done() for t in pending), 5, "cancelled tasks to end")
    qapp.processEvents()
    asyncio.events._set_running_loop(None)
    loop._QEventLoop__is_running = False
    loop.close()
    asyncio.set_event_loop(None)


def run_until(loop: asyncio.AbstractEventLoop, cond: Callable[[], object], timeout: float = 15.0,
              what: str = "condition") -> None:
    """Process Qt events (and so the loop's callbacks) until `cond()` is true."""
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        time.sleep(0.002)


@pytest.fixture
def window(qtbot, aloop, store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The real main window on the test store, confirmations answered yes."""
    from PySide6.QtCore import QSettings

    from inbox.ui.main_window import MainWindow

    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    win = MainWindow(store, db_path=store.path, is_demo=False, settings=settings)
    monkeypatch.setattr(win, "confirm", lambda title, text: True)
    win.resize(1100, 700)
    win.show()
    yield win
    win.tasks.cancel_all()
    run_until(aloop, lambda: not [t for t in win.tasks.tasks if not t.done()], 5, "tasks to end")
    win.shutdown()
    win.close()
    win.deleteLater()
