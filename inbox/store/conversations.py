"""Conversations: a review with the owner's reply, a mention with the replies under it,
shown and counted as one row.

Each thread has one *head* item (`items.is_head`): its root if a customer wrote it, else
its earliest customer message. The list shows heads; triage, tags and snoozes act on every
message of a conversation (the services expand a selection with `conversation_item_ids`),
and a new customer message marks its conversation unread again.

Counts: `conversation_counts` (per source, status and snoozed-or-not) and
`tag_conversations` are kept exact by triggers on every change of a counted column, and,
for new rows, by ingest once per page (an insert trigger would double the cost of a
row). `counts()` then reads a few dozen rows instead of scanning a million items.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from inbox.domain import ItemRow, format_time, utcnow
from inbox.domain.counts import tally
from inbox.store.connection import write_transaction

# Statements that look up a thread's messages name the thread index: a database whose
# items have no threads yet (a bulk load) gives the planner statistics that make it scan
# all items instead (0.5 s at 1M, on the GUI thread for a triage key).

# A message that the list shows and the counts count.
COUNTED = "{r}.is_head = 1 AND {r}.deleted_at IS NULL AND {r}.is_owner_reply = 0"


def head_of(thread: str) -> str:
    """SQL for the head item id of the thread whose id is the expression `thread`."""
    return (f"coalesce((SELECT r.id FROM threads th JOIN items r ON r.id = th.root_item_id "
            f"WHERE th.id = {thread} AND r.is_owner_reply = 0), "
            f"(SELECT x.id FROM items x INDEXED BY items_by_thread WHERE x.thread_id = {thread} AND x.is_owner_reply = 0 "
            f"ORDER BY x.created_at, x.id LIMIT 1))")


_OLD, _NEW = COUNTED.format(r="old"), COUNTED.format(r="new")

# The schema (migration M010 creates it; `recount_conversations` fills it from the items).
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS conversation_counts (
    source_id INTEGER NOT NULL,
    status TEXT NOT NULL,
    snoozed INTEGER NOT NULL,
    n INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (source_id, status, snoozed)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tag_conversations (
    tag_id INTEGER PRIMARY KEY,
    n INTEGER NOT NULL DEFAULT 0
);
CREATE TRIGGER conversation_counts_update
AFTER UPDATE OF status, snoozed_until, deleted_at, is_head, is_owner_reply, source_id ON items
WHEN ({_OLD}) OR ({_NEW}) BEGIN
    UPDATE conversation_counts SET n = n - 1
    WHERE {_OLD} AND source_id = old.source_id AND status = old.status
      AND snoozed = (old.snoozed_until IS NOT NULL);
    INSERT INTO conversation_counts (source_id, status, snoozed, n)
    SELECT new.source_id, new.status, new.snoozed_until IS NOT NULL, 1 WHERE {_NEW}
    ON CONFLICT (source_id, status, snoozed) DO UPDATE SET n = n + 1;
END;
-- BEFORE: the item's tags leave while the item is still there to say whether it counted
-- (a foreign-key cascade would remove them after it is gone).
CREATE TRIGGER conversation_counts_delete BEFORE DELETE ON items BEGIN
    DELETE FROM item_tags WHERE item_id = old.id;
    UPDATE conversation_counts SET n = n - 1
    WHERE {_OLD} AND source_id = old.source_id AND status = old.status
      AND snoozed = (old.snoozed_until IS NOT NULL);
END;
CREATE TRIGGER tag_conversations_insert AFTER INSERT ON item_tags
WHEN EXISTS (SELECT 1 FROM items i WHERE i.id = new.item_id AND {COUNTED.format(r="i")}) BEGIN
    INSERT INTO tag_conversations (tag_id, n) VALUES (new.tag_id, 1)
    ON CONFLICT (tag_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER tag_conversations_delete AFTER DELETE ON item_tags
WHEN EXISTS (SELECT 1 FROM items i WHERE i.id = old.item_id AND {COUNTED.format(r="i")}) BEGIN
    UPDATE tag_conversations SET n = n - 1 WHERE tag_id = old.tag_id;
END;
CREATE TRIGGER tag_conversations_item AFTER UPDATE OF is_head, deleted_at, is_owner_reply ON items
WHEN ({_OLD}) IS NOT ({_NEW}) BEGIN
    UPDATE tag_conversations SET n = n - 1
    WHERE {_OLD} AND tag_id IN (SELECT tag_id FROM item_tags WHERE item_id = old.id);
    INSERT INTO tag_conversations (tag_id, n)
    SELECT tag_id, 1 FROM item_tags WHERE item_id = new.id AND {_NEW}
    ON CONFLICT (tag_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER tag_conversations_tag AFTER DELETE ON tags BEGIN
    DELETE FROM tag_conversations WHERE tag_id = old.id;
END;
"""

# Heads of some threads (a JSON array of ids) made right: one per thread that has a
# customer message; only rows whose flag changes are written (and fire the triggers).
REFRESH_HEADS = f"""
WITH t(tid) AS MATERIALIZED (SELECT DISTINCT value FROM json_each(:tids)),
     h(tid, hid) AS MATERIALIZED (SELECT tid, {head_of("t.tid")} FROM t)
UPDATE items INDEXED BY items_by_thread SET is_head = (id IN (SELECT hid FROM h WHERE hid IS NOT NULL))
WHERE thread_id IN (SELECT tid FROM t)
  AND is_head IS NOT (id IN (SELECT hid FROM h WHERE hid IS NOT NULL))
"""

# Latest activity (M016): a head's `active_at` is its conversation's latest message time
# (written or edited, deleted messages left out) when that is later than its own
# `created_at`, else NULL; conversation lists are ordered and paged by ACTIVE_AT on the
# partial indexes below, so a review with a new reply today comes to the top at once.
ACTIVE_AT = "coalesce({r}active_at, {r}created_at)"  # {r}: "i." in a query, "" in an index
_LATEST = ("(SELECT max(coalesce(x.updated_at, x.created_at)) FROM items x INDEXED BY items_by_thread "
           "WHERE x.thread_id = {t} AND x.deleted_at IS NULL)")
ACTIVITY_SCHEMA = f"""
ALTER TABLE items ADD COLUMN active_at TEXT;
CREATE INDEX items_by_activity ON items ({ACTIVE_AT.format(r="")}, id) WHERE is_head = 1;
CREATE INDEX items_by_source_activity ON items (source_id, {ACTIVE_AT.format(r="")}, id) WHERE is_head = 1;
"""

# The activity of some threads' messages (a JSON array of thread ids) made right: each
# head's latest activity, every other message's own time (NULL kept NULL: rows from before
# M016); only rows that change are written. Ingest writes `active_at` with the row, so
# this changes a value of the same width and SQLite overwrites the row in place.
_ACTIVE = ("CASE WHEN items.is_head = 1 AND a.at > items.created_at THEN a.at "
           "WHEN items.active_at IS NULL THEN NULL ELSE items.created_at END")
_REFRESH_ACTIVITY = f"""
WITH t(tid) AS MATERIALIZED (SELECT DISTINCT value FROM json_each(:tids){{only}}),
     a(tid, at) AS MATERIALIZED (SELECT tid, {_LATEST.format(t="t.tid")} FROM t)
UPDATE items INDEXED BY items_by_thread
SET active_at = (SELECT {_ACTIVE} FROM a WHERE a.tid = items.thread_id)
WHERE thread_id IN (SELECT tid FROM t)
  AND active_at IS NOT (SELECT {_ACTIVE} FROM a WHERE a.tid = items.thread_id)
"""
REFRESH_ACTIVITY = _REFRESH_ACTIVITY.format(only="")
# The same for a page of new rows, skipping threads of one message (most new reviews): ingest
# wrote those rows' activity already; counting a thread's messages reads its index alone.
REFRESH_SHARED_ACTIVITY = _REFRESH_ACTIVITY.format(
    only=" WHERE (SELECT count(*) FROM items c INDEXED BY items_by_thread WHERE c.thread_id = value) > 1")

# Every thread's activity (the migration, and rows written by other means: a bulk load).
ALL_ACTIVITY = f"""
WITH a(tid, at) AS MATERIALIZED (
    SELECT thread_id, max(coalesce(updated_at, created_at)) FROM items INDEXED BY items_by_thread
    WHERE thread_id IS NOT NULL AND deleted_at IS NULL GROUP BY thread_id)
UPDATE items SET active_at = {_ACTIVE}
FROM a WHERE items.thread_id = a.tid AND items.active_at IS NOT ({_ACTIVE})
"""

# New rows of a page (a JSON array of ids) into the counts, before their heads are refreshed.
ADD_NEW_ROWS = f"""
INSERT INTO conversation_counts (source_id, status, snoozed, n)
SELECT source_id, status, snoozed_until IS NOT NULL, count(*) FROM items i
WHERE i.id IN (SELECT value FROM json_each(?)) AND {COUNTED.format(r="i")}
GROUP BY 1, 2, 3
ON CONFLICT (source_id, status, snoozed) DO UPDATE SET n = n + excluded.n
"""

# A new customer message in a conversation makes it unread again (and back in the Inbox).
REOPEN = """
UPDATE items INDEXED BY items_by_thread SET status = 'unread'
WHERE is_head = 1 AND status != 'unread' AND thread_id IN (
    SELECT thread_id FROM items WHERE id IN (SELECT value FROM json_each(?))
    AND is_owner_reply = 0 AND is_head = 0 AND status = 'unread')
"""

RECOUNT = f"""
DELETE FROM conversation_counts;
DELETE FROM tag_conversations;
INSERT INTO conversation_counts (source_id, status, snoozed, n)
SELECT source_id, status, snoozed_until IS NOT NULL, count(*) FROM items i
WHERE {COUNTED.format(r="i")} GROUP BY 1, 2, 3;
INSERT INTO tag_conversations (tag_id, n)
SELECT it.tag_id, count(*) FROM item_tags it JOIN items i ON i.id = it.item_id
WHERE {COUNTED.format(r="i")} GROUP BY 1;
"""

# Threads with more than one message: the only ones whose heads need working out.
_SHARED_THREADS = "SELECT thread_id FROM items WHERE thread_id IS NOT NULL GROUP BY thread_id HAVING count(*) > 1"


def migrate(conn: sqlite3.Connection) -> None:
    """M010: the head flag, the counters and their triggers, filled from the items."""
    conn.execute("ALTER TABLE items ADD COLUMN is_head INTEGER NOT NULL DEFAULT 1")
    conn.execute("UPDATE items SET is_head = 0 WHERE is_owner_reply = 1")
    conn.execute(f"UPDATE items SET is_head = (id = {head_of('items.thread_id')}) "
                 f"WHERE is_owner_reply = 0 AND thread_id IN ({_SHARED_THREADS})")
    for statement in _statements(SCHEMA):
        conn.execute(statement)
    for statement in _statements(RECOUNT):
        conn.execute(statement)


def migrate_activity(conn: sqlite3.Connection) -> None:
    """M016: each conversation's latest activity on its head, and the indexes the
    conversation lists are ordered by."""
    for statement in _statements(ACTIVITY_SCHEMA):
        conn.execute(statement)
    conn.execute(ALL_ACTIVITY)


def _statements(script: str) -> list[str]:
    """Split a script of CREATE TABLE/TRIGGER and plain statements (execute takes one)."""
    out: list[str] = []
    buf: list[str] = []
    in_trigger = False
    for line in script.strip().splitlines():
        if line.strip().startswith("--"):
            continue
        buf.append(line)
        if line.startswith("CREATE TRIGGER"):
            in_trigger = True
        if (in_trigger and line.strip() == "END;") or (not in_trigger and line.rstrip().endswith(";")):
            out.append("\n".join(buf))
            buf, in_trigger = [], False
    if "".join(buf).strip():
        out.append("\n".join(buf))
    return out


def ids_json(ids: Iterable[int]) -> str:
    return "[" + ",".join(str(int(i)) for i in ids) + "]"


class ConversationsMixin:
    conn: sqlite3.Connection

    # -- heads, for ingest and erasure ------------------------------------------------

    def _add_new_to_counts(self, page_ids_json: str) -> None:
        self.conn.execute(ADD_NEW_ROWS, (page_ids_json,))

    def refresh_heads(self, thread_ids: Iterable[int], *, new_rows: bool = False) -> None:
        """Make each thread's head right after its messages changed (call in a transaction);
        `new_rows`: only rows were added, written with their own activity (ingest)."""
        tids = ids_json(t for t in thread_ids if t is not None)
        if tids != "[]":
            self.conn.execute(REFRESH_HEADS, {"tids": tids})
            # a new message, an edit, a new head
            self.conn.execute(REFRESH_SHARED_ACTIVITY if new_rows else REFRESH_ACTIVITY, {"tids": tids})

    def refresh_activity(self, thread_ids: Iterable[int]) -> None:
        """Make the threads' latest activity right (call in a transaction)."""
        tids = ids_json(t for t in thread_ids if t is not None)
        if tids != "[]":
            self.conn.execute(REFRESH_ACTIVITY, {"tids": tids})

    def _reopen_conversations(self, page_ids_json: str) -> None:
        self.conn.execute(REOPEN, (page_ids_json,))

    def recount_conversations(self) -> None:
        """Rebuild the counters from the items (rows written by other means, such as a
        benchmark's bulk load; and the property test's reference)."""
        with write_transaction(self.conn):
            for statement in _statements(RECOUNT):
                self.conn.execute(statement)
            self.conn.execute(ALL_ACTIVITY)

    # -- what the services act on -----------------------------------------------------

    def conversation_item_ids(self, ids: Sequence[int]) -> list[int]:
        """Every message of the conversations the items belong to (the items themselves
        included), for triage that acts on whole conversations."""
        if not ids:
            return []
        return [r[0] for r in self.conn.execute(
            "SELECT value FROM json_each(:ids) UNION "
            "SELECT i.id FROM items i INDEXED BY items_by_thread WHERE i.thread_id IN (SELECT thread_id FROM items "
            "WHERE id IN (SELECT value FROM json_each(:ids)) AND thread_id IS NOT NULL) ORDER BY 1",
            {"ids": ids_json(ids)})]

    def conversation_heads(self, ids: Sequence[int]) -> list[int]:
        """Those of the items that head their conversation (the rows the list shows)."""
        return [r[0] for r in self.conn.execute(
            "SELECT id FROM items WHERE id IN (SELECT value FROM json_each(?)) AND is_head = 1 ORDER BY id",
            (ids_json(ids),))]

    def attach_conversations(self, items: list[ItemRow]) -> None:
        """Fill the list's conversation figures for rows: messages, latest activity, and
        whether the owner has replied (one query per page, on the thread index)."""
        by_thread: dict[int, list[ItemRow]] = {}
        for it in items:
            if it.thread_id is not None:
                by_thread.setdefault(it.thread_id, []).append(it)
        if not by_thread:
            return
        for tid, n, latest, replied, unread in self.conn.execute(
                "SELECT thread_id, count(*), max(coalesce(updated_at, created_at)), "
                "max(is_owner_reply), max(status = 'unread' AND is_owner_reply = 0) FROM items INDEXED BY items_by_thread "
                "WHERE thread_id IN (SELECT value FROM json_each(?)) AND deleted_at IS NULL "
                "GROUP BY thread_id", (ids_json(by_thread),)):
            for it in by_thread[tid]:
                it.messages = n
                # a message alone in its conversation: the same text as its own time, kept once
                it.last_activity_at = it.created_at if latest == it.created_at else latest
                it.replied = bool(replied)
                it.unread_messages = bool(unread)

    # -- counts ------------------------------------------------------------------------

    def _count_rows(self, now: str) -> list[tuple[int, str, int, int]]:
        """(source id, status, snoozed now, conversations) from the counters. A snooze whose
        time has come but that has not been woken yet counts as not snoozed: those few are
        looked up on the snooze index (by name: grouping by source, the planner would
        rather walk items_by_source_time, every row of it)."""
        rows = [tuple(r) for r in self.conn.execute(
            "SELECT source_id, status, snoozed, n FROM conversation_counts WHERE n != 0")]
        for source_id, status, n in self.conn.execute(
                "SELECT source_id, status, count(*) FROM items i INDEXED BY items_snoozed "
                f"WHERE snoozed_until IS NOT NULL AND snoozed_until <= ? AND {COUNTED.format(r='i')} "
                "GROUP BY 1, 2", (now,)):
            rows += [(source_id, status, 1, -n), (source_id, status, 0, n)]
        return rows  # type: ignore[return-value]

    def counts(self, now: str | None = None) -> dict[str, dict[Any, int]]:
        """Conversation counts per view, per source, per own/competitor and per tag, read
        from the maintained counters (a few dozen rows, whatever the number of items)."""
        now = now or format_time(utcnow())
        return _tally(self.conn, self._count_rows(now), dict(self.conn.execute(
            "SELECT t.id, coalesce(c.n, 0) FROM tags t LEFT JOIN tag_conversations c ON c.tag_id = t.id")))

    def count_tag(self, name: str) -> int:
        """Conversations with a tag (what the tag's list shows)."""
        row = self.conn.execute("SELECT coalesce(c.n, 0) FROM tags t LEFT JOIN tag_conversations c "
                                "ON c.tag_id = t.id WHERE t.name = ?", (name,)).fetchone()
        return row[0] if row else 0

    def count_view(self, view: str, source_ids: Sequence[int] = (), whose: str | None = None,
                   now: str | None = None) -> int:
        """Conversations in a view, perhaps of some sources or of own/competitor sources."""
        now = now or format_time(utcnow())
        rows = self._count_rows(now)
        if source_ids:
            rows = [r for r in rows if r[0] in set(source_ids)]
        if whose:
            mine = {r[0] for r in self.conn.execute("SELECT id FROM sources WHERE whose = ?", (whose,))}
            rows = [r for r in rows if r[0] in mine]
        return _tally(self.conn, rows, {})["views"][view]

    def recounted(self, now: str | None = None) -> dict[str, dict[Any, int]]:
        """The same figures as `counts`, counted from the items (slow: tests and checks)."""
        now = now or format_time(utcnow())
        rows = self.conn.execute(
            "SELECT source_id, status, coalesce(snoozed_until > ?, 0), count(*) FROM items i "
            f"WHERE {COUNTED.format(r='i')} GROUP BY 1, 2, 3", (now,)).fetchall()
        return _tally(self.conn, rows, dict(self.conn.execute(
            "SELECT t.id, (SELECT count(*) FROM item_tags it JOIN items i ON i.id = it.item_id "
            f"WHERE it.tag_id = t.id AND {COUNTED.format(r='i')}) FROM tags t")))


def _tally(conn: sqlite3.Connection, rows: Iterable[tuple[int, str, int, int]],
           tags: dict[int, int]) -> dict[str, dict[Any, int]]:
    """Per view, source and own/competitor, from (source, status, snoozed now, n) rows."""
    return tally(rows, conn.execute("SELECT id, whose FROM sources"), tags)
