"""Sentiment of customers' items, scored on ingest, and the owner's corrections.

English text is scored with VADER (its lexicon ships in the package); when the customer
also gave decisive stars (1-2 or 4-5) that VADER disagrees with, the stars set the label.
Other languages get the star rating when there is one, else "unknown" — never a guess. The owner's correction
(`sentiment_override`) wins everywhere: `EFFECTIVE_SQL` is the one expression filters,
exports and charts use. Scoring also records the item's recurring phrases
(`item_phrases`, for themes), because both need the same "is this English" decision.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING

from inbox.services.text_signals import is_english, phrases
from inbox.store.connection import write_transaction
from inbox.store.ingest import ROW_HOOKS

if TYPE_CHECKING:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from inbox.store import IngestResult, Store

LABELS = ("positive", "neutral", "negative", "unknown")
EFFECTIVE_SQL = "coalesce(i.sentiment_override, i.sentiment_label, 'unknown')"
POSITIVE_AT = 0.05  # VADER's documented thresholds on the compound score
BATCH = 2000
# The migration scores at most this many existing items (newest first, about a second); the
# rest are scored batch-wise in the background (inbox.ui.scoring) or by `inbox insights --rescore`.
MIGRATION_LIMIT = 5_000


@cache
def analyzer() -> SentimentIntensityAnalyzer:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@cache
def sentiment_words() -> frozenset[str]:
    """VADER's lexicon words: English evidence for short texts, and not themes by themselves."""
    return frozenset(w for w in analyzer().lexicon if w.isalpha())


def warm_up() -> None:
    """Load VADER's lexicon now (~0.1 s), not inside the first ingest on the event loop."""
    sentiment_words()


def label_for_score(score: float) -> str:
    return "positive" if score >= POSITIVE_AT else "negative" if score <= -POSITIVE_AT else "neutral"


def label_for_rating(rating: int) -> str:
    return "positive" if rating >= 4 else "negative" if rating <= 2 else "neutral"


def score(title: str, text: str, rating: int | None, language: str = "") -> tuple[float | None, str]:
    """(compound score or None, label) for one item."""
    value, label, _ = analyse((0, title, text, rating, language))
    return value, label


def analyse(row: sqlite3.Row | tuple) -> tuple[float | None, str, list[str]]:
    """(score, label, phrases) for an item row (id, title, text, rating, language).
    Phrases are recorded for English text only: the stop-words are English."""
    _, title, text, rating, language = row
    body = f"{title}. {text}" if title and text else (title or text)
    if body.strip() and is_english(body, language, sentiment_words()):
        compound = analyzer().polarity_scores(body)["compound"]
        label = label_for_score(compound)
        if rating in (1, 2, 4, 5) and label != label_for_rating(rating):
            # Decisive stars beat a lexicon that found nothing ("cold coffee and a long
            # wait" is neutral to VADER) or misread the text ("stale croissant, hope
            # someone reads this" at one star is not praise). The score stays VADER's.
            label = label_for_rating(rating)
        return compound, label, phrases(body, sentiment_words=sentiment_words())
    if rating in (1, 2, 3, 4, 5):
        return (rating - 3) / 2, label_for_rating(rating), []
    return None, "unknown", []


Scored = tuple[list[list], list[list]]  # ([id, score, label]...), ([id, phrase]...)


def analyse_items(conn: sqlite3.Connection, ids: Sequence[int]) -> Scored:
    """Scores and phrases for items (customers' items; owner replies are skipped). Reads
    only, so a worker thread can do the slow part on a reader connection."""
    scored: list[list] = []
    found: list[list] = []
    for start in range(0, len(ids), BATCH):
        chunk = json.dumps([int(i) for i in ids[start:start + BATCH]])
        for row in conn.execute(
                "SELECT id, title, text, rating, language FROM items WHERE id IN "
                "(SELECT value FROM json_each(?)) AND is_owner_reply = 0", (chunk,)):
            value, label, item_phrases = analyse(row)
            scored.append([row[0], value, label])
            found += [[row[0], p] for p in item_phrases]
    return scored, found


def write_scores(conn: sqlite3.Connection, scored: list[list], found: list[list]) -> None:
    """Store scores and phrases (three statements, whatever the number of items)."""
    if not scored:
        return
    ids = json.dumps([s[0] for s in scored])
    conn.execute("DELETE FROM item_phrases WHERE item_id IN (SELECT value FROM json_each(?))", (ids,))
    conn.execute(
        "UPDATE items SET sentiment = s.value ->> 1, sentiment_label = s.value ->> 2 "
        "FROM json_each(?) AS s WHERE items.id = s.value ->> 0", (json.dumps(scored),))
    conn.execute(
        "INSERT OR IGNORE INTO item_phrases (item_id, phrase) "
        "SELECT value ->> 0, value ->> 1 FROM json_each(?) WHERE value ->> 0 IN (SELECT id FROM items)",
        (json.dumps(found),))


def score_items(conn: sqlite3.Connection, ids: Sequence[int]) -> int:
    """Score items and record their phrases. Uses conn.execute only, so it runs inside a
    migration or an ingest transaction."""
    scored, found = analyse_items(conn, ids)
    write_scores(conn, scored, found)
    return len(scored)


Key = tuple[str, str, int | None, str]  # (title, text, rating, language) as stored
Analysis = tuple[float | None, str, list[str]]
_ahead = threading.local()  # analyses made ahead of the write, by content (see `ahead`)


def key(title: str | None, text: str | None, rating: int | None, language: str | None) -> Key:
    return title or "", text or "", rating if rating in (1, 2, 3, 4, 5) else None, language or ""


def analyse_many(keys: list[Key]) -> list[Analysis]:
    """For a helper process: the analyses of many items (title, text, rating, language)."""
    return [analyse((0, *k)) for k in keys]


@contextmanager
def ahead(analyses: dict[Key, Analysis]) -> Iterator[None]:
    """Within this block, on this thread, new items use these analyses when their content
    matches (the sync scores big pages in a helper process before writing them)."""
    _ahead.analyses = analyses
    try:
        yield
    finally:
        _ahead.analyses = {}


def on_new_rows(rows: list[dict]) -> None:
    """Row hook: score new customers' items before they are inserted."""
    done: dict[Key, Analysis] = getattr(_ahead, "analyses", {})
    for row in rows:
        if not row["is_owner_reply"]:
            k = key(row["title"], row["text"], row["rating"], row["language"])
            row["sentiment"], row["sentiment_label"], row["phrases"] = done.get(k) or analyse((row["id"], *k))


def on_ingest(store: Store, source_id: int, result: IngestResult) -> None:
    """Ingest hook: score what this page changed (and added, when `on_new_rows` is not
    installed), inside its transaction."""
    ids = result.updated_ids if on_new_rows in ROW_HOOKS else result.new_ids + result.updated_ids
    if ids:
        score_items(store.conn, ids)


def unscored(conn: sqlite3.Connection, limit: int) -> list[int]:
    return [r[0] for r in conn.execute(
        "SELECT id FROM items WHERE sentiment_label IS NULL AND is_owner_reply = 0 "
        "ORDER BY created_at DESC LIMIT ?", (limit,))]


def backfill(store: Store, batch: int = BATCH) -> int:
    """Score one batch of not-yet-scored items (newest first); returns how many. Call
    repeatedly until it returns 0; each batch is its own short transaction."""
    with write_transaction(store.conn):
        return score_items(store.conn, unscored(store.conn, batch))


def prepare_backfill(reader: Store, batch: int = BATCH) -> Scored:
    """The slow half of a backfill batch, for a worker thread; `write_scores` the result
    on the writer (the UI does this so that scoring never blocks the window)."""
    return analyse_items(reader.conn, unscored(reader.conn, batch))


def finish_backfill(store: Store, prepared: Scored) -> int:
    with write_transaction(store.conn):
        write_scores(store.conn, *prepared)
    return len(prepared[0])


def set_override(store: Store, ids: Sequence[int], label: str | None) -> list[tuple[int, str | None]]:
    """The owner's correction (None clears it). Returns the previous overrides, for undo."""
    if label is not None and label not in LABELS:
        raise ValueError(f"sentiment must be one of {', '.join(LABELS)}")
    arg = json.dumps([int(i) for i in ids])
    with write_transaction(store.conn):
        before = [(r[0], r[1]) for r in store.conn.execute(
            "SELECT id, sentiment_override FROM items WHERE id IN (SELECT value FROM json_each(?))", (arg,))]
        store.conn.execute("UPDATE items SET sentiment_override = ? WHERE id IN "
                           "(SELECT value FROM json_each(?))", (label, arg))
    return before


def restore_overrides(store: Store, before: list[tuple[int, str | None]]) -> None:
    with write_transaction(store.conn):
        for item_id, label in before:
            store.conn.execute("UPDATE items SET sentiment_override = ? WHERE id = ?", (label, item_id))


def item_sentiment(store: Store, item_id: int) -> tuple[str, str | None, float | None]:
    """(effective label, override or None, score) of one item."""
    row = store.conn.execute(
        f"SELECT {EFFECTIVE_SQL}, i.sentiment_override, i.sentiment FROM items i WHERE i.id = ?",
        (item_id,)).fetchone()
    return (row[0], row[1], row[2]) if row else ("unknown", None, None)


def score_existing(conn: sqlite3.Connection) -> None:
    """Migration 4: score the newest MIGRATION_LIMIT items (`backfill` does the rest)."""
    score_items(conn, unscored(conn, MIGRATION_LIMIT))
