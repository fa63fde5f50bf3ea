"""The main window: a shell holding the sidebar | list | reading pane, the menus and the
command table, and the extension API other features plug into with `install(window)`.

The behaviour lives in controllers (inbox/ui/controllers/): the list, triage, the sidebar
and the reading pane; extensions register themselves in `window.extensions`, a typed
registry. Every write goes through the one writer `Store` on the GUI thread as a service
operation (inbox/services/operations.py) that returns a ChangeSet; the window redraws from
it. List pages, counts and an opened item's view run on worker threads with read-only
connections (`run_in_worker`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QByteArray, QEvent, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QIcon, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from inbox import APP_NAME
from inbox.domain import InboxFilter, ItemRow, View, utcnow
from inbox.services import settings as settings_table
from inbox.services.operations import ChangeSet, Operations, UndoStack
from inbox.store import Store, StoreError
from inbox.ui.commands import MENUS, Command, CommandTable
from inbox.ui.controllers import Registry
from inbox.ui.controllers.list import ListController
from inbox.ui.controllers.reading import ReadingController
from inbox.ui.controllers.sidebar import SidebarController
from inbox.ui.controllers.triage import TriageController
from inbox.ui.dialogs import CommandPalette, SnoozeDialog, TagPicker
from inbox.ui.plain import plain_question
from inbox.ui.search_bar import VIEW_LABELS
from inbox.ui.tasks import TaskManager, Workers

T = TypeVar("T")
log = logging.getLogger(__name__)

SETTINGS_ORG, SETTINGS_APP = settings_table.LOCAL_SCOPE
SIDEBAR_WIDTH = 245
LAST_IN_MENU = {"app.quit"}
# Commands grouped with another family in the menus than their id's prefix says
MENU_GROUPS = {"edit.undo": "undo", "edit.find": "find", "edit.escape": "find", "edit.select_all": "select",
               "view.refresh": "list", "view.clear_filters": "list", "view.save_search": "saved",
               "view.delete_saved_search": "saved", "settings.mark_read_on_open": "reading",
               "view.drafts": "view", "view.outbox": "view", "insights.dashboard": "view",
               "view.theme_light": "theme", "view.theme_dark": "theme", "view.theme_system": "theme",
               "app.palette": "palette", "help.shortcuts": "help", "insights.profile": "author",
               "app.settings": "settings"}


class MainWindow(QMainWindow):
    """The app's one window; its public methods below are the extension API."""

    current_item_changed = Signal(object)   # ItemRow | None
    data_changed_signal = Signal(object)    # the ChangeSet of a write

    def __init__(self, store: Store, *, db_path: Path | None = None, is_demo: bool = False,
                 clock: Callable[[], datetime] = utcnow, settings: QSettings | None = None,
                 background_pages: bool = True) -> None:
        super().__init__()
        self.store = store
        getattr(store, "use_window_cache", lambda: None)()  # a team inbox has no page cache of ours
        self.db_path = Path(db_path or store.path)
        self.is_demo = is_demo
        self.clock = clock
        self.settings = settings or QSettings(SETTINGS_ORG, SETTINGS_APP)
        self.tasks = TaskManager()
        self.workers = Workers(self.db_path, parent=self)
        self.commands = CommandTable()
        self.actions_by_id: dict[str, QAction] = {}
        self.menus: dict[str, QMenu] = {}
        self.undo_stack = UndoStack()
        self.ops = Operations(store, self.undo_stack)
        self.extensions = Registry()
        self.active_dialog: QDialog | None = None
        self.on_shutdown: list[Callable[[], None]] = []  # features that hold threads or timers
        # Work a feature does once, ahead, while the list is empty (its widgets' first layout
        # and draw): each run in a turn of its own rather than in the turn a sync's first rows open
        self.warm_ups: list[Callable[[], None]] = []
        self._menu_entries: dict[str, list[tuple[str, bool]]] = {}  # menu -> (command id, destructive)
        self._default_panes = False  # set when no saved pane widths: see showEvent
        self.banner = QLabel()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)

        self.sidebar_ctl = SidebarController(self)
        self.list_ctl = ListController(self, background_pages)
        self.reading_ctl = ReadingController(self)
        self.triage_ctl = TriageController(self)
        for controller in (self.sidebar_ctl, self.list_ctl, self.reading_ctl, self.triage_ctl):
            self.extensions.add(controller)
        # the widgets, by the names tests and extensions know them
        self.sidebar = self.sidebar_ctl.sidebar
        self.search_bar = self.list_ctl.search_bar
        self.model = self.list_ctl.model
        self.list_view = self.list_ctl.list_view
        self.list_title, self.list_count = self.list_ctl.list_title, self.list_ctl.list_count
        self.empty_label, self.list_stack = self.list_ctl.empty_label, self.list_ctl.list_stack
        self.reading = self.reading_ctl.pane
        self.counts_timer = self.sidebar_ctl.counts_timer
        self.wake_timer = self.triage_ctl.wake_timer

        self.setWindowTitle(APP_NAME + (" — demo workspace" if is_demo else ""))
        self.setAccessibleName(APP_NAME)
        self._build_widgets()
        self._build_menus()
        self._register_builtin_commands()
        self.sidebar_ctl.populate()
        self._restore_settings()

        self.wake_timer.start()
        self.triage_ctl.wake_due(initial=True)
        self.list_ctl.after_load("sidebar", self.sidebar_ctl.refresh_counts)  # the first page goes first
        self.list_ctl.show(self.list_ctl.flt, self.list_ctl.view_title, self.list_ctl.view_key)

    # == building ========================================================================

    def _build_widgets(self) -> None:
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.banner.setObjectName("demoBanner")
        self.banner.setWordWrap(True)
        self.banner.setAccessibleName("Demo workspace notice")
        self.banner.setContentsMargins(14, 8, 14, 8)
        self.banner.setText(
            "<b>Demo workspace.</b> You are looking at sample feedback for a café and two "
            "competitors. Add a source (File ▸ Sources…) to see your own reviews and mentions.")
        self.banner.setVisible(self.is_demo)
        outer.addWidget(self.banner)

        self.splitter.setObjectName("mainSplitter")
        self.splitter.setChildrenCollapsible(False)
        outer.addWidget(self.splitter, 1)
        for pane in (self.sidebar, self.list_ctl.widget, self.reading):
            self.splitter.addWidget(pane)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 1)
        self.splitter.setSizes([250, 470, 560])
        self.setCentralWidget(central)
        self.statusBar().setSizeGripEnabled(True)
        self._style_from_palette()

    def _style_from_palette(self) -> None:
        pal = self.palette()
        hl = pal.color(QPalette.ColorRole.Highlight)
        text = pal.color(QPalette.ColorRole.WindowText).name()
        self.banner.setStyleSheet(
            f"QLabel#demoBanner {{ background-color: rgba({hl.red()},{hl.green()},{hl.blue()},0.16);"
            f" color: {text}; border-bottom: 1px solid rgba({hl.red()},{hl.green()},{hl.blue()},0.35); }}")
        muted = pal.color(QPalette.ColorRole.PlaceholderText).name()
        self.list_count.setStyleSheet(f"color: {muted}")
        self.empty_label.setStyleSheet(f"color: {muted}; font-size: 14pt")

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._style_from_palette()  # the reading pane redraws itself
        super().changeEvent(event)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        for name in MENUS:
            self.menus[name] = bar.addMenu("&" + name)

    def _register_builtin_commands(self) -> None:
        r, lst, triage, reading = self.register_command, self.list_ctl, self.triage_ctl, self.reading_ctl
        r("app.palette", "Command palette…", self.show_palette, menu="Tools")
        r("app.quit", "Quit", self.close, menu="File")
        r("edit.undo", "Undo last triage action", triage.undo, menu="Edit")
        r("edit.find", "Search", lst.focus_search, menu="Edit")
        r("edit.escape", "Back to the list / clear search", lst.escape, menu="Edit")
        r("edit.select_all", "Select all loaded items", lst.select_all, menu="Edit")
        r("nav.next", "Next item", lambda: lst.move_current(1), menu="View")
        r("nav.previous", "Previous item", lambda: lst.move_current(-1), menu="View")
        r("nav.open", "Open item (read the conversation)", reading.focus, menu="View", context="list")
        for view in View.ALL_VIEWS:
            r(f"view.{view}", f"Go to {VIEW_LABELS[view]}", lambda v=view: lst.show_view(v), menu="View")
        r("view.refresh", "Reload the list", self.data_changed, menu="View")
        r("view.clear_filters", "Clear search and filters", lst.clear_filters, menu="View")
        r("view.save_search", "Save search…", self.sidebar_ctl.save_current_search, menu="View")
        r("view.delete_saved_search", "Delete saved search…", self.sidebar_ctl.delete_saved_search, menu="View",
          destructive=True)
        mark = r("settings.mark_read_on_open", "Mark items read when opened",
                 lambda: reading.set_mark_read_on_open(mark.isChecked()), menu="View")
        mark.setCheckable(True)
        mark.setChecked(reading.mark_read_on_open)
        r("item.done", "Done (archive)", triage.mark_done, menu="Item")
        r("item.snooze", "Snooze…", triage.snooze_dialog, menu="Item")
        r("item.tag", "Tag…", triage.tag_dialog, menu="Item")
        r("item.unread", "Mark unread", lambda: triage.set_status("unread"), menu="Item")
        r("item.read", "Mark read", lambda: triage.set_status("read"), menu="Item")
        r("item.open_original", "Open the original page", reading.open_original, menu="Item")
        r("item.author", "Everything by this author", reading.show_author, menu="Item")
        r("help.shortcuts", "Keyboard shortcuts", self.show_palette, menu="Help")

    # == the extension API ===============================================================

    def register_command(self, id: str, title: str, callback: Callable[[], object], *,
                         shortcut: str | None = None, menu: str = "Tools",
                         context: str = "window", destructive: bool = False) -> QAction:
        """Add a command to a menu, the palette and the shortcut table. `destructive`
        commands (they erase or delete) go in a group of their own at the menu's end."""
        menu = menu if menu in self.menus else "Tools"
        key, unbound = self.commands.register(Command(id, title, callback, menu, context), shortcut)
        for other in unbound:
            if other in self.actions_by_id:
                self.actions_by_id[other].setShortcut(QKeySequence())
        old = self.actions_by_id.pop(id, None)
        if old is not None:
            for m in self.menus.values():
                m.removeAction(old)
            for w in (self, self.list_view):
                w.removeAction(old)
            old.deleteLater()
        action = QAction(title, self)
        action.setObjectName(id)
        if key:
            action.setShortcut(QKeySequence(key))
        if context == "list":
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.list_view.addAction(action)
        else:
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.addAction(action)
        action.triggered.connect(lambda _=False, cid=id: self.run_command(cid))
        self.actions_by_id[id] = action
        entries = [e for e in self._menu_entries.setdefault(menu, []) if e[0] != id]
        entries.append((id, destructive))
        self._menu_entries[menu] = entries
        self._arrange_menu(menu)
        return action

    def _arrange_menu(self, menu: str) -> None:
        """Lay a menu out in groups: commands of one family ("reply.", "view.") together in
        the order families first appeared, a separator between groups, destructive commands
        apart at the end, and Quit last in File."""
        m = self.menus[menu]
        for action in m.actions():
            if action.isSeparator() or action.objectName() in self.actions_by_id:
                m.removeAction(action)
        entries = self._menu_entries.get(menu, [])
        last = [cid for cid, _ in entries if cid in LAST_IN_MENU]
        destructive = [cid for cid, d in entries if d and cid not in last]
        families: dict[str, list[str]] = {}
        for cid, d in entries:
            if not d and cid not in last:
                families.setdefault(MENU_GROUPS.get(cid, cid.split(".")[0]), []).append(cid)
        groups = [*families.values(), destructive, last]
        first = True
        for group in groups:
            if not group:
                continue
            if not first:
                m.addSeparator()
            first = False
            for cid in group:
                m.addAction(self.actions_by_id[cid])

    def run_command(self, command_id: str) -> object:
        return self.commands.commands[command_id].callback()

    def current_filter(self) -> InboxFilter:
        return self.list_ctl.current_filter()

    def selected_item_ids(self) -> list[int]:
        return self.list_ctl.selected_item_ids()

    def current_item(self) -> ItemRow | None:
        return self.reading_ctl.current

    def show_items(self, flt: InboxFilter, title: str) -> None:
        self.list_ctl.show(flt, title, None)

    def open_item(self, item_id: int) -> None:
        row = self.model.row_of.get(item_id)
        if row is not None:
            self.list_ctl.select_row(row)
            return
        try:
            item = self.store.get_item(item_id)
        except StoreError:
            self.status_message(f"Item {item_id} no longer exists.")
            return
        self.list_view.selectionModel().clearSelection()
        self.reading_ctl.open(item)

    def data_changed(self, changes: ChangeSet | None = None) -> None:
        """Redraw what a write changed (no ChangeSet: anything may have changed, so reload
        the list keeping position and selection) and tell the extensions."""
        changes = ChangeSet.all() if changes is None else changes
        self.list_ctl.redraw(changes)
        if changes.counts or changes.sources or changes.tags or changes.everything:
            self.sidebar_ctl.schedule_counts()
        self.data_changed_signal.emit(changes)

    def status_message(self, text: str, timeout_ms: int = 5000) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    def add_reading_pane_widget(self, widget: QWidget) -> None:
        self.reading.add_widget(widget)

    def add_sidebar_entry(self, section: str, key: str, label: str,
                          on_activate: Callable[[], object], *, count: int | None = None,
                          icon: QIcon | None = None, tooltip: str = "") -> None:
        self.sidebar_ctl.add_entry(section, key, label, on_activate, count=count, icon=icon, tooltip=tooltip)

    def update_sidebar_entry(self, key: str, *, label: str | None = None, count: int | None = None,
                             tooltip: str | None = None, state: str | None = None) -> None:
        self.sidebar.update_entry(key, label=label, count=count, tooltip=tooltip, state=state)

    def run_task(self, coro: Coroutine, *, name: str | None = None) -> asyncio.Task:
        return self.tasks.run(coro, name)

    def run_in_worker(self, fn: Callable[[Store], T], on_done: Callable[[T], None],
                      on_error: Callable[[Exception], None] | None = None) -> None:
        self.workers.submit(fn, on_done, on_error)

    def confirm(self, title: str, text: str) -> bool:
        return plain_question(self, title, text)  # the text may quote an author's name

    def prompt_text(self, title: str, label: str, text: str = "") -> str | None:
        """Ask for one line of text (tests replace this)."""
        value, ok = QInputDialog.getText(self, title, label, text=text)
        return value if ok else None

    def present(self, dialog: QDialog) -> None:
        """Show a dialog without a nested event loop and give it the keyboard."""
        dialog.open()
        dialog.activateWindow()
        focus = getattr(dialog, "filter", None)  # pickers have a filter field
        if focus is not None:
            focus.setFocus()
        self.active_dialog = dialog

    # -- what the controllers hold, under the names scripts and tests use -------------------

    @property
    def view_title(self) -> str:
        return self.list_ctl.view_title

    @property
    def view_key(self) -> str | None:
        return self.list_ctl.view_key

    def show_view(self, view: str) -> None:
        self.list_ctl.show_view(view)

    def clear_filters(self) -> None:
        self.list_ctl.clear_filters()

    def refresh_counts(self) -> None:
        self.sidebar_ctl.refresh_counts()

    def save_current_search(self) -> None:
        self.sidebar_ctl.save_current_search()

    def delete_current_saved_search(self, view_id: int | None = None) -> None:
        self.sidebar_ctl.delete_saved_search(view_id)

    def mark_done(self) -> None:
        self.triage_ctl.mark_done()

    def snooze(self, when: datetime, ids: list[int] | None = None) -> None:
        self.triage_ctl.snooze(when, ids)

    def snooze_dialog(self) -> SnoozeDialog | None:
        return self.triage_ctl.snooze_dialog()

    def tag(self, name: str, colour: str | None = None, ids: list[int] | None = None) -> None:
        self.triage_ctl.tag(name, colour, ids)

    def tag_dialog(self) -> TagPicker | None:
        return self.triage_ctl.tag_dialog()

    def undo(self) -> None:
        self.triage_ctl.undo()

    def wake_due(self, initial: bool = False) -> list[int]:
        return self.triage_ctl.wake_due(initial)

    def show_palette(self) -> CommandPalette:
        palette = CommandPalette(self.commands, self)
        palette.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.present(palette)
        return palette

    # == settings and closing ============================================================

    def _restore_settings(self) -> None:
        geometry = settings_table.get("window.geometry", local=self.settings)
        if isinstance(geometry, QByteArray | bytes) and geometry:
            self.restoreGeometry(QByteArray(geometry))
        else:
            self.resize(1280, 800)
        self._default_panes = True
        for name, splitter in (("window.splitter", self.splitter), ("window.reading_splitter", self.reading.split)):
            state = settings_table.get(name, local=self.settings)
            if isinstance(state, QByteArray | bytes) and state:
                splitter.restoreState(QByteArray(state))
                self._default_panes &= splitter is not self.splitter

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._default_panes:
            # First start: set pane widths once the window has its real width, so the
            # sidebar fits its source names (sizes set earlier are scaled from a small default).
            self._default_panes = False
            rest = max(0, self.splitter.width() - SIDEBAR_WIDTH)
            self.splitter.setSizes([SIDEBAR_WIDTH, rest * 45 // 100, rest - rest * 45 // 100])

    def save_settings(self) -> None:
        settings_table.set("window.geometry", self.saveGeometry(), local=self.settings)
        settings_table.set("window.splitter", self.splitter.saveState(), local=self.settings)
        settings_table.set("window.reading_splitter", self.reading.split.saveState(), local=self.settings)
        self.settings.sync()

    def closeEvent(self, event) -> None:
        self.save_settings()
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop timers, tasks and workers (tests and the app call this when done)."""
        self.wake_timer.stop()
        self.counts_timer.stop()
        for stop in self.on_shutdown:
            stop()
        self.on_shutdown.clear()
        self.tasks.cancel_all()
        self.workers.close()


def app_palette_is_dark() -> bool:
    pal = QApplication.palette()
    return pal.color(QPalette.ColorRole.Window).lightness() < 128
