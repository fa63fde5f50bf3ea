"""Times: every source speaks its own dialect; the store keeps one (UTC, ISO 8601, seconds, Z).

One text format keeps times sortable as strings and readable in any SQLite tool.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

DB_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_FRACTION = re.compile(r"(\.\d{1,6})\d*")  # fromisoformat in 3.11 takes at most 6 digits


def utcnow() -> datetime:
    """Now, in UTC, without microseconds (the store's resolution)."""
    return datetime.now(UTC).replace(microsecond=0)


def parse_time(value: object, *, naive_is_utc: bool = True) -> datetime | None:
    """Parse the time formats of source-apis.md; return an aware UTC datetime or None.

    Accepts datetimes, epoch seconds (int/float/numeric string), ISO 8601 / RFC 3339 with
    0-9 fractional digits, `Z`, `+0000` or `-07:00` offsets, `YYYY-MM-DD HH:MM:SS`,
    and Google's `{"seconds": "...", "nanos": n}`.
    """
    if value is None or value is False or value == "":
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, dict) and "seconds" in value:
        try:
            secs = int(value["seconds"]) + int(value.get("nanos") or 0) / 1e9
            return datetime.fromtimestamp(secs, UTC).replace(microsecond=0)
        except (TypeError, ValueError, OverflowError, OSError):  # junk or out of range
            return None
    elif isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(float(value), UTC).replace(microsecond=0)
        except (OverflowError, OSError, ValueError):
            return None
    elif isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"\d{9,11}(\.\d+)?", text):
            return parse_time(float(text))
        try:  # fast path: Python 3.11 reads Z, +0000 and long fractions itself
            dt = datetime.fromisoformat(text)
        except ValueError:
            text = _FRACTION.sub(r"\1", text)
            if text.endswith(("Z", "z")):
                text = text[:-1] + "+00:00"
            text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text)
            try:
                dt = datetime.fromisoformat(text)
            except ValueError:
                return None
    else:
        return None
    if dt.tzinfo is None:
        if not naive_is_utc:
            return None
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).replace(microsecond=0)


def format_time(dt: datetime | None) -> str | None:
    """The store's text form of a time (UTC, seconds, trailing Z)."""
    if dt is None:
        return None
    if dt.tzinfo is not UTC:
        dt = dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
    # isoformat, not strftime: twice as fast (ingest formats every item's times), and it
    # pads years below 1000 to four digits, which keeps the text sortable.
    return dt.isoformat(timespec="seconds")[:19] + "Z"


def from_db(text: str | None) -> datetime | None:
    """Inverse of format_time."""
    if not text:
        return None
    return datetime.strptime(text, DB_FORMAT).replace(tzinfo=UTC)


def humanize_age(then: datetime, now: datetime | None = None) -> str:
    """A short age like a mail client shows: 5m, 3h, 2d, 4w, 8mo, 2y."""
    delta: timedelta = (now or utcnow()) - then
    secs = max(0, int(delta.total_seconds()))
    for unit, size in (("y", 365 * 86400), ("mo", 30 * 86400), ("w", 7 * 86400),
                       ("d", 86400), ("h", 3600), ("m", 60)):
        if secs >= size:
            return f"{secs // size}{unit}"
    return "now"
