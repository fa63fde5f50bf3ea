"""QApplication set-up and the one event loop (qasync on the Qt loop).

`run()` opens the workspace, builds the main window, lets each feature `install(window)`,
and runs until the window closes. `--smoke-test` waits for the first rows to be painted,
prints what it saw, and exits 0.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import sys
import time
from pathlib import Path

import qasync
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from inbox import APP_ID, APP_NAME
from inbox.services.workspace import choose_workspace
from inbox.store import Store
from inbox.ui.main_window import SETTINGS_APP, SETTINGS_ORG, MainWindow

log = logging.getLogger(__name__)
START = time.perf_counter()

# Modules whose `install(window)` plugs a feature into the window (see UI_CONTRACT.md). A
# module that isn't there yet is skipped; the lead adds names here at merge time.
EXTENSIONS: list[str] = []
SMOKE_TIMEOUT_MS = 20_000


def install_extensions(window: MainWindow, names: list[str] | None = None) -> list[str]:
    installed = []
    for name in EXTENSIONS if names is None else names:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        module.install(window)
        installed.append(name)
    return installed


def make_app() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setOrganizationName(SETTINGS_ORG)
    app.setApplicationName(SETTINGS_APP)
    app.setApplicationDisplayName(APP_NAME)
    app.setDesktopFileName(APP_ID)
    return app


def smoke_check(window: MainWindow, app: QApplication) -> None:
    """Quit once the first page is in and painted (or on failure/timeout)."""
    state = {"done": False}

    def finish(code: int, message: str) -> None:
        if state["done"]:
            return
        state["done"] = True
        print(message, flush=True)
        app.exit(code)

    def painted() -> None:
        window.list_view.viewport().repaint()
        window.grab()
        shown = len(window.model.rows)
        elapsed = time.perf_counter() - START
        finish(0, f"smoke test: {shown} rows painted in '{window.view_title}' "
                  f"({'demo workspace' if window.is_demo else window.db_path}) after {elapsed:.3f}s")

    def check() -> None:
        if not window.model.loading:
            painted()

    window.model.page_loaded.connect(lambda _n: QTimer.singleShot(0, painted))
    window.model.load_failed.connect(lambda exc: finish(1, f"smoke test: loading failed: {exc}"))
    QTimer.singleShot(0, check)
    QTimer.singleShot(SMOKE_TIMEOUT_MS, lambda: finish(1, "smoke test: no rows after 20 s"))


def run(db_path: Path | None = None, smoke_test: bool = False) -> int:
    app = make_app()
    workspace = choose_workspace(db_path)
    store = Store(workspace.path)
    window = MainWindow(store, db_path=workspace.path, is_demo=workspace.is_demo)
    install_extensions(window)
    window.show()
    if smoke_test:
        smoke_check(window, app)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        with loop:
            code = loop.run_forever()
    finally:
        window.shutdown()
        store.close()
    return int(code or 0)
