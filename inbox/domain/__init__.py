"""The domain: plain data and rules, no Qt and no I/O."""

from inbox.domain.filters import InboxFilter, PageCursor, View
from inbox.domain.models import (
    Author,
    Draft,
    Item,
    ItemKind,
    ItemRow,
    Source,
    SourceKind,
    Status,
    Tag,
    Thread,
    Whose,
)
from inbox.domain.times import format_time, parse_time, utcnow

__all__ = [
    "Author", "Draft", "InboxFilter", "Item", "ItemKind", "ItemRow", "PageCursor", "Source",
    "SourceKind", "Status", "Tag", "Thread", "View", "Whose", "format_time", "parse_time", "utcnow",
]
