"""Insights data: items' sentiment and phrases, the owner's corrections, and the aggregates
the dashboard reads (`insight_days`, reply times, phrase counts over recent items).

The services decide what to compute (scoring, themes, figures); these operations only read
and write it. Reads work on a read-only store (`Store.open_reader`), so the dashboard and
the slow half of scoring run on worker threads. Writes use the store's connection inside
the caller's transaction when there is one (an ingest page), else their own.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from inbox.store.connection import write_transaction

if TYPE_CHECKING:
    from inbox.store import Store

# The effective sentiment of an item row `i`: the owner's correction wins everywhere.
EFFECTIVE_SQL = "coalesce(i.sentiment_override, i.sentiment_label, 'unknown')"
# Set by migration 5 on a database that had items before sentiment existed: they are
# scored by a service step after opening (`inbox.services.sentiment.backfill_marked`).
BACKFILL_MARK = "insights.backfill_pending"
BATCH = 2000

AnalysisRow = tuple[int, str, str, int | None, str]  # id, title, text, rating, language


# -- sentiment and phrases ----------------------------------------------------------------

def _team(store: Any) -> bool:
    """A team inbox (inbox/store/team/analysis.py) keeps the same data on its server: the
    services' analysis pass is one, whichever the backend."""
    return getattr(store, "is_team", False)


def items_to_analyse(store: Store, ids: Sequence[int]) -> Iterator[AnalysisRow]:
    """(id, title, text, rating, language) of the customers' items among `ids` (owner
    replies carry no sentiment)."""
    if _team(store):
        yield from store.analysis_rows(ids)  # type: ignore[attr-defined]
        return
    for start in range(0, len(ids), BATCH):
        chunk = json.dumps([int(i) for i in ids[start:start + BATCH]])
        yield from store.conn.execute(
            "SELECT id, title, text, rating, language FROM items WHERE id IN "
            "(SELECT value FROM json_each(?)) AND is_owner_reply = 0", (chunk,))


def unanalysed_ids(store: Store, limit: int) -> list[int]:
    """The customers' items stored last without a sentiment yet (written before sentiment
    existed, or by a big sync that left it to the analysis pass), through the partial index
    `items_pending_analysis`."""
    if _team(store):
        return store.unanalysed_ids(limit)  # type: ignore[attr-defined]
    return [r[0] for r in store.conn.execute(
        "SELECT id FROM items WHERE sentiment_label IS NULL AND is_owner_reply = 0 "
        "ORDER BY id DESC LIMIT ?", (limit,))]


def pending_analysis_count(store: Store) -> int:
    """How many customers' items wait for their analysis (through the partial index
    `items_pending_analysis`, so it costs what is pending, not what is stored)."""
    if _team(store):
        return store.pending_analysis_count()  # type: ignore[attr-defined]
    return store.conn.execute(
        "SELECT count(*) FROM items WHERE sentiment_label IS NULL AND is_owner_reply = 0").fetchone()[0]


def write_pending_analyses(store: Store, scored: list[list[Any]], found: list[list[Any]]) -> int:
    """Like `write_analyses`, for the background pass: only the items still without an
    analysis are written (another pass, or a sync's update, may have done some meanwhile),
    so no item's analysis is ever stored twice. Returns how many were written."""
    if not scored:
        return 0
    if _team(store):
        return store.write_analyses(scored, found, pending_only=True)  # type: ignore[attr-defined]
    with write_transaction(store.conn):
        ids = json.dumps([s[0] for s in scored])
        still = {r[0] for r in store.conn.execute(
            "SELECT id FROM items WHERE id IN (SELECT value FROM json_each(?)) AND sentiment_label IS NULL",
            (ids,))}
        mine = [s for s in scored if s[0] in still]
        write_analyses(store, mine, [f for f in found if f[0] in still])
    return len(mine)


def write_analyses(store: Store, scored: list[list[Any]], found: list[list[Any]]) -> None:
    """Store scores ([id, score, label]...) and phrases ([id, phrase]...), replacing the
    items' earlier phrases: three statements whatever the number of items."""
    if not scored:
        return
    if _team(store):
        store.write_analyses(scored, found)  # type: ignore[attr-defined]
        return
    conn = store.conn
    ids = json.dumps([s[0] for s in scored])
    with write_transaction(conn):
        conn.execute("DELETE FROM item_phrases WHERE item_id IN (SELECT value FROM json_each(?))", (ids,))
        conn.execute(
            "UPDATE items SET sentiment = s.value ->> 1, sentiment_label = s.value ->> 2 "
            "FROM json_each(?) AS s WHERE items.id = s.value ->> 0", (json.dumps(scored),))
        conn.execute(
            "INSERT OR IGNORE INTO item_phrases (item_id, phrase) "
            "SELECT value ->> 0, value ->> 1 FROM json_each(?) WHERE value ->> 0 IN (SELECT id FROM items)",
            (json.dumps(found),))


def backfill_pending(store: Store) -> bool:
    """Whether migration 5 left items to score (see BACKFILL_MARK)."""
    if _team(store):
        return False  # a team inbox began after sentiment existed
    row = store.conn.execute("SELECT 1 FROM settings WHERE key = ?", (BACKFILL_MARK,)).fetchone()
    return row is not None


def clear_backfill_mark(store: Store) -> None:
    with write_transaction(store.conn):
        store.conn.execute("DELETE FROM settings WHERE key = ?", (BACKFILL_MARK,))


def set_sentiment_override(store: Store, ids: Sequence[int], label: str | None) -> list[tuple[int, str | None]]:
    """Set (or with None clear) the owner's correction; the previous values, for undo."""
    arg = json.dumps([int(i) for i in ids])
    with write_transaction(store.conn):
        before = [(r[0], r[1]) for r in store.conn.execute(
            "SELECT id, sentiment_override FROM items WHERE id IN (SELECT value FROM json_each(?))", (arg,))]
        store.conn.execute("UPDATE items SET sentiment_override = ? WHERE id IN "
                           "(SELECT value FROM json_each(?))", (label, arg))
    return before


def restore_sentiment_overrides(store: Store, before: Sequence[tuple[int, str | None]]) -> None:
    with write_transaction(store.conn):
        store.conn.executemany("UPDATE items SET sentiment_override = ? WHERE id = ?",
                               [(label, item_id) for item_id, label in before])


def item_sentiment(store: Store, item_id: int) -> tuple[str, str | None, float | None] | None:
    """(effective label, override, score) of one item; None if there is no such item."""
    row = store.conn.execute(
        f"SELECT {EFFECTIVE_SQL}, i.sentiment_override, i.sentiment FROM items i WHERE i.id = ?",
        (item_id,)).fetchone()
    return (row[0], row[1], row[2]) if row else None


# -- aggregates for the dashboard ---------------------------------------------------------

def day_figures(store: Store, source_ids: Sequence[int], since: str, until: str,
                bucket: str) -> list[tuple[int, str, int, str, int, int, int]]:
    """(source id, bucket key, rating or 0, label, starts a thread, items, answered) from
    the per-day aggregate, for days `since`..`until` ('YYYY-MM-DD'); `bucket` is "month"
    (key 'YYYY-MM') or "week" (key: the Monday)."""
    bucket_sql = "substr(day, 1, 7)" if bucket == "month" else "date(day, '-6 days', 'weekday 1')"
    return [tuple(r) for r in store.conn.execute(  # type: ignore[misc]
        f"SELECT source_id, {bucket_sql}, rating, label, root, sum(n), sum(answered) FROM insight_days "
        f"WHERE source_id IN (SELECT value FROM json_each(?)) AND day >= ? AND day <= ? AND n > 0 "
        f"GROUP BY 1, 2, 3, 4, 5", (json.dumps(sorted(int(s) for s in source_ids)), since, until))]


def _newest_sql(source_ids: Sequence[int], start: str, end: str, condition: str, args: tuple,
                sample: int, column: str = "i.id") -> tuple[str, list[Any]]:
    """SQL for (created_at, value) of the newest `sample` customers' items of these sources
    between `start` and `end` matching `condition`: one backwards index walk per source
    that stops early, merged by SQLite; far cheaper than sorting every match."""
    arms, params = [], []
    for sid in source_ids:
        arms.append(f"SELECT * FROM (SELECT i.created_at AS t, {column} AS v FROM items i "
                    f"WHERE i.source_id = ? AND i.is_owner_reply = 0 AND i.deleted_at IS NULL "
                    f"AND i.created_at >= ? AND i.created_at <= ? AND {condition} "
                    f"ORDER BY i.created_at DESC LIMIT ?)")
        params += [sid, start, end, *args, sample]
    if not arms:
        return "SELECT NULL AS t, NULL AS v WHERE 0", []
    return f"SELECT t, v FROM ({' UNION ALL '.join(arms)}) ORDER BY t DESC LIMIT ?", [*params, sample]


def reply_seconds(store: Store, source_ids: Sequence[int], start: str, end: str, sample: int) -> list[int]:
    """Seconds to the first owner reply of the newest `sample` answered conversations
    started between `start` and `end` (timestamps)."""
    # The unary + keeps the planner on a time-ordered index (this condition has no time range).
    sql, args = _newest_sql(source_ids, start, end,
                            "+i.parent_external_id IS NULL AND i.reply_seconds IS NOT NULL", (), sample,
                            "i.reply_seconds")
    return [r[0] for r in store.conn.execute(f"SELECT v FROM ({sql})", args)]


def phrase_counts(store: Store, source_ids: Sequence[int], label: str, start: str, end: str,
                  sample: int) -> tuple[dict[str, int], int]:
    """({phrase: items}, items considered) over the newest `sample` customers' items of
    these sources with this effective sentiment, between `start` and `end`."""
    conn = store.conn
    sql, args = _newest_sql(source_ids, start, end, f"{EFFECTIVE_SQL} = ?", (label,), sample)
    conn.execute("DROP TABLE IF EXISTS temp.theme_sample")
    conn.execute(f"CREATE TEMP TABLE theme_sample AS SELECT v AS id FROM ({sql})", args)
    total = conn.execute("SELECT count(*) FROM temp.theme_sample").fetchone()[0]
    counts = dict(conn.execute(
        "SELECT p.phrase, count(*) FROM temp.theme_sample s JOIN item_phrases p ON p.item_id = s.id "
        "GROUP BY p.phrase").fetchall())
    conn.execute("DROP TABLE temp.theme_sample")
    return counts, total
