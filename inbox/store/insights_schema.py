"""Schema for insights (migration 4): the phrase table, the time to first owner reply on
each conversation-starting item, and `insight_days`, a per-day aggregate the dashboard
reads instead of the items.

Update and delete triggers keep the derived data right whoever changes items (sync, the
outbox, erasure, the owner's sentiment corrections). Items are inserted only by the store's
ingest, which adds a whole page with the statements at the end of this module: per-row
insert triggers cost more than the rows themselves (migration 6 dropped them). Each
function uses `conn.execute` only: it runs inside the migration's transaction.
"""

from __future__ import annotations

import sqlite3

DELAY = "CAST(round((julianday({reply}) - julianday(created_at)) * 86400) AS INTEGER)"
FIRST_REPLY = ("(SELECT min(r.created_at) FROM items r WHERE r.thread_id = items.thread_id "
               "AND r.is_owner_reply = 1 AND r.created_at >= items.created_at)")
# The aggregate's key and counts for an item row `{r}` (new or old).
COUNTED = "{r}.is_owner_reply = 0 AND {r}.deleted_at IS NULL"
KEY = ("{r}.source_id, substr({r}.created_at, 1, 10), coalesce({r}.rating, 0), "
       "coalesce({r}.sentiment_override, {r}.sentiment_label, 'unknown'), {r}.parent_external_id IS NULL")
WATCHED = ("source_id, created_at, rating, sentiment_label, sentiment_override, parent_external_id, "
           "reply_seconds, deleted_at, is_owner_reply")


ALL_REPLY_TIMES = (f"UPDATE items SET reply_seconds = {DELAY.format(reply=FIRST_REPLY)} "
                   "WHERE is_owner_reply = 0 AND parent_external_id IS NULL")
# The per-day figures of the items that pass `{where}` (an SQL condition ending in AND).
_DAYS = (f"SELECT {KEY.format(r='items')}, count(*), count(reply_seconds) FROM items "
         f"WHERE {{where}} {COUNTED.format(r='items')} GROUP BY 1, 2, 3, 4, 5")
ALL_DAYS = f"INSERT INTO insight_days {_DAYS.format(where='')}"


def rebuild(conn: sqlite3.Connection) -> None:
    """Reply times and the per-day figures recomputed from every item."""
    conn.execute(ALL_REPLY_TIMES)
    conn.execute("DELETE FROM insight_days")
    conn.execute(ALL_DAYS)


def _add(r: str) -> str:
    return (f"INSERT INTO insight_days (source_id, day, rating, label, root, n, answered) "
            f"SELECT {KEY.format(r=r)}, 1, {r}.reply_seconds IS NOT NULL WHERE {COUNTED.format(r=r)} "
            f"ON CONFLICT DO UPDATE SET n = n + 1, answered = answered + excluded.answered;")


def _remove(r: str) -> str:
    return (f"UPDATE insight_days SET n = n - 1, answered = answered - ({r}.reply_seconds IS NOT NULL) "
            f"WHERE {COUNTED.format(r=r)} AND (source_id, day, rating, label, root) = ({KEY.format(r=r)});")


def create(conn: sqlite3.Connection) -> None:
    conn.execute("""
        CREATE TABLE item_phrases (
            item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
            phrase TEXT NOT NULL,
            PRIMARY KEY (item_id, phrase)
        ) WITHOUT ROWID""")
    conn.execute("CREATE INDEX authors_by_person ON authors (person_id) WHERE person_id IS NOT NULL")

    # Seconds from a customer's item to the first owner reply in its thread.
    conn.execute("ALTER TABLE items ADD COLUMN reply_seconds INTEGER")
    conn.execute("CREATE INDEX items_owner_replies ON items (thread_id, created_at) WHERE is_owner_reply = 1")
    for name, event in (("insert", "INSERT"), ("rethread", "UPDATE OF thread_id, created_at")):
        conn.execute(f"""
            CREATE TRIGGER items_reply_time_{name} AFTER {event} ON items
            WHEN new.is_owner_reply = 1 AND new.thread_id IS NOT NULL BEGIN
                UPDATE items SET reply_seconds = {DELAY.format(reply="new.created_at")}
                WHERE thread_id = new.thread_id AND is_owner_reply = 0 AND parent_external_id IS NULL
                  AND created_at <= new.created_at
                  AND (reply_seconds IS NULL OR reply_seconds > {DELAY.format(reply="new.created_at")});
            END""")
    for name, event in (("root", "INSERT"), ("root_moved", "UPDATE OF created_at, thread_id, parent_external_id")):
        conn.execute(f"""
            CREATE TRIGGER items_reply_time_{name} AFTER {event} ON items
            WHEN new.is_owner_reply = 0 BEGIN
                UPDATE items SET reply_seconds = CASE WHEN parent_external_id IS NULL
                    THEN {DELAY.format(reply=FIRST_REPLY)} END WHERE id = new.id;
            END""")
    conn.execute(f"""
        CREATE TRIGGER items_reply_time_reply_gone AFTER DELETE ON items
        WHEN old.is_owner_reply = 1 AND old.thread_id IS NOT NULL BEGIN
            UPDATE items SET reply_seconds = {DELAY.format(reply=FIRST_REPLY)}
            WHERE thread_id = old.thread_id AND is_owner_reply = 0 AND parent_external_id IS NULL;
        END""")
    conn.execute(ALL_REPLY_TIMES)

    # Customers' items per source, day, rating, sentiment and whether they start a thread.
    conn.execute("""
        CREATE TABLE insight_days (
            source_id INTEGER NOT NULL,
            day TEXT NOT NULL,
            rating INTEGER NOT NULL,
            label TEXT NOT NULL,
            root INTEGER NOT NULL,
            n INTEGER NOT NULL,
            answered INTEGER NOT NULL,
            PRIMARY KEY (source_id, day, rating, label, root)
        ) WITHOUT ROWID""")
    conn.execute(ALL_DAYS)
    conn.execute(f"CREATE TRIGGER insight_days_insert AFTER INSERT ON items BEGIN {_add('new')} END")
    conn.execute(f"CREATE TRIGGER insight_days_delete AFTER DELETE ON items BEGIN {_remove('old')} END")
    conn.execute(f"CREATE TRIGGER insight_days_update AFTER UPDATE OF {WATCHED} ON items "
                 f"BEGIN {_remove('old')} {_add('new')} END")
    conn.execute("CREATE TRIGGER insight_days_source_gone AFTER DELETE ON sources BEGIN "
                 "DELETE FROM insight_days WHERE source_id = old.id; END")

    # Newest-first walks per source for the themes and reply-time samples.
    conn.execute("""
        CREATE INDEX items_insights ON items (
            source_id, created_at, sentiment_override, sentiment_label, parent_external_id, reply_seconds)
        WHERE is_owner_reply = 0 AND deleted_at IS NULL""")


# Ingest's statements for a page of new items; `?` is the JSON list of their ids.
PAGE = "(SELECT value FROM json_each(?))"
ADD_PAGE_TO_DAYS = (
    f"INSERT INTO insight_days (source_id, day, rating, label, root, n, answered) "
    f"{_DAYS.format(where=f'id IN {PAGE} AND')} "
    f"ON CONFLICT DO UPDATE SET n = n + excluded.n, answered = answered + excluded.answered")
_ROOT_REPLY_TIME = (f"UPDATE items SET reply_seconds = {DELAY.format(reply=FIRST_REPLY)} "
                    "WHERE is_owner_reply = 0 AND parent_external_id IS NULL AND {which} "
                    f"AND reply_seconds IS NOT {DELAY.format(reply=FIRST_REPLY)}")
# New items that start a thread the owner had already answered (replies can come first).
NEW_ROOTS_REPLY_TIME = _ROOT_REPLY_TIME.format(which=f"id IN {PAGE}")
# Every item starting a thread that one of the page's owner replies answers.
NEW_OWNER_REPLIES_REPLY_TIME = _ROOT_REPLY_TIME.format(
    which=f"thread_id IN (SELECT thread_id FROM items WHERE id IN {PAGE} AND is_owner_reply = 1)")
