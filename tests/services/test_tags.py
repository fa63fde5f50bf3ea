"""Renaming, recolouring, merging and deleting a tag (inbox/services/tags.py), each undone,
on a real local inbox file: the words the window and `inbox tag` show, and what an owner
sees in the lists afterwards."""

from __future__ import annotations

from datetime import timedelta

import pytest

from inbox.domain import Author, InboxFilter, Item, parse_time
from inbox.services.operations import Operations
from inbox.services.tags import TagAdmin, TagError, delete_question, find_tag, merge_question, plan_rename
from inbox.store import Store

T0 = parse_time("2026-03-02T09:00:00Z")


@pytest.fixture
def shop(tmp_path):
    store = Store(tmp_path / "inbox.db")
    source = store.add_source("google", "Café")
    store.save_page(source.id, [Item(f"r{k}", "review", text=f"Visit {k}", rating=4, author=Author(f"a{k}", f"A{k}"),
                                     created_at=T0 + timedelta(minutes=k)) for k in range(6)])
    ids = sorted(r.id for r in store.list_items()[0])
    ops = Operations(store)
    ops.tag(ids[:3], "late")
    ops.tag(ids[2:5], "Delivery", "#3366cc")
    ops.undo_stack.entries.clear()
    yield store, ops, ids
    store.close()


def tagged(store: Store, name: str) -> list[int]:
    return sorted(r.id for r in store.list_items(InboxFilter(tags=[name]))[0])


def test_a_rename_keeps_every_conversations_tag_and_undo_gives_the_name_back(shop):
    store, ops, ids = shop
    plan = plan_rename(store.list_tags(), find_tag(store.list_tags(), "LATE"), "  Running   late ")
    assert plan.into is None and plan.name == "Running late"
    TagAdmin(ops).rename(plan)
    assert tagged(store, "Running late") == ids[:3]
    assert [t.name for t in store.list_tags()] == ["Delivery", "Running late"]
    ops.undo()
    assert tagged(store, "late") == ids[:3] and [t.name for t in store.list_tags()] == ["Delivery", "late"]


def test_renaming_onto_another_tag_says_it_merges_then_merges_and_undo_parts_them(shop):
    store, ops, ids = shop
    tags = store.list_tags()
    plan = plan_rename(tags, find_tag(tags, "late"), "delivery")
    assert plan.into is not None and plan.name == "Delivery"
    assert merge_question(plan) == (
        "There is already a tag “Delivery” (3 conversations). Renaming “late” (3 conversations) to it merges "
        "the two: its conversations get “Delivery” and “late” goes.")
    TagAdmin(ops).rename(plan)
    assert [(t.name, t.count) for t in store.list_tags()] == [("Delivery", 5)]
    assert tagged(store, "Delivery") == ids[:5]
    ops.undo()
    assert [(t.name, t.colour, t.count) for t in store.list_tags()] == [
        ("Delivery", "#3366cc", 3), ("late", find_tag(tags, "late").colour, 3)]
    assert tagged(store, "late") == ids[:3] and tagged(store, "Delivery") == ids[2:5]


def test_deleting_says_how_many_conversations_carry_it_and_undo_tags_them_again(shop):
    store, ops, ids = shop
    tag = find_tag(store.list_tags(), "late")
    assert delete_question(tag) == "Delete the tag “late”? 3 conversations carry it; they keep everything else."
    TagAdmin(ops).delete(tag)
    assert [t.name for t in store.list_tags()] == ["Delivery"]
    assert tagged(store, "Delivery") == ids[2:5]  # the other tag is untouched
    ops.undo()
    again = find_tag(store.list_tags(), "late")
    assert (again.colour, again.count) == (tag.colour, 3) and tagged(store, "late") == ids[:3]


def test_recolouring_is_undone_and_bad_names_and_colours_are_refused_in_words(shop):
    store, ops, _ids = shop
    tag = find_tag(store.list_tags(), "Delivery")
    TagAdmin(ops).recolour(tag, "#aa2200")
    assert find_tag(store.list_tags(), "delivery").colour == "#aa2200"
    ops.undo()
    assert find_tag(store.list_tags(), "delivery").colour == "#3366cc"
    with pytest.raises(TagError, match="looks like #3366cc"):
        TagAdmin(ops).recolour(tag, "red; background: url(x)")
    with pytest.raises(TagError, match="needs a name"):
        plan_rename(store.list_tags(), tag, "   ")
    with pytest.raises(TagError, match="at most 60"):
        plan_rename(store.list_tags(), tag, "x" * 61)
    with pytest.raises(TagError, match="no tag named “urgent” \\(tags: “Delivery”, “late”\\)"):
        find_tag(store.list_tags(), "urgent")
    assert plan_rename(store.list_tags(), tag, "DELIVERY").into is None  # its own name, in other case
