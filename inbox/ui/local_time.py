"""The zone the window shows times in: this computer's, or the owner's override
(Settings ▸ Time zone). One place, so the list, the reading pane, the profile, the dashboard
and every tooltip agree; the formatting itself is pure (inbox.domain.times)."""

from __future__ import annotations

import logging
from datetime import datetime, tzinfo

from inbox.domain.times import full_when, list_when, system_zone, when_text, zone_named

log = logging.getLogger(__name__)
_zone: tzinfo | None = None  # None: this computer's zone, looked up when asked


def set_zone(name: str | None) -> bool:
    """Show times in zone `name` ("" = this computer's). A name the zone database does not
    know keeps the computer's zone (logged) and returns False."""
    global _zone
    try:
        _zone = zone_named(name) if (name or "").strip() else None
    except ValueError:
        log.warning("unknown time zone %r in the settings: showing this computer's", name)
        _zone = None
        return False
    return True


def zone() -> tzinfo:
    return _zone if _zone is not None else system_zone()


def when(then: datetime, now: datetime) -> str:
    return when_text(then, now, zone())


def short(then: datetime, now: datetime) -> str:
    return list_when(then, now, zone())


def full(then: datetime) -> str:
    return full_when(then, zone())
