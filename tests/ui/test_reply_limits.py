"""The reply editor's counter and tone list show each kind's limit as its connector class
declares it, counted the site's way (Reddit included)."""

from __future__ import annotations

import pytest

from inbox.domain import Author, Item
from inbox.services.replies import reply_context
from inbox.sources.registry import available_kinds, connector_class
from inbox.ui.reply_editor import ReplyEditor

LIMITED = [k for k in available_kinds() if connector_class(k).reply_limits]


@pytest.fixture
def editor(qtbot):
    widget = ReplyEditor(lambda item_id, text: None)
    qtbot.addWidget(widget)
    return widget


@pytest.mark.parametrize("kind", LIMITED)
def test_counter_and_flag_follow_the_connectors_first_limit(store, editor, kind) -> None:
    assert "reddit" in LIMITED
    source = store.add_source(kind, "Source", whose="own")
    item = store.get_item(store.save_page(source.id, [Item(
        "r1", text="Cold soup", rating=2, author=Author(external_id="jane", display_name="Jane"))]).new_ids[0])
    limit = connector_class(kind).reply_limits[0]
    editor.show_item(item, "a" * limit.limit, reply_context(store, item))
    assert editor.counter.text() == f"{limit.limit} / {limit.limit}" and not editor.counter.isEnabled()
    assert "too_long" not in editor.flag_codes()
    editor.show_item(item, "a" * (limit.limit + 1), reply_context(store, item))
    assert editor.counter.text() == f"{limit.limit + 1} / {limit.limit}" and editor.counter.isEnabled()
    assert "too_long" in editor.flag_codes()


def test_a_kind_without_a_limit_counts_characters(store, editor) -> None:
    source = store.add_source("trustpilot", "Trustpilot", whose="own")
    item = store.get_item(store.save_page(source.id, [Item(
        "t1", text="Fine", rating=4, author=Author(external_id="sam", display_name="Sam"))]).new_ids[0])
    editor.show_item(item, "Hi Sam", reply_context(store, item))
    assert editor.counter.text() == "6 characters"
    assert "too_long" not in editor.flag_codes()
