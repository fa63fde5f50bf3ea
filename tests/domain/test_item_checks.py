"""The checks every arriving item passes: the fast path for the usual item (short, valid
text; a flat record) must refuse exactly what the field-by-field checks refuse."""

from __future__ import annotations

import pytest

from inbox.domain import Author, Item
from inbox.domain.item_checks import MAX_FIELD_CHARS, MAX_RAW_CHARS, MAX_TEXT_CHARS, unstorable


def item(**kw) -> Item:
    return Item(**{"external_id": "r1", "text": "Lovely cake", **kw})


@pytest.mark.parametrize(("kw", "problem"), [
    ({}, None),
    ({"external_id": 12345}, None),  # a number for an id is stored as text
    ({"raw": {"Branch": "Hove", "Order": "77"}}, None),
    ({"raw": {"n": 3, "nested": {"a": [1, 2]}}}, None),
    ({"text": "x" * (MAX_TEXT_CHARS + 1)}, "the text is longer than 100,000 characters"),
    ({"title": "t" * (MAX_FIELD_CHARS + 1)}, "the title is longer than 10,000 characters"),
    ({"text": "bad \ud800 byte"}, "the text is not valid Unicode text"),
    ({"author": Author(external_id="a", display_name="Ann \udcff")}, "the author name is not valid Unicode text"),
    ({"raw": {"Branch": "Hove \udc80"}}, "the source record is not valid Unicode text"),
    ({"raw": {"Branch": "x" * MAX_RAW_CHARS}}, "the source record is longer than 1,000,000 characters"),
    ({"raw": {"a": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}},
     "it is nested more than 32 levels deep"),
])
def test_the_usual_item_passes_and_each_fault_is_named(kw, problem) -> None:
    assert unstorable(item(**kw)) == problem


def test_a_shallow_check_leaves_the_record_to_the_store() -> None:
    assert unstorable(item(raw={"Branch": "Hove \udc80"}), deep=False) is None


def test_an_item_goes_through_pickle_whole_as_a_big_files_reader_sends_it():
    import pickle
    from datetime import UTC, datetime

    from inbox.domain import ItemKind

    item = Item(external_id="r1", kind=ItemKind.REPLY, text="Thanks!", title="t", url="https://x.example/r1",
                author=Author(external_id="a1", display_name="Ana", handle="@ana", profile_url="https://x.example/a",
                              platform="trustpilot", id=7),
                rating=4, html="<p>Thanks!</p>", language="en", created_at=datetime(2025, 3, 1, 10, 5, tzinfo=UTC),
                updated_at=datetime(2025, 3, 2, tzinfo=UTC), is_owner_reply=True, parent_external_id="r0",
                root_external_id="r0", deleted=True, raw={"Branch": "Leeds", "n": [1, 2]})
    again = pickle.loads(pickle.dumps([item, item], pickle.HIGHEST_PROTOCOL))
    assert again[0] == item and again[0] is again[1]
    assert type(again[0].kind) is ItemKind and again[0].author == item.author
