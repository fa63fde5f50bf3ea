"""Customer profiles: one person's items across platforms, their rating history, the
replies they received, their tags; and linking two authors as the same person (stored as
a shared person id, see `inbox.store.people`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from inbox.domain import ItemRow
from inbox.services.text_signals import normalise_name
from inbox.store.errors import StoreError

if TYPE_CHECKING:
    from inbox.store import Store

MAX_ITEMS = 1000


@dataclass(slots=True)
class Profile:
    author_id: int
    name: str
    authors: list[dict]                 # every linked author (platform, names, url)
    items: list[ItemRow]                # what they wrote, newest first
    replies: list[ItemRow]              # owner replies in their conversations
    tags: list[tuple[str, str, int]]    # (name, colour, items)
    first_contact: str | None = None
    last_contact: str | None = None
    ratings: list[tuple[str, int, int]] = field(default_factory=list)  # (created_at, rating, item id), oldest first

    @property
    def linked(self) -> bool:
        return len(self.authors) > 1


def profile(store: Store, author_id: int) -> Profile:
    group = store.person_group(author_id)
    authors = store.authors_by_id(group)
    items = store.items_by_authors(group, MAX_ITEMS)
    threads = sorted({i.thread_id for i in items if i.thread_id is not None})
    replies = store.owner_replies_in_threads(threads)
    tag_counts: Counter[tuple[str, str]] = Counter(t for i in items for t in i.tags)
    tags = sorted(((n, c, k) for (n, c), k in tag_counts.items()), key=lambda t: (-t[2], t[0].casefold()))
    first = next((a for a in authors if a["id"] == author_id), authors[0])
    name = first["display_name"] or first["handle"] or "Anonymous"
    return Profile(
        author_id=author_id, name=name, authors=authors, items=items, replies=replies, tags=tags,
        first_contact=items[-1].created_at if items else None,
        last_contact=items[0].created_at if items else None,
        ratings=[(i.created_at, i.rating, i.id) for i in reversed(items) if i.rating])


def link(store: Store, author_id: int, other_id: int) -> int:
    """Record that two authors are the same person (merging their groups); returns the
    person id."""
    if author_id == other_id:
        raise StoreError("an author is already the same person as themself")
    return store.link_authors(author_id, other_id)


def unlink(store: Store, author_id: int) -> None:
    """Take an author out of their person; a person of one author is no person at all."""
    store.unlink_author(author_id)


def suggestions(store: Store, author_id: int, limit: int = 5) -> list[dict]:
    """Authors elsewhere whose normalised display name or handle equals this author's
    (not yet linked to them), with how many items they wrote."""
    me = store.get_author(author_id)
    keys = {normalise_name(me["display_name"]), normalise_name(me["handle"])} - {""}
    keys = {k for k in keys if len(k) >= 3}
    if not keys:
        return []
    group = set(store.person_group(author_id))
    found = [row for row in store.customer_authors()
             if row["id"] not in group
             and {normalise_name(row["display_name"]), normalise_name(row["handle"])} & keys]
    counts = store.customer_item_counts([f["id"] for f in found])
    for f in found:
        f["items"] = counts[f["id"]]
    found = [f for f in found if f["items"]]
    found.sort(key=lambda f: (f["platform"] == me["platform"], -f["items"], f["id"]))
    return found[:limit]
