"""Sync from the window: Sync now (F5 / Ctrl+R), the automatic interval, progress in the
status bar, per-source state in the sidebar, the offline banner and new-item notices.

The engine (`inbox.sync.engine.sync`) runs in a process of its own (`inbox.sync.child`:
the connectors' parsing, the writer and the analysis pass never take the GIL from the
window's painting); this module only turns its progress and summaries into what the user sees. When every source that was
tried failed for network reasons the window says "Offline — showing what was synced"
until a sync succeeds again; everything synced stays readable meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QLabel, QStyle, QSystemTrayIcon

from inbox.domain import InboxFilter, Source, View, format_time, parse_time, utcnow
from inbox.domain.sync_errors import SyncErrorKind
from inbox.secrets import Secrets, from_environment
from inbox.services import settings
from inbox.sync.errors import explain_failure
from inbox.ui import local_time, sidebar_keys
from inbox.ui.failures import failure_tip
from inbox.ui.settings_dialog import settings_changes
from inbox.ui.sources_dialog import plain_tooltip, sync_interval

if TYPE_CHECKING:
    from inbox.store import Store
    from inbox.ui.main_window import MainWindow

OFFLINE_TEXT = "Offline — showing what was synced"
STARTUP_DELAY_MS = 5000
def is_cancelled(summary: Any) -> bool:
    """Was this source stopped by the user (not a failure)?"""
    return summary.error_kind == SyncErrorKind.CANCELLED


def is_network_failure(summary: Any) -> bool:
    """Did this source fail because the network was unreachable? Read from the summary's
    error kind, never from its message (worded for people)."""
    return not summary.ok and summary.error_kind == SyncErrorKind.OFFLINE


def went_offline(summaries: Sequence[Any]) -> bool:
    """True when sources were tried and every one failed for network reasons."""
    tried = [s for s in summaries if not is_cancelled(s)]
    return bool(tried) and all(is_network_failure(s) for s in tried)


@dataclass(slots=True)
class Notice:
    text: str            # "12 new items from 3 sources"
    item_ids: list[int]  # what a click on the notice shows


def new_items_notice(store: Store, summaries: Sequence[Any], skip_sources: set[int]) -> Notice | None:
    """"12 new items from 3 sources" for a background sync, or None.

    Counted: new items from sources that were not syncing for the first time (a new
    source's backlog is not news), neither owner replies nor items a rule muted."""
    ids = [i for s in summaries if s.source_id not in skip_sources for i in (s.new_item_ids or [])]
    if not ids:
        return None
    rows = store.open_new_items(ids)
    if not rows:
        return None
    names = sorted({name for _id, name in rows})
    noun = "item" if len(rows) == 1 else "items"
    where = f"from {names[0]}" if len(names) == 1 else f"from {len(names)} sources"
    return Notice(f"{len(rows)} new {noun} {where}", [r[0] for r in rows])


def _when(stamp: str | None) -> str:
    dt = parse_time(stamp) if stamp else None
    return local_time.when(dt, utcnow()) if dt else "never"


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
        self.notice_ids: list[int] = []
        self.http_options: dict[str, Any] | None = None  # passed to the engine's HttpClient
        self.secrets: Secrets = from_environment()  # the OS keyring; tests put MemorySecrets here
        # The sync runs in a worker process, which asks this window for the credentials;
        # False runs it on a thread of this process (tests that replace the engine in-process).
        self.separate_process = True
        self.worker_pid: int | None = None  # the last sync's worker process
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
        # Soon after start, catch up on sources not synced for a whole interval: the app
        # is often opened after days away.
        self.startup_timer = QTimer(self)
        self.startup_timer.setSingleShot(True)
        self.startup_timer.setInterval(STARTUP_DELAY_MS)
        self.startup_timer.timeout.connect(self.sync_if_due)
        if self.timer.isActive():
            self.startup_timer.start()
        window.on_shutdown.append(self.stop)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop)

    # -- triggers -------------------------------------------------------------------------

    def set_interval(self, minutes: int) -> None:
        """Minutes between automatic syncs; 0 turns them off (as does the demo workspace,
        whose sources are made up)."""
        self.timer.stop()
        if minutes > 0 and not self.window.is_demo:
            self.timer.start(minutes * 60_000)

    def sync_if_due(self) -> asyncio.Task[Any] | None:
        """A background sync of the sources whose last sync is older than the interval."""
        minutes = sync_interval(self.window.store)
        if minutes <= 0:
            return None
        cutoff = utcnow() - timedelta(minutes=minutes)
        due = [s for s in self.window.store.list_sources() if s.enabled
               and (not s.last_synced_at or (parse_time(s.last_synced_at) or cutoff) <= cutoff)]
        return self.sync_now(background=True, sources=due) if due else None

    @property
    def running(self) -> bool:
        return self.task is not None and not self.task.done()

    def sync_now(self, *, background: bool = False,
                 sources: Sequence[Source] | None = None) -> asyncio.Task[Any] | None:
        """Start a sync (unless one is running); the sidebar shows it at once."""
        if self.window.is_demo:
            self.window.status_message("This is the demo workspace: its sources are made up, so there "
                                       "is nothing to sync. Add your own with File ▸ Sources…", 10_000)
            return None
        if self.running:
            if not background:
                self.window.status_message("A sync is already running.")
            return self.task
        store = self.window.store
        chosen = [s for s in (sources if sources is not None else store.list_sources()) if s.enabled]
        if not chosen:
            if not background:
                self.window.status_message("No sources to sync: add one with File ▸ Sources…")
            return None
        for s in chosen:
            self.window.update_sidebar_entry(sidebar_keys.source(s.id), state="syncing", tooltip="Waiting to sync…")
        self.progress_label.setText(f"Syncing {len(chosen)} source{'s' if len(chosen) != 1 else ''}…")
        self.cancel_event = asyncio.Event()
        self.task = self.window.run_task(self.run(chosen, background=background), name="sync")
        return self.task

    def stop(self) -> None:
        """No more automatic syncs, and stop the running one (the window is closing)."""
        self.timer.stop()
        self.startup_timer.stop()
        self.cancel()

    def cancel(self) -> None:
        if self.cancel_event is not None and self.running:
            self.cancel_event.set()
            self.progress_label.setText("Stopping sync…")

    # -- the run --------------------------------------------------------------------------

    async def run(self, chosen: Sequence[Source], *, background: bool = False) -> list[Any]:
        store = self.window.store
        first_time = {s.id for s in chosen if not s.last_synced_at}
        self.progress = {}
        try:
            summaries = await self._sync(store, [s.name for s in chosen], background)
        except asyncio.CancelledError:
            try:
                self._finish_sidebar(chosen, [])
                self.progress_label.setText("")
            except RuntimeError:
                pass  # the window is being destroyed (closing while a sync ran)
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
        if any(s.new for s in summaries):
            self.analyse_pending()
        return summaries

    async def _sync(self, store: Store, names: list[str], background: bool) -> list[Any]:
        if not self.separate_process:
            from inbox.sync.engine import sync_in_thread

            return await sync_in_thread(store, secrets=self.secrets, sources=names, on_progress=self._on_progress,
                                        cancel=self.cancel_event, http_options=self.http_options)
        from inbox.sync.child import sync_in_child

        def started(worker: Any) -> None:
            self.worker_pid = worker.pid
        return await sync_in_child(store, secrets=self.secrets, sources=names, on_progress=self._on_progress,
                                   cancel=self.cancel_event, http_options=self.http_options,
                                   new_ids=background, on_started=started)

    def analyse_pending(self) -> None:
        """A big sync writes its items without their sentiment and themes: the background
        pass adds them on a worker, a batch at a time, while the status bar says so."""
        from inbox.ui.scoring import backfill_for

        def progress(n: int) -> None:
            with contextlib.suppress(RuntimeError):  # the window is being destroyed
                self.progress_label.setText(f"Analysing new items… {n:,} done")

        def done(n: int) -> None:
            with contextlib.suppress(RuntimeError):
                self.progress_label.setText("")
                if n:
                    self.window.data_changed()  # sentiment filters and counts moved

        backfill_for(self.window).start(progress, done)

    def _on_progress(self, p: Any) -> None:
        self.progress[p.source_id] = p
        key = sidebar_keys.source(p.source_id)
        if p.state == "syncing":
            self.window.update_sidebar_entry(key, state="syncing",
                                             tooltip=f"Syncing… {p.fetched} fetched, {p.new} new")
        elif p.state == "error":
            self.window.update_sidebar_entry(key, state="error", tooltip=plain_tooltip(f"Sync failed: {p.error}"))
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
            if summary is not None and is_cancelled(summary):
                self.window.update_sidebar_entry(sidebar_keys.source(s.id), state="",
                                                 tooltip=f"Sync stopped; last complete {_when(fresh.last_synced_at)}")
            elif summary is not None and not summary.ok:
                plain = explain_failure(s.kind, summary.error_kind, summary.error or "")
                self.window.update_sidebar_entry(sidebar_keys.source(s.id), state="error",
                                                 tooltip=plain_tooltip(failure_tip(plain)))
            else:
                self.window.update_sidebar_entry(
                    sidebar_keys.source(s.id), state="error" if fresh.last_error else "",
                    tooltip=(plain_tooltip(failure_tip(explain_failure(s.kind, None, fresh.last_error)))
                             if fresh.last_error else f"Last synced {_when(fresh.last_synced_at)}"))
        self.window.sidebar_ctl.schedule_counts()  # the failures the empty list explains

    @staticmethod
    def _summary_text(summaries: Sequence[Any]) -> str:
        new = sum(s.new for s in summaries)
        failed = [s for s in summaries if not s.ok and not is_cancelled(s)]
        stopped = any(is_cancelled(s) for s in summaries)
        text = (f"Sync stopped: {new} new item{'s' if new != 1 else ''} kept" if stopped
                else f"Sync finished: {new} new item{'s' if new != 1 else ''}")
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
            settings.set("sync.offline_since", format_time(utcnow()), self.window.store)

    # -- notices --------------------------------------------------------------------------

    def notify(self, notice: Notice | None) -> None:
        """A desktop notification where a system tray exists, else the status bar."""
        self.last_notice = notice.text if notice else None
        if notice is None:
            return
        self.notice_ids = notice.item_ids
        if QSystemTrayIcon.isSystemTrayAvailable() and QSystemTrayIcon.supportsMessages():
            if self.tray is None:
                icon = self.window.windowIcon()
                if icon.isNull():
                    icon = self.window.style().standardIcon(QStyle.StandardPixmap.SP_BrowserReload)
                self.tray = QSystemTrayIcon(icon, self)
                self.tray.messageClicked.connect(self.show_new_items)
                self.tray.show()
            self.tray.showMessage("Feedback Inbox", notice.text, QSystemTrayIcon.MessageIcon.Information, 8000)
        else:
            self.window.status_message(notice.text + " (Ctrl+K: “Show new items”)", 15_000)

    def show_new_items(self) -> None:
        """Bring the window up on the items the last notice announced."""
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()
        if not self.notice_ids:
            self.window.status_message("No new items since the last notice.")
            return
        self.window.show_items(InboxFilter(view=View.ALL, item_ids=list(self.notice_ids)), "New items")


def install(window: MainWindow) -> SyncController:
    """Sync now (F5 / Ctrl+R), Stop sync, and the automatic interval."""
    controller = SyncController(window)
    window.extensions.add(controller)
    action = window.register_command("sync.now", "Sync now", controller.sync_now, menu="File")
    action.setShortcuts([QKeySequence(k) for k in window.commands.keys_for("sync.now")])
    window.register_command("sync.stop", "Stop sync", controller.cancel, menu="File")
    window.register_command("sync.show_new", "Show new items", controller.show_new_items, menu="View")
    settings_changes(window).changed.connect(
        lambda name, value: controller.set_interval(value) if name == "sync.interval_minutes" else None)
    return controller
