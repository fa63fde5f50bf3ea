"""The team inboxes this computer has a copy of, the most recently opened first: File ▸
Open Recent Team Inbox and the Connect dialog's list of servers.

Why from the copies themselves and not a list of its own: each copy (`team_link.replica_path`)
already names its team inbox (its address, never a password: that is in the keyring), and
a copy that is deleted leaves no stale entry behind."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from inbox.domain import format_time, parse_time, utcnow
from inbox.services import settings
from inbox.store import Store
from inbox.store.team.connection import where

log = logging.getLogger(__name__)
SHOWN = 8
OPENED = "team.last_opened"  # in the copy's settings: when a window last opened it


@dataclass(frozen=True, slots=True)
class RecentTeam:
    url: str          # postgresql://user@host[:port]/database[?options], no password
    member: str       # who this computer connects as
    path: Path        # this computer's copy
    used: datetime    # when a window last opened the copy (else when the file last changed), UTC

    @property
    def label(self) -> str:
        """"ana@shop-server/inbox": how the menu names it."""
        return where(self.url).removeprefix("postgresql://")


def recent_teams(data_dir: Path, limit: int = SHOWN) -> list[RecentTeam]:
    """The copies under `data_dir/team`, the most recently opened first; a file that is
    not a copy (or cannot be read) is left out."""
    found: list[RecentTeam] = []
    for path in (Path(data_dir) / "team").glob("*.db"):
        changed = datetime.fromtimestamp(path.stat().st_mtime, UTC)  # before reading it changes it
        try:
            with Store.open_reader(path) as store:
                info = store.team_link_info()
                opened = parse_time(settings.get(OPENED, store) or "")
        except Exception as exc:  # a damaged or foreign file: not a recent team inbox
            log.info("not a team inbox's copy: %s (%s)", path, exc)
            continue
        if info is not None:
            found.append(RecentTeam(info.url, info.member, path, opened or changed))
    return sorted(found, key=lambda r: r.used, reverse=True)[:limit]


def mark_opened(replica: Store) -> None:
    """A window opened this copy now (what "recent" orders by)."""
    settings.set(OPENED, format_time(utcnow()), replica)
