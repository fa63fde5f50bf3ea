"""What the team store gives a member's local replica, and takes back from it (issue 20):
the rows a replica writes (with this member's own read state), the changes it catches up
from, and the operations it made offline, applied in order with their conflicts.

Why "the later change wins" per kind of change and per item: a replica's operation
conflicts only with a change of the same thing (an item's done-state, its snooze, one tag,
the conversation's assignee, the draft) that someone else made on the server after the
replica last heard from it. The later of the two by the time it was made holds; the other
stays in the history (an overruled offline change is written there, marked not kept), so
nothing anyone did disappears without a trace."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from inbox.domain.team import SHARED_OPS, Change, OpOutcome, QueuedOp, ReplicaBatch
from inbox.store.errors import StoreError

_ITEM_SELECT = """
SELECT i.id, i.source_id, i.external_id, i.kind, i.url, i.author_id, i.rating, i.title, i.text, i.html,
       i.language, i.created_at, i.updated_at, i.is_owner_reply, i.parent_external_id, i.root_external_id,
       i.thread_id,
       CASE WHEN i.status = 'done' OR i.is_owner_reply THEN i.status ELSE coalesce(r.status, 'unread') END,
       i.snoozed_until, i.deleted_at, i.fetched_at, i.raw, i.sentiment_override, i.is_head, i.assigned_to
FROM items i LEFT JOIN member_reads r ON r.item_id = i.id AND r.member = session_user
"""
_ITEM_COLUMNS = ("id", "source_id", "external_id", "kind", "url", "author_id", "rating", "title", "text", "html",
                 "language", "created_at", "updated_at", "is_owner_reply", "parent_external_id",
                 "root_external_id", "thread_id", "status", "snoozed_until", "deleted_at", "fetched_at", "raw",
                 "sentiment_override", "is_head", "assigned_to")
_CHANGE_COLUMNS = "seq, at, who, item_id, thread_id, what, detail, kept"
# Which server changes an operation of each kind conflicts with.
_CONFLICTS_WITH = {"status": ("status",), "snooze": ("snooze",), "tag": ("tag", "untag"),
                   "untag": ("tag", "untag"), "assigned": ("assigned",)}


def _array(ids: Sequence[int] | set[int]) -> str:
    """A bigint[] as text: psycopg dumps a long Python list element by element, far slower."""
    return "{" + ",".join(str(int(i)) for i in ids) + "}"


def _dicts(cur: Any, columns: Sequence[str] | None = None) -> list[dict[str, Any]]:
    names = columns or [d.name for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


class TeamReplicaMixin:
    def cursor(self) -> Any: ...  # TeamStore
    def transaction(self) -> Any: ...  # TeamStore
    def read_snapshot(self) -> Any: ...  # TeamStore

    # -- what a replica reads ------------------------------------------------------------

    def replica_changes(self, after: int, limit: int = 5000) -> list[Change]:
        """Changes after `after`, oldest first, with whether each was kept."""
        with self.cursor() as cur:
            return [Change(*r[:7], kept=r[7]) for r in cur.execute(
                f"SELECT {_CHANGE_COLUMNS} FROM changes WHERE seq > %s ORDER BY seq LIMIT %s", (after, limit))]

    def replica_rows(self, item_ids: Sequence[int]) -> ReplicaBatch:
        """The rows a replica writes for these items (and what they need: sources,
        authors, threads, tags), read in one snapshot; items the server no longer has
        are in `gone`."""
        with self.read_snapshot(), self.cursor() as cur:
            # with their conversations' heads: a new message reopens its conversation for
            # each member (their read row goes) without changing the head's shared status
            wanted = _array(item_ids)
            heads = [r[0] for r in cur.execute(
                "SELECT DISTINCT h.id FROM items n JOIN items h ON h.thread_id = n.thread_id AND h.is_head "
                "WHERE n.id = ANY(%s::bigint[])", (wanted,))]
            cur.execute(f"{_ITEM_SELECT} WHERE i.id = ANY(%s::bigint[]) ORDER BY i.id",
                        (_array(set(item_ids) | set(heads)),))
            items = _dicts(cur, _ITEM_COLUMNS)
            return self._around(cur, items, gone=sorted(set(item_ids) - {it["id"] for it in items}))

    def replica_items_after(self, after_id: int, limit: int = 2000) -> ReplicaBatch:
        """The next items by id after `after_id` (a replica's first copy, page by page)."""
        with self.read_snapshot(), self.cursor() as cur:
            cur.execute(f"{_ITEM_SELECT} WHERE i.id > %s ORDER BY i.id LIMIT %s", (after_id, limit))
            return self._around(cur, _dicts(cur, _ITEM_COLUMNS), gone=[])

    def replica_drafts(self) -> ReplicaBatch:
        """Every draft (a handful): the replica then drops those the server no longer has."""
        with self.cursor() as cur:
            cur.execute("SELECT item_id, text, created_at, updated_at FROM drafts ORDER BY item_id")
            return ReplicaBatch(drafts=_dicts(cur), all_drafts=True)

    def count_all_items(self) -> int:
        with self.cursor() as cur:
            return cur.execute("SELECT count(*) FROM items").fetchone()[0]

    def _around(self, cur: Any, items: list[dict[str, Any]], gone: list[int]) -> ReplicaBatch:
        ids = [it["id"] for it in items]
        authors = sorted({it["author_id"] for it in items if it["author_id"] is not None})
        threads = sorted({it["thread_id"] for it in items if it["thread_id"] is not None})
        batch = ReplicaBatch(items=items, gone=gone, item_tags={i: [] for i in ids})
        cur.execute("SELECT id, kind, name, whose, settings::text AS settings, enabled, created_at, last_synced_at, "
                    "last_error FROM sources ORDER BY id")
        batch.sources = _dicts(cur)
        cur.execute("SELECT id, platform, external_id, handle, display_name, profile_url FROM authors "
                    "WHERE id = ANY(%s::bigint[]) ORDER BY id", (_array(authors),))
        batch.authors = _dicts(cur)
        cur.execute("SELECT id, source_id, root_external_id, root_item_id, last_activity_at FROM threads "
                    "WHERE id = ANY(%s::bigint[]) ORDER BY id", (_array(threads),))
        batch.threads = _dicts(cur)
        cur.execute("SELECT id, name, colour FROM tags ORDER BY id")
        batch.tags = _dicts(cur)
        for item_id, name in cur.execute("SELECT it.item_id, t.name FROM item_tags it JOIN tags t ON t.id = it.tag_id "
                                         "WHERE it.item_id = ANY(%s::bigint[])", (_array(ids),)):
            batch.item_tags[item_id].append(name)
        return batch

    # -- what a replica sends ----------------------------------------------------------------

    def apply_ops(self, ops: Sequence[QueuedOp]) -> list[OpOutcome]:
        """Apply a replica's operations in order, in one transaction (all or none: sent
        again after a failure, each is applied once in effect). Read and unread are the
        member's own; done, snooze, tags, assignment and drafts are shared."""
        outcomes: list[OpOutcome] = []
        with self.transaction(), self.cursor() as cur:
            me = cur.execute("SELECT session_user").fetchone()[0]
            for op in ops:
                outcomes.append(OpOutcome(op.id, self._apply_op(cur, me, op)))
        return outcomes

    def _later_elsewhere(self, cur: Any, me: str, op: QueuedOp) -> str | None:
        """When the newest conflicting change by someone else since the op was made
        happened (None: no conflict)."""
        kinds = _CONFLICTS_WITH.get(op.op)
        if not kinds or op.item_id is None:
            return None
        if op.op == "assigned":  # the conversation's, made through any of its messages
            where, args = "(item_id = %s OR thread_id = %s)", [op.item_id, op.thread_id]
        else:
            where, args = "item_id = %s", [op.item_id]
        if op.op in ("tag", "untag"):
            where += " AND tag_key(detail) = tag_key(%s)"
            args.append(op.detail)
        row = cur.execute(f"SELECT max(at) FROM changes WHERE {where} AND seq > %s AND what = ANY(%s) AND "
                          "who <> %s AND kept", (*args, op.seen, list(kinds), me)).fetchone()
        return row[0] if row else None

    @staticmethod
    def _already(cur: Any, op: QueuedOp) -> bool:
        """Whether the server's state is already what the operation would make it."""
        if op.op in ("tag", "untag"):
            has = cur.execute("SELECT EXISTS (SELECT 1 FROM item_tags it JOIN tags t ON t.id = it.tag_id "
                              "WHERE it.item_id = %s AND tag_key(t.name) = tag_key(%s))", (op.item_id, op.detail)).fetchone()[0]
            return has == (op.op == "tag")
        column = {"status": "status", "snooze": "snoozed_until", "assigned": "assigned_to"}.get(op.op)
        if column is None:
            return False
        if op.op == "assigned":  # on the conversation's head
            row = cur.execute("SELECT CASE WHEN i.thread_id IS NULL THEN i.assigned_to ELSE h.assigned_to END "
                              "FROM items i LEFT JOIN items h ON h.thread_id = i.thread_id AND h.is_head "
                              "WHERE i.id = %s", (op.item_id,)).fetchone()
        else:
            row = cur.execute(f"SELECT {column} FROM items WHERE id = %s", (op.item_id,)).fetchone()
        return row is not None and (row[0] or "") == op.detail

    def _apply_op(self, cur: Any, me: str, op: QueuedOp) -> str:
        if op.op in SHARED_OPS:  # tags, settings, saved searches and replies (store/team/offline.py)
            return self._apply_shared_op(cur, op)  # type: ignore[attr-defined]
        if op.item_id is None or cur.execute("SELECT 1 FROM items WHERE id = %s", (op.item_id,)).fetchone() is None:
            return "lost"  # the item is gone from the server (erased): nothing to apply it to
        if op.op == "draft":
            return self._apply_draft(cur, op)
        if op.op in ("reply", "cancel_reply"):
            return self._apply_reply(cur, op)
        if op.op == "status" and op.detail in ("read", "unread"):  # the member's own, always kept
            cur.execute("INSERT INTO member_reads (member, item_id, status) VALUES (session_user, %s, %s) "
                        "ON CONFLICT (member, item_id) DO UPDATE SET status = excluded.status",
                        (op.item_id, op.detail))
            shared = cur.execute("SELECT status FROM items WHERE id = %s", (op.item_id,)).fetchone()[0]
            if shared != "done":
                return "sent"  # nothing shared changes: no one else's done-state to overrule
        if self._already(cur, op):
            return "sent"  # the server says the same already: nothing to settle
        theirs = self._later_elsewhere(cur, me, op)
        if theirs is not None and theirs >= op.at:
            cur.execute("SELECT changes_overruled(%s, %s, %s, %s)", (op.item_id, op.op, op.detail, op.at))
            return "lost"
        if op.op == "status":
            cur.execute("UPDATE items SET status = %s WHERE id = %s AND status IS DISTINCT FROM %s",
                        (op.detail, op.item_id, op.detail))
        elif op.op == "snooze":
            cur.execute("UPDATE items SET snoozed_until = %s WHERE id = %s AND snoozed_until IS DISTINCT FROM %s",
                        (op.detail or None, op.item_id, op.detail or None))
        elif op.op == "tag":
            known = cur.execute("SELECT 1 FROM tags WHERE tag_key(name) = tag_key(%s)", (op.detail,)).fetchone()
            tag = self.ensure_tag(op.detail, None if known else op.args.get("colour"))  # type: ignore[attr-defined]
            cur.execute("INSERT INTO item_tags (item_id, tag_id) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                        (op.item_id, tag.id))
        elif op.op == "untag":
            cur.execute("DELETE FROM item_tags WHERE item_id = %s AND tag_id IN "
                        "(SELECT id FROM tags WHERE tag_key(name) = tag_key(%s))", (op.item_id, op.detail))
        elif op.op == "assigned":
            try:
                self.assign([op.item_id], op.detail or None)  # type: ignore[attr-defined]
            except StoreError:  # no longer a member: the conversation stays as it is
                cur.execute("SELECT changes_overruled(%s, %s, %s, %s)", (op.item_id, op.op, op.detail, op.at))
                return "lost"
        else:
            raise StoreError(f"unknown operation {op.op!r}")
        return "won" if theirs is not None else "sent"

    def _apply_draft(self, cur: Any, op: QueuedOp) -> str:
        """A draft typed offline: the later text wins; the earlier one, if it differs, is
        kept in the history (and on the replica), never dropped."""
        text = op.args.get("text")
        row = cur.execute("SELECT text, updated_at FROM drafts WHERE item_id = %s FOR UPDATE",
                          (op.item_id,)).fetchone()
        if row is not None and row[1] > op.at and row[0] != (text or ""):
            if text:
                cur.execute("SELECT changes_overruled(%s, 'draft', %s, %s)", (op.item_id, text, op.at))
            return "lost"
        if text:
            self.save_draft(op.item_id, text)  # type: ignore[attr-defined]
        else:
            cur.execute("DELETE FROM drafts WHERE item_id = %s", (op.item_id,))
        return "sent"

    def _apply_reply(self, cur: Any, op: QueuedOp) -> str:
        """A reply queued offline joins the team's outbox once (its idempotency key); taking
        it back works while no app has started posting it ("lost": it was already on its way)."""
        key = op.args["idempotency_key"]
        row = cur.execute("SELECT id FROM outbox WHERE idempotency_key = %s", (key,)).fetchone()
        if op.op == "cancel_reply":
            return "sent" if row is not None and self.cancel_outbox_entry(row[0]) else "lost"  # type: ignore[attr-defined]
        if row is None:
            self.queue_reply(op.item_id, op.args["source_id"], op.args["text"], idempotency_key=key,  # type: ignore[attr-defined]
                             not_before=op.args.get("not_before") or op.at, mark_done=bool(op.args.get("mark_done")),
                             created_at=op.args.get("created_at") or op.at)
        return "sent"
