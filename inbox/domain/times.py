"""Times: every source speaks its own dialect; the store keeps one (UTC, ISO 8601, seconds, Z).

One text format keeps times sortable as strings and readable in any SQLite tool.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, tzinfo

DB_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_FRACTION = re.compile(r"(\.\d{1,6})\d*")  # fromisoformat in 3.11 takes at most 6 digits
_EPOCH = re.compile(r"\d{9,11}(\.\d+)?")


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
        if _EPOCH.fullmatch(text):
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
    elif dt.tzinfo is not UTC:
        dt = dt.astimezone(UTC)
    elif not dt.microsecond:
        return dt  # the usual API time ("...Z"): already as stored
    # built, not `replace`d: replace() parses keywords, three times the cost of the parse
    # itself (a sync or import reads a few of these per item)
    return datetime(dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second, 0, UTC)


def format_time(dt: datetime | None) -> str | None:
    """The store's text form of a time (UTC, seconds, trailing Z)."""
    if dt is None:
        return None
    if dt.tzinfo is not UTC:
        dt = dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
    # isoformat, not strftime: twice as fast (ingest formats every item's times), and it
    # pads years below 1000 to four digits, which keeps the text sortable. No `timespec=`:
    # the first 19 characters are the same without it, and the keyword cost a third.
    return dt.isoformat()[:19] + "Z"


def from_db(text: str | None) -> datetime | None:
    """Inverse of format_time."""
    if not text:
        return None
    if len(text) == 20 and text[10] == "T" and text[19] == "Z":  # the store's own form
        try:  # fromisoformat: a tenth of strptime's cost (`inbox search` reads 200 of these)
            return datetime.fromisoformat(text)
        except ValueError:
            pass
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


# -- times as a person reads them ------------------------------------------------------------
# The store keeps UTC; the screen shows the computer's zone (or the owner's override). Every
# function takes the zone, so tests pin one and nothing here reads the clock or the system.

def zone_named(name: str | None) -> tzinfo:
    """The zone for an override name ("Europe/London"); "" means this computer's zone.
    Raises ValueError for a name the zone database does not know."""
    name = (name or "").strip()
    if not name:
        return system_zone()
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # with sysconfig: not for a quick command

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}: use a name such as Europe/London") from exc


def system_zone() -> tzinfo:
    """This computer's zone (with its daylight saving rules when the system says which)."""
    local = datetime.now().astimezone().tzinfo
    return local if local is not None else UTC


def _day_word(then: datetime, now: datetime) -> str | None:
    days = (now.date() - then.date()).days
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days == -1:
        return "tomorrow"
    if 1 < abs(days) < 7:  # this past or coming week: the weekday
        return then.strftime("%a")
    return None


def _day_month(d: date | datetime, today: date) -> str:
    """ "1 Sep", or "1 Sep 2025" outside the current year (no leading zero, no ISO)."""
    text = f"{d.day} {d.strftime('%b')}"
    return text if d.year == today.year else f"{text} {d.year}"


def when_text(then: datetime, now: datetime, tz: tzinfo) -> str:
    """A moment in local time, relative when close: "today 09:12", "yesterday 14:05",
    "Mon 14:05", "1 Sep 14:05", "3 Mar 2025, 14:05"."""
    then, now = then.astimezone(tz), now.astimezone(tz)
    clock = then.strftime("%H:%M")
    word = _day_word(then, now)
    if word:
        return f"{word} {clock}"
    day = _day_month(then, now.date())
    return f"{day}, {clock}" if then.year != now.year else f"{day} {clock}"


def list_when(then: datetime, now: datetime, tz: tzinfo) -> str:
    """The list's short form, as a mail client: "14:05" today, "yesterday", "Mon", "1 Sep"."""
    then, now = then.astimezone(tz), now.astimezone(tz)
    word = _day_word(then, now)
    if word == "today":
        return then.strftime("%H:%M")
    return word or _day_month(then, now.date())


def full_when(then: datetime, tz: tzinfo) -> str:
    """Every detail, for a tooltip: "Tuesday 1 September 2026, 14:05"."""
    then = then.astimezone(tz)
    return f"{then.strftime('%A')} {then.day} {then.strftime('%B %Y, %H:%M')}"


def date_text(d: date, today: date) -> str:
    """A day in a chip or a heading: "1 Sep", "1 Sep 2025"."""
    return _day_month(d, today)
