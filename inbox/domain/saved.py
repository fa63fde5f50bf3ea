"""What the owner saves for reuse: reply templates and searches."""

from __future__ import annotations

from dataclasses import dataclass

from inbox.domain.filters import InboxFilter


@dataclass(slots=True)
class SavedReply:
    id: int
    name: str
    body: str


@dataclass(slots=True, frozen=True)
class SavedView:
    id: int
    name: str
    filter: InboxFilter
