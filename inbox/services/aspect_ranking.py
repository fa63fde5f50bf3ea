"""Which aspects stand out: complained about (or praised) more often than the business's
average mention, by a margin its count supports. Pure functions; the dashboard and
benchmarks/themes.py rank the same way.

Raw counts put the most-mentioned aspects (food, service) at the top of both lists. Here an
aspect is a complaint when the lower bound of its negative share (Wilson, 90 %) lies above
the business's negative share over all mentions, and complaints are ordered by that
margin; praise likewise. A handful of mentions cannot clear the bound by chance.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

MIN_MENTIONS = 3
Z = 1.645  # one-sided 95 % / two-sided 90 %


@dataclass(frozen=True, slots=True)
class AspectCount:
    positive: int = 0
    neutral: int = 0
    negative: int = 0

    @property
    def total(self) -> int:
        return self.positive + self.neutral + self.negative

    def of(self, label: str) -> int:
        return self.positive if label == "positive" else self.negative if label == "negative" else self.neutral


@dataclass(frozen=True, slots=True)
class Standout:
    term: str
    label: str          # "positive" (praise) | "negative" (complaint)
    count: int          # mentions with that polarity
    total: int          # all mentions
    share: float        # count / total
    average: float      # the business's share of that polarity over all mentions
    margin: float       # lower bound of share - average (> 0)


def wilson_lower(k: int, n: int, z: float = Z) -> float:
    """Lower bound of the Wilson score interval of a proportion k/n."""
    if n == 0:
        return 0.0
    p = k / n
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - spread) / (1 + z * z / n)


def standouts(counts: Mapping[str, AspectCount], label: str, *, top: int = 15,
              min_mentions: int = MIN_MENTIONS) -> list[Standout]:
    """The aspects whose `label` share stands out above the average, best first."""
    total = sum(c.total for c in counts.values())
    if not total:
        return []
    average = sum(c.of(label) for c in counts.values()) / total
    found = []
    for term, c in counts.items():
        k = c.of(label)
        if c.total < min_mentions or k < min_mentions - 1:
            continue
        # The opposite polarity must not dominate: a complaint is said more than praised.
        other = c.negative if label == "positive" else c.positive
        if k <= other:
            continue
        margin = wilson_lower(k, c.total) - average
        if margin > 0:
            found.append(Standout(term, label, k, c.total, k / c.total, average, margin))
    found.sort(key=lambda s: (-s.margin, -s.count, s.term))
    return found[:top]
