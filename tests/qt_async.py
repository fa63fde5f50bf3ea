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
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    yield loop
    pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    loop.close()
    asyncio.set_event_loop(None)


def run_until(loop: asyncio.AbstractEventLoop, cond: Callable[[], object], timeout: float = 15.0,
              what: str = "condition") -> None:
    """Spin the qasync loop (Qt events included) until `cond()` is true."""
    async def wait() -> None:
        end = time.monotonic() + timeout
        while not cond():
            if time.monotonic() > end:
                raise AssertionError(f"timed out waiting for {what}")
            await asyncio.sleep(0.02)
    loop.run_until_complete(wait())


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
