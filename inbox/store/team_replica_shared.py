"""What a team inbox's replica shares besides items' triage (issue 20): tag renames, colours
and deletions, the team's settings, saved searches and saved replies are queued when made
here (migration M020, triggers as M017's) and taken from the server's complete sets on each
catch-up; the member's read state as changed on another of their laptops arrives by its own
sequence (`team_link.reads_seq`).

Why tags keep the server's id (`tags.team_id`): a tag travels by name, but a rename on the
server is only seen as one if the replica knows which of its tags it was; without it the
renamed tag would look new and the old one deleted, taking its items' tags with it."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from inbox.domain.team import SHARED_OPS, TEAM_SETTINGS, ReplicaBatch, tag_key
from inbox.store.connection import write_transaction

_NOW = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
_LINKED = "EXISTS (SELECT 1 FROM team_link WHERE applying = 0)"
_SEEN = "(SELECT last_seq FROM team_link)"
_TEAM_KEYS = ", ".join(f"'{k}'" for k in TEAM_SETTINGS)


def _queue(op: str, detail: str, args: str) -> str:
    return (f"INSERT INTO team_queue (at, seen, op, detail, args) "
            f"VALUES ({_NOW}, {_SEEN}, '{op}', {detail}, {args});")


def _latest_only(op: str, detail: str) -> str:
    """Only the latest value of a setting or saved search waits to be sent."""
    return f"DELETE FROM team_queue WHERE op = '{op}' AND state = 'waiting' AND detail = {detail} COLLATE NOCASE;"


_NOT_ABOUT_ONE_ITEM = ", ".join(f"'{op}'" for op in SHARED_OPS)
_ERASE_ARGS = ("json_object('erasure', new.id, 'counts', new.counts, "
               "'items', (SELECT json_group_array(id) FROM team_erasing WHERE kind = 'item'), "
               "'authors', (SELECT json_group_array(id) FROM team_erasing WHERE kind = 'author'), "
               "'digests', json_array())")

# Migration M020 (local): statements run one by one (a function migration).
COLUMNS = {"team_link": "reads_seq INTEGER NOT NULL DEFAULT 0", "tags": "team_id INTEGER"}
SCHEMA = [
    # A new tag reaches the server with its first item (M017's trigger, now with the tag's
    # colour, so the server makes it the colour it has here).
    "DROP TRIGGER IF EXISTS team_queue_tag",
    f"""CREATE TRIGGER team_queue_tag AFTER INSERT ON item_tags WHEN {_LINKED} BEGIN
        INSERT INTO team_queue (at, seen, op, item_id, thread_id, detail, args) VALUES ({_NOW}, {_SEEN}, 'tag',
            new.item_id, (SELECT thread_id FROM items WHERE id = new.item_id),
            (SELECT name FROM tags WHERE id = new.tag_id),
            json_object('colour', (SELECT colour FROM tags WHERE id = new.tag_id)));
    END""",
    # A tag renamed or recoloured: `detail` is the name the server knows it by.
    f"""CREATE TRIGGER IF NOT EXISTS team_queue_tag_edit AFTER UPDATE OF name, colour ON tags
    WHEN (old.name IS NOT new.name OR old.colour IS NOT new.colour) AND {_LINKED} BEGIN
        {_queue('tag_edit', 'old.name', "json_object('name', new.name, 'colour', new.colour)")}
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS team_queue_tag_gone AFTER DELETE ON tags WHEN {_LINKED} BEGIN
        {_queue('tag_delete', 'old.name', "'{}'")}
    END""",
    # A tag's deletion takes its items' tags with it: the server's deletion does too, so
    # those are not queued one by one (M017's trigger, with that condition added).
    "DROP TRIGGER IF EXISTS team_queue_untag",
    f"""CREATE TRIGGER team_queue_untag AFTER DELETE ON item_tags
    WHEN {_LINKED} AND EXISTS (SELECT 1 FROM tags WHERE id = old.tag_id) BEGIN
        INSERT INTO team_queue (at, seen, op, item_id, thread_id, detail) VALUES ({_NOW}, {_SEEN}, 'untag',
            old.item_id, (SELECT thread_id FROM items WHERE id = old.item_id),
            (SELECT name FROM tags WHERE id = old.tag_id));
    END""",
    *[f"""CREATE TRIGGER IF NOT EXISTS team_queue_setting_{event.lower()} AFTER {event} ON settings
    WHEN {row}.key IN ({_TEAM_KEYS}) AND {_LINKED} BEGIN
        {_latest_only('setting', f'{row}.key')}
        {_queue('setting', f'{row}.key', value)}
    END""" for event, row, value in (("INSERT", "new", "json_object('value', new.value)"),
                                     ("UPDATE", "new", "json_object('value', new.value)"),
                                     ("DELETE", "old", "json_object('value', NULL)"))],
    *[f"""CREATE TRIGGER IF NOT EXISTS team_queue_view_{event.lower()} AFTER {event} ON saved_views
    WHEN {_LINKED} BEGIN
        {_latest_only('view', f'{row}.name')}
        {_queue('view', f'{row}.name', value)}
    END""" for event, row, value in (("INSERT", "new", "json_object('filter', new.filter)"),
                                     ("UPDATE", "new", "json_object('filter', new.filter)"),
                                     ("DELETE", "old", "json_object('filter', NULL)"))],
    # Erasing a customer here (`ErasuresMixin.erase_customer`: their items, then their
    # identities, then the erasure's record and its digests, in one transaction) is queued
    # as one operation for the server to apply, with the server's ids of what went and the
    # digests that keep them out. The ids wait in `team_erasing` until the record is
    # written. A source's removal deletes its items after the source row: not an erasure.
    """CREATE TABLE IF NOT EXISTS team_erasing (kind TEXT NOT NULL, id INTEGER NOT NULL)""",
    f"""CREATE TRIGGER IF NOT EXISTS team_erasing_item AFTER DELETE ON items
    WHEN {_LINKED} AND EXISTS (SELECT 1 FROM sources WHERE id = old.source_id) BEGIN
        INSERT INTO team_erasing (kind, id) VALUES ('item', old.id);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS team_erasing_author AFTER DELETE ON authors WHEN {_LINKED} BEGIN
        INSERT INTO team_erasing (kind, id) VALUES ('author', old.id);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS team_queue_erasure AFTER INSERT ON erasures WHEN {_LINKED} BEGIN
        DELETE FROM team_queue WHERE state = 'waiting' AND op NOT IN ({_NOT_ABOUT_ONE_ITEM})
            AND item_id IN (SELECT id FROM team_erasing WHERE kind = 'item');  -- moot: they go
        {_queue('erase', 'new.erased_at', _ERASE_ARGS)}
        DELETE FROM team_erasing;
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS team_queue_erasure_digest AFTER INSERT ON erasure_digests WHEN {_LINKED} BEGIN
        UPDATE team_queue SET args = json_insert(args, '$.digests[#]', json_array(new.digest, new.kind, new.salt))
        WHERE op = 'erase' AND state = 'waiting' AND args ->> '$.erasure' = new.erasure_id;
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS team_queue_saved_reply_new AFTER INSERT ON saved_replies WHEN {_LINKED} BEGIN
        {_queue('saved_reply', 'new.name', "json_object('body', new.body)")}
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS team_queue_saved_reply_edit AFTER UPDATE OF name, body ON saved_replies
    WHEN {_LINKED} BEGIN
        {_queue('saved_reply', 'new.name', "json_object('body', new.body, 'old_name', old.name)")}
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS team_queue_saved_reply_gone AFTER DELETE ON saved_replies WHEN {_LINKED} BEGIN
        {_queue('saved_reply', 'old.name', "json_object('body', NULL)")}
    END""",
]


def migrate(conn: sqlite3.Connection) -> None:
    """M020: the columns and triggers above (silent in an ordinary inbox). Run again on a
    file that has them (a test rewinding the version), it changes nothing."""
    for table, column in COLUMNS.items():
        if column.split()[0] not in {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {column}")
    for statement in SCHEMA:
        conn.execute(statement)


class TeamReplicaSharedMixin:
    conn: sqlite3.Connection

    def team_reads_seq(self) -> int:
        """The newest of this member's read-state changes this replica has."""
        row = self.conn.execute("SELECT reads_seq FROM team_link").fetchone()
        return row[0] if row else 0

    def set_team_reads_seq(self, seq: int) -> None:
        with write_transaction(self.conn):
            self.conn.execute("UPDATE team_link SET reads_seq = max(reads_seq, ?)", (seq,))

    def apply_team_reads(self, reads: Sequence[tuple[int, str, int]]) -> int:
        """This member's read state as the server has it (changed on another of their
        laptops): an item done, a reply of the business, or one whose status waits to be
        sent from here keeps this replica's. Returns the items whose state changed."""
        if not reads:
            return 0
        c = self.conn
        with write_transaction(c):
            c.execute("UPDATE team_link SET applying = 1")
            try:
                changed = c.execute(
                    "UPDATE items SET status = r.value ->> 1 FROM json_each(?) r WHERE items.id = r.value ->> 0 "
                    "AND items.status IN ('read', 'unread') AND items.status <> r.value ->> 1 "
                    "AND items.is_owner_reply = 0 AND items.id NOT IN (SELECT item_id FROM team_queue "
                    "WHERE state = 'waiting' AND op = 'status' AND item_id IS NOT NULL)",
                    (json.dumps([[i, s] for i, s, _ in reads]),)).rowcount
                c.execute("UPDATE team_link SET reads_seq = max(reads_seq, ?)", (max(r[2] for r in reads),))
            finally:
                c.execute("UPDATE team_link SET applying = 0")
        return changed

    def apply_team_shared(self, batch: ReplicaBatch) -> int:
        """The server's tags, team settings, saved searches and saved replies (complete
        sets): the replica takes what differs; what waits to be sent from here keeps this
        replica's. Returns the rows changed."""
        c = self.conn
        with write_transaction(c):
            c.execute("UPDATE team_link SET applying = 1")
            try:
                before = c.total_changes
                self.merge_team_tags(batch.tags, complete=True)
                self._shared_rows(batch)
                self.merge_team_rules(batch.rules)  # type: ignore[attr-defined]  # team_replica_rules.py
                return c.total_changes - before
            finally:
                c.execute("UPDATE team_link SET applying = 0")

    def _waiting(self, op: str) -> list[tuple[str, dict]]:
        return [(r[0], json.loads(r[1] or "{}")) for r in self.conn.execute(
            "SELECT detail, args FROM team_queue WHERE state = 'waiting' AND op = ? ORDER BY id", (op,))]

    def merge_team_tags(self, tags: Sequence[dict], *, complete: bool = False) -> None:
        """Write the server's tags (inside the caller's transaction, triggers silent): a
        tag is matched by the server's id, else by name (A-Z without case); the server's
        spelling and colour win unless a rename or recolour made here waits to be sent.
        `complete`: the server's whole set, so a tag it no longer has was deleted there."""
        c = self.conn
        edits = self._waiting("tag_edit")
        renamed_here = {tag_key(a.get("name") or d) for d, a in edits}  # as this replica has them now
        left_here = {tag_key(d) for d, a in edits} | {tag_key(d) for d, _ in self._waiting("tag_delete")}
        left_here -= renamed_here
        made_here = {tag_key(d) for d, _ in self._waiting("tag")} | renamed_here
        for t in tags:
            key = tag_key(t["name"])
            if key in left_here:
                continue  # renamed or deleted here, not sent yet: the server still has the old one
            team_id = t.get("id")
            row = (c.execute("SELECT id, name, colour FROM tags WHERE team_id = ?", (team_id,)).fetchone()
                   if team_id is not None else None)
            same = c.execute("SELECT id, name, colour FROM tags WHERE name = ?", (t["name"],)).fetchone()
            if row is None:
                row = same
            elif same is not None and same[0] != row[0]:  # renamed there onto a name this replica has: one tag
                c.execute("INSERT OR IGNORE INTO item_tags (item_id, tag_id) SELECT item_id, ? FROM item_tags "
                          "WHERE tag_id = ?", (same[0], row[0]))
                c.execute("DELETE FROM tags WHERE id = ?", (row[0],))
                row = same
            if row is None:
                c.execute("INSERT INTO tags (name, colour, team_id) VALUES (?, ?, ?)", (t["name"], t["colour"], team_id))
            elif tag_key(row[1]) in renamed_here:
                c.execute("UPDATE tags SET team_id = ? WHERE id = ? AND team_id IS NOT ?", (team_id, row[0], team_id))
            else:
                c.execute("UPDATE tags SET name = ?, colour = ?, team_id = coalesce(?, team_id) WHERE id = ? "
                          "AND (name, colour, team_id) IS NOT (?, ?, coalesce(?, team_id))",
                          (t["name"], t["colour"], team_id, row[0], t["name"], t["colour"], team_id))
        if complete:
            on_server = json.dumps([t["id"] for t in tags if t.get("id") is not None])
            names = json.dumps([t["name"] for t in tags])
            gone = [(r[0], r[1]) for r in c.execute(
                "SELECT id, name FROM tags WHERE (team_id IS NOT NULL AND team_id NOT IN (SELECT value FROM json_each(?))) "
                "OR (team_id IS NULL AND name NOT IN (SELECT value FROM json_each(?)))", (on_server, names))]
            drop = [i for i, name in gone if tag_key(name) not in made_here]
            c.execute("DELETE FROM tags WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(drop),))

    def _shared_rows(self, batch: ReplicaBatch) -> None:
        c = self.conn
        waiting_settings = {d for d, _ in self._waiting("setting")}
        for key in TEAM_SETTINGS:
            if key in waiting_settings:
                continue
            value = batch.settings.get(key)
            if value is None:
                c.execute("DELETE FROM settings WHERE key = ?", (key,))
            else:
                c.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE "
                          "SET value = excluded.value WHERE value IS NOT excluded.value", (key, value))
        waiting_views = {tag_key(d) for d, _ in self._waiting("view")}
        server_views = [v for v in batch.saved_views if tag_key(v["name"]) not in waiting_views]
        c.execute("DELETE FROM saved_views WHERE name NOT IN (SELECT value FROM json_each(?)) "
                  "AND name NOT IN (SELECT value FROM json_each(?))",
                  (json.dumps([v["name"] for v in batch.saved_views]),
                   json.dumps([d for d, _ in self._waiting("view")])))
        c.executemany("INSERT INTO saved_views (name, filter, created_at) VALUES (:name, :filter, :created_at) "
                      "ON CONFLICT (name) DO UPDATE SET name = excluded.name, filter = excluded.filter "
                      "WHERE (name, filter) IS NOT (excluded.name, excluded.filter)", server_views)
        replies = self._waiting("saved_reply")
        held = {tag_key(d) for d, _ in replies} | {tag_key(a["old_name"]) for _, a in replies if a.get("old_name")}
        server_replies = [r for r in batch.saved_replies if tag_key(r["name"]) not in held]
        c.execute("DELETE FROM saved_replies WHERE name NOT IN (SELECT value FROM json_each(?)) "
                  "AND name NOT IN (SELECT value FROM json_each(?))",
                  (json.dumps([r["name"] for r in batch.saved_replies]), json.dumps(sorted(
                      {d for d, _ in replies} | {a["old_name"] for _, a in replies if a.get("old_name")}))))
        c.executemany("INSERT INTO saved_replies (name, body, created_at, updated_at) "
                      "VALUES (:name, :body, :created_at, :updated_at) ON CONFLICT (name) DO UPDATE SET "
                      "name = excluded.name, body = excluded.body, updated_at = excluded.updated_at "
                      "WHERE (name, body) IS NOT (excluded.name, excluded.body)", server_replies)
