"""The team inbox's change sequence and notifications: the history of each conversation
(who did what, when), the changes since a point (what a replica catches up from), and
listening for changes and presence ("Ana is replying…") over LISTEN/NOTIFY.

Why LISTEN/NOTIFY: a member's list and counts refresh when the server says something
changed (a notification at each commit that added changes), not by asking every few
seconds; presence is a notification only, never stored."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from inbox.domain.team import Change  # here before it moved to the domain: re-exported

__all__ = ["ACTIVITIES", "CHANGES", "PRESENCE", "Change", "Listener", "Notice", "TeamChangesMixin"]

CHANGES = "inbox_changes"
PRESENCE = "inbox_presence"
SHARED = "inbox_shared"  # the shared sets changed (empty), or a member's read state (their name): M010
# What a presence notice may say (anything else is refused before it is sent).
ACTIVITIES = ("viewing", "replying", "left")


@dataclass(frozen=True, slots=True)
class Notice:
    """A notification: `changes` (up to `seq`) or `presence` (who, item, activity)."""

    kind: str
    seq: int = 0
    who: str = ""
    item_id: int | None = None
    activity: str = ""


_COLUMNS = "seq, at, who, item_id, thread_id, what, detail"


class TeamChangesMixin:
    def cursor(self) -> Any: ...  # TeamStore

    def last_change(self) -> int:
        """The newest change's number (0 when nothing changed yet)."""
        with self.cursor() as cur:
            return cur.execute("SELECT coalesce(max(seq), 0) FROM changes").fetchone()[0]

    def changes_since(self, seq: int, limit: int = 10_000) -> list[Change]:
        """Changes after `seq`, oldest first (a replica asks again from the last one's seq).
        A change becomes visible when its transaction commits; one that commits late with a
        lower number is picked up by asking with a small overlap (docs/team.md)."""
        with self.cursor() as cur:
            return [Change(*r) for r in cur.execute(
                f"SELECT {_COLUMNS} FROM changes WHERE seq > %s ORDER BY seq LIMIT %s", (seq, limit))]

    def conversation_history(self, thread_id: int) -> list[Change]:
        """What happened to a conversation, oldest first ("ana marked done · 14:02")."""
        with self.cursor() as cur:
            return [Change(*r) for r in cur.execute(
                f"SELECT {_COLUMNS} FROM changes WHERE thread_id = %s ORDER BY seq", (thread_id,))]

    def answered_since(self, thread_id: int, seq: int) -> list[Change]:
        """Replies other members queued, or the owner's replies that arrived by sync, in a
        conversation after change `seq` (what the reply editor had seen): the warning before
        a second answer is sent."""
        with self.cursor() as cur:
            return [Change(*r) for r in cur.execute(
                f"SELECT {', '.join('c.' + c for c in _COLUMNS.split(', '))} FROM changes c "
                "LEFT JOIN items i ON i.id = c.item_id WHERE c.thread_id = %s AND c.seq > %s "
                "AND ((c.what = 'reply' AND c.who <> session_user) OR (c.what = 'new' AND i.is_owner_reply)) "
                "ORDER BY c.seq", (thread_id, seq))]

    def announce(self, item_id: int, activity: str) -> None:
        """Tell the other members what you are doing with an item (not stored anywhere)."""
        if activity not in ACTIVITIES:
            raise ValueError(f"unknown activity {activity!r}")
        with self.cursor() as cur:
            cur.execute("SELECT pg_notify(%s, json_build_object('who', session_user, 'item', %s::bigint, "
                        "'activity', %s::text)::text)", (PRESENCE, item_id, activity))


class Listener:
    """A connection of its own that hears the team's change and presence notices. Notices
    are delivered when the sending transaction commits; `wait` returns them as they come."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        conn.execute(f"LISTEN {CHANGES}")
        conn.execute(f"LISTEN {PRESENCE}")
        conn.execute(f"LISTEN {SHARED}")
        self.me = conn.execute("SELECT session_user").fetchone()[0]

    def wait(self, timeout: float) -> list[Notice]:
        """Notices that arrive within `timeout` seconds (returns at the first batch). Your
        own presence comes back too (`who == self.me`): the window shows others' only."""
        found: list[Notice] = []
        deadline = time.monotonic() + timeout
        while not found and time.monotonic() < deadline:
            for n in self.conn.notifies(timeout=max(0.0, deadline - time.monotonic()), stop_after=1):
                if n.channel == SHARED:  # the shared sets, or someone's own read state
                    notice = Notice("changes", seq=0) if n.payload in ("", self.me) else None
                else:
                    notice = _notice(n.channel, n.payload)
                if notice is not None:
                    found.append(notice)
        return found

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Listener:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _notice(channel: str, payload: str) -> Notice | None:
    if channel == CHANGES:
        return Notice("changes", seq=int(payload or 0))
    if channel == PRESENCE:
        try:
            data = json.loads(payload)
            return Notice("presence", who=str(data["who"]), item_id=int(data["item"]),
                          activity=str(data["activity"]))
        except (ValueError, KeyError, TypeError):
            return None  # not one of ours
    return None
