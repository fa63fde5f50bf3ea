"""The dashboard's figures: rating and volume over time, sentiment mix, response rate and
time to reply, themes, and the own business against each competitor. No Qt.

Everything is computed from a reader (`Store.open_reader`) in a few indexed queries of
the store's `insights` module: counts come from `insight_days` (a per-day aggregate), reply times
and themes from the newest items of each source (index walks that stop early), so the
dashboard stays under a second for a million items; see benchmarks/insights.py.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from inbox.domain import InboxFilter
from inbox.services import settings
from inbox.services.sentiment import LABELS
from inbox.services.text_signals import fold, words
from inbox.services.themes import SAMPLE, Period, Theme, distinctive, themes
from inbox.store import insights as data

if TYPE_CHECKING:
    from inbox.store import Store

OWN = "own"


@dataclass(slots=True)
class Business:
    """The own business (all 'own' sources) or one competitor (its sources grouped by the
    source setting 'business', else the name before ' · ', e.g. 'Bean & Gone · Google')."""

    key: str
    label: str
    whose: str
    source_ids: list[int] = field(default_factory=list)


@dataclass(slots=True)
class BusinessFigures:
    business: Business
    volume: int = 0
    rated: int = 0
    rating_sum: int = 0
    sentiment: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LABELS, 0))
    rating_by_bucket: dict[str, tuple[float, int]] = field(default_factory=dict)  # bucket -> (avg, n)
    volume_by_bucket: dict[str, int] = field(default_factory=dict)
    threads: int = 0          # items that start a conversation
    answered: int = 0         # ... with an owner reply in their thread
    reply_seconds: list[int] = field(default_factory=list)  # newest answered conversations
    response_by_bucket: dict[str, tuple[int, int]] = field(default_factory=dict)  # bucket -> (answered, threads)
    praise: list[Theme] = field(default_factory=list)
    complaints: list[Theme] = field(default_factory=list)
    praised_not_own: list[Theme] = field(default_factory=list)   # competitors only
    own_not_praised: list[Theme] = field(default_factory=list)   # competitors only

    @property
    def rating(self) -> float | None:
        return self.rating_sum / self.rated if self.rated else None

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.threads if self.threads else None

    @property
    def median_reply_hours(self) -> float | None:
        return statistics.median(self.reply_seconds) / 3600 if self.reply_seconds else None

    def share(self, label: str) -> float:
        return self.sentiment[label] / self.volume if self.volume else 0.0


@dataclass(slots=True)
class Figures:
    period: Period
    bucket: str                       # "week" | "month"
    buckets: list[str]                # keys in order: 'YYYY-MM' or 'YYYY-MM-DD' (week start)
    businesses: list[BusinessFigures]
    volume_by_source: list[tuple[int, str, str, int]]  # (source id, name, whose, items)

    @property
    def own(self) -> BusinessFigures | None:
        return next((b for b in self.businesses if b.business.key == OWN), None)

    def bucket_period(self, key: str) -> Period:
        """The days a chart point stands for, clipped to the period."""
        start = date.fromisoformat(key + "-01" if self.bucket == "month" else key)
        if self.bucket == "month":
            nxt = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
        else:
            nxt = start + timedelta(days=7)
        end = nxt - timedelta(days=1)
        return Period(max(start.isoformat(), self.period.since), min(end.isoformat(), self.period.until))


def business_name(store: Store) -> str:
    return settings.get("business_name", store) or "Your business"


def businesses(store: Store, source_ids: Sequence[int] | None = None) -> list[Business]:
    """Own business first, then competitors by name; limited to `source_ids` when given."""
    own = Business(OWN, business_name(store), "own")
    others: dict[str, Business] = {}
    for source in sorted(store.list_sources(), key=lambda s: s.name):
        sid, name = source.id, source.name
        if source_ids and sid not in source_ids:
            continue
        if source.whose == "own":
            own.source_ids.append(sid)
            continue
        label = (str(source.settings.get("business") or "") or name.split(" · ")[0]).strip()
        others.setdefault(label.casefold(), Business("c:" + label.casefold(), label, "competitor")
                          ).source_ids.append(sid)
    found = [own] if own.source_ids else []
    return found + sorted(others.values(), key=lambda b: b.label.casefold())


def bucket_of(day: str, bucket: str) -> str:
    if bucket == "month":
        return day[:7]
    d = date.fromisoformat(day)
    return (d - timedelta(days=d.weekday())).isoformat()


def bucket_keys(period: Period, bucket: str) -> list[str]:
    keys: list[str] = []
    d = date.fromisoformat(period.since)
    end = date.fromisoformat(period.until)
    while d <= end:
        key = bucket_of(d.isoformat(), bucket)
        if not keys or keys[-1] != key:
            keys.append(key)
        d += timedelta(days=1)
    return keys


def compute(store: Store, period: Period, source_ids: Sequence[int] | None = None, *,
            with_themes: bool = True, sample: int = SAMPLE) -> Figures:
    """All the dashboard's figures for a period (and optionally a subset of sources)."""
    bucket = "week" if period.days <= 92 else "month"
    groups = businesses(store, source_ids)
    by_source: dict[int, BusinessFigures] = {}
    figures = [BusinessFigures(b) for b in groups]
    for f in figures:
        for sid in f.business.source_ids:
            by_source[sid] = f
    per_source: dict[int, int] = {}
    rating_acc: dict[tuple[str, str], list[int]] = {}
    for sid, key, rating, label, root, n, answered in data.day_figures(
            store, list(by_source), period.since, period.until, bucket):
        f = by_source[sid]
        f.volume += n
        f.sentiment[label if label in f.sentiment else "unknown"] += n
        f.volume_by_bucket[key] = f.volume_by_bucket.get(key, 0) + n
        per_source[sid] = per_source.get(sid, 0) + n
        if rating:
            f.rated += n
            f.rating_sum += rating * n
            acc = rating_acc.setdefault((f.business.key, key), [0, 0])
            acc[0] += rating * n
            acc[1] += n
        if root:
            f.threads += n
            f.answered += answered
            done, total = f.response_by_bucket.get(key, (0, 0))
            f.response_by_bucket[key] = (done + answered, total + n)
    for f in figures:
        for (bkey, key), (total, n) in rating_acc.items():
            if bkey == f.business.key:
                f.rating_by_bucket[key] = (total / n, n)
    for f in figures:
        f.reply_seconds = reply_times(store, f.business.source_ids, period, sample)
    if with_themes:
        _themes(store, period, figures, sample)
    names = {s.id: (s.name, s.whose) for s in store.list_sources()}
    volume = sorted(((sid, *names[sid], n) for sid, n in per_source.items()), key=lambda r: (-r[3], r[1]))
    return Figures(period, bucket, bucket_keys(period, bucket), figures, volume)


def reply_times(store: Store, source_ids: Sequence[int], period: Period, sample: int = SAMPLE) -> list[int]:
    """Seconds to the first owner reply of the newest `sample` answered conversations."""
    return data.reply_seconds(store, source_ids, period.start, period.end, sample)


def _themes(store: Store, period: Period, figures: list[BusinessFigures], sample: int) -> None:
    names = frozenset(fold(w) for f in figures for w in words(f.business.label)) | {
        w for f in figures for w in words(f.business.label)}
    for f in figures:
        # Rises and falls are shown for the own business; competitors' praise is compared
        # with yours, their complaints are not shown (the dashboard stays fast).
        own = f.business.key == OWN
        f.praise = themes(store, f.business.source_ids, "positive", period, sample=sample, exclude=names, compare=own)
        if own:
            f.complaints = themes(store, f.business.source_ids, "negative", period, sample=sample, exclude=names)
    own = next((f for f in figures if f.business.key == OWN), None)
    if own is None:
        return
    for f in figures:
        if f is not own:
            f.praised_not_own = distinctive(f.praise, own.praise)
            f.own_not_praised = distinctive(own.praise, f.praise)


def items_filter(business: Business, period: Period, **narrow: object) -> InboxFilter:
    """The list filter behind a chart point: a business's items in a period, narrowed by
    rating, sentiment or query."""
    return InboxFilter(source_ids=list(business.source_ids), since=period.since, until=period.until,
                       **narrow)  # type: ignore[arg-type]
