"""Snooze presets, computed from an injectable 'now' in the user's local time zone."""

from __future__ import annotations

from datetime import datetime, time, timedelta, tzinfo


def snooze_presets(now: datetime, tz: tzinfo | None = None) -> list[tuple[str, str, datetime]]:
    """(id, label, when) for 'later today', 'tomorrow' and 'next week'. `now` is aware;
    the result is aware. Later today = in 3 hours (never past midnight: then tomorrow);
    tomorrow = 08:00 tomorrow; next week = 08:00 next Monday."""
    local = now.astimezone(tz)
    later = local + timedelta(hours=3)
    if later.date() != local.date():
        later = datetime.combine(local.date() + timedelta(days=1), time(8), local.tzinfo)
    tomorrow = datetime.combine(local.date() + timedelta(days=1), time(8), local.tzinfo)
    monday = local.date() + timedelta(days=7 - local.weekday())
    next_week = datetime.combine(monday, time(8), local.tzinfo)
    return [
        ("later", f"Later today ({later:%H:%M})", later),
        ("tomorrow", f"Tomorrow ({tomorrow:%a %H:%M})", tomorrow),
        ("next_week", f"Next week ({next_week:%a %d %b})", next_week),
    ]
