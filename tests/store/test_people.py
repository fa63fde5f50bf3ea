"""The store's people operations: authors recorded as one person, and what a profile reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from inbox.domain import Author, Item
from inbox.store import NotFound, Store

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def at(days: float) -> datetime:
    return T0 + timedelta(days=days)


@pytest.fixture
def four(store: Store) -> tuple[int, int, int, int]:
    """Authors p0..p3 on Google, one review each (p0 two, one answered by the owner)."""
    src = store.add_source("google", "Café Google")
    store.save_page(src.id, [
        *(Item(f"r{n}", text=f"review {n}", rating=n + 1, author=Author(f"p{n}", f"Person {n}"),
               created_at=at(n)) for n in range(4)),
        Item("r0b", text="again", rating=1, author=Author("p0", "Person 0"), created_at=at(9)),
        Item("r0r", kind="reply", text="owner answer", author=Author("owner", "Café"), is_owner_reply=True,
             parent_external_id="r0", created_at=at(0.5)),
    ])
    ids = [store.conn.execute("SELECT id FROM authors WHERE external_id = ?", (f"p{n}",)).fetchone()[0]
           for n in range(4)]
    return ids[0], ids[1], ids[2], ids[3]


def person_ids(store: Store) -> dict[int, int | None]:
    return {r[0]: r[1] for r in store.conn.execute("SELECT id, person_id FROM authors WHERE external_id != 'owner'")}


def test_an_unlinked_author_is_a_group_of_one(store: Store, four) -> None:
    a, *_ = four
    assert store.person_group(a) == [a]
    with pytest.raises(NotFound):
        store.person_group(999_999)


def test_linking_merges_groups_under_the_smallest_id(store: Store, four) -> None:
    a, b, c, d = four
    assert store.link_authors(d, c) == c
    assert store.link_authors(b, d) == b
    assert store.person_group(c) == [b, c, d] == store.person_group(d)
    assert person_ids(store) == {a: None, b: b, c: b, d: b}
    with pytest.raises(NotFound):
        store.link_authors(a, 999_999)
    assert person_ids(store)[a] is None                              # nothing half-written


def test_unlinking_renumbers_the_rest_and_dissolves_a_pair(store: Store, four) -> None:
    a, b, c, d = four
    store.link_authors(a, b)
    store.link_authors(a, c)
    store.unlink_author(a)                         # the smallest leaves: the rest take b
    assert person_ids(store) == {a: None, b: b, c: b, d: None}
    store.unlink_author(c)                         # a person of one author is no person
    assert person_ids(store) == {a: None, b: None, c: None, d: None}
    store.unlink_author(d)                         # not linked: nothing to do
    assert store.person_group(d) == [d]


def test_authors_by_id_in_id_order_without_unknown_ids(store: Store, four) -> None:
    a, b, _, _ = four
    rows = store.authors_by_id([b, 999_999, a])
    assert [r["id"] for r in rows] == [a, b]
    assert set(rows[0]) == {"id", "platform", "external_id", "handle", "display_name", "profile_url", "person_id"}
    assert rows[0]["display_name"] == "Person 0" and rows[0]["platform"] == "google"


def test_items_by_authors_newest_first_without_owner_replies_with_tags(store: Store, four) -> None:
    a, b, _, _ = four
    store.tag_items([store.conn.execute("SELECT id FROM items WHERE external_id = 'r1'").fetchone()[0]], "VIP")
    items = store.items_by_authors([a, b], limit=10)
    assert [i.external_id for i in items] == ["r0b", "r1", "r0"]
    assert [t for t, _ in items[1].tags] == ["VIP"]
    assert [i.external_id for i in store.items_by_authors([a, b], limit=2)] == ["r0b", "r1"]
    assert store.items_by_authors([], limit=10) == []


def test_owner_replies_in_threads(store: Store, four) -> None:
    a, b, _, _ = four
    threads = sorted({i.thread_id for i in store.items_by_authors([a, b], limit=10)})
    assert [r.text for r in store.owner_replies_in_threads(threads)] == ["owner answer"]
    assert store.owner_replies_in_threads([]) == []


def test_customer_authors_and_their_item_counts(store: Store, four) -> None:
    a, b, _, _ = four
    found = store.customer_authors()
    assert sorted(r["display_name"] for r in found) == ["Person 0", "Person 1", "Person 2", "Person 3"]
    owner = store.conn.execute("SELECT id FROM authors WHERE external_id = 'owner'").fetchone()[0]
    assert store.customer_item_counts([a, b, owner]) == {a: 2, b: 1, owner: 0}   # replies are not counted
    assert store.customer_item_counts([]) == {}
