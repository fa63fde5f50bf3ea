"""An outbox entry: one reply on its way to a site, as the store reports it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

# States an entry moves through; `queued`/`sending`/`failed` still need the owner's attention.
PENDING_STATES = ("queued", "sending", "failed")


@dataclass(slots=True)
class OutboxEntry:
    id: int
    item_id: int
    source_id: int
    source_name: str
    source_kind: str
    author_name: str
    text: str
    state: str
    attempts: int
    last_error: str | None
    not_before: str | None
    mark_done: bool
    remote_id: str | None
    created_at: str
    sent_at: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
