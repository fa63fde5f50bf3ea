"""Authors as the store reports them: a summary for finding one, and what belongs to one
(for a per-author export or an erasure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from inbox.domain.models import ItemRow


@dataclass(slots=True)
class AuthorSummary:
    id: int
    platform: str
    external_id: str
    name: str
    handle: str
    items: int
    is_owner: bool = False   # wrote the owner's replies: the business's own account

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "platform": self.platform, "external_id": self.external_id,
                "name": self.name, "handle": self.handle, "items": self.items, "is_owner": self.is_owner}


@dataclass(slots=True)
class AuthorRecords:
    """Everything stored about one author, unformatted: the export service decides the shape."""

    author: dict[str, Any]                      # the authors row
    items: list[ItemRow]                        # what they wrote, oldest first, with tags
    extras: dict[int, dict[str, Any]]           # item id -> columns ItemRow leaves out (raw, ...)
    drafts: dict[int, dict[str, Any]]           # item id -> the draft reply
    outbox: dict[int, list[dict[str, Any]]]     # item id -> queued or sent replies, oldest first
    # The owner's replies to them, oldest first, with what they answer: the parent's
    # (source_id, parent_external_id) and the thread's root_item_id.
    owner_replies: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class ErasureCounts:
    """What erasing an author would remove besides their own items."""

    owner_replies: int
    drafts: int
    outbox: int
