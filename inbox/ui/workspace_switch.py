"""Switching the window between the demo and the owner's own inbox, live: no restart.

Why a new window rather than swapping the store under the old one: every controller,
reader thread and feature holds the store it was built with, so a clean switch builds the
window again on the other database (same place and size), hands over what tests and the
app injected (the secrets backend), and closes the old one. File ▸ "Open the demo" and
"Open my inbox" go back and forth; adding the first own source from the demo switches by
itself."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

from inbox.services.workspace import Workspace, demo_workspace, open_store, own_workspace
from inbox.store import Store

if TYPE_CHECKING:
    from inbox.domain import Source
    from inbox.ui.main_window import MainWindow

log = logging.getLogger(__name__)
# Windows opened by a switch, with the stores they own (the first window's store belongs
# to `application.run`); closed when the app quits or when they are switched away from.
_OPENED: dict[int, Store] = {}


def _close_all() -> None:
    for store in _OPENED.values():
        store.close()
    _OPENED.clear()


def switch_to(old: MainWindow, workspace: Workspace) -> MainWindow:
    """Open `workspace` in a new window where `old` is, carry the injected secrets over,
    close `old`. Returns the new window."""
    from inbox.ui.application import install_extensions  # it imports this module's installer
    from inbox.ui.main_window import MainWindow

    store = open_store(workspace.path)
    new = MainWindow(store, db_path=Path(workspace.path), is_demo=workspace.is_demo, settings=old.settings)
    _OPENED[id(new)] = store
    app = QApplication.instance()
    if app is not None and len(_OPENED) == 1:
        app.aboutToQuit.connect(_close_all)
    install_extensions(new, [n for n in _installed(old)])
    _carry_secrets(old, new)
    new.setGeometry(old.geometry())
    new.show()
    old.close()
    gone = _OPENED.pop(id(old), None)
    if gone is not None:
        gone.close()
    log.info("switched the window to %s%s", workspace.path, " (demo)" if workspace.is_demo else "")
    return new


def _installed(window: MainWindow) -> list[str]:
    """The features installed in `window` (tests install some, the app all but the welcome)."""
    from inbox.ui.application import EXTENSIONS, first_run

    names = getattr(window, "installed_extensions", None)
    if names is None:
        names = [n for n in EXTENSIONS if n != first_run.__name__]
    return list(names)


def _carry_secrets(old: MainWindow, new: MainWindow) -> None:
    """Features that keep a secrets backend (the keyring in the app, memory in tests) keep
    the same one in the new window."""
    from inbox.ui import sources_dialog

    for kind, feature in old.extensions.items():
        secrets = getattr(feature, "secrets", None)
        target = new.extensions.get(kind)
        if secrets is not None and target is not None and hasattr(target, "secrets"):
            target.secrets = secrets
    dialog = old.extensions.get(sources_dialog.SourcesDialog)
    given = getattr(old, "sources_secrets", None)
    secrets = given if given is not None else (dialog.service.secrets if dialog is not None else None)
    if secrets is not None:
        sources_dialog.install(new, secrets=secrets)
        new.sources_secrets = secrets


def open_own_inbox(old: MainWindow, added: Source | None = None) -> MainWindow:
    """Leave the demo for the owner's inbox; a source just added syncs at once."""
    new = switch_to(old, own_workspace())
    if added is not None:
        from inbox.ui.sources_dialog import _sync_new

        _sync_new(new, new.store.get_source(added.id))
        new.status_message(f"This is your own inbox now. Fetching “{added.name}”…", 10_000)
    return new


def open_demo(old: MainWindow) -> MainWindow:
    new = switch_to(old, demo_workspace())
    new.status_message("The demo café. File ▸ Open my inbox goes back to yours.", 10_000)
    return new


def install(window: MainWindow) -> None:
    """File ▸ Open the demo (in the owner's inbox) or Open my inbox (in the demo)."""
    if window.is_demo:
        window.register_command("workspace.own", "Open my inbox", lambda: open_own_inbox(window), menu="File")
    else:
        window.register_command("workspace.demo", "Open the demo", lambda: open_demo(window), menu="File")
