"""The team inbox's maintained counts: the sidebar's figures read from a few dozen rows
instead of counting a million items (migration M006), as the local store's
`conversation_counts` (inbox/store/conversations.py) do.

Why deltas and not one row per (source, status, snoozed) updated in place: on a server
several members' apps write at once, and a counter row updated by each statement would be
locked by each transaction until it commits, so a long sync would hold up everyone's
triage, and two transactions taking two counter rows in opposite orders would deadlock.
Here each statement that changes what is counted *appends* its differences (statement
triggers with transition tables: one insert per statement, not per row); nothing is
updated, so nothing waits. The counts are the sums; `fold_counts` (run after each page
of ingest) replaces the rows by their sums, under a try-lock, so they stay few.

A deleted item's tags are gone (a foreign-key cascade) before a statement trigger can see
them, so a statement that deletes counted items counts the tags' conversations again
(deleting items is rare: a source removed)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from inbox.domain import View, format_time, utcnow
from inbox.domain.counts import tally
from inbox.store.team.members import grant_to_members

# A message that the list shows and the counts count (a conversation's head).
COUNTED = "{r}.is_head AND {r}.deleted_at IS NULL AND NOT {r}.is_owner_reply"
FOLD_LOCK = 0x46424958_0003  # advisory lock: one fold at a time (another app skips its own)

_O, _N, _I = COUNTED.format(r="o"), COUNTED.format(r="n"), COUNTED.format(r="i")
# The tags' counts made right after items were deleted: the difference between a recount
# and the sum so far, in one statement (one snapshot), so it needs no lock: a fold keeps the
# sum, and another app's uncommitted tags are in neither side.
_TAG_RECOUNT = f"""
    INSERT INTO tag_conversations (tag_id, n)
    SELECT t.id, coalesce(r.n, 0) - coalesce(c.n, 0) FROM tags t
    LEFT JOIN (SELECT it.tag_id, count(*) AS n FROM item_tags it JOIN items i ON i.id = it.item_id
               WHERE {_I} GROUP BY 1) r ON r.tag_id = t.id
    LEFT JOIN (SELECT tag_id, sum(n) AS n FROM tag_conversations GROUP BY 1) c ON c.tag_id = t.id
    WHERE coalesce(r.n, 0) <> coalesce(c.n, 0);"""

M006_COUNTS = f"""
CREATE TABLE conversation_counts (
    source_id BIGINT NOT NULL,
    status TEXT NOT NULL,
    snoozed BOOLEAN NOT NULL,
    n BIGINT NOT NULL
);
CREATE TABLE tag_conversations (
    tag_id BIGINT NOT NULL,
    n BIGINT NOT NULL
);
CREATE FUNCTION counts_items_new() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO conversation_counts (source_id, status, snoozed, n)
    SELECT n.source_id, n.status, n.snoozed_until IS NOT NULL, count(*) FROM new_rows n WHERE {_N} GROUP BY 1, 2, 3;
    RETURN NULL;
END $$;
CREATE TRIGGER counts_items_insert AFTER INSERT ON items REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION counts_items_new();
CREATE FUNCTION counts_items_changed() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO conversation_counts (source_id, status, snoozed, n)
    SELECT source_id, status, snoozed, sum(d) FROM (
        SELECT o.source_id, o.status, o.snoozed_until IS NOT NULL, -1 FROM old_rows o WHERE {_O}
        UNION ALL
        SELECT n.source_id, n.status, n.snoozed_until IS NOT NULL, 1 FROM new_rows n WHERE {_N}
    ) AS k(source_id, status, snoozed, d) GROUP BY 1, 2, 3 HAVING sum(d) <> 0;
    INSERT INTO tag_conversations (tag_id, n)
    SELECT it.tag_id, sum(CASE WHEN {_N} THEN 1 ELSE -1 END) FROM old_rows o JOIN new_rows n ON n.id = o.id
    JOIN item_tags it ON it.item_id = n.id WHERE ({_O}) <> ({_N}) GROUP BY 1;
    RETURN NULL;
END $$;
CREATE TRIGGER counts_items_update AFTER UPDATE ON items
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION counts_items_changed();
CREATE FUNCTION counts_items_gone() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO conversation_counts (source_id, status, snoozed, n)
    SELECT o.source_id, o.status, o.snoozed_until IS NOT NULL, -count(*) FROM old_rows o WHERE {_O} GROUP BY 1, 2, 3;
    IF EXISTS (SELECT 1 FROM old_rows o WHERE {_O}) THEN{_TAG_RECOUNT}
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER counts_items_delete AFTER DELETE ON items REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION counts_items_gone();
CREATE FUNCTION counts_tags_added() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO tag_conversations (tag_id, n)
    SELECT r.tag_id, count(*) FROM new_rows r JOIN items i ON i.id = r.item_id WHERE {_I} GROUP BY 1;
    RETURN NULL;
END $$;
CREATE TRIGGER counts_tags_insert AFTER INSERT ON item_tags REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION counts_tags_added();
CREATE FUNCTION counts_tags_removed() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO tag_conversations (tag_id, n)
    SELECT r.tag_id, -count(*) FROM old_rows r JOIN items i ON i.id = r.item_id WHERE {_I} GROUP BY 1;
    RETURN NULL;
END $$;
CREATE TRIGGER counts_tags_delete AFTER DELETE ON item_tags REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION counts_tags_removed();
-- The sums in place of the rows: few rows to read whatever the number of statements.
CREATE FUNCTION fold_counts() RETURNS void LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF pg_try_advisory_xact_lock({FOLD_LOCK}) THEN
        WITH d AS (DELETE FROM conversation_counts RETURNING *)
        INSERT INTO conversation_counts (source_id, status, snoozed, n)
        SELECT source_id, status, snoozed, sum(n) FROM d GROUP BY 1, 2, 3 HAVING sum(n) <> 0;
        WITH d AS (DELETE FROM tag_conversations RETURNING *)
        INSERT INTO tag_conversations (tag_id, n)
        SELECT tag_id, sum(n) FROM d WHERE tag_id IN (SELECT id FROM tags) GROUP BY 1 HAVING sum(n) <> 0;
    END IF;
END $$;
INSERT INTO conversation_counts (source_id, status, snoozed, n)
SELECT i.source_id, i.status, i.snoozed_until IS NOT NULL, count(*) FROM items i WHERE {_I} GROUP BY 1, 2, 3;
INSERT INTO tag_conversations (tag_id, n)
SELECT it.tag_id, count(*) FROM item_tags it JOIN items i ON i.id = it.item_id WHERE {_I} GROUP BY 1;
-- The list's rows are counted from the counters now: the index that counted them goes.
DROP INDEX items_listed;
-- Members let in before this migration read the counters too (only the triggers write them).
""" + grant_to_members("conversation_counts, tag_conversations")


class TeamCountsMixin:
    def cursor(self) -> Any: ...  # TeamStore

    def fold_counts(self) -> None:
        """Replace the counters' rows by their sums (skipped while another app folds)."""
        with self.cursor() as cur:
            cur.execute("SELECT fold_counts()")
            if self._member_counts():
                cur.execute("SELECT fold_member_counts()")

    def _count_rows(self, cur: Any, now: str) -> list[tuple[int, str, bool, int]]:
        """(source id, status, snoozed now, conversations) from the counters. A snooze whose
        time has come but that has not been woken yet counts as not snoozed (those few are
        found on the snooze index). Those are never prepared: after psycopg's fifth run the
        server's generic plan for "due by a parameter" scanned the items (0.4 s, not 2 ms)."""
        rows = [tuple(r) for r in cur.execute(
            "SELECT source_id, status, snoozed, sum(n) FROM conversation_counts GROUP BY 1, 2, 3 HAVING sum(n) <> 0")]
        for source_id, status, n in cur.execute(
                "SELECT source_id, status, count(*) FROM items i WHERE snoozed_until IS NOT NULL "
                f"AND snoozed_until <= %s AND {_I} GROUP BY 1, 2", (now,), prepare=False).fetchall():
            rows += [(source_id, status, True, -n), (source_id, status, False, n)]
        if self._member_counts():  # read and unread are this member's own (M014)
            from inbox.store.team.member_counts import member_rows

            return member_rows(cur, rows, now)  # type: ignore[arg-type]
        return rows  # type: ignore[return-value]

    def _member_counts(self) -> bool:
        """Whether the server keeps each member's read counts (M014): an older schema's
        app may still be running while its owner upgrades."""
        from inbox.store.team.schema import M014_MEMBER_COUNTS, MIGRATIONS

        at = next(n for n, m in enumerate(MIGRATIONS) if m.startswith(M014_MEMBER_COUNTS))
        return self.schema_version > at  # type: ignore[attr-defined]

    def _tag_counts(self, cur: Any) -> dict[int, int]:
        return {tag_id: int(n) for tag_id, n in cur.execute(
            "SELECT t.id, coalesce((SELECT sum(c.n) FROM tag_conversations c WHERE c.tag_id = t.id), 0) FROM tags t")}

    def counts(self, now: str | None = None) -> dict[str, dict[Any, int]]:
        """Conversation counts per view, per source, per own/competitor and per tag (the
        sidebar's), read from the maintained counters."""
        now = now or format_time(utcnow())
        with self.cursor() as cur:
            rows = self._count_rows(cur, now)
            sources_whose = cur.execute("SELECT id, whose FROM sources").fetchall()
            tags = self._tag_counts(cur)
        return tally([(s, st, z, int(n)) for s, st, z, n in rows], sources_whose, tags)

    def count_view(self, view: str, source_ids: Sequence[int] = (), whose: str | None = None,
                   now: str | None = None) -> int:
        """Conversations in a view, perhaps of some sources or of own/competitor sources."""
        now = now or format_time(utcnow())
        with self.cursor() as cur:
            rows = self._count_rows(cur, now)
            sources_whose = cur.execute("SELECT id, whose FROM sources").fetchall()
        if source_ids:
            rows = [r for r in rows if r[0] in set(source_ids)]
        if whose:
            mine = {sid for sid, w in sources_whose if w == whose}
            rows = [r for r in rows if r[0] in mine]
        return tally([(s, st, z, int(n)) for s, st, z, n in rows], sources_whose, {})["views"][view]

    def count_tag(self, name: str) -> int:
        """Conversations with a tag (what the tag's list shows)."""
        with self.cursor() as cur:
            row = cur.execute("SELECT coalesce(sum(c.n), 0) FROM tags t JOIN tag_conversations c ON c.tag_id = t.id "
                              "WHERE tag_key(t.name) = tag_key(%s)", (name,)).fetchone()
        return int(row[0]) if row else 0

    def recounted(self, now: str | None = None) -> dict[str, dict[Any, int]]:
        """The same figures as `counts`, counted from the items (slow: tests and checks)."""
        now = now or format_time(utcnow())
        with self.cursor() as cur:
            from inbox.store.team.member_counts import RECOUNT_STATUS

            status = RECOUNT_STATUS if self._member_counts() else "status"
            rows = cur.execute(
                f"SELECT source_id, {status}, coalesce(snoozed_until > %s, FALSE), count(*) FROM items i "
                f"WHERE {_I} GROUP BY 1, 2, 3", (now,)).fetchall()
            sources_whose = cur.execute("SELECT id, whose FROM sources").fetchall()
            tags = dict(cur.execute(
                "SELECT t.id, (SELECT count(*) FROM item_tags it JOIN items i ON i.id = it.item_id "
                f"WHERE it.tag_id = t.id AND {_I}) FROM tags t").fetchall())
        return tally(rows, sources_whose, tags)


def plain_view(flt: Any) -> bool:
    """Whether a filter is a view, perhaps of some sources or own/competitor (counted from
    the counters), rather than anything narrower (counted from the items)."""
    from inbox.domain import InboxFilter

    return flt == InboxFilter(view=flt.view, source_ids=flt.source_ids, whose=flt.whose) and flt.view in View.ALL_VIEWS
