"""Recurring themes: the phrases customers use in praise and in complaints, per business,
over a period, and which of them rose or fell against the previous period.

Phrases are extracted once, when an item is scored (`item_phrases`); a period's themes are
counted over the newest `SAMPLE` items of each business and sentiment, so that a
workspace of a million items still answers in milliseconds. A small business never
reaches the cap, and for a big one the newest two thousand items rank themes the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from inbox.domain import InboxFilter
from inbox.services.text_signals import plural_forms
from inbox.store import insights as data

if TYPE_CHECKING:
    from inbox.store import Store

SAMPLE = 2000
MIN_COUNT = 2        # a theme recurs: at least two items mention it


@dataclass(frozen=True, slots=True)
class Period:
    """Whole UTC days, both ends included ('YYYY-MM-DD')."""

    since: str
    until: str

    @property
    def start(self) -> str:
        return self.since + "T00:00:00Z"

    @property
    def end(self) -> str:
        return self.until + "T23:59:59Z"

    @property
    def days(self) -> int:
        return (date.fromisoformat(self.until) - date.fromisoformat(self.since)).days + 1

    def previous(self) -> Period:
        start = date.fromisoformat(self.since)
        return Period((start - timedelta(days=self.days)).isoformat(), (start - timedelta(days=1)).isoformat())

    @classmethod
    def months(cls, count: int, today: str) -> Period:
        """`count` calendar months ending with today's (so month charts show whole months)."""
        end = date.fromisoformat(today[:10])
        index = end.year * 12 + end.month - 1 - (count - 1)
        return cls(date(index // 12, index % 12 + 1, 1).isoformat(), end.isoformat())

    @classmethod
    def last(cls, days: int, today: str) -> Period:
        end = date.fromisoformat(today[:10])
        return cls((end - timedelta(days=days - 1)).isoformat(), end.isoformat())


@dataclass(slots=True)
class Theme:
    phrase: str
    label: str            # positive (praise) | negative (complaints)
    count: int            # items mentioning it in the period (within the sample)
    share: float          # count / items of that sentiment in the sample
    previous_count: int = 0
    previous_share: float = 0.0
    trend: str = ""       # "up" | "down" | "" — marked for the biggest movers

    @property
    def change(self) -> float:
        return self.share - self.previous_share


def theme_query(phrase: str) -> str:
    """The FTS query that opens the items mentioning a (plural-folded) phrase."""
    return " OR ".join(f'"{form}"' for form in plural_forms(phrase))


def theme_filter(theme: Theme, source_ids: Sequence[int], period: Period) -> InboxFilter:
    return InboxFilter(query=theme_query(theme.phrase), sentiment=theme.label, source_ids=list(source_ids),
                       since=period.since, until=period.until)


def phrase_counts(store: Store, source_ids: Sequence[int], label: str, period: Period,
                  sample: int = SAMPLE) -> tuple[dict[str, int], int]:
    """({phrase: items}, items considered) for one business, sentiment and period."""
    return data.phrase_counts(store, source_ids, label, period.start, period.end, sample)


def _informative(counts: dict[str, int], exclude: frozenset[str] | set[str]) -> dict[str, int]:
    """Drop phrases naming a business (its own name is no theme), adverbs alone or leading
    a pair ("actually good"), and single words mostly said as part of a recurring pair
    ("loyalty" when it is nearly always "loyalty card")."""
    def adverb(word: str) -> bool:
        return word.endswith("ly") and len(word) > 4

    kept = {}
    for phrase, n in counts.items():
        words = phrase.split(" ")
        if exclude.intersection(words) or adverb(words[0]):
            continue
        kept[phrase] = n
    pairs = [(p.split(" "), n) for p, n in kept.items() if " " in p]
    return {p: n for p, n in kept.items()
            if " " in p or not any(p in words and m >= 0.6 * n for words, m in pairs)}


def themes(store: Store, source_ids: Sequence[int], label: str, period: Period, *,
           top: int = 12, movers: int = 3, sample: int = SAMPLE,
           exclude: frozenset[str] | set[str] = frozenset(), compare: bool = True) -> list[Theme]:
    """The most mentioned phrases, with the previous period's figures; the `movers` biggest
    rises and falls (by share of items) are marked up/down (`compare=False` skips the
    previous period). Words in `exclude` (the businesses' names) make no theme."""
    counts, total = phrase_counts(store, source_ids, label, period, sample)
    before, total_before = phrase_counts(store, source_ids, label, period.previous(), sample) if compare else ({}, 0)
    counts, before = _informative(counts, exclude), _informative(before, exclude)
    recurring = {p for p, n in counts.items() if n >= MIN_COUNT} | {p for p, n in before.items() if n >= MIN_COUNT}
    all_themes = [Theme(p, label, counts.get(p, 0), counts.get(p, 0) / total if total else 0.0,
                        before.get(p, 0), before.get(p, 0) / total_before if total_before else 0.0)
                  for p in recurring]
    all_themes.sort(key=lambda t: (-t.count, -len(t.phrase.split()), t.phrase))
    shown = [t for t in all_themes if t.count >= MIN_COUNT][:top]
    if total_before:
        rising = sorted((t for t in all_themes if t.change > 0 and t.count >= MIN_COUNT), key=lambda t: -t.change)
        falling = sorted((t for t in all_themes if t.change < 0 and t.previous_count >= MIN_COUNT),
                         key=lambda t: t.change)
        for t in rising[:movers]:
            t.trend = "up"
        for t in falling[:movers]:
            t.trend = "down"
        shown += [t for t in falling[:movers] if t not in shown]
    return shown


def distinctive(theirs: list[Theme], mine: list[Theme], limit: int = 5) -> list[Theme]:
    """Themes in `theirs` that `mine` lacks (absent, or under a third of their share):
    what customers praise a competitor for and not you — or the reverse."""
    my_share = {t.phrase: t.share for t in mine}
    return [t for t in theirs if t.count >= MIN_COUNT and my_share.get(t.phrase, 0.0) < t.share / 3][:limit]
