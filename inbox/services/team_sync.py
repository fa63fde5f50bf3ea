"""Syncing a team inbox's sources from the window: once for the team, on the server.

Why not into this computer's copy: the copy keeps the server's ids and receives new items
from the server (the team link's catch-up); fetching into it directly would give items ids
of its own. So the window's "Sync now" in a team inbox runs the same engine as
`inbox --db postgresql://... sync`, on the server (one sync at a time across the team: the
engine holds the server's sync lock), and the server's notice brings the new items back.

The same "Sync now" then sends the replies due in the team's outbox on the server
(`sync_and_send`): through the services' one outbox (`services/outbox.py`), each reply
claimed `FOR UPDATE SKIP LOCKED` and posted with its idempotency key, so members' apps
syncing at the same moment never post a reply twice. A copy never posts its own outbox."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

from inbox.secrets import Secrets
from inbox.services.outbox import SendResult, flush_due
from inbox.services.team import open_team
from inbox.sync.engine import RunSummary, sync

log = logging.getLogger(__name__)


@dataclass(slots=True)
class TeamSync:
    """What one "Sync now" did: each source's run, and each due reply's fate."""
    summaries: list[RunSummary]
    replies: list[SendResult] = field(default_factory=list)
    replies_error: str | None = None  # the outbox could not be read at all (the sync still counts)

    @property
    def sent(self) -> int:
        return sum(r.state == "sent" for r in self.replies)

    @property
    def not_sent(self) -> list[SendResult]:
        """Replies that were due and did not leave (waiting to retry, or failed)."""
        return [r for r in self.replies if r.state in ("queued", "failed")]


def sync_team(url: str, secrets: Secrets | None, *, http_options: dict[str, Any] | None = None) -> list[RunSummary]:
    """Sync every enabled source of the team inbox at `url` (blocking: run it on a worker
    thread), then analyse what it left without sentiment. Raises the store's errors (the
    server did not answer, a sync already running)."""
    with open_team(url, secrets) as team:
        summaries = asyncio.run(sync(team, secrets=secrets, http_options=http_options))  # type: ignore[arg-type]
        analyse_pending(team)
        return summaries


def analyse_pending(team: Any) -> int:
    """The analysis pass on the server, for what a big sync left without sentiment (the
    services' one pass, `sentiment.backfill`: batch by batch, resumable, each item once even
    with two members' apps at it). A failure leaves the rest for the next sync."""
    from inbox.services import sentiment

    try:
        return sentiment.backfill_all(team)
    except Exception as exc:
        log.warning("the team inbox's analysis pass stopped: %s", exc)
        return 0


def sync_and_send(url: str, secrets: Secrets | None, *, http_options: dict[str, Any] | None = None) -> TeamSync:
    """Sync the team's sources on the server, then send the replies due in its outbox
    (blocking: run it on a worker thread). A sync that fails raises, as `sync_team`; a
    failure to reach the outbox afterwards is reported in `replies_error`, not raised."""
    with open_team(url, secrets) as team:
        summaries = asyncio.run(sync(team, secrets=secrets, http_options=http_options))  # type: ignore[arg-type]
        analyse_pending(team)
        if secrets is None:  # no keyring: no platform sign-in to post with; the replies wait
            return TeamSync(summaries, replies_error="no keyring on this computer")
        try:
            replies = asyncio.run(flush_due(team, secrets, shared=True))  # type: ignore[arg-type]
        except Exception as exc:  # the server went away between the two: the replies wait
            log.warning("sending the team's replies failed: %s", exc)
            return TeamSync(summaries, replies_error=str(exc) or type(exc).__name__)
    return TeamSync(summaries, replies)
