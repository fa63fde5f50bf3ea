"""The domain: plain data and rules, no Qt and no I/O.

The names below are imported on first use (PEP 562), not with the package: importing any
`inbox.domain.X` runs this file first, and a quick command (`inbox search`) that needs one
small module must not pay for every dataclass of the domain (docs/benchmarks.md)."""

from __future__ import annotations

from inbox.lazy_names import lazy_names

TYPE_CHECKING = False  # not typing's: importing typing costs a sixth of a quick command
if TYPE_CHECKING:
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

_HOME = {
    **dict.fromkeys(("InboxFilter", "PageCursor", "View"), "filters"),
    **dict.fromkeys(("Author", "Draft", "Item", "ItemKind", "ItemRow", "Source", "SourceKind", "Status",
                     "Tag", "Thread", "Whose"), "models"),
    **dict.fromkeys(("format_time", "parse_time", "utcnow"), "times"),
}


__getattr__, __dir__ = lazy_names(__name__, _HOME, __all__)
