"""The nouns of the inbox. Connectors produce `Item`s; the store returns `ItemRow`s."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from enum import StrEnum
from operator import attrgetter
from typing import Any

from inbox.domain.plain_text import first_line


class SourceKind(StrEnum):
    GOOGLE = "google"
    YELP = "yelp"
    TRUSTPILOT = "trustpilot"
    FACEBOOK = "facebook"
    MASTODON = "mastodon"
    BLUESKY = "bluesky"
    REDDIT = "reddit"
    RSS = "rss"
    APPSTORE = "appstore"
    GOOGLEPLAY = "googleplay"
    FILE = "file"


SOURCE_LABELS: dict[str, str] = {
    "google": "Google", "yelp": "Yelp", "trustpilot": "Trustpilot", "facebook": "Facebook",
    "mastodon": "Mastodon", "bluesky": "Bluesky", "reddit": "Reddit", "rss": "RSS",
    "appstore": "App Store", "googleplay": "Google Play", "file": "File",
}


class Whose(StrEnum):
    OWN = "own"
    COMPETITOR = "competitor"


class ItemKind(StrEnum):
    REVIEW = "review"
    MENTION = "mention"
    COMMENT = "comment"
    REPLY = "reply"


class Status(StrEnum):
    UNREAD = "unread"
    READ = "read"
    DONE = "done"


@dataclass(slots=True)
class Author:
    """A person on one platform. `external_id` is the platform's id (or the name if none)."""

    external_id: str
    display_name: str = ""
    handle: str = ""
    profile_url: str = ""
    platform: str = ""  # source kind; filled by the store from the source when empty
    id: int | None = None

    @property
    def label(self) -> str:
        return self.display_name or self.handle or "Anonymous"

    def __reduce__(self) -> tuple[type[Author], tuple[Any, ...]]:
        return (Author, _AUTHOR_VALUES(self))  # why: Item.__reduce__


@dataclass(slots=True)
class Item:
    """One review, mention, comment or reply as a connector delivers it.

    Threading: `parent_external_id` names the item this one answers; `root_external_id`
    names the top of the conversation when the source knows it. Either may arrive
    before the item it names; the store threads them when it does.
    """

    external_id: str
    kind: ItemKind | str = ItemKind.REVIEW
    text: str = ""
    title: str = ""
    url: str = ""
    author: Author | None = None
    rating: int | None = None
    html: str | None = None  # already sanitised by the connector
    language: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    is_owner_reply: bool = False
    parent_external_id: str | None = None
    root_external_id: str | None = None
    deleted: bool = False
    raw: dict[str, Any] | None = None

    def __reduce__(self) -> tuple[type[Item], tuple[Any, ...]]:
        # Pickled as its fields in order, loaded by calling the class: the default for a
        # class with slots (a dict of them, set one by one) loaded in twice the time, and a
        # big file's reader process sends every item to the sync's process (h19csv4).
        return (Item, _ITEM_VALUES(self))


_AUTHOR_VALUES = attrgetter(*(f.name for f in fields(Author)))  # its fields' values, in order
_ITEM_VALUES = attrgetter(*(f.name for f in fields(Item)))


@dataclass(slots=True)
class Source:
    id: int
    kind: str
    name: str
    whose: str = Whose.OWN
    settings: dict[str, Any] = field(default_factory=dict)
    cursor: dict[str, Any] = field(default_factory=dict)
    enabled: bool = True
    last_synced_at: str | None = None
    last_error: str | None = None
    stats: dict[str, Any] = field(default_factory=dict)
    # Where its secrets are kept: "<database id>/<source id>", stable across renames and
    # never shared between databases ("" for a source not saved yet).
    secret_key: str = ""


@dataclass(slots=True, frozen=True)
class Tag:
    id: int
    name: str
    colour: str
    count: int = 0


@dataclass(slots=True)
class ItemRow:
    """An item as the inbox list, the reading pane, exports and the CLI see it."""

    id: int
    source_id: int
    source_name: str
    source_kind: str
    whose: str
    kind: str
    external_id: str
    author_id: int | None
    author_name: str
    author_handle: str
    rating: int | None
    title: str
    text: str
    html: str | None
    url: str
    language: str
    created_at: str
    updated_at: str | None
    status: str
    snoozed_until: str | None
    thread_id: int | None
    is_owner_reply: bool
    deleted: bool
    tags: list[tuple[str, str]] = field(default_factory=list)  # (name, colour)
    sentiment: str = "unknown"  # positive | neutral | negative | unknown; the owner's correction wins
    # the conversation the row stands for (filled for list rows by the store)
    messages: int = 1
    last_activity_at: str | None = None
    replied: bool = False
    unread_messages: bool = False

    @property
    def first_line(self) -> str:
        return first_line(self.title, self.text)


@dataclass(slots=True)
class Thread:
    id: int
    source_id: int
    root_item_id: int | None
    last_activity_at: str | None
    items: list[ItemRow] = field(default_factory=list)


@dataclass(slots=True)
class Draft:
    item_id: int
    text: str
    updated_at: str


_DIGITS = {str(n): n for n in range(1, 6)}


def normalise_rating(value: object, scale: int = 5) -> int | None:
    """Map a source's rating onto 1-5 (or None). Accepts numbers, numeric strings and
    Google's enum words (ONE..FIVE)."""
    if scale == 5 and type(value) is str and value in _DIGITS:  # a file's "4", the common case
        return _DIGITS[value]
    words = {"ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4, "FIVE": 5}
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        if value.upper() in words:
            return words[value.upper()]
        try:
            value = float(value)
        except ValueError:
            return None
    if not isinstance(value, int | float) or value != value or value in (float("inf"), float("-inf")):
        return None  # NaN and infinity ("1e400") are no rating
    if scale != 5:
        value = value * 5 / scale
    rating = round(value)
    return rating if 1 <= rating <= 5 else None
