"""The store's author operations: finding authors, reading everything of one, erasing one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from inbox.domain import Author, Item
from inbox.store import NotFound, Store

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
ANN = Author("ann", display_name="Ann Archer", handle="@ann")
OWNER = Author("owner", display_name="Café")


def at(days: float) -> datetime:
    return T0 + timedelta(days=days)


def item_id(store: Store, external_id: str) -> int:
    return store.conn.execute("SELECT id FROM items WHERE external_id = ?", (external_id,)).fetchone()[0]


def author_id(store: Store, external_id: str, platform: str = "google") -> int:
    return store.conn.execute("SELECT id FROM authors WHERE external_id = ? AND platform = ?",
                              (external_id, platform)).fetchone()[0]


def queue_reply(store: Store, external_id: str, text: str, created_at: str) -> None:
    store.conn.execute(
        "INSERT INTO outbox (item_id, source_id, text, idempotency_key, created_at) "
        "SELECT id, source_id, ?, ?, ? FROM items WHERE external_id = ?",
        (text, f"key-{text}", created_at, external_id))


@pytest.fixture
def filled(store: Store) -> Store:
    """Google: Ann wrote a1 (answered by the owner) and a2; Bob wrote b1 (answered).
    Reddit: another Ann posted p1, Carl commented on it, the owner answered the post."""
    google = store.add_source("google", "Café Google")
    reddit = store.add_source("reddit", "Café Reddit")
    store.save_page(google.id, [
        Item("a1", text="Cold flat white", rating=2, author=ANN, created_at=at(1),
             raw={"stars": 2}, language="en"),
        Item("a1r", kind="reply", text="Sorry Ann, come back", author=OWNER, is_owner_reply=True,
             parent_external_id="a1", created_at=at(1.5)),
        Item("a2", text="Much better now", rating=5, author=ANN, created_at=at(3)),
        Item("b1", text="Bob likes the scones", rating=4, author=Author("bob", "Bob Baker"), created_at=at(2)),
        Item("b1r", kind="reply", text="Thanks Bob", author=OWNER, is_owner_reply=True,
             parent_external_id="b1", created_at=at(2.5)),
    ])
    store.save_page(reddit.id, [
        Item("p1", kind="mention", title="Quixotic quokka latte", text="Ann's post", author=Author("ann_r", "Ann Archer"),
             created_at=at(10)),
        Item("c1", kind="comment", text="Carl agrees", author=Author("carl", "Carl"), parent_external_id="p1",
             created_at=at(10.1)),
        Item("c2", kind="reply", text="The owner thanks the poster", author=Author("owner", "Café"),
             is_owner_reply=True, parent_external_id="c1", created_at=at(10.2)),
    ])
    store.tag_items([item_id(store, "a1")], "Regular")
    store.save_draft(item_id(store, "a2"), "Glad you came back")
    store.save_draft(item_id(store, "b1"), "Bob's draft")
    queue_reply(store, "a1", "Queued for Ann", "2026-02-01T00:00:00Z")
    queue_reply(store, "p1", "Queued for Reddit Ann", "2026-02-02T00:00:00Z")
    return store


def test_find_authors_matches_name_handle_or_platform_id_customers_first(filled: Store) -> None:
    assert [(a.external_id, a.platform, a.items) for a in filled.find_authors("ann")] == [
        ("ann", "google", 2), ("ann_r", "reddit", 1)]
    assert [a.external_id for a in filled.find_authors("@an")] == ["ann"]          # the handle
    assert [a.external_id for a in filled.find_authors("ann_r")] == ["ann_r"]      # the platform id
    assert filled.find_authors("nobody-like-this") == []
    everyone = filled.find_authors()
    assert [a.is_owner for a in everyone] == [False] * 4 + [True, True]
    assert everyone[0].external_id == "ann" and everyone[0].name == "Ann Archer"


def test_find_authors_limit_is_bound_as_the_limit(filled: Store) -> None:
    assert len(filled.find_authors("", limit=2)) == 2
    assert [a.external_id for a in filled.find_authors(" ann ", limit=1)] == ["ann"]  # query trimmed


def test_author_summary_counts_items_and_knows_the_owner(filled: Store) -> None:
    ann = filled.author_summary(author_id(filled, "ann"))
    assert (ann.name, ann.handle, ann.items, ann.is_owner) == ("Ann Archer", "@ann", 2, False)
    assert filled.author_summary(author_id(filled, "owner")).is_owner
    with pytest.raises(NotFound):
        filled.author_summary(999_999)


def test_author_export_rows_are_oldest_first_with_tags(filled: Store) -> None:
    rows = filled.author_export_rows(author_id(filled, "ann"))
    assert [r.external_id for r in rows] == ["a1", "a2"]
    assert rows[0].tags == [("Regular", rows[0].tags[0][1])] and rows[1].tags == []
    assert filled.author_export_rows(999_999) == []


def test_author_records_hold_their_items_drafts_outbox_and_the_owner_replies(filled: Store) -> None:
    ann = author_id(filled, "ann")
    rec = filled.author_records(ann)
    assert rec.author["display_name"] == "Ann Archer" and rec.author["platform"] == "google"
    a1, a2 = (r.id for r in rec.items)
    assert rec.extras[a1]["external_id"] == "a1" and rec.extras[a1]["raw"] == '{"stars": 2}'
    assert rec.extras[a1]["language"] == "en" and rec.extras[a2]["parent_external_id"] is None
    assert {k: v["text"] for k, v in rec.drafts.items()} == {a2: "Glad you came back"}  # not Bob's
    assert [o["text"] for o in rec.outbox[a1]] == ["Queued for Ann"] and a2 not in rec.outbox
    assert [(r["parent_external_id"], r["text"]) for r in rec.owner_replies] == [("a1", "Sorry Ann, come back")]
    # On Reddit the owner answered Carl's comment in the thread Ann's post started: it counts.
    reddit = filled.author_records(author_id(filled, "ann_r", "reddit"))
    (post,) = reddit.items
    assert [(r["text"], r["root_item_id"]) for r in reddit.owner_replies] == [("The owner thanks the poster", post.id)]
    with pytest.raises(NotFound):
        filled.author_records(999_999)


def test_erasure_counts_are_a_read(filled: Store) -> None:
    ann = author_id(filled, "ann")
    counts = filled.erasure_counts(ann)
    assert (counts.owner_replies, counts.drafts, counts.outbox) == (1, 1, 1)
    reddit = filled.erasure_counts(author_id(filled, "ann_r", "reddit"))
    assert (reddit.owner_replies, reddit.drafts, reddit.outbox) == (1, 0, 1)
    assert filled.author_summary(ann).items == 2
    assert filled.conn.execute("SELECT count(*) FROM erasures").fetchone()[0] == 0


def test_erase_author_removes_theirs_and_the_replies_to_them_and_nothing_else(filled: Store) -> None:
    ann = author_id(filled, "ann")
    filled.erase_author(ann)
    left = {r[0] for r in filled.conn.execute("SELECT external_id FROM items")}
    assert left == {"b1", "b1r", "p1", "c1", "c2"}
    assert [d.text for d in filled.list_drafts()] == ["Bob's draft"]
    assert [r[0] for r in filled.conn.execute("SELECT text FROM outbox")] == ["Queued for Reddit Ann"]
    assert [r[0] for r in filled.conn.execute("SELECT kind FROM erasure_digests ORDER BY kind")] == [
        "author", "item", "item", "item"]        # her account, her two items, the reply to her
    with pytest.raises(NotFound):
        filled.get_author(ann)
    assert [a.external_id for a in filled.find_authors("ann")] == ["ann_r"]
    assert [t.name for t in filled.list_tags()] == ["Regular"]        # the tag stays, unused


def test_erase_author_empties_search_keeps_others_threads_and_blocks_resync(filled: Store, tmp_path) -> None:
    reddit_ann = author_id(filled, "ann_r", "reddit")
    assert [r.title for r in filled.search("quokka")] == ["Quixotic quokka latte"]
    filled.erase_author(reddit_ann)
    assert filled.search("quokka") == []
    assert filled.conn.execute("SELECT count(*) FROM items_fts WHERE items_fts MATCH 'quokka'").fetchone()[0] == 0
    carl = filled.get_item(item_id(filled, "c1"))                     # Carl's comment is Carl's
    thread = filled.conn.execute("SELECT root_item_id FROM threads WHERE id = ?", (carl.thread_id,)).fetchone()
    assert thread[0] is None
    assert [i.text for i in filled.get_thread(carl.thread_id).items] == ["Carl agrees"]
    for path in (tmp_path / "inbox.db", tmp_path / "inbox.db-wal"):
        if path.exists():
            assert b"quokka" not in path.read_bytes(), path.name
    result = filled.save_page(2, [Item("p1", kind="mention", title="Quixotic quokka latte", text="Ann's post",
                                       author=Author("ann_r", "Ann Archer"), created_at=at(10))])
    assert (result.new, result.skipped) == (0, 1)
    assert filled.conn.execute("PRAGMA secure_delete").fetchone()[0] == 2   # back to FAST, every writer's


def test_erase_author_of_no_author_changes_nothing(filled: Store) -> None:
    before = filled.conn.execute("SELECT count(*) FROM items").fetchone()[0]
    with pytest.raises(NotFound):
        filled.erase_author(999_999)
    assert filled.conn.execute("SELECT count(*) FROM items").fetchone()[0] == before
    assert filled.conn.execute("SELECT count(*) FROM erasures").fetchone()[0] == 0
