"""What a filter chip says, in words (no Qt): "Rating: 1–2 ★", "Since 1 Sep",
"Source: 9 sources". Dates are the filter's 'YYYY-MM-DD' days; `today` decides the year shown."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from inbox.domain.times import date_text
from inbox.domain.wording import plural


def rating_words(low: int | None, high: int | None) -> str | None:
    """ "5 ★", "4–5 ★", "1–2 ★"; None when the rating does not narrow the list."""
    if not low and not high:
        return None
    lo, hi = low or 1, high or 5
    return f"{lo} ★" if lo == hi else f"{lo}–{hi} ★"


def _day(text: str, today: date) -> str:
    try:
        return date_text(date.fromisoformat(text), today)
    except ValueError:
        return text


def date_words(since: str | None, until: str | None, today: date) -> str | None:
    """ "Since 1 Sep", "Until 3 Mar 2025", "1 Sep – 3 Sep", "1 Sep" (one day)."""
    if since and until:
        return _day(since, today) if since == until else f"{_day(since, today)} – {_day(until, today)}"
    if since:
        return f"Since {_day(since, today)}"
    if until:
        return f"Until {_day(until, today)}"
    return None


def names_words(names: Sequence[str], noun: str) -> str | None:
    """One name as it is; several as a count ("9 sources"), so a chip never grows with them."""
    if not names:
        return None
    return names[0] if len(names) == 1 else plural(len(names), noun)
