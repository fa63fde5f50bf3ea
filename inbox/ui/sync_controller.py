"""Sync from the window: Sync now (F5 / Ctrl+R), the automatic interval, progress in the
status bar, per-source state in the sidebar, the offline banner and new-item notices.

The engine (`inbox.sync.engine.sync`) runs as a coroutine on the qasync loop; this module
only turns its progress and summaries into what the user sees. When every source that was
tried failed for network reasons the window says "Offline — showing what was synced"
until a sync succeeds again; everything synced stays readable meanwhile.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QLabel, QStyle, QSystemTrayIcon

from inbox.domain import Source, format_time, parse_time, utcnow
from inbox.sources.base import NetworkError
from inbox.ui.sources_dialog import sync_interval

if TYPE_CHECKING:
    from inbox.store import Store
    from inbox.ui.main_window import MainWindow

OFFLINE_TEXT = "Offline — showing what was synced"


def sidebar_key(source_id: int) -> str:
    """The key of a source's entry in the sidebar's "Sources" section."""
    return f"source:{source_id}"


# The HTTP client's NetworkError messages ("could not reach …", "… timed out (…) after N
# tries"); used only when the engine's summary doesn't carry the error's kind.
_NETWORK_MESSAGE = re.compile(r"^(could not reach |.* timed out \()")


def is_network_failure(summary: Any) -> bool:
    """Did this source fail because the network was unreachable?"""
    kind = getattr(summary, "error_kind", None)
    if kind is not None:
        return kind in ("network", NetworkError.__name__)
    return bool(summary.error) and bool(_NETWORK_MESSAGE.match(summary.error))


def went_offline(summaries: Sequence[Any]) -> bool:
    """True when sources were tried and every one failed for network reasons."""
    tried = [s for s in summaries if s.error != "cancelled"]
    return bool(tried) and all(not s.ok and is_network_failure(s) for s in tried)


def new_items_notice(store: Store, summaries: Sequence[Any], skip_sources: set[int]) -> str | None:
    """"12 new items from 3 sources" for a background sync, or None.

    Counted: new items from sources that were not syncing for the first time (a new
    source's backlog is not news), neither owner replies nor items a rule muted."""
    ids = [i for s in summaries if s.source_id not in skip_sources for i in (s.new_item_ids or [])]
    if not ids:
        return None
    rows = store.conn.execute(
        "SELECT s.name, count(*) FROM items i JOIN sources s ON s.id = i.source_id "
        "WHERE i.id IN (SELECT value FROM json_each(?)) AND i.is_owner_reply = 0 "
        "AND i.status != 'done' AND i.deleted_at IS NULL GROUP BY s.id ORDER BY s.name",
        (json.dumps(ids),)).fetchall()
    total = sum(n for _name, n in rows)
    if not total:
        return None
    noun = "item" if total == 1 else "items"
    where = f"from {rows[0][0]}" if len(rows) == 1 else f"from {len(rows)} sources"
    return f"{total} new {noun} {where}"


def _when(stamp: str | None) -> str:
    dt = parse_time(stamp) if stamp else None
    return dt.astimezone().strftime("%d %b %H:%M") if dt else "never"


class SyncController(QObject):
    """One per window; owns the timer and the status-bar widgets of sync."""

    finished = Signal(object)          # list of RunSummary
    offline_changed = Signal(bool)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.task: asyncio.Task[Any] | None = None
        self.cancel_event: asyncio.Event | None = None
        self.offline = False
        self.progress: dict[int, Any] = {}
        self.last_notice: str | None = None
        self.http_options: dict[str, Any] | None = None  # passed to the engine's HttpClient
        self.progress_label = QLabel()
        self.progress_label.setObjectName("syncProgress")
        self.banner = QLabel(OFFLINE_TEXT)
        self.banner.setObjectName("offlineBanner")
        self.banner.setStyleSheet("QLabel { background: #fff3cd; color: #664d03; padding: 1px 8px;"
                                  " border-radius: 3px; }")
        self.banner.setToolTip("The last sync could not reach any source. Everything synced "
                               "before is here; replies wait in the outbox.")
        self.banner.hide()
        bar = window.statusBar()
        bar.addPermanentWidget(self.progress_label)
        bar.addPermanentWidget(self.banner)
        self.timer = QTimer(self)
        self.timer.timeout.connect(lambda: self.sync_now(background=True))
        self.tray: QSystemTrayIcon | None = None
        self.set_interval(sync_interval(window.store))

    # -- triggers -------------------------------------------------------------------------

    def set_interval(self, minutes: int) -> None:
        """Minutes between automatic syncs; 0 turns them off (as does the demo workspace,
        whose sources are made up)."""
        self.timer.stop()
        if minutes > 0 and not getattr(self.window, "is_demo", False):
            self.timer.start(minutes * 60_000)

    @property
    def running(self) -> bool:
        return self.task is not None and not self.task.done()

    def sync_now(self, *, background: bool = False,
                 sources: Sequence[Source] | None = None) -> asyncio.Task[Any] | None:
        """Start a sync (unless one is running); the sidebar shows it at once."""
        if self.running:
            if not background:
                self.window.status_message("A sync is already running.")
            return self.task
        store = self.window.store
        chosen = [s for s in (sources if sources is not None else store.list_sources()) if s.enabled]
        if not chosen:
            if not background:
                self.window.status_message("No sources to sync: add one with File → Sources…")
            return None
        for s in chosen:
            self.window.update_sidebar_entry(sidebar_key(s.id), state="syncing", tooltip="Waiting to sync…")
        self.progress_label.setText(f"Syncing {len(chosen)} source{'s' if len(chosen) != 1 else ''}…")
        self.cancel_event = asyncio.Event()
        self.task = self.window.run_task(self.run(chosen, background=background), name="sync")
        return self.task

    def cancel(self) -> None:
        if self.cancel_event is not None and self.running:
            self.cancel_event.set()
            self.progress_label.setText("Stopping sync…")

    # -- the run --------------------------------------------------------------------------

    async def run(self, chosen: Sequence[Source], *, background: bool = False) -> list[Any]:
        from inbox.services import ingest_hooks
        from inbox.sync.engine import sync

        store = self.window.store
        first_time = {s.id for s in chosen if not s.last_synced_at}
        self.progress = {}
        ingest_hooks.install()  # rules and sentiment run on arrival
        try:
            summaries = await sync(store, sources=[s.name for s in chosen], on_progress=self._on_progress,
                                   cancel=self.cancel_event, http_options=self.http_options)
        except asyncio.CancelledError:
            self._finish_sidebar(chosen, [])
            self.progress_label.setText("")
            raise
        except Exception as exc:  # the engine itself failed: say so, keep the window alive
            self._finish_sidebar(chosen, [])
            self.progress_label.setText("")
            self.window.status_message(f"Sync failed: {exc}", 10_000)
            return []
        self._finish_sidebar(chosen, summaries)
        self.progress_label.setText("")
        self._set_offline(went_offline(summaries) if summaries else self.offline)
        self.window.data_changed()
        self.window.status_message(self._summary_text(summaries), 8000)
        if background:
            self.notify(new_items_notice(store, summaries, first_time))
        self.finished.emit(summaries)
        return summaries

    def _on_progress(self, p: Any) -> None:
        self.progress[p.source_id] = p
        key = sidebar_key(p.source_id)
        if p.state == "syncing":
            self.window.update_sidebar_entry(key, state="syncing",
                                             tooltip=f"Syncing… {p.fetched} fetched, {p.new} new")
        elif p.state == "error":
            self.window.update_sidebar_entry(key, state="error", tooltip=f"Sync failed: {p.error}")
        elif p.state in ("done", "cancelled"):
            self.window.update_sidebar_entry(key, state="", tooltip=f"{p.new} new, {p.updated} updated")
            if p.new:
                self.window.data_changed()
        states = [x.state for x in self.progress.values()]
        finished = sum(s in ("done", "error", "cancelled") for s in states)
        fetched = sum(x.fetched for x in self.progress.values())
        total = max(len(states), finished)
        self.progress_label.setText(f"Syncing {finished}/{total} · {fetched} fetched")

    def _finish_sidebar(self, chosen: Sequence[Source], summaries: Sequence[Any]) -> None:
        by_id = {s.source_id: s for s in summaries}
        for s in chosen:
            summary = by_id.get(s.id)
            try:
                fresh = self.window.store.get_source(s.id)
            except Exception:
                continue  # removed while syncing
            if summary is not None and not summary.ok:
                self.window.update_sidebar_entry(sidebar_key(s.id), state="error",
                                                 tooltip=f"Sync failed: {summary.error}")
            else:
                self.window.update_sidebar_entry(
                    sidebar_key(s.id), state="error" if fresh.last_error else "",
                    tooltip=(f"Sync failed: {fresh.last_error}" if fresh.last_error
                             else f"Last synced {_when(fresh.last_synced_at)}"))

    @staticmethod
    def _summary_text(summaries: Sequence[Any]) -> str:
        new = sum(s.new for s in summaries)
        failed = [s for s in summaries if not s.ok]
        text = f"Sync finished: {new} new item{'s' if new != 1 else ''}"
        if failed:
            names = ", ".join(s.source_name for s in failed[:3]) + ("…" if len(failed) > 3 else "")
            text += f"; {len(failed)} source{'s' if len(failed) != 1 else ''} failed ({names})"
        return text + "."

    def _set_offline(self, offline: bool) -> None:
        if offline != self.offline:
            self.offline = offline
            self.offline_changed.emit(offline)
        self.banner.setVisible(offline)
        if offline:
            self.window.store.set_setting("sync.offline_since", format_time(utcnow()))

    # -- notices --------------------------------------------------------------------------

    def notify(self, text: str | None) -> None:
        """A desktop notification where a system tray exists, else the status bar."""
        self.last_notice = text
        if not text:
            return
        if QSystemTrayIcon.isSystemTrayAvailable() and QSystemTrayIcon.supportsMessages():
            if self.tray is None:
                icon = self.window.windowIcon()
                if icon.isNull():
                    icon = self.window.style().standardIcon(QStyle.StandardPixmap.SP_BrowserReload)
                self.tray = QSystemTrayIcon(icon, self)
                self.tray.messageClicked.connect(self._raise_window)
                self.tray.show()
            self.tray.showMessage("Feedback Inbox", text, QSystemTrayIcon.MessageIcon.Information, 8000)
        else:
            self.window.status_message(text, 15_000)

    def _raise_window(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()


SYNC_KEYS = ("F5", "Ctrl+R")


def _claim_keys(window: MainWindow, command_id: str, keys: Sequence[str]) -> None:
    """Give `keys` to one command: two actions sharing a key make Qt fire neither
    ("ambiguous shortcut"), so any other command bound to them loses the binding."""
    wanted = {k.lower() for k in keys}
    table = getattr(window, "commands", None)
    for other, key in list(getattr(table, "bindings", {}).items()):
        if other != command_id and key and key.lower() in wanted:
            table.bindings[other] = ""
            action = window.actions_by_id.get(other) if hasattr(window, "actions_by_id") else None
            if action is not None:
                action.setShortcut(QKeySequence())


def install(window: MainWindow) -> SyncController:
    """Sync now (F5 / Ctrl+R), Stop sync, and the automatic interval."""
    controller = SyncController(window)
    window.sync_controller = controller  # type: ignore[attr-defined]
    _claim_keys(window, "sync.now", SYNC_KEYS)
    action = window.register_command("sync.now", "Sync now", controller.sync_now,
                                     shortcut=SYNC_KEYS[0], menu="File")
    action.setShortcuts([QKeySequence(k) for k in SYNC_KEYS])
    window.register_command("sync.stop", "Stop sync", controller.cancel, menu="File")
    return controller
