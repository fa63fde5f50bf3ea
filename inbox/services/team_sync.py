"""Syncing a team inbox's sources from the window: once for the team, on the server.

Why not into this computer's copy: the copy keeps the server's ids and receives new items
from the server (the team link's catch-up); fetching into it directly would give items ids
of its own. So the window's "Sync now" in a team inbox runs the same engine as
`inbox --db postgresql://... sync`, on the server (one sync at a time across the team: the
engine holds the server's sync lock), and the server's notice brings the new items back."""

from __future__ import annotations

import asyncio
from typing import Any

from inbox.secrets import Secrets
from inbox.services.team import open_team
from inbox.sync.engine import RunSummary, sync


def sync_team(url: str, secrets: Secrets | None, *, http_options: dict[str, Any] | None = None) -> list[RunSummary]:
    """Sync every enabled source of the team inbox at `url` (blocking: run it on a worker
    thread). Raises the store's errors (the server did not answer, a sync already running)."""
    with open_team(url, secrets) as team:
        return asyncio.run(sync(team, secrets=secrets, http_options=http_options))  # type: ignore[arg-type]
