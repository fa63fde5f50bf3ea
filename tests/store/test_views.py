"""The item view: one call returns what the reading pane shows for an item."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from inbox.store import NotFound, Store
from inbox.store.views import item_view
from tests.ui.workspace import build_small_workspace

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path):
    s = Store(tmp_path / "views.db")
    build_small_workspace(s, NOW)
    yield s
    s.close()


def by_external(store: Store, external_id: str) -> int:
    return store.conn.execute("SELECT id FROM items WHERE external_id = ?", (external_id,)).fetchone()[0]


def test_a_review_with_the_owners_reply(store):
    g1 = by_external(store, "g1")
    store.save_draft(g1, "Thanks again!")
    view = item_view(store, g1)
    assert view.item.id == g1
    assert [i.external_id for i in view.thread.items] == ["g1", "g-reply-1"]
    assert view.replied and view.draft == "Thanks again!"
    assert view.sentiment == view.item.sentiment and view.sentiment_override is None


def test_other_items_count_what_the_author_wrote_outside_the_thread(store):
    # Guest 03 wrote g3 and g23; Guest 05 wrote only g5
    assert item_view(store, by_external(store, "g23")).other_items == {store.get_item(by_external(store, "g23")).author_id: 1}
    g5 = store.get_item(by_external(store, "g5"))
    assert item_view(store, g5.id).other_items == {g5.author_id: 0}
    assert item_view(store, g5.id, other_limit=0).other_items == {g5.author_id: 0}


def test_a_reply_in_a_mention_thread_brings_the_whole_conversation(store):
    view = item_view(store, by_external(store, "m3"))
    assert [i.external_id for i in view.thread.items] == ["m1", "m2", "m3"]
    assert not view.replied and view.draft is None
    assert len(view.other_items) == 3


def test_a_missing_item_raises_not_found(store):
    with pytest.raises(NotFound):
        item_view(store, 99_999)
