"""Each member's Unread count, maintained by the server (team migration M014_MEMBER_COUNTS).

Why: read state is each member's own (`member_reads`, M008) while the maintained counts
(M006) follow the shared status, so a member's Unread figure could differ from the rows
they see. Counting a member's read rows at each refresh grows with what they have read
(a million at a million items); instead the server keeps, per member, how many counted
conversations they have read, by (source, shared status, snoozed), as differences appended
by statement triggers (as M006 does: nothing is updated in place, so nothing waits). A
member's Unread is then the Inbox's count less what they have read of it.

Two tables change what is counted here (items and member_reads), so a member's read mark
and another member's change of the same item could each miss the other's uncommitted row:
the read-state triggers lock the items they count `FOR SHARE` (in id order), so they wait
for a change of those items to commit and see it, and such a change waits for them."""

from __future__ import annotations

from typing import Any

from inbox.store.team.counts import COUNTED
from inbox.store.team.members import grant_to_members

FOLD_LOCK = 0x46424958_000E  # advisory lock: one fold of these at a time
FOLD_AT = 400  # rows of differences before a statement folds them into their sums

_O, _N, _I = COUNTED.format(r="o"), COUNTED.format(r="n"), COUNTED.format(r="i")


def _reads_changed(rows: str, sign: str) -> str:
    """The differences a statement on member_reads makes (its transition table `rows`)."""
    return f"""
    PERFORM 1 FROM items i WHERE i.id IN (SELECT r.item_id FROM {rows} r WHERE r.status = 'read')
        ORDER BY i.id FOR SHARE OF i;
    INSERT INTO member_read_counts (member, source_id, status, snoozed, n)
    SELECT r.member, i.source_id, i.status, i.snoozed_until IS NOT NULL, {sign}count(*) FROM {rows} r
    JOIN items i ON i.id = r.item_id WHERE r.status = 'read' AND {_I} GROUP BY 1, 2, 3, 4;"""


_FOLD_IF_MANY = f"""
    IF (SELECT count(*) FROM (SELECT 1 FROM member_read_counts LIMIT {FOLD_AT + 1}) AS k) > {FOLD_AT} THEN
        PERFORM fold_member_counts();
    END IF;"""

M014_MEMBER_COUNTS = f"""
CREATE TABLE IF NOT EXISTS member_read_counts (
    member TEXT NOT NULL,
    source_id BIGINT NOT NULL,
    status TEXT NOT NULL,
    snoozed BOOLEAN NOT NULL,
    n BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS member_read_counts_by_member ON member_read_counts (member);
ALTER TABLE member_read_counts ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS member_read_counts_own ON member_read_counts;
CREATE POLICY member_read_counts_own ON member_read_counts FOR SELECT USING (member = session_user);
CREATE OR REPLACE FUNCTION fold_member_counts() RETURNS void LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF pg_try_advisory_xact_lock({FOLD_LOCK}) THEN
        WITH d AS (DELETE FROM member_read_counts RETURNING *)
        INSERT INTO member_read_counts (member, source_id, status, snoozed, n)
        SELECT member, source_id, status, snoozed, sum(n) FROM d GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0;
    END IF;
END $$;
CREATE OR REPLACE FUNCTION member_counts_reads_new() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN{_reads_changed("new_rows", "")}{_FOLD_IF_MANY}
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS member_counts_reads_insert ON member_reads;
CREATE TRIGGER member_counts_reads_insert AFTER INSERT ON member_reads REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION member_counts_reads_new();
CREATE OR REPLACE FUNCTION member_counts_reads_gone() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN{_reads_changed("old_rows", "-")}
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS member_counts_reads_delete ON member_reads;
CREATE TRIGGER member_counts_reads_delete AFTER DELETE ON member_reads REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION member_counts_reads_gone();
CREATE OR REPLACE FUNCTION member_counts_reads_changed() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN{_reads_changed("old_rows", "-")}{_reads_changed("new_rows", "")}{_FOLD_IF_MANY}
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS member_counts_reads_update ON member_reads;
CREATE TRIGGER member_counts_reads_update AFTER UPDATE ON member_reads
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION member_counts_reads_changed();
-- An item that changes its place in the counts moves its readers' marks with it (only the
-- rows whose place changed are looked up in member_reads).
CREATE OR REPLACE FUNCTION member_counts_items_changed() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO member_read_counts (member, source_id, status, snoozed, n)
    SELECT r.member, k.source_id, k.status, k.snoozed, sum(k.d) FROM (
        SELECT o.id, o.source_id, o.status, o.snoozed_until IS NOT NULL, CASE WHEN {_O} THEN -1 ELSE 0 END
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE ({_O}, o.source_id, o.status, o.snoozed_until IS NOT NULL)
              IS DISTINCT FROM ({_N}, n.source_id, n.status, n.snoozed_until IS NOT NULL)
        UNION ALL
        SELECT n.id, n.source_id, n.status, n.snoozed_until IS NOT NULL, CASE WHEN {_N} THEN 1 ELSE 0 END
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE ({_O}, o.source_id, o.status, o.snoozed_until IS NOT NULL)
              IS DISTINCT FROM ({_N}, n.source_id, n.status, n.snoozed_until IS NOT NULL)
    ) AS k(id, source_id, status, snoozed, d) JOIN member_reads r ON r.item_id = k.id AND r.status = 'read'
    WHERE k.d <> 0 GROUP BY 1, 2, 3, 4 HAVING sum(k.d) <> 0;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS member_counts_items_update ON items;
CREATE TRIGGER member_counts_items_update AFTER UPDATE ON items
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION member_counts_items_changed();
-- Deleted items take their read marks with them by a foreign-key cascade, before a trigger
-- could see which item they counted in: the deleted items' sources are counted again, as a
-- difference (deleting items is rare: a source removed, a customer erased).
CREATE OR REPLACE FUNCTION member_counts_items_gone() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM old_rows o WHERE {_O}) THEN
        INSERT INTO member_read_counts (member, source_id, status, snoozed, n)
        SELECT member, source_id, status, snoozed, coalesce(r.n, 0) - coalesce(c.n, 0) FROM (
            SELECT m.member, i.source_id, i.status, i.snoozed_until IS NOT NULL AS snoozed, count(*) AS n
            FROM member_reads m JOIN items i ON i.id = m.item_id
            WHERE m.status = 'read' AND {_I} AND i.source_id IN (SELECT DISTINCT source_id FROM old_rows)
            GROUP BY 1, 2, 3, 4) r
        FULL JOIN (SELECT member, source_id, status, snoozed, sum(n) AS n FROM member_read_counts
                   WHERE source_id IN (SELECT DISTINCT source_id FROM old_rows) GROUP BY 1, 2, 3, 4) c
        USING (member, source_id, status, snoozed)
        WHERE coalesce(r.n, 0) <> coalesce(c.n, 0);
    END IF;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS member_counts_items_delete ON items;
CREATE TRIGGER member_counts_items_delete AFTER DELETE ON items REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION member_counts_items_gone();
-- counted afresh (so the migration is safe to run twice)
DELETE FROM member_read_counts;
INSERT INTO member_read_counts (member, source_id, status, snoozed, n)
SELECT m.member, i.source_id, i.status, i.snoozed_until IS NOT NULL, count(*) FROM member_reads m
JOIN items i ON i.id = m.item_id WHERE m.status = 'read' AND {_I} GROUP BY 1, 2, 3, 4;
-- Members let in before this migration read their own rows too (only the triggers write).
""" + grant_to_members("member_read_counts")


def member_rows(cur: Any, shared: list[tuple[int, str, bool, int]], now: str) -> list[tuple[int, str, bool, int]]:
    """The shared counters' rows (source, status, snoozed now, n) as this member sees them:
    each not-done group split into what they have read ("read") and the rest ("unread"),
    from their maintained read counts; a snooze that is due but not woken yet counts as
    not snoozed, as in `TeamCountsMixin._count_rows`."""
    read: dict[tuple[int, str, bool], int] = {}
    for source_id, status, snoozed, n in cur.execute(
            "SELECT source_id, status, snoozed, sum(n) FROM member_read_counts WHERE member = session_user "
            "GROUP BY 1, 2, 3 HAVING sum(n) <> 0"):
        read[(source_id, status, snoozed)] = int(n)
    for source_id, status, n in cur.execute(
            "SELECT i.source_id, i.status, count(*) FROM items i WHERE i.snoozed_until IS NOT NULL "
            f"AND i.snoozed_until <= %s AND {_I} AND EXISTS (SELECT 1 FROM member_reads m WHERE "
            "m.member = session_user AND m.item_id = i.id AND m.status = 'read') GROUP BY 1, 2", (now,), prepare=False).fetchall():
        read[(source_id, status, True)] = read.get((source_id, status, True), 0) - n
        read[(source_id, status, False)] = read.get((source_id, status, False), 0) + n
    rows: list[tuple[int, str, bool, int]] = []
    for source_id, status, snoozed, n in shared:
        if status == "done":
            rows.append((source_id, status, snoozed, n))
            continue
        mine = read.pop((source_id, status, snoozed), 0)
        rows += [(source_id, "read", snoozed, mine), (source_id, "unread", snoozed, n - mine)]
    return rows


# What the member sees as an item's status in a recount (the list's rule, queries.MEMBER_STATUS).
RECOUNT_STATUS = ("CASE WHEN i.status = 'done' THEN 'done' WHEN EXISTS (SELECT 1 FROM member_reads m "
                  "WHERE m.member = session_user AND m.item_id = i.id AND m.status = 'read') THEN 'read' "
                  "ELSE 'unread' END")
