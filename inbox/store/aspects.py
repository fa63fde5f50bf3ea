"""Aspect data: each item's aspect mentions (with the clause they were said in), which items
are analysed, the owner's polarity corrections per mention and category moves and hides per
aspect. The services decide what to compute (`inbox.services.aspect_themes`); these only
read and write.

`items.aspects_version`: NULL = not analysed yet (a background pass picks those up, newest
first), > 0 = analysed as English by that version of the analysis, < 0 = not analysed because
the text is not English (its polarity stays the stars'). Editing an item's text or rating
clears both (trigger of migration 12). Corrections and choices survive re-analysis: they
are keyed by the aspect's term, not by the mention row.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from inbox.store.connection import write_transaction
from inbox.store.insights import _newest_sql

if TYPE_CHECKING:
    from inbox.store import Store

# The effective polarity of a mention `m`: the owner's correction wins.
EFFECTIVE_POLARITY = ("coalesce((SELECT c.polarity FROM aspect_corrections c WHERE c.item_id = m.item_id "
                      "AND c.term = m.term), m.polarity)")
PendingRow = tuple[int, str, str, int | None, str]   # id, title, text, rating, language
# (item id, position, term, surface, category, polarity, by stars, clause, term start, term end)
MentionRow = tuple[int, int, str, str, str, str, int, str, int, int]


def pending_items(store: Store, limit: int) -> list[PendingRow]:
    """The newest customers' items not analysed for aspects yet."""
    return [tuple(r) for r in store.conn.execute(  # type: ignore[misc]
        "SELECT id, coalesce(title, ''), coalesce(text, ''), rating, coalesce(language, '') FROM items "
        "WHERE aspects_version IS NULL AND is_owner_reply = 0 ORDER BY created_at DESC LIMIT ?", (limit,))]


def save_mentions(store: Store, versions: Sequence[tuple[int, int]], mentions: Sequence[MentionRow]) -> None:
    """Replace the mentions of the items in `versions` ([(item id, version)]) and mark them
    analysed: three statements whatever the number of items."""
    if not versions:
        return
    conn = store.conn
    ids = json.dumps([v[0] for v in versions])
    with write_transaction(conn):
        conn.execute("DELETE FROM aspect_mentions WHERE item_id IN (SELECT value FROM json_each(?))", (ids,))
        conn.execute("UPDATE items SET aspects_version = v.value ->> 1 FROM json_each(?) AS v "
                     "WHERE items.id = v.value ->> 0", (json.dumps(list(versions)),))
        conn.execute(
            "INSERT OR REPLACE INTO aspect_mentions (item_id, position, term, surface, category, polarity, "
            "by_stars, clause, term_start, term_end) SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, "
            "value ->> 4, value ->> 5, value ->> 6, value ->> 7, value ->> 8, value ->> 9 FROM json_each(?) "
            "WHERE value ->> 0 IN (SELECT id FROM items)", (json.dumps(list(mentions)),))


def item_aspects(store: Store, item_ids: Sequence[int]) -> dict[int, list[tuple[str, str]]]:
    """Each analysed item's aspects in the order said, [(term, polarity)], the owner's
    correction winning and hidden aspects left out (the export's column)."""
    found: dict[int, list[tuple[str, str]]] = {}
    for item_id, term, polarity in store.conn.execute(
            f"SELECT m.item_id, m.term, {EFFECTIVE_POLARITY} FROM aspect_mentions m "
            "WHERE m.item_id IN (SELECT value FROM json_each(?)) AND m.term NOT IN "
            "(SELECT term FROM aspect_choices WHERE hidden = 1) ORDER BY m.item_id, m.position",
            (json.dumps(sorted(set(item_ids))),)):
        found.setdefault(item_id, []).append((term, polarity))
    return found


def sample_mentions(store: Store, source_ids: Sequence[int], start: str, end: str,
                    sample: int) -> list[tuple[str, str, str, str]]:
    """(created_at, term, category, effective polarity) of the mentions in the newest
    `sample` analysed customers' items of these sources between `start` and `end`; the
    owner's category moves applied, hidden aspects left out."""
    sql, args = _newest_sql(source_ids, start, end, "i.aspects_version > 0", (), sample)
    return [tuple(r) for r in store.conn.execute(  # type: ignore[misc]
        f"SELECT s.t, m.term, coalesce(ch.category, m.category), {EFFECTIVE_POLARITY} "
        f"FROM ({sql}) s JOIN aspect_mentions m ON m.item_id = s.v "
        f"LEFT JOIN aspect_choices ch ON ch.term = m.term WHERE coalesce(ch.hidden, 0) = 0", args)]


def analysed_languages(store: Store, source_ids: Sequence[int], start: str, end: str,
                       sample: int) -> list[tuple[str, int, int]]:
    """(language as stored or '', items analysed as English, items not analysed) over the
    newest `sample` customers' items of these sources between `start` and `end`."""
    sql, args = _newest_sql(source_ids, start, end, "1", (), sample)
    return [tuple(r) for r in store.conn.execute(  # type: ignore[misc]
        f"SELECT coalesce(i.language, ''), sum(i.aspects_version > 0), sum(i.aspects_version < 0) "
        f"FROM ({sql}) s JOIN items i ON i.id = s.v WHERE i.aspects_version IS NOT NULL GROUP BY 1", args)]


def mentions(store: Store, source_ids: Sequence[int], start: str, end: str, *, term: str | None = None,
             category: str | None = None, polarity: str | None = None, limit: int = 200,
             scan: int = 20_000) -> list[dict[str, Any]]:
    """The newest mentions of an aspect (`term`) or a category among the newest `scan`
    analysed customers' items of these sources between `start` and `end`, for the owner to
    read and correct: item, time, rating, clause, where the aspect is in it, effective
    polarity and whether the owner corrected it. The items are walked newest first (an index
    walk that stops early), so a million items answer as fast as a thousand."""
    sql, args = _newest_sql(source_ids, start, end, "i.aspects_version > 0", (), scan)
    conditions, params = ["coalesce(ch.hidden, 0) = 0"], []
    if term is not None:
        conditions.append("m.term = ?")
        params.append(term)
    if category is not None:
        conditions.append("coalesce(ch.category, m.category) = ?")
        params.append(category)
    if polarity is not None:
        conditions.append(f"{EFFECTIVE_POLARITY} = ?")
        params.append(polarity)
    rows = store.conn.execute(
        f"SELECT m.item_id, s.t, i.rating, m.term, m.surface, coalesce(ch.category, m.category), "
        f"m.clause, m.term_start, m.term_end, {EFFECTIVE_POLARITY}, "
        f"EXISTS (SELECT 1 FROM aspect_corrections c WHERE c.item_id = m.item_id AND c.term = m.term), "
        f"m.by_stars FROM ({sql}) s CROSS JOIN aspect_mentions m ON m.item_id = s.v "
        f"JOIN items i ON i.id = s.v LEFT JOIN aspect_choices ch ON ch.term = m.term "
        f"WHERE {' AND '.join(conditions)} ORDER BY s.t DESC, m.position LIMIT ?", [*args, *params, limit])
    keys = ("item_id", "created_at", "rating", "term", "surface", "category", "clause", "term_start",
            "term_end", "polarity", "corrected", "by_stars")
    return [dict(zip(keys, r, strict=True)) for r in rows]


def set_correction(store: Store, item_id: int, term: str, polarity: str | None) -> str | None:
    """Set (None clears) the owner's polarity for an aspect in an item; the previous one."""
    with write_transaction(store.conn):
        row = store.conn.execute("SELECT polarity FROM aspect_corrections WHERE item_id = ? AND term = ?",
                                 (item_id, term)).fetchone()
        if polarity is None:
            store.conn.execute("DELETE FROM aspect_corrections WHERE item_id = ? AND term = ?", (item_id, term))
        else:
            store.conn.execute("INSERT OR REPLACE INTO aspect_corrections (item_id, term, polarity) "
                               "VALUES (?, ?, ?)", (item_id, term, polarity))
    return row[0] if row else None


def set_choice(store: Store, term: str, *, category: str | None = None, hidden: bool = False) -> None:
    """The owner's category for an aspect (None: the analysis's) and whether it is hidden."""
    with write_transaction(store.conn):
        if category is None and not hidden:
            store.conn.execute("DELETE FROM aspect_choices WHERE term = ?", (term,))
        else:
            store.conn.execute("INSERT OR REPLACE INTO aspect_choices (term, category, hidden) VALUES (?, ?, ?)",
                               (term, category, int(hidden)))


def choices(store: Store) -> dict[str, tuple[str | None, bool]]:
    """{term: (category or None, hidden)} of every aspect the owner moved or hid."""
    return {r[0]: (r[1], bool(r[2])) for r in store.conn.execute("SELECT term, category, hidden FROM aspect_choices")}
