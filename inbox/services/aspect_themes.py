"""Aspect themes for the dashboard: the analysis of stored items (a background pass, newest
first), what stands out as praise and complaint, the categories with their trend, the
mentions behind a figure, and the owner's corrections, moves and hides. No Qt.

Analysis runs off the ingest path: `prepare(reader)` on a worker thread reads and analyses a
batch, `finish(store, prepared)` writes it in one short transaction (`backfill` does both,
for the command line and tests). Figures are computed over the newest `SAMPLE` analysed
items of a business, like the other themes, so the dashboard stays fast at a million items.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from inbox.services import aspects
from inbox.services.aspect_categories import CATEGORIES
from inbox.services.aspect_ranking import AspectCount, Standout, standouts
from inbox.services.text_signals import is_english
from inbox.store import aspects as data

if TYPE_CHECKING:
    from inbox.services.themes import Period
    from inbox.store import Store

# A new analysis bumps it, with a migration setting aspects_version to NULL (re-read).
# 3: polarity read by the trained model with the rules (items read by 2 wait for such a migration)
VERSION = 3
BATCH = 500
SAMPLE = 2000
CLAUSE_LEAD = ",;:-–—"
Prepared = tuple[list[tuple[int, int]], list[data.MentionRow]]


def analyse_row(row: Sequence[Any]) -> tuple[int, list[data.MentionRow]]:
    """(version, mention rows) for an item row (id, title, text, rating, language): English
    text gets its aspects; anything else is marked not analysed (-VERSION), never guessed."""
    from inbox.services.sentiment import sentiment_words

    item_id, title, text, rating, language = row
    body = f"{title}. {text}" if title and text else (title or text)
    if not body.strip() or not is_english(body, language, sentiment_words()):
        return -VERSION, []
    found = aspects.analyse(body, rating if rating in (1, 2, 3, 4, 5) else None)
    rows: list[data.MentionRow] = []
    for i, m in enumerate(found):
        # the clause as it reads on its own: without the comma or dash it was cut after
        start = m.clause_start
        while start < m.start and (body[start] in CLAUSE_LEAD or body[start].isspace()):
            start += 1
        rows.append((item_id, i, m.term, m.surface, m.category, m.polarity, int(m.by == "stars"),
                     body[start:m.clause_end], m.start - start, m.end - start))
    return VERSION, rows


def prepare(reader: Store, batch: int = BATCH) -> Prepared:
    """Analyse the newest not-yet-analysed items (reads only: run it on a worker)."""
    versions: list[tuple[int, int]] = []
    mentions: list[data.MentionRow] = []
    for row in data.pending_items(reader, batch):
        version, rows = analyse_row(row)
        versions.append((row[0], version))
        mentions += rows
    return versions, mentions


def finish(store: Store, prepared: Prepared) -> int:
    data.save_mentions(store, *prepared)
    return len(prepared[0])


def backfill(store: Store, batch: int = BATCH) -> int:
    """Analyse one batch; returns how many items (0 when all are done)."""
    return finish(store, prepare(store, batch))


def backfill_all(store: Store, batch: int = BATCH) -> int:
    total = 0
    while n := backfill(store, batch):
        total += n
    return total


@dataclass(slots=True)
class CategoryFigures:
    key: str
    label: str
    count: AspectCount = field(default_factory=AspectCount)
    by_bucket: dict[str, AspectCount] = field(default_factory=dict)
    top_terms: list[tuple[str, int]] = field(default_factory=list)

    @property
    def negative_share(self) -> float:
        return self.count.negative / self.count.total if self.count.total else 0.0

    @property
    def positive_share(self) -> float:
        return self.count.positive / self.count.total if self.count.total else 0.0


@dataclass(slots=True)
class AspectFigures:
    praise: list[Standout] = field(default_factory=list)
    complaints: list[Standout] = field(default_factory=list)
    categories: list[CategoryFigures] = field(default_factory=list)
    counts: dict[str, AspectCount] = field(default_factory=dict)
    previous: dict[str, AspectCount] = field(default_factory=dict)  # the period before, same length
    analysed: dict[str, int] = field(default_factory=dict)       # language -> items analysed
    not_analysed: dict[str, int] = field(default_factory=dict)   # language -> items left to the stars


def _add(c: AspectCount, polarity: str) -> AspectCount:
    return AspectCount(c.positive + (polarity == "positive"), c.neutral + (polarity == "neutral"),
                       c.negative + (polarity == "negative"))


def figures(store: Store, source_ids: Sequence[int], period: Period, *, bucket_of=None,
            exclude: frozenset[str] | set[str] = frozenset(), sample: int = SAMPLE, top: int = 10,
            compare: bool = False) -> AspectFigures:
    """Standout praise and complaints, and the categories with their counts per chart
    bucket (`bucket_of(day) -> key`), over the newest `sample` analysed items; with
    `compare`, the aspects' counts in the previous period too (for rises and falls)."""
    out = AspectFigures()
    if compare:
        before = period.previous()
        for _, term, _, polarity in data.sample_mentions(store, source_ids, before.start, before.end, sample):
            out.previous[term] = _add(out.previous.get(term, AspectCount()), polarity)
    cats = {k: CategoryFigures(k, label) for k, label in CATEGORIES.items()}
    term_counts: dict[str, Counter] = {}
    for created, term, category, polarity in data.sample_mentions(store, source_ids, period.start, period.end,
                                                                   sample):
        if exclude.intersection(term.split()):
            continue
        out.counts[term] = _add(out.counts.get(term, AspectCount()), polarity)
        cf = cats.get(category) or cats["other"]
        cf.count = _add(cf.count, polarity)
        term_counts.setdefault(cf.key, Counter())[term] += 1
        if bucket_of is not None:
            key = bucket_of(created[:10])
            cf.by_bucket[key] = _add(cf.by_bucket.get(key, AspectCount()), polarity)
    out.praise = standouts(out.counts, "positive", top=top)
    out.complaints = standouts(out.counts, "negative", top=top)
    for cf in cats.values():
        cf.top_terms = term_counts.get(cf.key, Counter()).most_common(5)
    out.categories = sorted((c for c in cats.values() if c.count.total),
                            key=lambda c: (c.key == "other", -c.count.total))
    for language, analysed, skipped in data.analysed_languages(store, source_ids, period.start, period.end, sample):
        name = language or "not stated"
        if analysed:
            out.analysed[name] = out.analysed.get(name, 0) + analysed
        if skipped:
            out.not_analysed[name] = out.not_analysed.get(name, 0) + skipped
    return out


def trend(figures: AspectFigures, standout: Standout, *, at_least: float = 0.15) -> tuple[str, float] | None:
    """("up" | "down", previous share) when a listed aspect's share of praise (or
    complaints) moved by `at_least` against the previous period, which mentioned it 3+ times."""
    before = figures.previous.get(standout.term)
    if before is None or before.total < 3:
        return None
    share = before.of(standout.label) / before.total
    if standout.share - share >= at_least:
        return "up", share
    if share - standout.share >= at_least:
        return "down", share
    return None


def distinctive(theirs: AspectFigures, mine: AspectFigures, limit: int = 5) -> list[str]:
    """Aspects praised at a competitor (at least twice, more praised than criticised) that
    yours is not praised for (absent, or under a third of their share of praise): "Praised at
    Bean & Gone, not at yours: window seat". Most praised first."""
    their_total = sum(c.positive for c in theirs.counts.values()) or 1
    my_total = sum(c.positive for c in mine.counts.values()) or 1
    found = []
    for term, c in theirs.counts.items():
        if c.positive < 2 or c.positive <= c.negative:
            continue
        mine_c = mine.counts.get(term)
        my_share = mine_c.positive / my_total if mine_c and mine_c.positive > mine_c.negative else 0.0
        if my_share < (c.positive / their_total) / 3:
            found.append((c.positive, term))
    return [term for _, term in sorted(found, key=lambda x: (-x[0], x[1]))[:limit]]


def mentions(store: Store, source_ids: Sequence[int], period: Period, *, term: str | None = None,
             category: str | None = None, polarity: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
    """The mentions behind an aspect or category, newest first (clause and where the aspect is)."""
    return data.mentions(store, source_ids, period.start, period.end, term=term, category=category,
                         polarity=polarity, limit=limit)


def correct(store: Store, item_id: int, term: str, polarity: str | None) -> str | None:
    """The owner's polarity for an aspect in an item (None clears); returns the previous."""
    if polarity is not None and polarity not in aspects.POLARITIES:
        raise ValueError(f"polarity must be one of {', '.join(aspects.POLARITIES)}")
    return data.set_correction(store, item_id, term, polarity)


def move(store: Store, term: str, category: str | None) -> None:
    """File an aspect under another category (None: back to the analysis's)."""
    if category is not None and category not in CATEGORIES:
        raise ValueError(f"category must be one of {', '.join(CATEGORIES)}")
    hidden = data.choices(store).get(term, (None, False))[1]
    data.set_choice(store, term, category=category, hidden=hidden)


def hide(store: Store, term: str, hidden: bool = True) -> None:
    """Hide an aspect from the dashboard (or show it again); its mentions stay stored."""
    category = data.choices(store).get(term, (None, False))[0]
    data.set_choice(store, term, category=category, hidden=hidden)
