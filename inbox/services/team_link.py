"""The link between a team inbox on PostgreSQL and this laptop's replica of it (issue 20,
docs/team.md "Offline"): the window reads and writes the replica, an ordinary inbox file;
the link brings the server's changes into it (`catch_up`), sends what was done here
(`push`), and hears the team's notices (`listen`).

Why every method degrades instead of raising: the server not answering is the normal state
of a laptop on a train. Each call that needs the server says so through `online` and
returns what it can (nothing new; everything stays queued); only `connect_replica`, the
owner's explicit "connect", raises with the reason in words."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inbox.domain.team import Change
from inbox.secrets import Secrets
from inbox.store import CannotOpen, Store, StoreError
from inbox.store.team import Notice, TeamStore
from inbox.store.team.connection import where, without_password

if TYPE_CHECKING:
    from inbox.services.outbox import SendResult

log = logging.getLogger(__name__)

CHANGES_PAGE = 5000   # changes per catch-up step (one local transaction each)
COPY_PAGE = 2000      # items per step of a replica's first copy
PUSH_PAGE = 500       # queued operations per server transaction
# Sequence numbers are taken before commit: a change may become visible after a higher
# one. Each catch-up asks again from this far back and skips what it already has.
OVERLAP = 200
BACKOFF_S = (0.5, 1, 2, 5, 10, 30)

# (done, total): the first copy reports items copied of all items; a catch-up reports
# changes applied of those the server had when it began (total grows if more arrive)
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class PushResult:
    sent: int        # operations the server has now (conflicts included)
    conflicts: int   # of those, the ones someone else had changed meanwhile
    lost: int = 0    # of the conflicts, those where the other, later change holds


def team_members(team: TeamStore) -> list[str]:
    """Who a conversation can be given to: the team's members, not the server's administrators
    (who can see every database but are no one's colleague), unless one owns the inbox."""
    return [m.role for m in team.members() if m.owner or not m.superuser]


def replica_path(url: str, data_dir: Path) -> Path:
    """Where this laptop keeps its replica of the team inbox at `url`: one file per
    user, server and database."""
    slug = re.sub(r"[^A-Za-z0-9._@-]+", "-", where(url).removeprefix("postgresql://")).strip("-")
    return Path(data_dir) / "team" / f"{slug}.db"


def connect_replica(url: str, secrets: Secrets | None, data_dir: Path, *, progress: Progress | None = None,
                    offline_ok: bool = False) -> Path:
    """Open the team inbox at `url` (checked and refused as `TeamStore` does), create or
    open this laptop's replica of it and catch it up; the replica's path. A file there that
    is the replica of another team inbox is refused, unchanged. `offline_ok`: when the
    server does not answer but a replica exists, return it as it is (reading, triage and
    drafting work offline; the link sends them later)."""
    from inbox.services.team import open_team

    path = replica_path(url, data_dir)
    try:
        team = open_team(url, secrets)
    except CannotOpen:  # not answering (a refusal, a wrong password or schema, still raises)
        if offline_ok and path.exists():
            return path
        raise
    try:
        identity, member = team.database_id(), team.me()
        members = team_members(team)
        path.parent.mkdir(parents=True, exist_ok=True)
        with Store(path) as store:
            store.link_team(without_password(url), member, identity)
            store.set_team_members(members)
            link = TeamLink(store, url, secrets, team=team)
            link.push()
            link.catch_up(progress)
            if not link.online:
                raise CannotOpen(f"The team inbox at {where(url)} stopped answering while this laptop's copy "
                                 "was made; try again (what was copied is kept).")
    finally:
        team.close()
    return path


def _server_lost(exc: BaseException) -> bool:
    """An error that means the server did not answer (offline), not a bug to raise."""
    return isinstance(exc, StoreError) or type(exc).__module__.startswith(("psycopg", "psycopg_pool"))


class TeamLink:
    """One replica's link to its team inbox. Not thread-safe: one worker thread calls
    `catch_up`/`push`; `listen` runs on a thread of its own (it opens its own connection)."""

    def __init__(self, replica: Store | str | Path, url: str, secrets: Secrets | None, *,
                 team: TeamStore | None = None, changes_page: int | None = None,
                 copy_page: int | None = None) -> None:
        self._own_store = not isinstance(replica, Store)
        self.store: Store = Store(replica) if self._own_store else replica  # type: ignore[arg-type]
        self.url = url
        self.secrets = secrets
        self._team = team
        self._own_team = team is None
        self.online = team is not None
        self.last_error = ""  # why the server was last not reached, in words (the detail of "Offline")
        self.changes_page = changes_page or CHANGES_PAGE
        self.copy_page = copy_page or COPY_PAGE
        try:
            info = self.store.team_link_info()
        except BaseException:  # a damaged or busy replica: the Store opened here is not left open
            if self._own_store:
                self.store.close()
            raise
        problem = (f"{self.store.path} is not a team inbox's copy" if info is None else
                   f"{self.store.path} is the copy of {where(info.url)}, not of {where(url)}" if where(info.url) != where(url)
                   else None)
        if problem is not None:
            if self._own_store:
                self.store.close()
            raise StoreError(problem)

    # -- the server ----------------------------------------------------------------------

    def _server(self) -> TeamStore | None:
        if self._team is not None:
            return self._team
        from inbox.services.team import open_team

        try:
            self._team = open_team(self.url, self.secrets)
            if self._team.database_id() != self.store.team_link_info().replica_of:  # type: ignore[union-attr]
                self._team.close()
                self._team = None
                raise StoreError(f"The team inbox at {where(self.url)} is not the one this copy was made from.")
        except Exception as exc:  # a connection lost while opening is psycopg's error, not the store's
            if not _server_lost(exc):
                raise
            self._offline(exc)
            return None
        self.online, self.last_error = True, ""
        return self._team

    def _offline(self, exc: BaseException) -> None:
        """The server stopped answering: drop its connections (a new attempt opens new ones)."""
        if self.online:
            log.info("team inbox offline: %s", exc)
        self.online = False
        self.last_error = str(exc) if isinstance(exc, StoreError) else (
            f"Can't reach the team inbox at {where(self.url)}: the connection was lost. It will be tried again.")
        if self._team is not None and self._own_team:
            with contextlib.suppress(Exception):
                self._team.close()
            self._team = None

    def _guard(self, default: Any, work: Callable[[TeamStore], Any]) -> Any:
        team = self._server()
        if team is None:
            return default
        try:
            result = work(team)
        except Exception as exc:  # psycopg's errors and the store's: the server went away
            if _server_lost(exc):
                self._offline(exc)
                return default
            raise
        self.online = True
        return result

    # -- catching up -----------------------------------------------------------------------

    def catch_up(self, progress: Progress | None = None) -> int:
        """Bring the server's changes into the replica: new and edited items, statuses
        (this member's own read state), snoozes, tags, assignment and the history. Each step
        is one local transaction with how far it got, so a catch-up that is killed resumes
        without loss or duplicates. Returns the changes applied (0 offline)."""
        return self._guard(0, lambda team: self._catch_up(team, progress))

    def _catch_up(self, team: TeamStore, progress: Progress | None) -> int:
        store = self.store
        snapshot, copied_to, copied = store.team_copy_state()
        if not copied:  # the first copy: every item as it is now, page by page
            if snapshot is None:
                store.set_team_reads_seq(team.reads_last_seq())  # the copy brings the reads up to here
                snapshot = team.last_change()
                store.start_team_copy(snapshot)
            total, done = team.count_all_items(), 0
            while True:
                batch = team.replica_items_after(copied_to, self.copy_page)
                if not batch.items:
                    break
                copied_to = batch.items[-1]["id"]
                done += store.apply_team_batch(batch, copied_to=copied_to)
                if progress is not None:
                    progress(done, total)
            store.finish_team_copy()
        applied = 0
        total = max(0, team.last_change() - store.team_link_info().last_seq)  # type: ignore[union-attr]
        while True:
            last = store.team_link_info().last_seq  # type: ignore[union-attr]
            after = max(0, last - OVERLAP)
            limit = self.changes_page + (last - after)  # a page of new ones past the overlap
            changes = team.replica_changes(after, limit)
            known = store.known_history([c.seq for c in changes])
            new = [c for c in changes if c.seq not in known]
            if new:
                # changes the first copy already holds go into the history only (but for the
                # last few before it began: one may have committed after its item was copied)
                fresh = max(0, (snapshot or 0) - OVERLAP)
                ids = sorted({c.item_id for c in new if c.item_id is not None and c.seq > fresh})
                batch = team.replica_rows(ids)
                batch.changes = new
                store.apply_team_batch(batch, last_seq=max(c.seq for c in new))
                applied += len(new)
                if progress is not None:
                    progress(applied, max(total, applied))
            if len(changes) < limit:
                break
        store.apply_team_batch(team.replica_drafts())
        store.set_team_members(team_members(team))
        applied += store.apply_team_shared(team.replica_shared())
        return applied + self._catch_up_reads(team)

    def _catch_up_reads(self, team: TeamStore) -> int:
        """This member's read state changed since, on another of their laptops (its own
        sequence, re-read from a little back as the changes are)."""
        changed = 0
        while True:
            last = self.store.team_reads_seq()
            reads = team.replica_reads_after(max(0, last - OVERLAP), self.changes_page + OVERLAP)
            new = [r for r in reads if r[2] > last]
            if not new:
                return changed
            changed += self.store.apply_team_reads(reads)
            if len(reads) < self.changes_page + OVERLAP:
                return changed

    # -- sending ---------------------------------------------------------------------------

    def push(self) -> PushResult:
        """Send the operations made here, in the order they were made. A conflict (someone
        else changed the same thing on the server since this replica last heard from it)
        is settled by time: the later change holds, both stay in the history. Offline,
        everything stays queued."""
        sent = conflicts = lost = 0
        while True:
            ops = self.store.queued_ops(PUSH_PAGE)
            if not ops:
                break
            outcomes = self._guard(None, lambda team, ops=ops: team.apply_ops(ops))
            if outcomes is None:
                break
            gone = [o.op_id for o in outcomes if o.result == "lost"]
            self.store.ops_sent([o.op_id for o in outcomes if o.result != "lost"], gone)
            sent += len(outcomes)
            conflicts += sum(o.result in ("won", "lost") for o in outcomes)
            lost += len(gone)
        return PushResult(sent, conflicts, lost)

    def sync(self, progress: Progress | None = None) -> tuple[PushResult, int]:
        """Push what waits, then catch up (what the window does on each changes notice)."""
        pushed = self.push()
        return pushed, self.catch_up(progress)

    def send_due(self) -> list[SendResult]:
        """Post the replies due in the team's outbox on the server (their time to take back
        over), as "Sync now" does after syncing: the window calls this on a timer while
        online. Each is claimed `FOR UPDATE SKIP LOCKED` and posted with its idempotency
        key, so members' apps doing it at once never post one twice; a member whose keyring
        lacks a site's sign-in leaves the reply for one who has it. [] offline or without
        a keyring."""
        if self.secrets is None:
            return []
        from inbox.services.outbox import flush_due

        secrets = self.secrets
        return self._guard([], lambda team: asyncio.run(flush_due(team, secrets, shared=True)))  # type: ignore[arg-type]

    # -- the team, live ----------------------------------------------------------------------

    def reach(self) -> bool:
        """Open the connection to the server now, so the first call that needs it (a
        presence notice) leaves at once; whether the server answered (as `online`)."""
        return self._server() is not None

    def announce(self, item_id: int, activity: str) -> None:
        """Tell the others what this member is doing with an item (nothing offline)."""
        self._guard(None, lambda team: team.announce(item_id, activity))

    def answered_since(self, thread_id: int, seq: int) -> list[Change]:
        """Replies someone else queued (or that arrived by sync) in a conversation after
        change `seq`: the warning before a second answer. [] offline."""
        return self._guard([], lambda team: team.answered_since(thread_id, seq))

    def members(self) -> list[str]:
        """The team's members (their login roles), as last heard from the server."""
        info = self.store.team_link_info()
        return list(info.members) if info else []

    def listen(self, on_notice: Callable[[Notice], None], stop: threading.Event) -> None:
        """Hear the team's notices until `stop` is set (a worker thread's loop). Reconnects
        with growing pauses while the server does not answer; each time it (re)connects it
        reports a `changes` notice with seq 0, so the caller catches up on what it missed."""
        from inbox.services.team import password_for
        from inbox.store.team import Listener
        from inbox.store.team.connection import connect

        attempt = 0
        while not stop.is_set():
            try:
                with Listener(connect(self.url, password_for(self.url, self.secrets))) as listener:
                    attempt = 0
                    self.online = True
                    on_notice(Notice("changes", seq=0))
                    while not stop.is_set():
                        for notice in listener.wait(0.5):
                            on_notice(notice)
            except Exception as exc:  # the server went away: wait, then try again
                if not (isinstance(exc, StoreError) or type(exc).__module__.startswith("psycopg")):
                    raise
                self.online = False
                stop.wait(BACKOFF_S[min(attempt, len(BACKOFF_S) - 1)])
                attempt += 1

    def close(self) -> None:
        if self._team is not None and self._own_team:
            with contextlib.suppress(Exception):
                self._team.close()
            self._team = None
        if self._own_store:
            self.store.close()

    def __enter__(self) -> TeamLink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
