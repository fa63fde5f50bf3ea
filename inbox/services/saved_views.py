"""Saved searches: a name and an `InboxFilter` stored as JSON in `saved_views`."""

from __future__ import annotations

import json
from dataclasses import dataclass

from inbox.domain import InboxFilter, format_time, utcnow
from inbox.store import Store, StoreError


@dataclass(slots=True, frozen=True)
class SavedView:
    id: int
    name: str
    filter: InboxFilter


def list_saved_views(store: Store) -> list[SavedView]:
    rows = store.conn.execute("SELECT id, name, filter FROM saved_views ORDER BY name COLLATE NOCASE")
    views = []
    for view_id, name, data in rows:
        try:
            flt = InboxFilter.from_dict(json.loads(data))
        except (ValueError, TypeError):
            continue  # a hand-edited row that no longer parses is skipped, not fatal
        views.append(SavedView(view_id, name, flt))
    return views


def save_view(store: Store, name: str, flt: InboxFilter) -> SavedView:
    """Save (or overwrite, by name) a search. Explicit id selections aren't saved: they
    are a moment's selection, not a search."""
    name = " ".join(name.split())
    if not name:
        raise StoreError("a saved search needs a name")
    data = flt.to_dict()
    data["item_ids"] = None
    with store.transaction():
        row = store.conn.execute(
            "INSERT INTO saved_views (name, filter, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET filter = excluded.filter RETURNING id",
            (name, json.dumps(data), format_time(utcnow()))).fetchone()
    return SavedView(row[0], name, InboxFilter.from_dict(data))


def delete_saved_view(store: Store, view_id: int) -> None:
    with store.transaction():
        store.conn.execute("DELETE FROM saved_views WHERE id = ?", (view_id,))
