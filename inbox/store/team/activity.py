"""Conversations ordered by their latest activity (migration M007), as the local inbox
(local migration M016, inbox/store/conversations.py): a review with a new reply today
comes to the top at once.

A head's `active_at` is its conversation's latest message time (written or edited, deleted
messages left out) when that is later than its own `created_at`, else NULL (most reviews
are alone in their thread: nothing to write); conversation lists are ordered and keyset
paged by ACTIVE_AT on partial indexes of the heads."""

from __future__ import annotations

ACTIVE_AT = "coalesce({r}active_at, {r}created_at)"  # {r}: "i." in a query, "" in an index

# What a message of a thread holds, given the thread's latest activity `a.at`.
_ACTIVE = "CASE WHEN items.is_head AND a.at > items.created_at THEN a.at END"

# Some threads' activity made right (their ids as an array); only rows that change are written.
REFRESH_ACTIVITY = f"""
WITH a AS (
    SELECT t.tid, (SELECT max(coalesce(x.updated_at, x.created_at)) FROM items x
                   WHERE x.thread_id = t.tid AND x.deleted_at IS NULL) AS at
    FROM unnest(%s::bigint[]) AS t(tid))
UPDATE items SET active_at = {_ACTIVE} FROM a
WHERE items.thread_id = a.tid AND items.active_at IS DISTINCT FROM {_ACTIVE}
"""

# Every thread's (the migration, and rows written by other means: an import's COPY).
ALL_ACTIVITY = f"""
WITH a AS (
    SELECT thread_id AS tid, max(coalesce(updated_at, created_at)) AS at FROM items
    WHERE thread_id IS NOT NULL AND deleted_at IS NULL GROUP BY thread_id)
UPDATE items SET active_at = {_ACTIVE} FROM a
WHERE items.thread_id = a.tid AND items.active_at IS DISTINCT FROM {_ACTIVE}
"""

M007_ACTIVITY = f"""
ALTER TABLE items ADD COLUMN active_at TEXT COLLATE "C";
{ALL_ACTIVITY};
CREATE INDEX items_by_activity ON items (({ACTIVE_AT.format(r="")}) DESC, id DESC) WHERE is_head;
CREATE INDEX items_by_source_activity ON items (source_id, ({ACTIVE_AT.format(r="")}) DESC, id DESC) WHERE is_head;
"""
