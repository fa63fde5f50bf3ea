"""What a reply to an item may be, read from its source kind's connector class: whether the
app can post it, the site's length limits and what the site puts before it.

One lookup for the outbox (which refuses what the site would refuse), the tone check and
the reply editor's counter, so that they never disagree.
"""

from __future__ import annotations

from inbox.domain import ItemRow
from inbox.domain.reply_length import OverLimit, ReplyLimit, over_limits
from inbox.domain.templates import author_display_name
from inbox.domain.tone import ReplyContext
from inbox.services import sentiment
from inbox.sources.base import Connector, SourceError
from inbox.sources.registry import connector_class
from inbox.store import Store, StoreError


def connector_for(kind: str) -> type[Connector] | None:
    """The connector class of a kind, or None when this build has none (it can't reply)."""
    try:
        return connector_class(kind)
    except SourceError:
        return None


def can_post(item: ItemRow) -> bool:
    """Whether the app can post a reply to this item itself (else: copy and open)."""
    cls = connector_for(item.source_kind)
    return cls is not None and cls.can_reply_to(item)


def reply_limits(store: Store, item: ItemRow) -> tuple[ReplyLimit, ...]:
    """The limits a reply to `item` must keep to, for its source's settings."""
    cls = connector_for(item.source_kind)
    if cls is None:
        return ()
    try:
        settings = store.get_source(item.source_id).settings
    except StoreError:
        settings = {}
    return tuple(cls.limits_for(settings))


def reply_prefix(item: ItemRow) -> str:
    cls = connector_for(item.source_kind)
    return cls.reply_prefix(item) if cls is not None else ""


def too_long(store: Store, item: ItemRow, text: str) -> list[OverLimit]:
    """The limits `text`, as the site will count it, goes past (empty when it fits)."""
    return over_limits(text, reply_limits(store, item), reply_prefix(item))


def reply_context(store: Store, item: ItemRow) -> ReplyContext:
    """What the tone check and the editor need to know about the item a reply answers."""
    _label, override, score = sentiment.item_sentiment(store, item.id)
    return ReplyContext(author_name=author_display_name(item), customer_text=item.text or item.title,
                        rating=item.rating, sentiment=score, sentiment_override=override,
                        source_kind=item.source_kind, limits=reply_limits(store, item),
                        prefix=reply_prefix(item))
