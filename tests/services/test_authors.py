"""One customer's data: export everything about them, erase them for good."""

from __future__ import annotations

import csv
import json
from datetime import timedelta

import pytest

from inbox.domain import Author, InboxFilter, Item
from inbox.services.authors import erase_author, erase_plan, export_author, list_authors
from inbox.store import NotFound, StoreError
from tests.export_data import T0, fill, item_id


def jane_id(store) -> int:
    return store.conn.execute("SELECT id FROM authors WHERE external_id = 'jane'").fetchone()[0]


def queue_reply(store, item: int, text: str) -> None:
    store.conn.execute(
        "INSERT INTO outbox (item_id, source_id, text, idempotency_key, created_at) "
        "SELECT id, source_id, ?, ?, '2026-04-01T00:00:00Z' FROM items WHERE id = ?", (text, f"k{item}", item))


@pytest.fixture
def ids(store):
    ids = fill(store)
    store.save_draft(item_id(store, "r2"), "Dear Jane, sorry about the wait")
    store.save_draft(item_id(store, "r4"), "Someone else's draft")
    queue_reply(store, item_id(store, "p1"), "Queued for Jane")
    store.tag_items([item_id(store, "r1")], "Regular")
    return ids


def test_list_finds_authors_by_name_handle_or_id(store, ids):
    found = list_authors(store, "jane")
    assert [(a.name, a.platform, a.items) for a in found] == [("Jane Doe", "google", 2), ("Jane Doe", "reddit", 1)]
    assert [a.name for a in list_authors(store, "@jan")] == ["Jane Doe", "Jane Doe"]
    assert list_authors(store, "nobody-like-this") == []


def test_author_export_has_items_replies_drafts_and_outbox(store, ids, tmp_path):
    json_path, csv_path, _html = export_author(store, jane_id(store), tmp_path / "jane.json")
    assert (json_path.name, csv_path.name) == ("jane.json", "jane.csv")
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data["author"] == {"id": jane_id(store), "platform": "google", "external_id": "jane",
                              "display_name": "Jane Doe", "handle": "@jane", "profile_url": ""}
    items = {i["external_id"]: i for i in data["items"]}
    assert set(items) == {"r1", "r2"}            # the Reddit Jane is another platform's author
    assert items["r1"]["owner_replies"] == [{"text": "Thanks for review 1!", "created_at": "2026-03-02T14:00:00Z",
                                             "url": ""}]
    assert items["r1"]["tags"] == ["Regular"] and items["r1"]["rating"] == 1
    assert items["r2"]["owner_replies"] == []
    assert items["r2"]["draft_reply"]["text"] == "Dear Jane, sorry about the wait"
    with open(csv_path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert sorted(r["text"] for r in rows) == ["Review number 1 about coffee", "Review number 2 about coffee"]
    assert {r["author"] for r in rows} == {"Jane Doe"}


def test_reddit_author_export_holds_the_owner_reply_and_outbox_but_not_others(store, ids, tmp_path):
    reddit_jane = list_authors(store, "jane")[1].id
    json_path, _, _ = export_author(store, reddit_jane, tmp_path / "rj")
    assert json_path.name == "rj.json"
    data = json.loads(json_path.read_text(encoding="utf-8"))
    (post,) = data["items"]
    assert post["title"] == "Zanzibarquux latte"
    assert [r["text"] for r in post["owner_replies"]] == ["Owner says hi to Jane"]
    assert [o["text"] for o in post["outbox"]] == ["Queued for Jane"]
    assert "I agree" not in json_path.read_text(encoding="utf-8")   # Bob's comment is Bob's


def test_erase_removes_everything_of_theirs_and_nothing_else(store, ids):
    jane = jane_id(store)
    before = store.count_items(InboxFilter())
    plan = erase_author(store, jane)
    r = plan.report
    assert (r.items, r.owner_replies, r.drafts, r.outbox, r.tags) == (2, 1, 1, 0, 1)
    assert store.count_items(InboxFilter()) == before - 2
    assert store.conn.execute("SELECT count(*) FROM items WHERE external_id IN ('r1', 'r2', 'r1-reply')"
                              ).fetchone()[0] == 0
    assert store.conn.execute("SELECT count(*) FROM authors WHERE id = ?", (jane,)).fetchone()[0] == 0
    assert [d.text for d in store.list_drafts()] == ["Someone else's draft"]
    assert store.conn.execute("SELECT count(*) FROM erasure_digests WHERE kind = 'author'").fetchone()[0] == 1
    with pytest.raises(NotFound):
        store.get_author(jane)
    # other people's items, threads and the tag itself remain
    assert store.get_item(item_id(store, "r3")).text == "Review number 3 about coffee"
    assert [t.name for t in store.list_tags()] == ["Regular"]


def test_erase_removes_their_words_from_search_and_from_the_file(store, ids, tmp_path):
    reddit_jane = list_authors(store, "jane")[1].id
    assert [r.title for r in store.search("Zanzibarquux")] == ["Zanzibarquux latte"]
    plan = erase_author(store, reddit_jane)
    assert (plan.report.items, plan.report.owner_replies, plan.report.outbox) == (1, 1, 1)
    assert store.search("Zanzibarquux") == []
    assert store.conn.execute("SELECT count(*) FROM items_fts WHERE items_fts MATCH 'Zanzibarquux'"
                              ).fetchone()[0] == 0
    assert store.conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0
    # Bob's comment stays, in a thread that no longer has its root
    bob = store.get_item(item_id(store, "c1"))
    assert [i.text for i in store.get_thread(bob.thread_id).items] == ["I agree"]
    db = tmp_path / "inbox.db"
    for path in (db, db.with_name("inbox.db-wal")):
        if path.exists():
            assert b"Zanzibarquux" not in path.read_bytes(), path.name


def test_erased_author_does_not_come_back_on_resync(store, ids):
    jane = Author("jane", display_name="Jane Doe", handle="@jane")
    payload = [Item("r1", kind="review", text="Review number 1 about coffee", author=jane, rating=1,
                    created_at=T0 + timedelta(days=1)),
               Item("r1-reply", kind="reply", text="Thanks for review 1!", is_owner_reply=True,
                    author=Author("owner", display_name="Café"), parent_external_id="r1",
                    created_at=T0 + timedelta(days=1, hours=2)),
               Item("r99", kind="review", text="Jane again, a new review", author=jane, rating=2,
                    created_at=T0 + timedelta(days=99)),
               Item("r100", kind="review", text="Somebody new", author=Author("new"), rating=4,
                    created_at=T0 + timedelta(days=100))]
    erase_author(store, jane_id(store))
    result = store.save_page(ids["cafe"], payload, {"page": 2})
    assert (result.new, result.skipped) == (1, 3)   # with the owner's reply to her review
    assert store.conn.execute("SELECT count(*) FROM authors WHERE external_id = 'jane' "
                              "AND platform = 'google'").fetchone()[0] == 0
    assert [r.source_name for r in store.search("Jane")] == ["Café Reddit"]
    assert store.conn.execute("SELECT count(*) FROM items WHERE external_id IN ('r1', 'r1-reply', 'r99')"
                              ).fetchone()[0] == 0
    assert [r.text for r in store.search("Somebody")] == ["Somebody new"]
    # a Jane on another platform is another person: the erasure record is per platform
    assert list_authors(store, "jane")[0].platform == "reddit"


def test_erase_plan_does_not_change_anything(store, ids):
    plan = erase_plan(store, jane_id(store))
    assert "Jane Doe (google" in plan.describe() and "2 items" in plan.describe()
    assert store.conn.execute("SELECT count(*) FROM erasures").fetchone()[0] == 0
    with pytest.raises(NotFound, match="inbox author list"):
        erase_plan(store, 999_999)


def test_the_business_own_account_is_listed_last_and_cannot_be_erased(store, ids):
    found = list_authors(store, "")
    assert not found[0].is_owner and found[-1].is_owner
    owner = next(a for a in found if a.external_id == "owner")
    assert (owner.is_owner, owner.platform) == (True, "google")
    with pytest.raises(StoreError, match="your own account"):
        erase_author(store, owner.id)
    assert store.conn.execute("SELECT count(*) FROM items WHERE is_owner_reply = 1").fetchone()[0] == 12
    assert store.conn.execute("SELECT count(*) FROM erasures").fetchone()[0] == 0
