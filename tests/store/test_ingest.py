"""Ingest: what the owner would notice if upserts, threading or edits went wrong."""

from __future__ import annotations

from datetime import timedelta

import pytest

from inbox.domain import Author, Item, parse_time
from inbox.store import Store
from inbox.store.erasure_schema import digest
from tests.store.backend import elsewhere, sql

T0 = parse_time("2026-03-02T08:41:17.512340Z")


def review(ext: str, text: str = "Lovely flat white", rating: int | None = 4, **kw) -> Item:
    kw.setdefault("created_at", T0)
    return Item(ext, "review", text=text, rating=rating, author=Author(f"a-{ext}", f"Person {ext}"), **kw)


@pytest.fixture
def src(store: Store):
    return store.add_source("google", "Café · Google")


def test_same_page_twice_changes_nothing(store, src):
    page = [review("r1"), review("r2", "Queue too long", 2)]
    first = store.save_page(src.id, page, {"watermark": "x"})
    before = sql(store, "SELECT * FROM items ORDER BY id")
    second = store.save_page(src.id, page, {"watermark": "x"})
    after = sql(store, "SELECT * FROM items ORDER BY id")
    assert (first.new, second.new, second.updated, second.unchanged) == (2, 0, 0, 2)
    assert [tuple(r) for r in before] == [tuple(r) for r in after]
    assert store.stats()["items"] == 2 and store.stats()["threads"] == 2


def test_a_page_sent_newest_first_is_numbered_oldest_first_and_threaded_as_sent(store, src):
    # APIs send the newest first; stored in time order, each row lands after the one before
    # it in the time-ordered indexes (half the insert's cost), with equal times kept in order.
    page = [review(f"r{n}", created_at=T0 - timedelta(hours=n // 2)) for n in range(8)]
    page.append(Item("c1", "reply", text="Thanks!", parent_external_id="r7", is_owner_reply=True,
                     created_at=T0 + timedelta(hours=1)))
    result = store.save_page(src.id, page)
    rows = sql(store, "SELECT id, external_id, created_at, thread_id FROM items ORDER BY id")
    assert [r[1] for r in rows] == ["r6", "r7", "r4", "r5", "r2", "r3", "r0", "r1", "c1"]
    assert [r[2] for r in rows] == sorted(r[2] for r in rows)
    assert sorted(result.new_ids) == [r[0] for r in rows]
    by_ext = {r[1]: r for r in rows}
    assert by_ext["c1"][3] == by_ext["r7"][3]  # the reply is in its review's conversation
    assert store.get_thread(by_ext["r7"][3]).items[0].external_id == "r7"


def test_edited_review_updates_in_place_and_keeps_triage_tags_and_draft(store, src):
    store.save_page(src.id, [review("r1", "Coffee was cold", 2)])
    item_id = store.list_items()[0][0].id
    store.set_status([item_id], "done")
    store.tag_items([item_id], "complaint")
    store.save_draft(item_id, "Sorry about the coffee")
    edited = review("r1", "Coffee was cold but they replaced it", 4, updated_at=T0 + timedelta(days=1))
    result = store.save_page(src.id, [edited])
    assert result.updated_ids == [item_id] and result.new == 0
    item = store.get_item(item_id)
    assert (item.text, item.rating, item.status) == ("Coffee was cold but they replaced it", 4, "done")
    assert item.tags == [("complaint", item.tags[0][1])]
    assert store.get_draft(item_id).text == "Sorry about the coffee"
    assert [r.id for r in store.search("replaced")] == [item_id]
    assert store.search("cold replaced")[0].id == item_id


def test_reply_chain_arriving_backwards_is_threaded_when_parents_arrive(store):
    src = store.add_source("mastodon", "Masto")
    store.save_page(src.id, [Item("c", "reply", text="third", parent_external_id="b")])
    store.save_page(src.id, [Item("b", "reply", text="second", parent_external_id="a")])
    assert store.stats()["threads"] == 1  # c joined b's conversation, which waits for a
    store.save_page(src.id, [Item("a", "mention", text="first", created_at=T0)])
    threads = sql(store, "SELECT DISTINCT thread_id FROM items")
    assert len(threads) == 1
    thread = store.get_thread(threads[0][0])
    assert thread.items[0].text == "first"
    assert {i.text for i in thread.items} == {"first", "second", "third"}
    assert store.stats()["threads"] == 1


def test_owner_reply_joins_the_review_thread_and_stays_out_of_the_list(store, src):
    store.save_page(src.id, [review("r1"),
                             Item("r1#reply", "reply", text="Thanks!", is_owner_reply=True,
                                  parent_external_id="r1", created_at=T0 + timedelta(hours=2))])
    rows, _ = store.list_items()
    assert [r.external_id for r in rows] == ["r1"]
    thread = store.get_thread(rows[0].thread_id)
    assert [i.external_id for i in thread.items] == ["r1", "r1#reply"]
    assert thread.last_activity_at == "2026-03-02T10:41:17Z"


def test_deleted_remote_item_is_marked_not_dropped(store, src):
    store.save_page(src.id, [review("r1"), review("r2")])
    [(r1,)] = sql(store, "SELECT id FROM items WHERE external_id = 'r1'")
    store.tag_items([r1], "keep")
    assert store.mark_deleted(src.id, ["r1"]) == 1
    assert [r.external_id for r in store.list_items()[0]] == ["r2"]
    kept = store.get_item(r1)
    assert kept.deleted and [t[0] for t in kept.tags] == ["keep"]
    assert store.stats()["items"] == 2


def test_items_without_id_or_content_are_skipped_and_counted(store, src):
    result = store.save_page(src.id, [Item("", text="no id"), Item("x", text="", rating=None), review("ok")])
    assert (result.new, result.skipped) == (1, 2)


def test_cursor_and_items_commit_together_or_not_at_all(store, src):
    class Boom(Exception):
        pass

    with pytest.raises(Boom), store.transaction():
        store.save_page(src.id, [review("r1")], {"page": 2})
        raise Boom
    assert store.stats()["items"] == 0
    assert store.get_source(src.id).cursor == {}


def test_erased_author_is_not_brought_back(store, src):
    salt = store.erasure_salt()
    store.conn.execute("INSERT INTO erasures (id, erased_at) VALUES (1, '2026-01-01T00:00:00Z')")
    store.conn.execute("INSERT INTO erasure_digests VALUES (?, 'author', ?, 1)",
                       (digest(salt, "author", "google", "a-r1"), salt))
    result = store.save_page(src.id, [review("r1"), review("r2")])
    assert (result.new, result.skipped) == (1, 1)


def test_author_rename_reaches_search(store, src):
    store.save_page(src.id, [review("r1")])
    store.save_page(src.id, [Item("r1", "review", text="Lovely flat white", rating=4, created_at=T0,
                                  author=Author("a-r1", "Priya Natarajan"))])
    assert [r.author_name for r in store.search("author:natarajan")] == ["Priya Natarajan"]
    assert store.stats()["authors"] == 1


def test_edits_and_deletes_by_another_writer_stay_searchable(store, src):
    store.save_page(src.id, [review("r1", "flat white"), review("r2", "cold scone")])
    sql(store, "UPDATE items SET text = 'typed in another SQLite tool' WHERE external_id = 'r1'")
    assert [r.external_id for r in store.search("another tool")] == ["r1"]
    assert store.search('"flat white"') == []
    sql(store, "DELETE FROM items WHERE external_id = 'r2'")
    assert store.search("scone") == []


def test_a_rolled_back_page_or_a_deleted_author_does_not_poison_later_pages(store, src):
    page = [review("r1")]
    with pytest.raises(RuntimeError), store.transaction():
        store.save_page(src.id, page)
        raise RuntimeError("a hook failed")
    assert store.save_page(src.id, page).new == 1  # the author written in the rollback is gone
    sql(store, "DELETE FROM items")
    sql(store, "DELETE FROM authors")
    assert store.save_page(src.id, page).new == 1
    assert store.get_item(store.list_items()[0][0].id).author_name == "Person r1"


def by_author(ext: str, author: str) -> Item:
    return Item(ext, "review", text="Lovely flat white", rating=4, created_at=T0,
                author=Author(f"a-{author}", f"Person {author}"))


def author_of(store: Store, ext: str) -> str:
    [(item_id,)] = sql(store, "SELECT id FROM items WHERE external_id = ?", (ext,))
    return store.get_item(item_id).author_name


def test_an_author_rolled_back_is_not_mistaken_for_the_author_that_takes_their_id(store, src):
    # As in the sync's writer: each page in a savepoint of one transaction, one page failing.
    with store.transaction():
        with pytest.raises(RuntimeError), store.transaction():
            store.save_page(src.id, [by_author("r1", "ana")])
            raise RuntimeError("a hook failed")
        store.save_page(src.id, [by_author("r2", "ben")])  # Ben is given the id Ana had
        store.save_page(src.id, [by_author("r3", "ana")])
    assert author_of(store, "r2") == "Person ben"
    assert author_of(store, "r3") == "Person ana"


def test_authors_replaced_by_another_connection_are_not_taken_from_memory(store, src):
    store.save_page(src.id, [by_author("r1", "ana")])
    with elsewhere(store) as run:  # another tool, or another sync
        run("DELETE FROM items")
        run("DELETE FROM authors")
        run("INSERT INTO authors (id, platform, external_id, display_name) VALUES (1, 'google', 'a-ben', 'Person ben')")
    store.save_page(src.id, [by_author("r2", "ana")])
    assert author_of(store, "r2") == "Person ana"
