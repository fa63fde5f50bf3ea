"""A team inbox in the window (issue 20): the window works on this computer's copy (the
replica) as on any inbox; this controller keeps the copy in step with the server and shows
the team: who a conversation is assigned to (Assign to…, Shift+A, the Mine view), who else
is in it right now ("Ana is replying…"), its history, and whether the link is online.

Everything that talks to the server runs on threads of its own (`NetworkCalls`): the
listener waits for the server's notices (a change, someone's presence); a change is caught
up and the list and counts redrawn from it, never by asking the server every few seconds.
Triage made here is queued by the replica itself; this controller only pushes the queue
when something changed and the server answers."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QLabel

from inbox.domain import InboxFilter, ItemRow, View
from inbox.domain.team import Change, TeamLinkInfo
from inbox.domain.wording import plural
from inbox.secrets import Secrets
from inbox.services import team_names, team_recent
from inbox.services.operations import ChangeSet
from inbox.store import Store, StoreError
from inbox.store.views import ItemView
from inbox.ui import sidebar_keys
from inbox.ui.plain import plain_tooltip
from inbox.ui.team_calls import NetworkCalls
from inbox.ui.team_widgets import AssignChooser, NameDialog, TeamStrip
from inbox.ui.team_words import (
    answered_warning,
    history_lines,
    link_state,
    member_name,
    presence_line,
    replies_sent_words,
    set_member_names,
    short_member_name,
    synced_words,
)

if TYPE_CHECKING:
    from inbox.ui.main_window import MainWindow

log = logging.getLogger(__name__)
MINE_KEY = sidebar_keys.make("team", "mine")
PRESENCE_TTL_S = 45.0      # a presence not repeated for this long has gone (an app that died)
ANNOUNCE_EVERY_S = 20.0    # while you stay in a conversation, say so again this often
REPLYING_AGAIN_S = 10.0    # typing says "replying" at most this often
REPLIES_EVERY_MS = 10_000  # the team's due replies are posted this often while online (undo: 5 s)
PUSH_DELAY_MS = 300        # triage in quick succession goes to the server in one push
RETRY_MS = (5_000, 15_000, 30_000, 60_000)  # offline: try the server again after these
LISTEN_BACKOFF_S = (1.0, 2.0, 5.0, 10.0, 30.0)


def default_link_factory(path: Any, url: str, secrets: Secrets) -> Any:
    from inbox.services.team_link import TeamLink

    return TeamLink(path, url, secrets)


def _push(link: Any) -> tuple[Any, bool]:
    """Send what waits; (the outcome, whether the server answered). The items' own state
    on the server comes with the catch-up that follows (the replica held back only the
    fields that were waiting)."""
    return link.push(), link.online


class TeamController(QObject):
    """The team inbox's part of the window. `link_factory(path, url, secrets)` makes a
    `TeamLink` (tests may give another with its interface)."""

    def __init__(self, window: MainWindow, info: TeamLinkInfo, secrets: Secrets,
                 link_factory: Callable[[Any, str, Secrets], Any] = default_link_factory) -> None:
        super().__init__(window)
        self.window = window
        self.store: Store = window.store
        self.info = info
        self.me = info.member
        self.url = info.url
        self.secrets = secrets
        self.link_factory = link_factory
        self.calls = NetworkCalls(self)
        self._links: dict[str, Any] = {}  # one per thread that uses it (a link is not shared)
        self.online: bool | None = None
        self.waiting = info.waiting
        self.members: list[str] = sorted({*info.members, self.me})
        self.started = False
        self.syncing = False
        # presence: item id -> member -> (activity, when heard, monotonic)
        self.presence: dict[int, dict[str, tuple[str, float]]] = {}
        self.history: list[Change] = []
        self.thread_items: set[int] = set()   # the open conversation's messages (presence matches these)
        self.seen_seq: dict[int, int] = {}    # conversation -> the server change it was opened at
        self.assignee: str | None = None      # the open conversation's
        self.assignees: dict[int, str] = {}   # list rows -> their conversation's member
        self._announced: tuple[int, str, float] | None = None
        self._catching = self._catch_again = False
        self._pushing = self._push_again = False
        self._retry = 0
        self._history_gen = 0
        self._rows_gen = 0

        # the status bar: online, or offline with what waits
        self.status = QLabel()
        self.status.setObjectName("teamState")
        self.status.setAccessibleName("Team inbox connection")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        window.statusBar().addPermanentWidget(self.status)
        # under the conversation's title: assignee, presence, history
        self.strip = TeamStrip()
        self.strip.hide()
        window.reading.layout().insertWidget(1, self.strip)
        # the Mine view, second among the views
        window.add_sidebar_entry("Views", MINE_KEY, "Mine", self.show_mine,
                                 tooltip="Open conversations assigned to you")
        self._move_mine_up()
        window.register_command("item.assign", "Assign to…", self.assign_dialog, menu="Item")
        window.register_command("view.mine", "Go to Mine", self.show_mine, menu="View")
        window.register_command("team.name", "Your Name in the Team…", self.name_dialog, menu="File")
        set_member_names(team_names.saved_names(self.store))  # as last heard: offline too
        delegate = window.list_view.itemDelegate()
        delegate.assignee_of = self.row_assignee  # type: ignore[attr-defined]

        window.current_item_changed.connect(self.item_changed)
        window.reading_ctl.view_ready.connect(self.view_ready)
        window.data_changed_signal.connect(self.changed)
        window.model.page_loaded.connect(lambda _n: self.rows_changed())
        window.model.modelReset.connect(self.rows_changed)
        window.counts_timer.timeout.connect(self.count_mine)
        # every write here schedules the counts (opening an unread item reads it, without
        # a ChangeSet): the moment to look for operations waiting to be sent
        window.counts_timer.timeout.connect(self.send_soon)
        window.on_shutdown.append(self.shutdown)

        self.push_timer = QTimer(self)
        self.push_timer.setSingleShot(True)
        self.push_timer.setInterval(PUSH_DELAY_MS)
        self.push_timer.timeout.connect(self.push)
        self.retry_timer = QTimer(self)
        self.retry_timer.setSingleShot(True)
        self.retry_timer.timeout.connect(self.reconnect)
        # the team's replies leave when their time to take back is over, not only on Sync now
        self.replies_timer = QTimer(self)
        self.replies_timer.setInterval(REPLIES_EVERY_MS)
        self.replies_timer.timeout.connect(self.send_replies)
        self._sending = False
        self.presence_timer = QTimer(self)
        self.presence_timer.setInterval(2_000)
        self.presence_timer.timeout.connect(self._presence_tick)
        self.show_state()

    # -- starting and stopping -------------------------------------------------------------

    def start(self) -> None:
        """Catch up, send what waits, learn the members, and listen (after install, so the
        secrets a workspace switch carries over are in place)."""
        if self.started:
            return
        self.started = True
        try:
            team_recent.mark_opened(self.store)  # File ▸ Open Recent Team Inbox lists it first
        except StoreError as exc:
            log.warning("noting when the team inbox was opened failed: %s", exc)
        self.catch_up()
        self.push()
        self.calls.submit(lambda: self._link("calls").members(), self._got_members, self._offline)
        self.refresh_names()
        self.calls.start_loop("team-listen", self._listen)
        # presence's link made now, so the first "Ben is reading this" leaves at once
        self.calls.submit(lambda: self._link("presence").reach() and None, None, lambda exc: None,
                          lane="presence")
        self.presence_timer.start()
        self.replies_timer.start()
        self.count_mine()
        self.rows_changed()
        item = self.window.current_item()
        if item is not None:
            self.item_changed(item)

    def shutdown(self) -> None:
        """Say we left, stop listening (the window is closing)."""
        self.push_timer.stop()
        self.retry_timer.stop()
        self.presence_timer.stop()
        self.replies_timer.stop()
        announced = self._announced if self.online else None
        cleanup = {lane: lambda lane=lane: self._close_link(lane) for lane in NetworkCalls.LANES}

        def leave() -> None:  # on the presence thread, after what it was doing
            link = self._links.get("presence")
            try:
                if announced is not None and link is not None:
                    link.announce(announced[0], "left")
            finally:  # a server lost while saying so must not keep the copy's file open
                self._close_link("presence")
        cleanup["presence"] = leave
        self.calls.close(cleanup)

    def _close_link(self, lane: str) -> None:
        link = self._links.pop(lane, None)
        if link is not None:
            link.close()

    def _link(self, lane: str) -> Any:
        """The link used on one thread (made there: making it may open connections)."""
        link = self._links.get(lane)
        if link is None:
            link = self._links[lane] = self.link_factory(self.window.db_path, self.url, self.secrets)
        return link

    def _listen(self, stop: threading.Event) -> None:
        """The listener's thread: the link's loop, made again (with a pause) if it ends."""
        attempt = 0
        try:
            while not stop.is_set():
                try:
                    self._link("listen").listen(lambda notice: self.calls.post(self.notice, notice), stop)
                except Exception as exc:
                    log.info("listening to the team inbox stopped: %s", exc)
                    self._close_link("listen")
                if stop.wait(LISTEN_BACKOFF_S[min(attempt, len(LISTEN_BACKOFF_S) - 1)]):
                    return
                attempt += 1
        finally:
            self._close_link("listen")

    # -- the server's news -----------------------------------------------------------------

    def notice(self, notice: Any) -> None:
        """A notice heard by the listener (on the GUI thread now)."""
        self._set_online(True)
        if notice.kind == "changes":
            if notice.seq > self.info.last_seq or not notice.seq:
                self.catch_up()
            if not notice.seq:  # the shared sets changed, members' names among them
                self.refresh_names()
        elif notice.kind == "presence" and notice.who and notice.who != self.me and notice.item_id is not None:
            people = self.presence.setdefault(notice.item_id, {})
            if notice.activity == "left":
                people.pop(notice.who, None)
            else:
                people[notice.who] = (notice.activity, time.monotonic())
            if notice.item_id in self.thread_items:
                self.show_presence()

    def catch_up(self) -> None:
        """Bring the copy up to the server (once at a time; a notice meanwhile asks again)."""
        if self._catching:
            self._catch_again = True
            return
        self._catching = True
        link = lambda: self._link("calls")  # noqa: E731 - made on the call thread
        self.calls.submit(lambda: (link().catch_up(), link().online), self._caught, self._catch_failed)

    def _caught(self, result: tuple[int, bool]) -> None:
        applied, online = result
        self._catching = False
        self._set_online(online)
        self.refresh_info()
        if applied:
            self.window.data_changed(ChangeSet.all())  # lists and counts, from the notice
            self.window.sidebar_ctl.refresh_saved_views()  # a saved search made on another laptop
            self.window.list_ctl.count_current()
            self.window.reading_ctl.reopen()  # the open conversation as the team left it
            self.refresh_current()
        if self._catch_again:
            self._catch_again = False
            self.catch_up()

    def _catch_failed(self, exc: Exception) -> None:
        self._catching = self._catch_again = False
        self._offline(exc)

    def push(self) -> None:
        """Send what was done here (once at a time; a change meanwhile sends again)."""
        if self._pushing:
            self._push_again = True
            return
        self.refresh_info()
        if not self.waiting and self.started:
            return
        self._pushing = True
        self.calls.submit(lambda: _push(self._link("calls")), self._pushed, self._push_failed)

    def _pushed(self, result: tuple[Any, bool]) -> None:
        outcome, online = result
        self._pushing = False
        self._set_online(online)
        self.refresh_info()
        conflicts = getattr(outcome, "conflicts", 0)
        conflicts = len(conflicts) if isinstance(conflicts, list | tuple) else int(conflicts or 0)
        if conflicts:
            self.window.status_message(
                f"{plural(conflicts, 'change')} made here met a later change by someone else; the later one "
                "holds. Both are in the conversation's history.", 15_000)
            self.window.data_changed(ChangeSet.all())
        if getattr(outcome, "sent", 0):
            # the server's own state of what was held back here while it waited
            self.catch_up()
            self.refresh_current()
        if self._push_again:
            self._push_again = False
            self.push()

    def _push_failed(self, exc: Exception) -> None:
        self._pushing = self._push_again = False
        self._offline(exc)

    def _got_members(self, members: Any) -> None:
        # the copy's list, as last heard: it says nothing of whether the server answers now
        self.members = sorted({*(str(getattr(m, "role", m)) for m in members), self.me})
        chooser = self._open_chooser()
        if chooser is not None:
            chooser.set_members(self.members)

    def _open_chooser(self) -> AssignChooser | None:
        """The Assign chooser if it is open (a closed one may still be the last dialog shown,
        deleted under its Python wrapper)."""
        from shiboken6 import isValid

        dialog = self.window.active_dialog
        return dialog if isinstance(dialog, AssignChooser) and isValid(dialog) and dialog.isVisible() else None

    def refresh_names(self) -> None:
        """Ask the server for the team's display names (at start and on reconnecting; on a
        lane of its own, so a slow answer holds up no catch-up)."""
        self.calls.submit(lambda: team_names.fetch_names(self.url, self.secrets), self._got_names,
                          lambda exc: log.info("the team's names were not read: %s", exc), lane="sync")

    def _got_names(self, names: dict[str, str]) -> None:
        """The team's display names (from the server): remembered in the copy, and every
        place that names a member drawn again."""
        try:
            team_names.keep_names(self.store, names)
        except StoreError as exc:
            log.warning("keeping the team's names failed: %s", exc)
        set_member_names(names)
        self.window.list_view.viewport().update()
        self.show_presence()
        self.load_history()
        chooser = self._open_chooser()
        if chooser is not None:
            chooser.set_members(self.members)

    def name_dialog(self) -> NameDialog:
        """File ▸ Your Name in the Team…: how the others see you (kept on the server)."""
        dialog = NameDialog(team_names.saved_names(self.store).get(self.me, ""), self.me, self.set_my_name,
                            self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.window.present(dialog)
        return dialog

    def set_my_name(self, name: str) -> None:
        def failed(exc: Exception) -> None:
            log.info("setting the team name failed: %s", exc)
            self.window.status_message(
                "Your name was not changed: the team inbox is not answering. Try again when it is online."
                if not isinstance(exc, StoreError) or "not answering" in str(exc) or "reach" in str(exc)
                else f"Your name was not changed: {exc}", 10_000)

        def done(names: dict[str, str]) -> None:
            self._got_names(names)
            self.window.status_message(f"The team now sees you as {member_name(self.me)}." if names.get(self.me)
                                       else "The team now sees you by your user name.")
        self.calls.submit(lambda: team_names.set_my_name(self.url, self.secrets, name), done, failed)

    def _offline(self, exc: Exception | None = None) -> None:
        if exc is not None:
            log.info("the team inbox did not answer: %s", exc)
        self._set_online(False)

    def _set_online(self, online: bool) -> None:
        was = self.online
        self.online = bool(online)
        if self.online:
            self._retry = 0
            self.retry_timer.stop()
            if was is False:  # back: send what waited, and catch up what others did
                self.catch_up()
                self.push()
                self.refresh_names()
        elif not self.retry_timer.isActive():
            self.retry_timer.start(RETRY_MS[min(self._retry, len(RETRY_MS) - 1)])
            self._retry += 1
        self.show_state()

    def reconnect(self) -> None:
        """Offline: try the server again (a catch-up reaches it or says offline again)."""
        self.catch_up()

    # -- what the window shows ---------------------------------------------------------------

    def refresh_info(self) -> None:
        try:
            info = self.store.team_link_info()
        except StoreError as exc:
            log.warning("reading the team link failed: %s", exc)
            return
        if info is not None:
            self.info = info
            self.waiting = info.waiting
            if info.members:
                self.members = sorted({*info.members, self.me})
        self.show_state()

    def show_state(self) -> None:
        from inbox.store.team.connection import where

        self.status.setText(link_state(self.online, self.waiting))
        tip = f"A team inbox at {where(self.url)}; you are {self.me}. This computer keeps a copy, so you can " \
              "work offline: what you do is sent when the server answers."
        why = getattr(self._links.get("calls"), "last_error", "") if self.online is False else ""
        if why:
            tip += f"\n\nWhy offline: {why}"
        self.status.setToolTip(plain_tooltip(tip))

    def send_soon(self) -> None:
        """Operations made here wait in the copy's queue: send them in a moment."""
        self.refresh_info()
        if self.waiting and self.started:
            self.push_timer.start()

    def changed(self, changes: ChangeSet) -> None:
        """A write here (triage, assign, undo, a draft): send it soon, show it as waiting."""
        self.send_soon()
        if changes.items or changes.everything:
            self.rows_changed()
            self.load_history()

    def rows_changed(self) -> None:
        """Who the list's rows are assigned to (one query for the rows loaded)."""
        ids = [row.id for row in self.window.model.rows]
        self._rows_gen += 1
        gen = self._rows_gen

        def query(s: Store) -> dict[int, str] | None:
            return s.assignees(ids) if gen == self._rows_gen else None

        def done(found: dict[int, str] | None) -> None:
            if found is not None and gen == self._rows_gen:
                self.assignees = found
                self.window.list_view.viewport().update()
        self.window.run_in_worker(query, done, lambda exc: log.warning("assignees failed: %s", exc))

    def row_assignee(self, item: ItemRow) -> str | None:
        """What a list row shows of its assignee ("You", "Ben"), None when nobody."""
        member = self.assignees.get(item.id)
        return short_member_name(member, self.me) if member else None

    def count_mine(self) -> None:
        flt, now = self.mine_filter(), self.window.list_ctl.now_text()
        self.window.run_in_worker(lambda s: s.count_items(flt, now),
                                  lambda n: self.window.update_sidebar_entry(MINE_KEY, count=n or None),
                                  lambda exc: log.warning("counting Mine failed: %s", exc))

    def mine_filter(self) -> InboxFilter:
        return InboxFilter(view=View.INBOX, assignee=self.me)

    def show_mine(self) -> None:
        self.window.list_ctl.show(self.mine_filter(), "Mine", MINE_KEY)

    def _move_mine_up(self) -> None:
        sidebar = self.window.sidebar
        entry = sidebar.entries.get(MINE_KEY)
        parent = entry.item.parent() if entry is not None else None
        if parent is not None:
            parent.takeChild(parent.indexOfChild(entry.item))
            parent.insertChild(1, entry.item)
            sidebar.update_entry(MINE_KEY)

    # -- the open conversation -------------------------------------------------------------

    def item_changed(self, item: ItemRow | None) -> None:
        """Another conversation opened: say so to the team, show its strip."""
        if item is None:
            self.thread_items = set()
            self.strip.clear()
            self._announce(None, "")
            return
        self.thread_items = {item.id}
        # what this member has seen of it: the copy's state as it opens (a reply arriving
        # while the editor is open is "meanwhile"; one read before opening it is not)
        self.seen_seq[self._conversation(item)] = self.info.last_seq
        self._announce(item.id, "viewing")
        self.show_presence()
        self.load_history()

    def view_ready(self, view: ItemView) -> None:
        self.thread_items = {m.id for m in view.thread.items} | {view.item.id}
        self.show_presence()

    @staticmethod
    def _conversation(item: ItemRow) -> int:
        return item.thread_id if item.thread_id is not None else -item.id

    def refresh_current(self) -> None:
        """The copy changed under the open conversation: its history, its assignee."""
        self.load_history()
        self.rows_changed()
        self.count_mine()

    def load_history(self) -> None:
        item = self.window.current_item()
        if item is None:
            return
        self._history_gen += 1
        gen, thread_id, item_id = self._history_gen, item.thread_id, item.id

        def query(s: Store) -> tuple[list[Change], dict[int, str]]:
            history = s.conversation_history(thread_id) if thread_id is not None else []
            return history, s.assignees([item_id])

        def done(result: tuple[list[Change], dict[int, str]]) -> None:
            current = self.window.current_item()
            if gen != self._history_gen or current is None or current.id != item_id:
                return
            self.history, assigned = result
            self.assignee = assigned.get(item_id)
            self.strip.show_assignee(self.assignee, self.me)
            self.strip.show_history(history_lines(self.history, self.me, self.window.clock()))
        self.window.run_in_worker(query, done, lambda exc: log.warning("history failed: %s", exc))

    def show_presence(self) -> None:
        now = time.monotonic()
        here: dict[str, str] = {}
        for item_id in self.thread_items:
            for who, (activity, heard) in self.presence.get(item_id, {}).items():
                if now - heard < PRESENCE_TTL_S and (here.get(who) != "replying"):
                    here[who] = activity
        self.strip.show_presence(presence_line(here))

    def _presence_tick(self) -> None:
        """Forget presences not repeated in time; repeat ours while we stay; notice the
        listener losing the server (its flag, read here: nothing is asked of the server)."""
        listener = self._links.get("listen")
        if listener is not None and self.online and getattr(listener, "online", True) is False:
            self._offline()
        now = time.monotonic()
        for people in self.presence.values():
            for who in [w for w, (_a, heard) in people.items() if now - heard >= PRESENCE_TTL_S]:
                del people[who]
        self.show_presence()
        if self._announced is not None and now - self._announced[2] >= ANNOUNCE_EVERY_S:
            self._announce(self._announced[0], self._announced[1], again=True)

    def replying(self) -> None:
        """You are typing a reply in the open conversation."""
        item = self.window.current_item()
        if item is None:
            return
        last = self._announced
        if last is None or last[0] != item.id or last[1] != "replying" or time.monotonic() - last[2] > REPLYING_AGAIN_S:
            self._announce(item.id, "replying")

    def _announce(self, item_id: int | None, activity: str, again: bool = False) -> None:
        previous = self._announced
        if not again and previous is not None and previous[0] == item_id and previous[1] == activity:
            return
        self._announced = (item_id, activity, time.monotonic()) if item_id is not None else None
        if self.online is False:
            return  # nobody to tell; said again when back
        if previous is not None and previous[0] != item_id:
            left = previous[0]
            self.calls.submit(lambda: self._link("presence").announce(left, "left"), None, lambda exc: None,
                              lane="presence")
        if item_id is not None:
            self.calls.submit(lambda: self._link("presence").announce(item_id, activity), None, lambda exc: None,
                              lane="presence")

    # -- assigning -------------------------------------------------------------------------

    def assign_dialog(self) -> AssignChooser | None:
        ids = self.window.selected_item_ids()
        if not ids:
            self.window.status_message("Nothing selected.")
            return None
        current = self.assignees.get(ids[0]) if len(ids) == 1 else None
        chooser = AssignChooser(self.members, self.me, lambda member: self.assign(member, ids), self.window,
                                current=current, count=len(ids))
        chooser.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.window.present(chooser)
        return chooser

    def assign(self, member: str | None, ids: list[int] | None = None) -> None:
        """Give the conversations to `member` (None: to nobody); Ctrl+Z gives them back."""
        ids = ids or self.window.selected_item_ids()
        label = "Unassigned" if member is None else (
            "Assigned to you" if member == self.me else f"Assigned to {member_name(member)}")
        self.window.triage_ctl.run(label, ids, lambda chosen: self._assign(chosen, member, label))
        self.load_history()
        self.count_mine()

    def _assign(self, ids: list[int], member: str | None, label: str) -> ChangeSet:
        before = self.store.assign(ids, member)
        heads = [head for head, _ in before]
        previous: dict[str | None, list[int]] = {}
        for head, who in before:
            previous.setdefault(who, []).append(head)

        def inverse() -> ChangeSet:
            for who, group in previous.items():
                self.store.assign(group, who)
            return ChangeSet(items=frozenset(heads), counts=True)
        self.window.undo_stack.push(label, inverse, heads)
        return ChangeSet(items=frozenset(ids) | frozenset(heads), counts=True)

    # -- syncing the team's sources -------------------------------------------------------

    def take_over_sync(self) -> None:
        """"Sync now" in a team inbox syncs on the server (inbox/services/team_sync.py); the
        copy's own automatic syncs stop (they would give new items ids of its own)."""
        from inbox.ui.sync_controller import SyncController

        local = self.window.extensions.get(SyncController)
        if local is not None:
            local.stop()
            local.set_interval(0)
        self.window.register_command("sync.now", "Sync now", self.sync_now, menu="File")

    def sync_now(self) -> None:
        if self.syncing:
            self.window.status_message("A sync is already running.")
            return
        if self.online is False:
            self.window.status_message("Offline: the team's sources are synced on the server, which is not "
                                       "answering. Try again when you are back online.", 10_000)
            return
        from inbox.services.team_sync import sync_and_send

        self.syncing = True
        self.window.status_message("Syncing the team's sources on the server…", 60_000)
        url, secrets = self.url, self.secrets
        # then the team's outbox on the server: its due replies are posted from here
        self.calls.submit(lambda: sync_and_send(url, secrets), self._synced, self._sync_failed, lane="sync")

    def _synced(self, done: Any) -> None:
        from inbox.sync.errors import explain_failure

        self.syncing = False
        summaries = done.summaries
        failed = [s for s in summaries if not s.ok]
        new = sum(s.new for s in summaries)
        if failed:
            first = failed[0]
            plain = explain_failure(first.kind, first.error_kind, first.error or "")
            self.window.status_message(f"“{first.source_name}” could not be synced: {plain.text}", 15_000)
        else:
            words = synced_words(new, done.sent, len(done.not_sent), bool(done.replies_error))
            if done.not_sent or done.replies_error:
                self.window.status_message(words, 15_000)
            else:
                self.window.status_message(words)
        self.catch_up()  # the server's notice does too; this one is for a listener still connecting

    def send_replies(self) -> None:
        """Post the replies due in the team's outbox on the server (on the sync lane, so
        never at the same time as Sync now's). Offline, or while a sync runs, nothing."""
        if self._sending or self.syncing or self.online is False:
            return
        self._sending = True
        self.calls.submit(lambda: self._link("sync").send_due(), self._replies_sent, self._replies_failed,
                          lane="sync")

    def _replies_sent(self, results: Any) -> None:
        self._sending = False
        sent = sum(r.state == "sent" for r in results)
        if sent:
            self.window.status_message(replies_sent_words(sent))
            self.catch_up()

    def _replies_failed(self, exc: Exception) -> None:
        self._sending = False
        log.warning("sending the team's replies failed: %s", exc)

    def _sync_failed(self, exc: Exception) -> None:
        self.syncing = False
        log.warning("syncing the team inbox failed: %s", exc)
        text = str(exc) if isinstance(exc, StoreError) else "The server did not answer; try again later."
        self.window.status_message(f"Could not sync: {text}", 15_000)

    # -- before a reply is sent ----------------------------------------------------------

    def before_send(self, item: ItemRow, proceed: Callable[[], None]) -> bool:
        """Someone else answered this conversation since it was opened here? Ask first.
        Returns True when it took over (`proceed` runs once the answer is known)."""
        conversation = self._conversation(item)
        seen = self.seen_seq.get(conversation, self.info.last_seq)
        local = [c for c in self.history if c.seq > seen and c.what == "reply" and c.who != self.me]
        thread_id = item.thread_id

        def decide(found: list[Change]) -> None:
            answered = {c.seq: c for c in [*local, *found]}
            if not answered:
                proceed()
                return
            changes = [answered[s] for s in sorted(answered)]
            if self.window.confirm("Someone answered meanwhile",
                                   answered_warning(changes, self.me, self.window.clock())):
                self.seen_seq[conversation] = max(answered)
                proceed()
            else:
                self.window.status_message("Not sent; your reply stays here as a draft.")
                self.load_history()

        if thread_id is None or self.online is False:
            decide([])  # what this copy knows is all there is to know offline
            return True
        self.window.status_message("Checking whether someone answered meanwhile…", 3000)
        link = lambda: self._link("calls")  # noqa: E731
        self.calls.submit(lambda: link().answered_since(thread_id, seen), decide, lambda exc: decide([]))
        return True
