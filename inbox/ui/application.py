"""QApplication set-up and the one event loop (qasync on the Qt loop).

`run()` opens the workspace, builds the main window, lets each feature `install(window)`,
and runs until the window closes. `--smoke-test` waits for the first rows to be painted,
prints what it saw, and exits 0.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from pathlib import Path
from types import ModuleType

import qasync
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from inbox import APP_ID, APP_NAME, __version__
from inbox.logging_setup import setup_logging
from inbox.paths import default_db_path
from inbox.services.workspace import choose_workspace, open_store
from inbox.sync.engine import SWITCH_INTERVAL_S
from inbox.ui import (
    about,
    accessibility,
    add_source_wizard,
    appearance,
    author_data,
    backups,
    dashboard,
    export_dialog,
    first_run,
    profile,
    replies,
    rules_dialog,
    settings_dialog,
    single_instance,
    sources_dialog,
    sync_controller,
    team,
    workspace_switch,
)
from inbox.ui.about import app_icon
from inbox.ui.crash import install_crash_handler, report_startup_error
from inbox.ui.first_run import maybe_show_first_run
from inbox.ui.gc_guard import collect_on_gui_thread, freeze_startup
from inbox.ui.main_window import SETTINGS_APP, SETTINGS_ORG, MainWindow
from inbox.ui.prewarm import forget_sources, prewarm
from inbox.ui.shutdown_signal import close_on_sigterm

log = logging.getLogger(__name__)
START = time.perf_counter()

# The features that plug into the window through their `install(window)`, imported by name
# so a renamed module fails at start-up. The order is the order of their menu entries.
EXTENSIONS: dict[str, ModuleType] = {module.__name__: module for module in (
    sources_dialog, add_source_wizard, sync_controller, rules_dialog, replies, export_dialog, author_data,
    dashboard, profile, backups, about, settings_dialog, appearance, accessibility, workspace_switch,
    team, first_run,
)}
# The same without the first-run dialog: for scripts and tests that build a whole window.
EXTENSIONS_WITHOUT_DIALOGS = [name for name in EXTENSIONS if name != first_run.__name__]
SMOKE_TIMEOUT_MS = 20_000


def install_extensions(window: MainWindow, names: list[str] | None = None) -> list[str]:
    """Install the named features (all of them by default); an unknown name is an error."""
    chosen = list(EXTENSIONS) if names is None else names
    for name in chosen:
        EXTENSIONS[name].install(window)
    window.installed_extensions = chosen  # a workspace switch installs the same in the new window
    return chosen


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


def run(db_path: Path | None = None, smoke_test: bool = False, team_url: str | None = None) -> int:
    app = make_app()
    app.setWindowIcon(app_icon())
    log_path = setup_logging()
    crash = install_crash_handler(log_path)
    prewarm()  # before any worker thread exists (see inbox/ui/prewarm.py)
    collect_on_gui_thread(app)  # no garbage collection on worker threads (parented to the app)
    # Workers run Python too (export, scoring, parsing): hand the GIL back to the GUI thread
    # sooner than the default 5 ms (see inbox/sync/engine.py, responsive_gil).
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    guard = None
    try:
        if team_url is not None:  # `inbox --db postgresql://...`: this computer's copy of it
            from inbox.ui.team_connect import replica_for_start

            db_path = replica_for_start(team_url)
            if db_path is None:  # the owner closed the Connect dialog
                crash.uninstall()
                return 0
        workspace = choose_workspace(db_path)
        log.info("Feedback Inbox %s starting on %s%s", __version__, workspace.path,
                 " (demo)" if workspace.is_demo else "")
        if not smoke_test:  # a smoke test must test this launch, not raise another one
            guard = single_instance.acquire(workspace.path)
            if guard is None:
                print(f"{APP_NAME} is already running; its window was brought to the front.", flush=True)
                crash.uninstall()
                return 0
        store = open_store(workspace.path)
    except Exception as exc:  # a damaged or foreign file, a newer schema, a full disk
        if guard is not None:
            guard.close()
        crash.uninstall()
        return report_startup_error(exc, db_path or default_db_path(), log_path, interactive=not smoke_test)
    window = MainWindow(store, db_path=workspace.path, is_demo=workspace.is_demo)
    if guard is not None:
        guard.activate_requested.connect(lambda: single_instance.raise_window(window))
    install_extensions(window)
    forget_sources()
    freeze_startup()  # the collections during a sync then walk only what came after
    restore_sigterm = close_on_sigterm(app)
    window.show()
    if smoke_test:
        smoke_check(window, app)
    else:
        QTimer.singleShot(0, lambda: maybe_show_first_run(window))
    loop = qasync.QEventLoop(app)
    loop.set_exception_handler(crash.loop_exception)
    asyncio.set_event_loop(loop)
    try:
        with loop:
            code = loop.run_forever()
    finally:
        restore_sigterm()
        export_dialog.stop_running_exports()
        window.shutdown()
        store.close()
        if guard is not None:
            guard.close()
        crash.uninstall()
    return int(code or 0)
