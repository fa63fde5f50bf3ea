"""Sentiment of customers' items, scored on ingest, and the owner's corrections.

English text is scored with VADER (its lexicon ships in the package); when the customer
also gave decisive stars (1-2 or 4-5) that VADER disagrees with, the stars set the label.
Other languages get the star rating when there is one, else "unknown" — never a guess. The owner's correction
(`sentiment_override`) wins everywhere: the store's `insights.EFFECTIVE_SQL` is the one
expression filters, exports and charts use. Scoring also records the item's recurring phrases
(`item_phrases`, for themes), because both need the same "is this English" decision.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from inbox.services.text_signals import is_english, phrases
from inbox.store import insights as data

if TYPE_CHECKING:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from inbox.store import IngestResult, Store

LABELS = ("positive", "neutral", "negative", "unknown")
POSITIVE_AT = 0.05  # VADER's documented thresholds on the compound score
BATCH = 2000
# After migration 5, opening scores at most this many existing items (newest first, about a
# second); the rest are scored batch-wise in the background (inbox.ui.scoring) or by
# `inbox insights --rescore`.
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


def analyse(row: Sequence[Any]) -> tuple[float | None, str, list[str]]:
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
Key = tuple[str, str, int | None, str]  # (title, text, rating, language) as stored
Analysis = tuple[float | None, str, list[str]]


def analyse_items(store: Store, ids: Sequence[int]) -> Scored:
    """Scores and phrases for items (customers' items; owner replies are skipped). Reads
    only, so a worker thread can do the slow part on a reader."""
    scored: list[list] = []
    found: list[list] = []
    for row in data.items_to_analyse(store, ids):
        value, label, item_phrases = analyse(row)
        scored.append([row[0], value, label])
        found += [[row[0], p] for p in item_phrases]
    return scored, found


def score_items(store: Store, ids: Sequence[int]) -> int:
    """Score items and record their phrases (inside the caller's transaction, if any)."""
    scored, found = analyse_items(store, ids)
    data.write_analyses(store, scored, found)
    return len(scored)


def key(title: str | None, text: str | None, rating: int | None, language: str | None) -> Key:
    return title or "", text or "", rating if rating in (1, 2, 3, 4, 5) else None, language or ""


def fill_new_rows(rows: list[dict], ahead: Mapping[Key, Analysis]) -> None:
    """Pipeline row step: score new customers' items before they are inserted, using the
    analyses made `ahead` of the write when their content matches. (A big sync skips this
    step, `Pipeline.deferred`, and leaves its items to the analysis pass, `backfill`.)"""
    for row in rows:
        if not row["is_owner_reply"]:
            k = key(row["title"], row["text"], row["rating"], row["language"])
            row["sentiment"], row["sentiment_label"], row["phrases"] = ahead.get(k) or analyse((row["id"], *k))


def score_changed(store: Store, source_id: int, result: IngestResult) -> None:
    """Pipeline page step: score the items this page changed (new ones were scored by
    `fill_new_rows`), inside its transaction."""
    if result.updated_ids:
        score_items(store, result.updated_ids)


def backfill(store: Store, batch: int = BATCH) -> int:
    """The analysis pass, one batch of items without an analysis (newest first); returns
    how many. Call repeatedly until it returns 0; each batch is its own short transaction,
    so a killed pass loses one batch of work and the next one resumes there."""
    with store.transaction():
        scored, found = analyse_items(store, data.unanalysed_ids(store, batch))
        data.write_pending_analyses(store, scored, found)
    return len(scored)


def backfill_all(store: Store, batch: int = BATCH) -> int:
    """The whole analysis pass, batch by batch (each its own transaction: a killed pass
    resumes where it stopped); returns how many items it analysed. A team inbox runs it
    after each sync, since no window runs the pass on the server."""
    total = 0
    while n := backfill(store, batch):
        total += n
        if n < batch:  # that was the last of them: no need to look again
            break
    return total


def pending(store: Store) -> int:
    """How many items wait for the analysis pass (a big sync or import leaves them to it)."""
    return data.pending_analysis_count(store)


def prepare_backfill(reader: Store, batch: int = BATCH) -> Scored:
    """The slow half of a backfill batch, for a worker thread; `finish_backfill` the
    result on the writer (the UI does this so that scoring never blocks the window)."""
    return analyse_items(reader, data.unanalysed_ids(reader, batch))


def finish_backfill(store: Store, prepared: Scored) -> int:
    """Write a prepared batch; items analysed meanwhile (by another pass) are left as they
    are. Returns how many of the batch were still pending (0 only for an empty batch)."""
    data.write_pending_analyses(store, *prepared)
    return len(prepared[0])


def backfill_marked(store: Store, limit: int | None = None) -> int:
    """After opening: if migration 5 marked this database (items from before sentiment),
    score its newest `limit` (MIGRATION_LIMIT) items now and clear the mark, in one
    transaction, so that it runs once; the rest is left to `backfill`."""
    if not data.backfill_pending(store):
        return 0
    with store.transaction():
        n = score_items(store, data.unanalysed_ids(store, MIGRATION_LIMIT if limit is None else limit))
        data.clear_backfill_mark(store)
    return n


def set_override(store: Store, ids: Sequence[int], label: str | None) -> list[tuple[int, str | None]]:
    """The owner's correction (None clears it). Returns the previous overrides, for undo."""
    if label is not None and label not in LABELS:
        raise ValueError(f"sentiment must be one of {', '.join(LABELS)}")
    return data.set_sentiment_override(store, ids, label)


def restore_overrides(store: Store, before: list[tuple[int, str | None]]) -> None:
    data.restore_sentiment_overrides(store, before)


def item_sentiment(store: Store, item_id: int) -> tuple[str, str | None, float | None]:
    """(effective label, override or None, score) of one item."""
    return data.item_sentiment(store, item_id) or ("unknown", None, None)
