"""How long a reply may be, counted the way each site counts it.

The limits themselves are declared once, on each source kind's connector class
(`Connector.reply_limits`); the outbox, the tone check and the editor's counter are handed
them, so the domain never needs to know the sources.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

try:  # `regex` counts grapheme clusters (\X) the way Bluesky does
    import regex as _regex
except ImportError:  # pragma: no cover - regex is a dependency; keep the domain importable
    _regex = None

UNITS = ("chars", "graphemes", "bytes")
UNIT_WORDS = {"chars": "characters", "graphemes": "characters", "bytes": "bytes"}


class ReplyLimit(NamedTuple):
    """At most `limit` units in one reply. `url_chars`: every link counts as this many
    characters whatever its length (Mastodon's 23); 0 counts links as they are."""

    limit: int
    unit: str = "chars"      # "chars" (code points) | "graphemes" | "bytes" (UTF-8)
    url_chars: int = 0

    @property
    def unit_word(self) -> str:
        return UNIT_WORDS[self.unit]


class OverLimit(NamedTuple):
    """A limit a reply goes past, and by how much."""

    used: int
    limit: ReplyLimit

    @property
    def message(self) -> str:
        return f"{self.used} of {self.limit.limit} {self.limit.unit_word}"

    @property
    def excess(self) -> int:
        return self.used - self.limit.limit


def count_graphemes(text: str) -> int:
    """User-perceived characters: 👍🏽 and 🇬🇧 and é (e + combining accent) count as one."""
    if _regex is not None:
        return len(_regex.findall(r"\X", text))
    return len(text)  # pragma: no cover


def reply_length(text: str, limit: ReplyLimit) -> int:
    """The length of `text` as the site counts it for this limit."""
    if limit.url_chars:
        text = re.sub(r"https?://\S+", "x" * limit.url_chars, text)
    if limit.unit == "bytes":
        return len(text.encode("utf-8"))
    if limit.unit == "graphemes":
        return count_graphemes(text)
    return len(text)


def as_posted(reply: str, prefix: str = "") -> str:
    """The text the site will count: with what it puts before the reply (Mastodon's
    "@acct "), unless the reply already has it."""
    stripped = prefix.strip()
    return reply if not stripped or stripped.casefold() in reply.casefold() else prefix + reply


def over_limits(reply: str, limits: Sequence[ReplyLimit], prefix: str = "") -> list[OverLimit]:
    """Every limit the reply (as posted) goes past; empty when it fits."""
    posted = as_posted(reply, prefix)
    found = []
    for limit in limits:
        used = reply_length(posted, limit)
        if used > limit.limit:
            found.append(OverLimit(used, limit))
    return found
