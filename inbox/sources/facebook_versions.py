"""When each Graph API version stops answering, so the app warns ahead of the pinned
version's end. The version is part of the Facebook source's `base_url` setting
(`https://graph.facebook.com/v21.0`), which the owner can change.

Dates from Meta's changelog, developers.facebook.com/docs/graph-api/changelog/versions
("Available until"), read December 2026; versions without a date yet are not listed."""

from __future__ import annotations

import re
from datetime import date

AVAILABLE_UNTIL: dict[str, date] = {
    "v20.0": date(2026, 9, 24), "v21.0": date(2027, 1, 21), "v22.0": date(2027, 5, 20),
    "v23.0": date(2027, 10, 8), "v24.0": date(2028, 2, 18), "v25.0": date(2028, 7, 29),
}
WARN_DAYS = 90


def version_of(base_url: str) -> str | None:
    found = re.search(r"/(v\d+\.\d+)(?:/|$)", base_url or "")
    return found.group(1) if found else None


def version_warning(base_url: str, today: date) -> str | None:
    """The owner's sentence when the pinned version ends within WARN_DAYS (or has ended)."""
    version = version_of(base_url)
    ends = AVAILABLE_UNTIL.get(version or "")
    if ends is None:
        return None
    newest = max(AVAILABLE_UNTIL, key=lambda v: AVAILABLE_UNTIL[v])
    days = (ends - today).days
    change = (f"In File ▸ Sources…, change the version in its API address to {newest} "
              f"(https://graph.facebook.com/{newest}).")
    if days < 0:
        return f"Facebook stopped answering Graph API {version} on {ends:%-d %B %Y}. {change}"
    if days <= WARN_DAYS:
        return f"Facebook stops answering Graph API {version} on {ends:%-d %B %Y}, in {days} days. {change}"
    return None
