"""The team store's triage and tags: done, read, snooze and tags, shared by every member
(the same operations and undo snapshots as the SQLite store's `TriageMixin`).

Why each change is one statement on the rows it names: two members triaging at once each
change their own rows; a row both touch ends as the later change left it, and a tag added
by one is never lost to the other's (item_tags rows are independent)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from inbox.domain import Status, Tag, format_time, utcnow
from inbox.store.errors import StoreError
from inbox.store.team.queries import MEMBER_STATUS
from inbox.store.triage import DEFAULT_TAG_COLOURS, TriageSnapshot, _check_colour


class TeamTriageMixin:
    def cursor(self) -> Any: ...  # TeamStore
    def transaction(self) -> Any: ...  # TeamStore

    def snapshot_triage(self, ids: Sequence[int]) -> TriageSnapshot:
        """Each item's status as this member sees it (read and unread are their own), and snooze."""
        with self.cursor() as cur:
            return [tuple(r) for r in cur.execute(
                f"SELECT i.id, {MEMBER_STATUS}, i.snoozed_until FROM items i WHERE i.id = ANY(%s) ORDER BY i.id",
                (list(ids),))]

    def restore_triage(self, snapshot: TriageSnapshot) -> None:
        with self.transaction(), self.cursor() as cur:
            for status in ("done", "read", "unread"):
                rows = sorted((i, u) for i, s, u in snapshot if s == status)
                if rows:
                    self._write_status(cur, [i for i, _ in rows], status)
            cur.executemany("UPDATE items SET snoozed_until = %s WHERE id = %s AND snoozed_until IS DISTINCT FROM %s",
                            [(u, i, u) for i, _s, u in sorted(snapshot)])

    def set_status(self, ids: Sequence[int], status: str) -> TriageSnapshot:
        """Mark items unread/read/done; done or unread ends a snooze. The previous state, for
        undo. Read and unread are this member's own (`member_reads`: what they see as read);
        the shared status follows too, as before, so the team's maintained counts, history
        and other apps' idea of done stay as they were (docs/team.md)."""
        status = Status(status).value
        with self.transaction(), self.cursor() as cur:
            ids = sorted(ids)
            before = [tuple(r) for r in cur.execute(  # locked, so the snapshot is what this changes
                f"SELECT i.id, {MEMBER_STATUS}, i.snoozed_until FROM items i WHERE i.id = ANY(%s) ORDER BY i.id "
                "FOR UPDATE OF i", (ids,))]
            self._write_status(cur, ids, status)
            if status != "read":
                cur.execute("UPDATE items SET snoozed_until = NULL WHERE id = ANY(%s) AND snoozed_until IS NOT NULL",
                            (ids,))
        return before

    @staticmethod
    def _write_status(cur: Any, ids: list[int], status: str) -> None:
        if status == "done":
            cur.execute("UPDATE items SET status = 'done' WHERE id = ANY(%s) AND status <> 'done'", (ids,))
            return
        cur.execute("INSERT INTO member_reads (member, item_id, status) SELECT session_user, id, %s FROM items "
                    "WHERE id = ANY(%s) AND NOT is_owner_reply ORDER BY id ON CONFLICT (member, item_id) "
                    "DO UPDATE SET status = excluded.status", (status, ids))
        cur.execute("UPDATE items SET status = %s WHERE id = ANY(%s) AND status <> %s", (status, ids, status))

    def snooze(self, ids: Sequence[int], until: datetime) -> TriageSnapshot:
        with self.transaction(), self.cursor() as cur:
            before = [tuple(r) for r in cur.execute(
                "SELECT id, status, snoozed_until FROM items WHERE id = ANY(%s) ORDER BY id FOR UPDATE",
                (list(ids),))]
            cur.execute("UPDATE items SET snoozed_until = %s, status = CASE WHEN status = 'done' THEN 'read' "
                        "ELSE status END WHERE id = ANY(%s)", (format_time(until), list(ids)))
            # a done item snoozed is read by whoever snoozed it, as the shared status says
            done = sorted(i for i, status, _ in before if status == "done")
            if done:
                self._write_status(cur, done, "read")
        return before

    def thread_ids_of(self, ids: Sequence[int]) -> set[int]:
        if not ids:
            return set()
        with self.cursor() as cur:
            return {r[0] for r in cur.execute("SELECT DISTINCT thread_id FROM items WHERE id = ANY(%s) "
                                              "AND thread_id IS NOT NULL", (list(ids),))}

    def conversation_item_ids(self, ids: Sequence[int]) -> list[int]:
        """Every message of the conversations the items belong to (the items included)."""
        if not ids:
            return []
        with self.cursor() as cur:
            return [r[0] for r in cur.execute(
                "SELECT unnest(%s::bigint[]) UNION SELECT i.id FROM items i WHERE i.thread_id IN "
                "(SELECT thread_id FROM items WHERE id = ANY(%s) AND thread_id IS NOT NULL) ORDER BY 1",
                (list(ids), list(ids)))]

    def wake_due(self, now: datetime | None = None) -> list[int]:
        """Snoozes that are due end: the items come back to the inbox as unread (this
        member's read marks of them go too)."""
        with self.transaction(), self.cursor() as cur:
            woken = sorted(r[0] for r in cur.execute(
                "UPDATE items SET snoozed_until = NULL, status = 'unread' WHERE snoozed_until IS NOT NULL "
                "AND snoozed_until <= %s RETURNING id", (format_time(now or utcnow()),)))
            if woken:
                cur.execute("DELETE FROM member_reads WHERE member = session_user AND item_id = ANY(%s)", (woken,))
            return woken

    # -- assignment ------------------------------------------------------------------

    def assign(self, ids: Sequence[int], member: str | None) -> list[tuple[int, str | None]]:
        """Give the conversations of these items to a member (their login role), or to no
        one (None). Returns (item id, previous assignee) for undo. Raises StoreError for a
        name that is not a member of this inbox."""
        with self.transaction(), self.cursor() as cur:
            if member is not None and cur.execute(
                    "SELECT 1 FROM pg_roles WHERE rolname = %s AND rolcanlogin AND (rolsuper OR "
                    "has_table_privilege(oid, 'public.items', 'UPDATE'))", (member,)).fetchone() is None:
                raise StoreError(f"{member!r} is not a member of this team inbox")
            heads = [r[0] for r in cur.execute(
                "SELECT id FROM items WHERE is_head AND thread_id IN (SELECT thread_id FROM items WHERE id = ANY(%s)) "
                "UNION SELECT id FROM items WHERE id = ANY(%s) AND thread_id IS NULL ORDER BY 1", (list(ids), list(ids)))]
            before = [tuple(r) for r in cur.execute(
                "SELECT id, assigned_to FROM items WHERE id = ANY(%s) ORDER BY id FOR UPDATE", (heads,))]
            cur.execute("UPDATE items SET assigned_to = %s WHERE id = ANY(%s) AND assigned_to IS DISTINCT FROM %s",
                        (member, heads, member))
        return before

    def assigned_to(self, member: str, *, limit: int = 100) -> list[int]:
        """The conversations (their heads' ids) given to a member, newest first: the Mine view."""
        with self.cursor() as cur:
            return [r[0] for r in cur.execute(
                "SELECT id FROM items WHERE assigned_to = %s AND deleted_at IS NULL ORDER BY created_at DESC, id DESC "
                "LIMIT %s", (member, limit))]

    def me(self) -> str:
        """Who this app is connected as (the member's login role)."""
        with self.cursor() as cur:
            return cur.execute("SELECT session_user").fetchone()[0]

    # -- tags ------------------------------------------------------------------------

    def ensure_tag(self, name: str, colour: str | None = None) -> Tag:
        """The tag with this name (case-insensitive), created with a colour of its own if new."""
        name = " ".join(name.split())
        if not name:
            raise StoreError("a tag needs a name")
        if len(name) > 60:
            raise StoreError("a tag name can be at most 60 characters")
        _check_colour(colour)
        with self.transaction(), self.cursor() as cur:
            n = cur.execute("SELECT count(*) FROM tags").fetchone()[0]
            cur.execute("INSERT INTO tags (name, colour) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                        (name, colour or DEFAULT_TAG_COLOURS[n % len(DEFAULT_TAG_COLOURS)]))
            row = cur.execute("SELECT id, name, colour FROM tags WHERE tag_key(name) = tag_key(%s)", (name,)).fetchone()
            if colour and colour != row[2]:
                cur.execute("UPDATE tags SET colour = %s WHERE id = %s", (colour, row[0]))
                row = (row[0], row[1], colour)
        return Tag(row[0], row[1], row[2])

    def rename_tag(self, tag_id: int, name: str, colour: str | None = None) -> None:
        _check_colour(colour)
        with self.cursor() as cur:
            cur.execute("UPDATE tags SET name = %s, colour = coalesce(%s, colour) WHERE id = %s",
                        (" ".join(name.split()), colour, tag_id))

    def delete_tag(self, tag_id: int) -> None:
        with self.cursor() as cur:
            cur.execute("DELETE FROM tags WHERE id = %s", (tag_id,))

    def tag_items(self, ids: Sequence[int], tag_name: str) -> list[int]:
        """Add a tag; returns the ids that did not have it (for undo)."""
        tag = self.ensure_tag(tag_name)
        with self.cursor() as cur:
            return sorted(r[0] for r in cur.execute(
                "INSERT INTO item_tags (item_id, tag_id) SELECT id, %s FROM items WHERE id = ANY(%s) ORDER BY id "
                "ON CONFLICT DO NOTHING RETURNING item_id", (tag.id, list(ids))))

    def untag_items(self, ids: Sequence[int], tag_name: str) -> list[int]:
        """Remove a tag; returns the ids that had it (for undo)."""
        with self.cursor() as cur:
            return sorted(r[0] for r in cur.execute(
                "DELETE FROM item_tags WHERE tag_id = (SELECT id FROM tags WHERE tag_key(name) = tag_key(%s)) "
                "AND item_id = ANY(%s) RETURNING item_id", (tag_name, list(ids))))
