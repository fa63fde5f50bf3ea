"""A local replica of a team inbox (issue 20): an ordinary inbox file whose items keep the
server's ids, with its link (`team_link`), the operations made here and not sent yet
(`team_queue`) and a copy of the server's history (`team_history`).

Why triggers queue the operations: every triage path the app has (the services, undo,
rules, a snooze waking) goes through the same store operations; a trigger on the rows they
change queues each one without any of them knowing about the team. While the link writes
the server's changes into the replica it sets `team_link.applying` inside its own
transaction, which silences the triggers (no other connection ever sees the flag set).

Tags travel by name (a tag made offline may take an id the server gave another tag);
sources, authors, threads and items keep the server's ids (a replica never syncs sources
itself: the team syncs them once, on the server)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence

from inbox.domain.team import Change, QueuedOp, ReplicaBatch, TeamLinkInfo, tag_key
from inbox.store import insights_schema
from inbox.store.connection import write_transaction
from inbox.store.errors import StoreError
from inbox.store.migrations import time_key_sql

_NOW = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
_LINKED = "EXISTS (SELECT 1 FROM team_link WHERE applying = 0)"


_SEEN = "(SELECT last_seq FROM team_link)"


def _queue(op: str, item: str, thread: str, detail: str) -> str:
    return (f"INSERT INTO team_queue (at, seen, op, item_id, thread_id, detail) "
            f"VALUES ({_NOW}, {_SEEN}, '{op}', {item}, {thread}, {detail});")


# Migration M017 (local). Statements are run one by one (a function migration).
SCHEMA = [
    "CREATE INDEX IF NOT EXISTS items_assigned ON items (assigned_to) WHERE assigned_to IS NOT NULL",
    """CREATE TABLE IF NOT EXISTS team_link (
        only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
        url TEXT NOT NULL,
        member TEXT NOT NULL,
        replica_of TEXT NOT NULL,
        last_seq INTEGER NOT NULL DEFAULT 0,
        snapshot_seq INTEGER,
        copied_to INTEGER NOT NULL DEFAULT 0,
        copied INTEGER NOT NULL DEFAULT 0,
        members TEXT NOT NULL DEFAULT '[]',
        applying INTEGER NOT NULL DEFAULT 0
    )""",
    """CREATE TABLE IF NOT EXISTS team_queue (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        seen INTEGER NOT NULL DEFAULT 0,
        op TEXT NOT NULL,
        item_id INTEGER,
        thread_id INTEGER,
        detail TEXT NOT NULL DEFAULT '',
        args TEXT NOT NULL DEFAULT '{}',
        state TEXT NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'lost'))
    )""",
    "CREATE INDEX IF NOT EXISTS team_queue_by_state ON team_queue (state, id)",
    "CREATE INDEX IF NOT EXISTS team_queue_by_thread ON team_queue (thread_id, id)",
    """CREATE TABLE IF NOT EXISTS team_history (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        who TEXT NOT NULL,
        item_id INTEGER,
        thread_id INTEGER,
        what TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '',
        kept INTEGER NOT NULL DEFAULT 1
    )""",
    "CREATE INDEX IF NOT EXISTS team_history_by_thread ON team_history (thread_id, seq)",
    f"""CREATE TRIGGER IF NOT EXISTS team_queue_status AFTER UPDATE OF status ON items
    WHEN old.status IS NOT new.status AND {_LINKED} BEGIN
        {_queue('status', 'new.id', 'new.thread_id', 'new.status')}
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS team_queue_snooze AFTER UPDATE OF snoozed_until ON items
    WHEN old.snoozed_until IS NOT new.snoozed_until AND {_LINKED} BEGIN
        {_queue('snooze', 'new.id', 'new.thread_id', "coalesce(new.snoozed_until, '')")}
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS team_queue_assigned AFTER UPDATE OF assigned_to ON items
    WHEN old.assigned_to IS NOT new.assigned_to AND {_LINKED} BEGIN
        {_queue('assigned', 'new.id', 'new.thread_id', "coalesce(new.assigned_to, '')")}
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS team_queue_tag AFTER INSERT ON item_tags WHEN {_LINKED} BEGIN
        {_queue('tag', 'new.item_id', '(SELECT thread_id FROM items WHERE id = new.item_id)',
                "(SELECT name FROM tags WHERE id = new.tag_id)")}
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS team_queue_untag AFTER DELETE ON item_tags WHEN {_LINKED} BEGIN
        {_queue('untag', 'old.item_id', '(SELECT thread_id FROM items WHERE id = old.item_id)',
                "coalesce((SELECT name FROM tags WHERE id = old.tag_id), '')")}
    END""",
    # A draft is saved as it is typed: only its latest text waits to be sent.
    f"""CREATE TRIGGER IF NOT EXISTS team_queue_draft AFTER INSERT ON drafts WHEN {_LINKED} BEGIN
        DELETE FROM team_queue WHERE op = 'draft' AND state = 'waiting' AND item_id = new.item_id;
        INSERT INTO team_queue (at, seen, op, item_id, thread_id, args) VALUES ({_NOW}, {_SEEN}, 'draft', new.item_id,
            (SELECT thread_id FROM items WHERE id = new.item_id), json_object('text', new.text));
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS team_queue_draft_edit AFTER UPDATE OF text ON drafts WHEN {_LINKED} BEGIN
        DELETE FROM team_queue WHERE op = 'draft' AND state = 'waiting' AND item_id = new.item_id;
        INSERT INTO team_queue (at, seen, op, item_id, thread_id, args) VALUES ({_NOW}, {_SEEN}, 'draft', new.item_id,
            (SELECT thread_id FROM items WHERE id = new.item_id), json_object('text', new.text));
    END""",
    # A reply queued here goes to the team's outbox (with its idempotency key: sent twice, it
    # is queued once); the replica's own outbox never posts it.
    f"""CREATE TRIGGER IF NOT EXISTS team_queue_reply AFTER INSERT ON outbox WHEN {_LINKED} BEGIN
        INSERT INTO team_queue (at, seen, op, item_id, thread_id, args) VALUES ({_NOW}, {_SEEN}, 'reply', new.item_id,
            (SELECT thread_id FROM items WHERE id = new.item_id),
            json_object('text', new.text, 'idempotency_key', new.idempotency_key, 'source_id', new.source_id,
                        'not_before', new.not_before, 'mark_done', new.mark_done, 'created_at', new.created_at));
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS team_queue_reply_cancelled AFTER UPDATE OF state ON outbox
    WHEN new.state = 'cancelled' AND old.state IS NOT 'cancelled' AND {_LINKED} BEGIN
        INSERT INTO team_queue (at, seen, op, item_id, thread_id, args) VALUES ({_NOW}, {_SEEN}, 'cancel_reply',
            new.item_id, (SELECT thread_id FROM items WHERE id = new.item_id),
            json_object('idempotency_key', new.idempotency_key));
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS team_queue_draft_gone AFTER DELETE ON drafts WHEN {_LINKED} BEGIN
        DELETE FROM team_queue WHERE op = 'draft' AND state = 'waiting' AND item_id = old.item_id;
        INSERT INTO team_queue (at, seen, op, item_id, thread_id, args) VALUES ({_NOW}, {_SEEN}, 'draft', old.item_id,
            (SELECT thread_id FROM items WHERE id = old.item_id), json_object('text', NULL));
    END""",
]

# A replica's items are the server's, with its ids: a source synced here would write rows
# whose ids the server gives to others. The team syncs its sources once, on the server.
# Made by `link_team`, not by the migration: a trigger on every inserted item costs an
# ordinary inbox's import a query per row for nothing (issue 19).
NO_INGEST = f"""CREATE TRIGGER IF NOT EXISTS team_replica_no_ingest BEFORE INSERT ON items WHEN {_LINKED} BEGIN
        SELECT RAISE(ABORT, 'this inbox is a copy of a team inbox: its sources are synced on the team''s server');
    END"""


def drop_unlinked_guard(conn: sqlite3.Connection) -> None:
    """M021: an ordinary inbox (no team link) loses the replica's insert trigger that M017
    gave every inbox; a replica keeps it."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "team_link" in tables and conn.execute("SELECT 1 FROM team_link").fetchone() is not None:
        return
    conn.execute("DROP TRIGGER IF EXISTS team_replica_no_ingest")


def migrate(conn: sqlite3.Connection) -> None:
    """M017: the replica's tables and triggers (empty and silent in an ordinary inbox). Run
    again on a file that has them (a test rewinding the version), it changes nothing."""
    if "assigned_to" not in {r[1] for r in conn.execute("PRAGMA table_info(items)")}:
        conn.execute("ALTER TABLE items ADD COLUMN assigned_to TEXT")
    for statement in SCHEMA:
        conn.execute(statement)


# What the replica writes of an item, by the server's column names.
ITEM_COLUMNS = ("id", "source_id", "external_id", "kind", "url", "author_id", "rating", "title", "text",
                "html", "language", "created_at", "updated_at", "is_owner_reply", "parent_external_id",
                "root_external_id", "thread_id", "status", "snoozed_until", "deleted_at", "fetched_at", "raw",
                "sentiment_override", "is_head", "assigned_to")
# Triage fields; each is kept as this replica has it while an operation made here on that
# field of that item waits to be sent (the others take the server's value).
_TRIAGE = ("status", "snoozed_until", "assigned_to")
_HELD_BY = {"status": "status", "snooze": "snoozed_until", "assigned": "assigned_to"}
_CONTENT = tuple(c for c in ITEM_COLUMNS if c not in ("id", *_TRIAGE, "is_head"))
_INSERT_ITEM = (f"INSERT INTO items ({', '.join(ITEM_COLUMNS)}, active_at) "
                f"VALUES ({', '.join(':' + c for c in ITEM_COLUMNS)}, :created_at)")
_INDEX_ITEMS = ("INSERT INTO items_fts (rowid, title, text, author) "
                f"SELECT {time_key_sql('i')}, i.title, i.text, a.display_name || ' ' || a.handle FROM items i "
                "LEFT JOIN authors a ON a.id = i.author_id WHERE i.id IN (SELECT value FROM json_each(?)) ORDER BY 1")
_HISTORY = "seq, at, who, item_id, thread_id, what, detail"


def _ids(ids: Iterable[int]) -> str:
    return "[" + ",".join(str(int(i)) for i in ids) + "]"


class TeamReplicaMixin:
    conn: sqlite3.Connection

    # -- the link ------------------------------------------------------------------------

    def team_link_info(self) -> TeamLinkInfo | None:
        """This replica's link, or None for an ordinary inbox (the window then shows
        nothing of the team)."""
        row = self.conn.execute(
            "SELECT url, member, last_seq, replica_of, (SELECT count(*) FROM team_queue WHERE state = 'waiting'), "
            "members FROM team_link").fetchone()
        if row is None:
            return None
        return TeamLinkInfo(row[0], row[1], row[2], row[3], row[4], tuple(json.loads(row[5] or "[]")))

    def link_team(self, url: str, member: str, replica_of: str) -> None:
        """Make this (new, empty) inbox the replica of a team inbox; refuses an inbox that
        holds items of its own or is the replica of another team inbox."""
        with write_transaction(self.conn):
            row = self.conn.execute("SELECT replica_of FROM team_link").fetchone()
            if row is not None:
                if row[0] != replica_of:
                    raise StoreError("This file is the copy of another team inbox; it was left unchanged.")
                self.conn.execute("UPDATE team_link SET url = ?, member = ?", (url, member))
                self.conn.execute(NO_INGEST)  # (a replica linked before M021 has it already)
                return
            if self.conn.execute("SELECT 1 FROM items LIMIT 1").fetchone() is not None:
                raise StoreError("This inbox holds items of its own: it cannot become a team inbox's copy.")
            self.conn.execute("INSERT INTO team_link (only_row, url, member, replica_of) VALUES (1, ?, ?, ?)",
                              (url, member, replica_of))
            self.conn.execute(NO_INGEST)

    def set_team_members(self, members: Sequence[str]) -> None:
        """The team's members, kept for Assign to… offline."""
        with write_transaction(self.conn):
            self.conn.execute("UPDATE team_link SET members = ?", (json.dumps(sorted(members)),))

    def team_copy_state(self) -> tuple[int | None, int, bool]:
        """(server seq when the first copy began, last item id copied, copy finished)."""
        row = self.conn.execute("SELECT snapshot_seq, copied_to, copied FROM team_link").fetchone()
        if row is None:
            raise StoreError("this inbox is not a team inbox's copy")
        return row[0], row[1], bool(row[2])

    def start_team_copy(self, snapshot_seq: int) -> None:
        with write_transaction(self.conn):
            self.conn.execute("UPDATE team_link SET snapshot_seq = coalesce(snapshot_seq, ?)", (snapshot_seq,))

    def finish_team_copy(self) -> None:
        with write_transaction(self.conn):
            self.conn.execute("UPDATE team_link SET copied = 1")

    def known_history(self, seqs: Sequence[int]) -> set[int]:
        """Those of the server's change numbers this replica already has."""
        return {r[0] for r in self.conn.execute(
            "SELECT seq FROM team_history WHERE seq IN (SELECT value FROM json_each(?))", (_ids(seqs),))}

    # -- assignment and history ---------------------------------------------------------

    def assign(self, ids: Sequence[int], member: str | None) -> list[tuple[int, str | None]]:
        """Give the conversations of these items to a member (None: to nobody). Returns
        (conversation head id, previous assignee) for undo, as `TeamStore.assign`. On a
        replica the member must be one of the team's (as last heard from the server)."""
        with write_transaction(self.conn):
            row = self.conn.execute("SELECT members FROM team_link").fetchone()
            known = json.loads(row[0]) if row else []
            if member is not None and known and member not in known:
                raise StoreError(f"{member!r} is not a member of this team inbox")
            heads = [r[0] for r in self.conn.execute(
                "SELECT id FROM items WHERE is_head = 1 AND thread_id IN (SELECT thread_id FROM items "
                "WHERE id IN (SELECT value FROM json_each(:ids))) "
                "UNION SELECT id FROM items WHERE id IN (SELECT value FROM json_each(:ids)) AND thread_id IS NULL "
                "ORDER BY 1", {"ids": _ids(ids)})]
            before = [(r[0], r[1]) for r in self.conn.execute(
                "SELECT id, assigned_to FROM items WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
                (_ids(heads),))]
            self.conn.execute("UPDATE items SET assigned_to = ? WHERE id IN (SELECT value FROM json_each(?)) "
                              "AND assigned_to IS NOT ?", (member, _ids(heads), member))
        return before

    def assignees(self, ids: Sequence[int]) -> dict[int, str]:
        """Who each item's conversation is assigned to (items of unassigned ones left out):
        what the list's rows and the reading pane show."""
        return {r[0]: r[1] for r in self.conn.execute(
            "SELECT i.id, coalesce(i.assigned_to, h.assigned_to) FROM items i LEFT JOIN items h "
            "ON h.thread_id = i.thread_id AND h.is_head = 1 AND h.assigned_to IS NOT NULL "
            "WHERE i.id IN (SELECT value FROM json_each(?)) AND coalesce(i.assigned_to, h.assigned_to) IS NOT NULL",
            (_ids(ids),))}

    def conversation_history(self, thread_id: int) -> list[Change]:
        """What happened to a conversation, oldest first: the server's history as last
        caught up, then what was done here and is not sent yet (`pending`), a tag of the
        conversation renamed here among them (the server records it on each conversation)."""
        rows = self.conn.execute(
            f"SELECT {_HISTORY}, 0, kept FROM team_history WHERE thread_id = :t "
            "UNION ALL SELECT 0, q.at, l.member, q.item_id, q.thread_id, q.op, q.detail, 1, 1 "
            "FROM team_queue q JOIN team_link l WHERE q.thread_id = :t AND q.state = 'waiting' "
            "AND q.op NOT IN ('draft', 'cancel_reply') "
            "UNION ALL SELECT 0, q.at, l.member, NULL, :t, 'tag_renamed', "
            "json_array(q.detail, q.args ->> 'name'), 1, 1 FROM team_queue q JOIN team_link l "
            "WHERE q.state = 'waiting' AND q.op = 'tag_edit' AND q.args ->> 'name' IS NOT q.detail "
            "AND EXISTS (SELECT 1 FROM items i JOIN item_tags it ON it.item_id = i.id JOIN tags t "
            "ON t.id = it.tag_id WHERE i.thread_id = :t AND lower(t.name) = lower(q.args ->> 'name')) "
            "ORDER BY 8, 1, 2", {"t": thread_id}).fetchall()
        return [Change(r[0], r[1], r[2], r[3], r[4], r[5], r[6], bool(r[7]), bool(r[8])) for r in rows]

    # -- the queue ------------------------------------------------------------------------

    def queued_ops(self, limit: int = 500) -> list[QueuedOp]:
        """Operations made here and not sent yet, in the order they were made."""
        return [QueuedOp(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6] or "{}"), r[7]) for r in self.conn.execute(
            "SELECT id, at, op, item_id, thread_id, detail, args, seen FROM team_queue WHERE state = 'waiting' "
            "ORDER BY id LIMIT ?", (limit,))]

    def ops_sent(self, sent: Sequence[int], lost: Sequence[int] = ()) -> None:
        """The server has these operations: sent ones leave the queue; lost ones (a later
        change on the server holds) stay in it, set aside, so nothing typed is ever lost."""
        with write_transaction(self.conn):
            self.conn.execute("DELETE FROM team_queue WHERE id IN (SELECT value FROM json_each(?))", (_ids(sent),))
            self.conn.execute("UPDATE team_queue SET state = 'lost' WHERE id IN (SELECT value FROM json_each(?))",
                              (_ids(lost),))

    def lost_ops(self) -> list[QueuedOp]:
        """Operations made here that a later change on the server overruled (their text,
        for a draft, is kept here)."""
        return [QueuedOp(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6] or "{}"), r[7]) for r in self.conn.execute(
            "SELECT id, at, op, item_id, thread_id, detail, args, seen FROM team_queue WHERE state = 'lost' ORDER BY id")]

    # -- writing the server's rows ----------------------------------------------------------

    def apply_team_batch(self, batch: ReplicaBatch, *, last_seq: int | None = None,
                         copied_to: int | None = None) -> int:
        """Write rows of the server into the replica in one transaction, with how far it
        got (`last_seq`, `copied_to`): a catch-up killed midway resumes where the last
        batch ended, and a batch written twice changes nothing. What waits to be sent
        from here (an item's status, snooze, assignment, one of its tags, its draft) keeps
        this replica's value; every other field takes the server's. Returns the items written."""
        with write_transaction(self.conn):
            self.conn.execute("UPDATE team_link SET applying = 1")
            try:
                written = self._apply(batch)
                if last_seq is not None:
                    self.conn.execute("UPDATE team_link SET last_seq = max(last_seq, ?)", (last_seq,))
                if copied_to is not None:
                    self.conn.execute("UPDATE team_link SET copied_to = max(copied_to, ?)", (copied_to,))
            finally:
                self.conn.execute("UPDATE team_link SET applying = 0")
        return written

    def _apply(self, batch: ReplicaBatch) -> int:
        c = self.conn
        for s in batch.sources:
            c.execute("INSERT INTO sources (id, kind, name, whose, settings, enabled, created_at, last_synced_at, "
                      "last_error) VALUES (:id, :kind, :name, :whose, :settings, :enabled, :created_at, "
                      ":last_synced_at, :last_error) ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, "
                      "name = excluded.name, whose = excluded.whose, settings = excluded.settings, "
                      "enabled = excluded.enabled, last_synced_at = excluded.last_synced_at, "
                      "last_error = excluded.last_error", s)
        c.executemany("INSERT INTO authors (id, platform, external_id, handle, display_name, profile_url) "
                      "VALUES (:id, :platform, :external_id, :handle, :display_name, :profile_url) "
                      "ON CONFLICT (id) DO UPDATE SET handle = excluded.handle, display_name = excluded.display_name, "
                      "profile_url = excluded.profile_url WHERE (handle, display_name, profile_url) IS NOT "
                      "(excluded.handle, excluded.display_name, excluded.profile_url)", batch.authors)
        c.executemany("INSERT INTO threads (id, source_id, root_external_id, root_item_id, last_activity_at) "
                      "VALUES (:id, :source_id, :root_external_id, :root_item_id, :last_activity_at) "
                      "ON CONFLICT (id) DO UPDATE SET root_item_id = excluded.root_item_id, "
                      "last_activity_at = excluded.last_activity_at WHERE (root_item_id, last_activity_at) IS NOT "
                      "(excluded.root_item_id, excluded.last_activity_at)", batch.threads)
        self.merge_team_tags(batch.tags)  # type: ignore[attr-defined] # by the server's id, else by name
        ids = [it["id"] for it in batch.items]
        # What waits to be sent for these items, field by field (a tag by its name): only
        # that is held back. The server's other changes are in the history after this
        # batch, so no later catch-up would bring them again if they were held back too.
        held: dict[int, set[str]] = {}
        held_tags: list[tuple[int, str]] = []
        for item_id, op, detail in c.execute(
                "SELECT DISTINCT item_id, op, detail FROM team_queue WHERE state = 'waiting' "
                "AND op IN ('status', 'snooze', 'assigned', 'tag', 'untag') "
                "AND item_id IN (SELECT value FROM json_each(?))", (_ids({*ids, *batch.item_tags}),)):
            if op in _HELD_BY:
                held.setdefault(item_id, set()).add(_HELD_BY[op])
            else:
                held_tags.append((item_id, detail))
        # what decides a conversation's head and activity, as this replica has it now
        before = {r[0]: r[1:] for r in c.execute(
            "SELECT id, thread_id, created_at, is_owner_reply, deleted_at, updated_at FROM items "
            "WHERE id IN (SELECT value FROM json_each(?))", (_ids(ids),))}
        new = [it for it in batch.items if it["id"] not in before]
        old = [it for it in batch.items if it["id"] in before]
        heads_moved: set[int] = set()
        active_moved: set[int] = set()
        for it in old:
            was = before[it["id"]]
            if (it["thread_id"], it["created_at"], int(bool(it["is_owner_reply"])), it["deleted_at"]) != was[:4]:
                heads_moved.update(t for t in (was[0], it["thread_id"]) if t is not None)
            elif it["updated_at"] != was[4] and it["thread_id"] is not None:
                active_moved.add(it["thread_id"])
        # Content and triage apart, each written only where it differs: a trigger "OF title"
        # (the search index) fires for any row whose update names the column.
        by_fields: dict[tuple[str, ...], list[dict]] = {_CONTENT: old}
        for it in old:
            fields = tuple(k for k in _TRIAGE if k not in held.get(it["id"], ()))
            if fields:
                by_fields.setdefault(fields, []).append(it)
        for cols, rows in by_fields.items():
            if rows:
                c.executemany(f"UPDATE items SET {', '.join(f'{k} = :{k}' for k in cols)} WHERE id = :id AND "
                              f"({', '.join(cols)}) IS NOT ({', '.join(':' + k for k in cols)})", rows)
        if new:
            new.sort(key=lambda it: it["id"])
            c.executemany(_INSERT_ITEM, new)
            page = _ids(it["id"] for it in new)
            c.execute(_INDEX_ITEMS, (page,))
            c.execute(insights_schema.ADD_PAGE_TO_DAYS, (page,))
            self._add_new_to_counts(page)  # type: ignore[attr-defined]
            self.refresh_heads({it["thread_id"] for it in new if it["thread_id"] is not None},  # type: ignore[attr-defined]
                               new_rows=True)
            c.execute(insights_schema.NEW_ROOTS_REPLY_TIME, (page,))
            c.execute(insights_schema.NEW_OWNER_REPLIES_REPLY_TIME, (page,))
        if heads_moved:
            self.refresh_heads(heads_moved)  # type: ignore[attr-defined]
        if active_moved:
            self.refresh_activity(active_moved)  # type: ignore[attr-defined]
        # a tag renamed here and not sent yet is still the old name on the server
        renamed = {tag_key(d): json.loads(a or "{}").get("name") or d for d, a in c.execute(
            "SELECT detail, args FROM team_queue WHERE state = 'waiting' AND op = 'tag_edit' ORDER BY id")}
        kept = {(i, tag_key(n)) for i, n in held_tags}
        tagged = [(item_id, renamed.get(tag_key(name), name)) for item_id, names in batch.item_tags.items()
                  for name in names]
        tagged = [(item_id, name) for item_id, name in tagged if (item_id, tag_key(name)) not in kept]
        if batch.item_tags:  # each item's tags become the server's set but those waiting: one statement each way
            wanted = json.dumps(tagged)
            c.execute("DELETE FROM item_tags WHERE item_id IN (SELECT value FROM json_each(:items)) AND "
                      "(item_id, lower((SELECT name FROM tags WHERE id = tag_id))) NOT IN "
                      "(SELECT value ->> 0, lower(value ->> 1) FROM json_each(:wanted) UNION ALL "
                      "SELECT value ->> 0, lower(value ->> 1) FROM json_each(:held))",
                      {"items": _ids(batch.item_tags), "wanted": wanted, "held": json.dumps(held_tags)})
            c.execute("INSERT OR IGNORE INTO item_tags (item_id, tag_id) SELECT w.value ->> 0, t.id "
                      "FROM json_each(?) w JOIN tags t ON t.name = w.value ->> 1", (wanted,))
        waiting_drafts = {r[0] for r in c.execute(
            "SELECT item_id FROM team_queue WHERE state = 'waiting' AND op = 'draft'")}
        for d in batch.drafts:
            if d["item_id"] in waiting_drafts:
                continue
            if d["text"] is None:
                c.execute("DELETE FROM drafts WHERE item_id = ?", (d["item_id"],))
            else:
                c.execute("INSERT INTO drafts (item_id, text, created_at, updated_at) VALUES "
                          "(:item_id, :text, :created_at, :updated_at) ON CONFLICT (item_id) DO UPDATE SET "
                          "text = excluded.text, updated_at = excluded.updated_at", d)
        if batch.all_drafts:  # a draft the server no longer has was sent or discarded there
            c.execute("DELETE FROM drafts WHERE item_id NOT IN (SELECT value FROM json_each(?)) "
                      "AND item_id NOT IN (SELECT value FROM json_each(?))",
                      (_ids(d["item_id"] for d in batch.drafts), _ids(waiting_drafts)))
        if batch.gone:  # erased on the server: the customer's identities go with their last item
            gone = _ids(batch.gone)
            authors = _ids(r[0] for r in c.execute("SELECT DISTINCT author_id FROM items WHERE id IN "
                                                   "(SELECT value FROM json_each(?)) AND author_id IS NOT NULL", (gone,)))
            c.execute("DELETE FROM items WHERE id IN (SELECT value FROM json_each(?))", (gone,))
            c.execute("UPDATE authors SET person_id = NULL WHERE person_id IN (SELECT value FROM json_each(:a)) "
                      "AND person_id NOT IN (SELECT author_id FROM items WHERE author_id IS NOT NULL)", {"a": authors})
            c.execute("DELETE FROM authors WHERE id IN (SELECT value FROM json_each(?)) "
                      "AND NOT EXISTS (SELECT 1 FROM items WHERE author_id = authors.id)", (authors,))
        c.executemany(f"INSERT OR IGNORE INTO team_history ({_HISTORY}, kept) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                      [(ch.seq, ch.at, ch.who, ch.item_id, ch.thread_id, ch.what, ch.detail, int(ch.kept))
                       for ch in batch.changes])
        return len(batch.items)

