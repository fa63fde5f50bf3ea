"""Pages prepared apart (a big file's reader process prepares each batch) and written as
one hand-over store what the same items store unprepared."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime

from inbox.domain import Author, Item
from inbox.store.ingest_prep import PreparedItems, joined, prepare_items


def _item(ext: str, text: str, minute: int) -> Item:
    return Item(external_id=ext, text=text, rating=4, author=Author(external_id=f"a{ext}", display_name=f"A {ext}"),
                created_at=datetime(2025, 3, 1, 10, minute, tzinfo=UTC))


def _rows(store) -> list[tuple]:
    return [tuple(r) for r in store.conn.execute("SELECT external_id, text, rating, author_id IS NOT NULL, thread_id IS NOT NULL "
                              "FROM items ORDER BY id")]


def test_prepared_pages_joined_are_stored_as_the_same_items_unprepared(store, tmp_path):
    from inbox.store import Store

    first = [_item("r1", "first", 1), _item("r2", "second", 2)]
    second = [_item("r3", "third", 3), _item("r2", "second, edited", 4)]  # r2 again: the later copy wins
    src = store.add_source("file", "export", settings={"path": "x.csv"})
    parts = [prepare_items(src.id, "file", first), prepare_items(src.id, "file", second)]
    both = joined(parts, src.id, "file")
    assert isinstance(both, PreparedItems) and len(both) == 4
    result = store.save_page(src.id, both)
    assert result.new == 3
    with Store(tmp_path / "plain.db") as plain:
        other = plain.add_source("file", "export", settings={"path": "x.csv"})
        plain.save_page(other.id, first + second)
        assert _rows(store) == _rows(plain)
    assert ("r2", "second, edited", 4, 1, 1) in _rows(store)


def test_pages_not_all_prepared_for_this_source_are_joined_as_a_plain_list(store):
    src = store.add_source("file", "export", settings={"path": "x.csv"})
    prepared = prepare_items(src.id, "file", [_item("r1", "first", 1)])
    plain = [_item("r2", "second", 2)]
    for parts in ([prepared, plain], [prepare_items(src.id + 1, "file", plain)]):
        both = joined(parts, src.id, "file")
        assert not isinstance(both, PreparedItems) and [i.external_id for i in both] == [
            i.external_id for part in parts for i in part]
    assert joined([prepared], src.id, "file") is prepared


def test_items_checked_already_are_prepared_as_the_same_rows_the_later_duplicate_winning():
    items = [_item("r1", "first", 1), _item("r2", "second", 2), _item("r1", "first, edited", 3)]
    checked, plain = prepare_items(7, "file", items, checked=True), prepare_items(7, "file", items)
    assert list(checked.rows) == list(plain.rows) == ["r1", "r2"]
    assert checked.rows["r1"]["text"] == "first, edited"
    without_time = [{k: v for k, v in row.items() if k != "fetched_at"} for row in (*checked.rows.values(), *plain.rows.values())]
    assert without_time[:2] == without_time[2:] and checked.authors == plain.authors
    assert checked.skipped == plain.skipped == 0


def _sent(prepared: PreparedItems) -> PreparedItems:
    """As a big file's reader process sends a batch to the sync's process."""
    blob = pickle.dumps(prepared, pickle.HIGHEST_PROTOCOL)
    assert b"inbox.domain" not in blob  # its rows go, not its items (the sync's process loads less)
    return pickle.loads(blob)


def _varied() -> list[Item]:
    review = Item(external_id="r1", text="Lovely <b>flat</b> white", html="Lovely <b>flat</b> white", rating=5,
                  title="Yes", url="https://example.org/r1", language="en",
                  author=Author(external_id="", display_name="No Id", handle="@noid", profile_url="https://x/noid"),
                  created_at=datetime(2025, 3, 1, 10, 1, tzinfo=UTC), updated_at=datetime(2025, 3, 2, 9, tzinfo=UTC),
                  raw={"stars": "5", "tags": ["a", 1, None], "when": 1.5})
    reply = Item(external_id="r1:reply", kind="reply", text="Thank you!", is_owner_reply=True,
                 parent_external_id="r1", created_at=datetime(2025, 3, 1, 11, tzinfo=UTC))
    return [review, reply, _item("r2", "second", 3), Item(external_id="r3", rating=9, text="odd stars", created_at=datetime(2025, 3, 1, 9, tzinfo=UTC)),
            Item(external_id="r4", text="gone", deleted=True, created_at=datetime(2025, 3, 1, 12, tzinfo=UTC),
                 author=Author(external_id="u4", display_name="Four", platform="google"))]


def test_a_page_sent_from_another_process_arrives_as_rows_and_is_stored_as_the_items(store, tmp_path):
    from inbox.store import Store

    items = _varied()
    src = store.add_source("file", "export", settings={"path": "x.csv"})
    arrived = _sent(prepare_items(src.id, "file", items))
    assert isinstance(arrived, PreparedItems) and arrived.fits(src.id, "file") and len(arrived) == 5
    assert store.save_page(src.id, arrived).new == 5
    with Store(tmp_path / "plain.db") as plain:
        other = plain.add_source("file", "export", settings={"path": "x.csv"})
        plain.save_page(other.id, items)
        columns = "external_id, kind, text, html, title, url, language, rating, created_at, updated_at, " \
                  "is_owner_reply, parent_external_id, deleted_at IS NULL, raw, thread_id, is_head"
        assert [tuple(r) for r in store.conn.execute(f"SELECT {columns} FROM items ORDER BY id")] == \
               [tuple(r) for r in plain.conn.execute(f"SELECT {columns} FROM items ORDER BY id")]
        authors = "platform, external_id, handle, display_name, profile_url"
        assert [tuple(r) for r in store.conn.execute(f"SELECT {authors} FROM authors ORDER BY id")] == \
               [tuple(r) for r in plain.conn.execute(f"SELECT {authors} FROM authors ORDER BY id")]


def test_the_items_of_an_arrived_page_read_as_a_list_are_prepared_as_the_same_rows():
    items = _varied()
    here = prepare_items(7, "file", items)
    arrived = _sent(here)
    again = prepare_items(7, "file", list(arrived))  # a plain list, as an entry-by-entry retry reads it
    assert [i.external_id for i in arrived] == [i.external_id for i in items] and len(arrived) == 5
    assert arrived[1].parent_external_id == "r1" and "r4" not in [i.external_id for i in arrived][:4]
    unstamped = [{k: v for k, v in row.items() if k not in ("fetched_at", "deleted_at")}
                 for row in (*here.rows.values(), *again.rows.values())]
    assert unstamped[:5] == unstamped[5:] and here.authors == again.authors


def test_arrived_pages_joined_stay_rows_and_a_bad_entry_among_them_costs_only_itself(store):
    src = store.add_source("file", "export", settings={"path": "x.csv"})
    good = [_item(f"r{n}", f"number {n}", n) for n in range(1, 7)]
    bad = Item(external_id="bad", text="fine", raw={"note": "\ud83d alone"})  # SQLite refuses it, found by trying
    parts = [_sent(prepare_items(src.id, "file", [*good[:3], bad])), _sent(prepare_items(src.id, "file", good[3:]))]
    both = joined(parts, src.id, "file")
    assert isinstance(both, PreparedItems) and len(both) == 7 and list(both.rows)[-1] == "r6"
    result = store.save_page(src.id, both)
    assert (result.new, result.skipped) == (6, 1) and "bad" in result.notes[0]
    assert {r[0] for r in store.conn.execute("SELECT external_id FROM items")} == {i.external_id for i in good}


def test_an_arrived_page_keeps_out_what_an_erasure_keeps_out(store):
    src = store.add_source("file", "export", settings={"path": "x.csv"})
    store.save_page(src.id, [_item("r1", "first", 1)])
    store.erase_author(store.conn.execute("SELECT id FROM authors").fetchone()[0])
    again = [_item("r1", "first", 1), _item("r2", "by someone else", 2),
             Item(external_id="r1:reply", text="Thanks", is_owner_reply=True, parent_external_id="r1",
                  created_at=datetime(2025, 3, 1, 11, tzinfo=UTC))]
    result = store.save_page(src.id, _sent(prepare_items(src.id, "file", again)))
    assert (result.new, result.skipped) == (1, 2)
    assert [r[0] for r in store.conn.execute("SELECT external_id FROM items")] == ["r2"]
