"""What the inbox list shows: a filter (the user's view) and a keyset cursor into it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


class View:
    """The sidebar's status views."""

    INBOX = "inbox"      # not done, not snoozed
    UNREAD = "unread"
    SNOOZED = "snoozed"
    DONE = "done"
    ALL = "all"
    ALL_VIEWS = (INBOX, UNREAD, SNOOZED, DONE, ALL)


@dataclass(slots=True)
class InboxFilter:
    """Every field narrows the list; empty fields don't. Dates are 'YYYY-MM-DD' (UTC)."""

    view: str = View.ALL
    source_ids: list[int] = field(default_factory=list)
    whose: str | None = None            # "own" | "competitor" | None
    tags: list[str] = field(default_factory=list)   # tag names; an item needs all of them
    rating_min: int | None = None
    rating_max: int | None = None
    since: str | None = None
    until: str | None = None
    query: str = ""                     # FTS5 query text
    author_id: int | None = None
    include_owner_replies: bool = False
    item_ids: list[int] | None = None   # an explicit selection
    sentiment: str | None = None        # positive | neutral | negative | unknown (override wins)
    # one row per conversation (its head); False lists every customer message (exports)
    conversations: bool = True
    # a team inbox's member (their login role): conversations assigned to them (the Mine view)
    assignee: str | None = None

    def conversation_rows(self) -> bool:
        """Whether the list shows one row per conversation. Searches, one author's items and
        explicit selections (drafts, the outbox) list messages."""
        return (self.conversations and not self.include_owner_replies and self.author_id is None
                and self.item_ids is None and not self.query.strip())

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> InboxFilter:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


@dataclass(slots=True, frozen=True)
class PageCursor:
    """Keyset position: the last row seen (newest first), so paging never uses OFFSET."""

    created_at: str
    id: int
