"""GUI test fixtures: a qasync loop on the test's QApplication, a main window over a small
café workspace with a fake clock, and dialogs that can never block the run.

Neutralised: QMessageBox.question/information/warning/critical answer from `answers`
(default "No"), QInputDialog.getText answers from `answers.texts`, QDialog.exec refuses to
run (code must use open()), and QDesktopServices.openUrl only records its calls.
"""

from __future__ import annotations

import asyncio
import gc
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.ui.workspace import build_small_workspace

_CLOSED_LOOPS: list = []


class FakeClock:
    """An injectable now() that tests move forward by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class Answers:
    """What the neutralised dialogs answer, and what they were asked."""

    def __init__(self) -> None:
        self.confirm = False
        self.texts: list[str | None] = []
        self.asked: list[tuple[str, str]] = []
        self.opened_urls: list[str] = []


@pytest.fixture(autouse=True)
def answers(monkeypatch: pytest.MonkeyPatch) -> Answers:
    from PySide6.QtGui import QDesktopServices
    from PySide6.QtWidgets import QDialog, QInputDialog, QMessageBox

    a = Answers()

    def question(parent, title, text, *args, **kwargs):
        a.asked.append((title, text))
        return QMessageBox.StandardButton.Yes if a.confirm else QMessageBox.StandardButton.No

    def notify(parent, title, text, *args, **kwargs):
        a.asked.append((title, text))
        return QMessageBox.StandardButton.Ok

    def get_text(parent, title, label, *args, **kwargs):
        a.asked.append((title, label))
        value = a.texts.pop(0) if a.texts else None
        return (value or "", value is not None)

    def no_exec(self, *args, **kwargs):
        raise AssertionError(f"{type(self).__name__}.exec() would block: use open()")

    def open_url(url):
        a.opened_urls.append(url.toString())
        return True

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    for name in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(notify))
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))
    monkeypatch.setattr(QDialog, "exec", no_exec)
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(open_url))
    return a


@pytest.fixture
def qloop(qapp):
    """A qasync loop on the test's QApplication, 'already running' so that coroutines
    advance whenever qtbot processes Qt events."""
    import qasync

    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    yield loop
    for task in asyncio.all_tasks(loop):
        task.cancel()
    qapp.processEvents()
    asyncio.events._set_running_loop(None)
    loop._QEventLoop__is_running = False
    loop.close()
    asyncio.set_event_loop(None)
    # Keep the closed loop alive: its timer QObject must never be collected by the GC on
    # a worker thread (Qt can't unregister timers from there; the next tick would segfault)
    _CLOSED_LOOPS.append(loop)
    gc.collect()  # collect the test's other Qt cycles here, on the GUI thread


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 2, 9, 30, tzinfo=UTC))  # a Monday morning


@pytest.fixture
def workspace_store(tmp_path: Path, clock: FakeClock):
    from inbox.store import Store

    s = Store(tmp_path / "ws.db")
    build_small_workspace(s, clock())
    yield s
    s.close()


@pytest.fixture
def make_window(qtbot, qloop, tmp_path: Path, clock: FakeClock):
    """Build a MainWindow on a store; waits for the first page and the counts."""
    from PySide6.QtCore import QSettings

    from inbox.ui.main_window import MainWindow

    windows = []

    def make(store, resize: bool = True, **kwargs):
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(store, clock=clock, settings=settings, **kwargs)
        qtbot.addWidget(window)
        if resize:
            window.resize(1280, 800)
        window.show()
        qtbot.waitUntil(lambda: not window.model.loading and window.workers.pending == 0, timeout=5000)
        windows.append(window)
        return window

    yield make
    for w in windows:
        w.shutdown()
    windows.clear()
    gc.collect()  # on the GUI thread, not whichever thread the GC happens to run on next


@pytest.fixture
def window(workspace_store, make_window):
    return make_window(workspace_store)


def settle(qtbot, window) -> None:
    """Wait until pages and background queries have all arrived (a loaded machine may take
    seconds to load the aspects' lexicon on a worker)."""
    qtbot.waitUntil(lambda: not window.model.loading and window.workers.pending == 0, timeout=20_000)
