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
class ErasureReport:
    """What an erasure removed (or would remove), per kind, and what it keeps out from now
    on: counts and platform names only, never a name or an id."""

    identities: list[str] = field(default_factory=list)  # the platform of each identity erased
    items: int = 0              # their items
    owner_replies: int = 0      # the owner's replies to them
    tags: int = 0               # tags on those items
    drafts: int = 0
    outbox: int = 0             # queued or sent replies
    phrases: int = 0            # phrases the themes counted from their words
    figures: int = 0            # items taken out of the per-day figures (charts, response rate)
    kept_out_identities: int = 0
    kept_out_items: int = 0

    def counts(self) -> dict[str, int]:
        return {"identities": len(self.identities), "items": self.items, "owner_replies": self.owner_replies,
                "tags": self.tags, "drafts": self.drafts, "outbox": self.outbox, "phrases": self.phrases,
                "figures": self.figures}

    def removed_lines(self, *, nonzero: bool = False) -> list[str]:
        """One line per kind, as the owner reads them (only kinds with anything: `nonzero`)."""
        def n(count: int, one: str, many: str) -> str:
            return f"{count} {one if count == 1 else many}"
        counts = (self.items, self.owner_replies, self.tags, self.drafts, self.outbox, self.phrases, self.figures)
        lines = [n(self.items, "item they wrote", "items they wrote"),
                n(self.owner_replies, "of your replies to them", "of your replies to them"),
                n(self.tags, "tag on their items", "tags on their items"),
                n(self.drafts, "draft reply", "draft replies"),
                n(self.outbox, "queued or sent reply", "queued or sent replies"),
                n(self.phrases, "theme phrase from their words", "theme phrases from their words"),
                n(self.figures, "item counted in the charts and figures", "items counted in the charts and figures")]
        return [line for line, count in zip(lines, counts, strict=True) if count or not nonzero]

    def kept_out_line(self) -> str:
        platforms = ", ".join(dict.fromkeys(p.capitalize() for p in self.identities)) or "their platforms"
        ids = self.kept_out_identities or len(self.identities)
        n = self.kept_out_items or self.items + self.owner_replies
        return (f"From now on, syncs, imports and restored backups keep out anything from their "
                f"{ids} account{'s' * (ids != 1)} ({platforms}) and any reply to the "
                f"{n} erased item{'s' * (n != 1)}. "
                f"Only one-way digests of those ids are kept, not the ids or names.")
