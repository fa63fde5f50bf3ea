"""View models: everything one screen needs, read in one call so that the window can run
it on a worker thread instead of asking piecemeal on the GUI thread."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from inbox.domain import ItemRow, Thread
from inbox.store.errors import StoreError

if TYPE_CHECKING:
    from inbox.store import Store

OTHER_ITEMS_LIMIT = 100  # "N other items by this author" counts up to about this many


@dataclass(frozen=True, slots=True)
class ItemView:
    """An opened item: its conversation, how much else each customer in it wrote, the
    owner's draft, and the item's sentiment (label, correction, score)."""

    item: ItemRow
    thread: Thread
    other_items: dict[int, int] = field(default_factory=dict)  # author id -> items outside the thread
    draft: str | None = None
    replied: bool = False  # the owner has replied somewhere in the thread
    sentiment: str = "unknown"
    sentiment_override: str | None = None
    sentiment_score: float | None = None


def item_view(store: Store, item_id: int, other_limit: int = OTHER_ITEMS_LIMIT) -> ItemView:
    """What the reading pane shows for an item (raises NotFound if it is gone)."""
    item = store.get_item(item_id)
    thread = None
    if item.thread_id is not None:
        try:
            thread = store.get_thread(item.thread_id)
        except StoreError:
            thread = None
    if thread is None or not thread.items:
        thread = Thread(id=-1, source_id=item.source_id, root_item_id=item.id,
                        last_activity_at=item.created_at, items=[item])
    in_thread = [i.id for i in thread.items]
    ids_json = "[" + ",".join(map(str, in_thread)) + "]"
    others: dict[int, int] = {}
    for author_id in sorted({i.author_id for i in thread.items if i.author_id is not None and not i.is_owner_reply}):
        # the author's newest items, as their list shows them, less this conversation
        others[author_id] = store.conn.execute(
            "SELECT count(*) FROM (SELECT id FROM items WHERE author_id = ? "
            "ORDER BY created_at DESC, id DESC LIMIT ?) WHERE id NOT IN (SELECT value FROM json_each(?))",
            (author_id, other_limit + len(in_thread), ids_json)).fetchone()[0]
    draft = store.get_draft(item_id)
    row = store.conn.execute("SELECT sentiment_override, sentiment FROM items WHERE id = ?", (item_id,)).fetchone()
    return ItemView(item=item, thread=thread, other_items=others, draft=draft.text if draft else None,
                    replied=any(i.is_owner_reply for i in thread.items), sentiment=item.sentiment,
                    sentiment_override=row[0] if row else None, sentiment_score=row[1] if row else None)
