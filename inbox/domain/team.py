"""The team inbox's plain data, shared by the server store, the local replica and the link:
a change of a conversation's history, what a replica knows of its link, and what the link
carries between the server and the replica (issue 20, docs/team.md).

Why here and not in the store: the local SQLite store (a replica) and the PostgreSQL store
both speak in these, and the window shows them; none of them is the other's."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Change:
    """One change of the team inbox, oldest first in a history ("ana marked done · 14:02").

    `pending`: made on this replica and not sent yet (then `seq` is 0 and `who` is this
    member). `kept`: False for a change made offline that a later change by someone else
    overruled when it was sent (both stay in the history; the later one is what holds)."""

    seq: int
    at: str
    who: str
    item_id: int | None
    thread_id: int | None
    what: str     # new | status | snooze | edited | deleted | tag | untag | assigned | reply | draft
    detail: str   # the new status, the snooze's end, the tag's name, the member assigned
    pending: bool = False
    kept: bool = True


@dataclass(frozen=True, slots=True)
class TeamLinkInfo:
    """A replica's link to its team inbox (None from `Store.team_link_info` for an ordinary
    inbox). `waiting`: operations made here that the server has not got yet."""

    url: str            # without a password
    member: str         # the user's own login role on the server
    last_seq: int       # the newest server change this replica has
    replica_of: str     # the team inbox's identity (its database id)
    waiting: int = 0
    members: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class QueuedOp:
    """An operation made on a replica, waiting to be sent, in the order it was made."""

    id: int
    at: str
    op: str              # status | snooze | tag | untag | assigned | draft | reply | cancel_reply, or a SHARED_OPS one
    item_id: int | None
    thread_id: int | None
    detail: str
    args: dict[str, Any] = field(default_factory=dict)
    seen: int = 0        # the newest server change this replica had when it was made


@dataclass(frozen=True, slots=True)
class OpOutcome:
    """What the server did with one queued operation: `sent` (applied), `won` (the same
    thing had been changed on the server since; this later change was applied), `lost`
    (a later change on the server holds; this one is in the history as not kept)."""

    op_id: int
    result: str


@dataclass(slots=True)
class ReplicaBatch:
    """Rows of the server, as the replica writes them: every column by name. `item_tags`
    maps each item sent to the names of all its tags (so a removed tag goes too);
    `changes` are history rows; `gone` are items the server no longer has."""

    sources: list[dict[str, Any]] = field(default_factory=list)
    authors: list[dict[str, Any]] = field(default_factory=list)
    threads: list[dict[str, Any]] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)
    tags: list[dict[str, Any]] = field(default_factory=list)
    item_tags: dict[int, list[str]] = field(default_factory=dict)
    drafts: list[dict[str, Any]] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    gone: list[int] = field(default_factory=list)
    all_drafts: bool = False  # `drafts` is every draft of the server (one missing here was discarded)
    # What the whole team shares besides items (`shared`: these are the server's complete
    # sets, so one missing here was deleted there): tags carry the server's `id`.
    settings: dict[str, str | None] = field(default_factory=dict)
    saved_views: list[dict[str, Any]] = field(default_factory=list)
    saved_replies: list[dict[str, Any]] = field(default_factory=list)
    shared: bool = False
    rules: list[dict[str, Any]] = field(default_factory=list)  # with `shared`: by their `uid`


# Workspace settings that belong to the team (one value for everyone, sent from a replica);
# the others (your name, marking read on open, ...) stay each laptop's own.
TEAM_SETTINGS = ("business_name", "replies.undo_seconds", "sync.interval_minutes")
# Operations on what the team shares that are not about one item.
SHARED_OPS = ("tag_edit", "tag_delete", "setting", "view", "saved_reply", "erase", "rule")

_ASCII_FOLD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def tag_key(name: str) -> str:
    """What makes two tag names the same tag, on the laptop and on the server alike: case
    ignored for A-Z only (SQLite's NOCASE, the local inbox's rule; the server's `tag_key`)."""
    return name.translate(_ASCII_FOLD)
