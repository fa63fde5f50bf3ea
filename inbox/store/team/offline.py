"""What a replica sends and receives besides items' triage (issue 20, "Offline on every
laptop"): tag renames, colours and deletions, the team's settings, saved searches and saved
replies, and each member's read state as changed on another of their laptops.

Why whole small sets instead of a change log: tags, the team's settings and the saved
searches and replies are a few dozen rows; a catch-up reads them all and the replica takes
what differs (a deletion is a row no longer there). Read state is per member and large, so it
has a sequence of its own (`member_reads.seq`, M010): a laptop asks for its member's rows
changed since the last it saw. Both send a notice on `inbox_shared` (a member's name for
their read state, empty for the shared sets), so the other laptops catch up at once."""

from __future__ import annotations

import json
from typing import Any

from inbox.domain.team import TEAM_SETTINGS, QueuedOp, ReplicaBatch
from inbox.store.team.activity import REFRESH_ACTIVITY
from inbox.store.team.ingest import REFRESH_HEADS

# Team migration M010: tag names compare as the local inbox compares them (A-Z without
# case; the first spelling kept): no two tags that lower() folded together can fold
# together under the narrower rule, so the new index is built without losing a tag. Read
# state gets its per-member sequence, and the shared sets and read state their notices (row
# triggers: a statement that changes nothing, such as every app's first `database_id`, is
# not news; a transaction's identical notices arrive as one).
M010_OFFLINE = """
CREATE FUNCTION tag_key(name TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT translate(name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')
$$;
CREATE UNIQUE INDEX tags_by_key ON tags (tag_key(name));
DROP INDEX tags_by_name;
CREATE SEQUENCE member_reads_seq;
CREATE FUNCTION member_reads_next() RETURNS BIGINT LANGUAGE sql VOLATILE
SECURITY DEFINER SET search_path = public, pg_temp AS $$ SELECT nextval('member_reads_seq') $$;
ALTER TABLE member_reads ADD COLUMN seq BIGINT NOT NULL DEFAULT member_reads_next();
CREATE INDEX member_reads_by_seq ON member_reads (member, seq);
CREATE FUNCTION member_reads_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.seq := member_reads_next();
    RETURN NEW;
END $$;
CREATE TRIGGER member_reads_touch BEFORE UPDATE ON member_reads FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION member_reads_touch();
CREATE FUNCTION member_reads_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('inbox_shared', session_user);
    RETURN NULL;
END $$;
CREATE TRIGGER member_reads_notify AFTER INSERT ON member_reads
    FOR EACH ROW EXECUTE FUNCTION member_reads_notify();
CREATE TRIGGER member_reads_notify_change AFTER UPDATE ON member_reads FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION member_reads_notify();
-- a customer erased on a laptop: the other laptops learn which items went (nothing else)
CREATE FUNCTION changes_erased(p_items BIGINT[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO changes (item_id, thread_id, what) SELECT id, thread_id, 'erased' FROM items
    WHERE id = ANY(p_items) ORDER BY id;
    PERFORM changes_notify();
END $$;
CREATE FUNCTION shared_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('inbox_shared', '');
    RETURN NULL;
END $$;
CREATE TRIGGER tags_notify AFTER INSERT OR UPDATE OR DELETE ON tags
    FOR EACH ROW EXECUTE FUNCTION shared_notify();
CREATE TRIGGER settings_notify AFTER INSERT OR UPDATE OR DELETE ON settings
    FOR EACH ROW EXECUTE FUNCTION shared_notify();
CREATE TRIGGER saved_views_notify AFTER INSERT OR UPDATE OR DELETE ON saved_views
    FOR EACH ROW EXECUTE FUNCTION shared_notify();
CREATE TRIGGER saved_replies_notify AFTER INSERT OR UPDATE OR DELETE ON saved_replies
    FOR EACH ROW EXECUTE FUNCTION shared_notify();
"""


class TeamOfflineMixin:
    def cursor(self) -> Any: ...  # TeamStore
    def read_snapshot(self) -> Any: ...  # TeamStore

    # -- what a replica reads ------------------------------------------------------------

    def replica_shared(self) -> ReplicaBatch:
        """Every tag (with its id), the team's settings, saved searches, saved replies and rules."""
        with self.read_snapshot(), self.cursor() as cur:
            tags = [{"id": r[0], "name": r[1], "colour": r[2]}
                    for r in cur.execute("SELECT id, name, colour FROM tags ORDER BY id")]
            settings = dict(cur.execute("SELECT key, value FROM settings WHERE key = ANY(%s)",
                                        (list(TEAM_SETTINGS),)).fetchall())
            views = [{"name": r[0], "filter": r[1], "created_at": r[2]} for r in cur.execute(
                "SELECT name, filter, created_at FROM saved_views ORDER BY id")]
            replies = [{"name": r[0], "body": r[1], "created_at": r[2], "updated_at": r[3]} for r in cur.execute(
                "SELECT name, body, created_at, updated_at FROM saved_replies ORDER BY id")]
            rules = self.replica_rules()  # type: ignore[attr-defined]
        return ReplicaBatch(tags=tags, settings=settings, saved_views=views, saved_replies=replies, shared=True,
                            rules=rules)

    def reads_last_seq(self) -> int:
        """The newest change of this member's read state (a replica's first copy starts after it)."""
        with self.cursor() as cur:
            return cur.execute("SELECT coalesce(max(seq), 0) FROM member_reads WHERE member = session_user").fetchone()[0]

    def replica_reads_after(self, after: int, limit: int = 5000) -> list[tuple[int, str, int]]:
        """(item, read or unread, seq) of this member's read state changed after `after`."""
        with self.cursor() as cur:
            return [tuple(r) for r in cur.execute(
                "SELECT item_id, status, seq FROM member_reads WHERE member = session_user AND seq > %s "
                "ORDER BY seq LIMIT %s", (after, limit))]

    # -- what a replica sends ----------------------------------------------------------

    def _apply_shared_op(self, cur: Any, op: QueuedOp) -> str:
        """One operation on the team's shared sets. The later change holds: the server
        applies them in the order they arrive; a saved reply edited on the server after
        this laptop's edit keeps the server's text (this one stays here, set aside)."""
        if op.op == "tag_edit":
            return self._apply_tag_edit(cur, op)
        if op.op == "tag_delete":
            cur.execute("DELETE FROM tags WHERE tag_key(name) = tag_key(%s)", (op.detail,))
            return "sent"
        if op.op == "setting":
            if op.detail not in TEAM_SETTINGS:
                return "lost"
            value = op.args.get("value")
            if value is None:
                cur.execute("DELETE FROM settings WHERE key = %s", (op.detail,))
            else:
                cur.execute("INSERT INTO settings (key, value) VALUES (%s, %s) ON CONFLICT (key) DO UPDATE "
                            "SET value = excluded.value WHERE settings.value IS DISTINCT FROM excluded.value",
                            (op.detail, value))
            return "sent"
        if op.op == "view":
            data = op.args.get("filter")
            if data is None:
                cur.execute("DELETE FROM saved_views WHERE lower(name) = lower(%s)", (op.detail,))
            else:
                cur.execute("INSERT INTO saved_views (name, filter, created_at) VALUES (%s, %s, %s) "
                            "ON CONFLICT ((lower(name))) DO UPDATE SET filter = excluded.filter",
                            (op.detail, data if isinstance(data, str) else json.dumps(data), op.at))
            return "sent"
        if op.op == "saved_reply":
            return self._apply_saved_reply(cur, op)
        if op.op == "erase":
            return self._apply_erase(cur, op)
        if op.op == "rule":  # store/team/rules_shared.py
            return self._apply_rule(cur, op)  # type: ignore[attr-defined]
        return "lost"

    @staticmethod
    def _apply_erase(cur: Any, op: QueuedOp) -> str:
        """A customer erased on a laptop: their items (and the business's replies to them)
        as the laptop had them, with anything newer of theirs, their identities, and the
        erasure's digests, which keep them out of every later sync. Sent twice, the
        second finds nothing left and records nothing again."""
        authors = [int(a) for a in op.args.get("authors") or []]
        digests = [tuple(d) for d in op.args.get("digests") or []]
        ids = [r[0] for r in cur.execute("SELECT id FROM items WHERE id = ANY(%s) OR author_id = ANY(%s) ORDER BY id",
                                         ([int(i) for i in op.args.get("items") or []], authors))]
        threads = sorted({r[0] for r in cur.execute(
            "SELECT DISTINCT thread_id FROM items WHERE id = ANY(%s) AND thread_id IS NOT NULL", (ids,))})
        if ids:
            cur.execute("SELECT changes_erased(%s)", (ids,))
            cur.execute("DELETE FROM items WHERE id = ANY(%s)", (ids,))
        if threads:
            cur.execute("DELETE FROM threads t WHERE t.id = ANY(%s) AND NOT EXISTS "
                        "(SELECT 1 FROM items i WHERE i.thread_id = t.id)", (threads,))
            cur.execute("UPDATE threads t SET root_item_id = NULL WHERE t.id = ANY(%s) AND root_item_id IS NOT NULL "
                        "AND NOT EXISTS (SELECT 1 FROM items i WHERE i.id = t.root_item_id)", (threads,))
            cur.execute(REFRESH_HEADS, (threads,))
            cur.execute(REFRESH_ACTIVITY, (threads,))
        if authors:
            cur.execute("UPDATE authors SET person_id = NULL WHERE person_id = ANY(%s)", (authors,))
            cur.execute("DELETE FROM authors a WHERE a.id = ANY(%s) AND NOT EXISTS "
                        "(SELECT 1 FROM items i WHERE i.author_id = a.id)", (authors,))
        known = {r[0] for r in cur.execute("SELECT digest FROM erasure_digests WHERE digest = ANY(%s)",
                                           ([d[0] for d in digests],))}
        new = [d for d in digests if d[0] not in known]
        if new:
            erasure = cur.execute("INSERT INTO erasures (erased_at, counts) VALUES (%s, %s) RETURNING id",
                                  (op.detail or op.at, op.args.get("counts") or "{}")).fetchone()[0]
            cur.executemany("INSERT INTO erasure_digests (digest, kind, salt, erasure_id) VALUES (%s, %s, %s, %s) "
                            "ON CONFLICT DO NOTHING", [(*d[:3], erasure) for d in new])
        return "sent"

    @staticmethod
    def _apply_tag_edit(cur: Any, op: QueuedOp) -> str:
        """A tag renamed or recoloured here (`detail`: its name before; a tag made here
        without items has the same name before and after). Renamed onto another tag's
        name, the two become one."""
        name, colour = op.args.get("name") or op.detail, op.args.get("colour")
        row = cur.execute("SELECT id FROM tags WHERE tag_key(name) = tag_key(%s) FOR UPDATE", (op.detail,)).fetchone()
        other = cur.execute("SELECT id FROM tags WHERE tag_key(name) = tag_key(%s) FOR UPDATE", (name,)).fetchone()
        if row is None and other is None:
            cur.execute("INSERT INTO tags (name, colour) VALUES (%s, coalesce(%s, '#888888'))", (name, colour))
            return "sent"
        if row is not None and other is not None and other[0] != row[0]:
            cur.execute("INSERT INTO item_tags (item_id, tag_id) SELECT item_id, %s FROM item_tags WHERE tag_id = %s "
                        "ON CONFLICT DO NOTHING", (other[0], row[0]))
            cur.execute("DELETE FROM tags WHERE id = %s", (row[0],))
            row = other
        target = (row or other)[0]
        cur.execute("UPDATE tags SET name = %s, colour = coalesce(%s, colour) WHERE id = %s "
                    "AND (name, colour) IS DISTINCT FROM (%s, coalesce(%s, colour))",
                    (name, colour, target, name, colour))
        return "sent"

    @staticmethod
    def _apply_saved_reply(cur: Any, op: QueuedOp) -> str:
        body, before = op.args.get("body"), op.args.get("old_name") or op.detail
        row = cur.execute("SELECT id, body, updated_at FROM saved_replies WHERE lower(name) = lower(%s) FOR UPDATE",
                          (before,)).fetchone()
        if row is not None and row[2] > op.at and row[1] != (body or ""):
            return "lost"  # edited on the server after this laptop's change: the later holds
        if body is None:
            if row is not None:
                cur.execute("DELETE FROM saved_replies WHERE id = %s", (row[0],))
            return "sent"
        clash = cur.execute("SELECT id FROM saved_replies WHERE lower(name) = lower(%s) FOR UPDATE",
                            (op.detail,)).fetchone()
        if clash is not None and (row is None or clash[0] != row[0]):
            if row is not None:  # renamed onto another's name: the renamed one takes its place
                cur.execute("DELETE FROM saved_replies WHERE id = %s", (row[0],))
            row = clash
        if row is None:
            cur.execute("INSERT INTO saved_replies (name, body, created_at, updated_at) VALUES (%s, %s, %s, %s)",
                        (op.detail, body, op.at, op.at))
        else:
            cur.execute("UPDATE saved_replies SET name = %s, body = %s, updated_at = %s WHERE id = %s",
                        (op.detail, body, op.at, row[0]))
        return "sent"
