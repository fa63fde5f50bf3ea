"""Saved replies: variables filled from the item, hostile names made safe, the starter set."""

from __future__ import annotations

import pytest

from inbox.domain import Author, Item
from inbox.domain.templates import clean_value, render, unfilled, values_for
from inbox.services.saved_replies import (
    delete_reply_template,
    list_saved_replies,
    save_reply_template,
)
from inbox.store import StoreError


def _item(store, name: str, text: str = "The soup was cold.", rating: int | None = 2):
    source = store.add_source("google", "Harbour Google")
    store.save_page(source.id, [Item("r1", text=text, rating=rating, author=Author("a1", display_name=name))])
    return store.list_items()[0][0]


def test_all_variables_filled(store) -> None:
    row = _item(store, "Jane Smith")
    values = values_for(row, business_name="Harbour Street Café", owner_name="Maria")
    out = render("Hi {author_first_name}, {rating} stars on {source} for {business_name}: "
                 "“{item_excerpt}” — {owner_name}", values)
    assert out.text == "Hi Jane, 2 stars on Google for Harbour Street Café: “The soup was cold.” — Maria"
    assert out.missing == []


def test_variable_without_value_is_reported_for_highlighting(store) -> None:
    row = _item(store, "", rating=None)
    out = render("Hi {author_first_name}, thanks. — {owner_name} {nonsense}", values_for(
        row, business_name=None, owner_name=None))
    assert [(out.text[s:e], name) for s, e, name in out.missing] == [
        ("{author_first_name}", "author_first_name"), ("{owner_name}", "owner_name"), ("{nonsense}", "nonsense")]
    assert [n for *_, n in unfilled(out.text)] == ["author_first_name", "owner_name"]


@pytest.mark.parametrize(("name", "expected"), [
    ("<script>alert(1)</script> Bob", "<script>alert(1)</script>"),   # literal text, never markup
    ("Bob\u202eevil", "Bobevil"),                                       # bidi override removed
    ("Zoë\x00\x1b[31m", "Zoë[31m"),                                     # control characters removed
    ("   ", None),                                                       # empty: no value
    ("A" * 500, "A" * 39 + "…"),                                        # very long: truncated
    ("محمد علي", "\u2068محمد\u2069"),                                    # RTL isolated
])
def test_hostile_author_names(store, name: str, expected: str | None) -> None:
    row = _item(store, name)
    values = values_for(row, business_name="Café", owner_name="Maria")
    assert values.get("author_first_name") == expected
    out = render("Hi {author_first_name}, thanks.", values)
    assert "\n" not in out.text and "\u202e" not in out.text


def test_long_excerpt_cut_at_a_word() -> None:
    text = clean_value("The flat white was lovely but the cinnamon bun was stale and the table sticky all morning", 40)
    assert text == "The flat white was lovely but the…"


def test_starters_are_added_once_and_deletions_stick(store) -> None:
    starters = list_saved_replies(store)
    assert len(starters) >= 5
    assert all("{author_first_name}" in s.body for s in starters)
    assert not any("valued customer" in s.body.lower() for s in starters)
    delete_reply_template(store, starters[0].id)
    assert starters[0].name not in [s.name for s in list_saved_replies(store)]


def test_saved_reply_validation(store) -> None:
    saved = save_reply_template(store, "  Quick   thanks ", "Thanks {author_first_name}!")
    assert saved.name == "Quick thanks"
    with pytest.raises(StoreError, match="already"):
        save_reply_template(store, "quick THANKS", "x")
    with pytest.raises(StoreError, match="needs some text"):
        save_reply_template(store, "Empty", "  ")
    save_reply_template(store, "Quick thanks", "Thanks, {author_first_name}.", saved.id)
    assert [s.body for s in list_saved_replies(store) if s.id == saved.id] == ["Thanks, {author_first_name}."]


def test_a_written_reply_becomes_a_template(store) -> None:
    from inbox.domain.templates import templatize

    row = _item(store, "Jane Smith")
    values = values_for(row, business_name="Harbour Café", owner_name="Maria")
    text = "Hi Jane, sorry about the soup at Harbour Café. Janet in the kitchen is on it. — Maria"
    assert templatize(text, values) == ("Hi {author_first_name}, sorry about the soup at {business_name}. "
                                        "Janet in the kitchen is on it. — {owner_name}")
    assert render(templatize(text, values), values).text == text
