"""Saved searches: a name and an `InboxFilter`, kept by the store (inbox.store.saved_views)."""

from __future__ import annotations

from inbox.domain import InboxFilter
from inbox.domain.saved import SavedView
from inbox.store import Store, StoreError

__all__ = ["SavedView", "delete_saved_view", "list_saved_views", "save_view"]


def list_saved_views(store: Store) -> list[SavedView]:
    return store.list_saved_views()


def save_view(store: Store, name: str, flt: InboxFilter) -> SavedView:
    """Save (or overwrite, by name) a search. Explicit id selections aren't saved: they
    are a moment's selection, not a search."""
    name = " ".join(name.split())
    if not name:
        raise StoreError("a saved search needs a name")
    data = flt.to_dict()
    data["item_ids"] = None
    view_id = store.put_saved_view(name, data)
    return SavedView(view_id, name, InboxFilter.from_dict(data))


def delete_saved_view(store: Store, view_id: int) -> None:
    store.delete_saved_view(view_id)
