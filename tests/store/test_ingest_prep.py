"""Pages prepared apart (a big file's reader process prepares each batch) and written as
one hand-over store what the same items store unprepared."""

from __future__ import annotations

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
    assert list(checked.entries) == list(plain.entries) == ["r1", "r2"]
    assert checked.entries["r1"].text == "first, edited"
    without_time = [{k: v for k, v in row.items() if k != "fetched_at"} for row in (*checked.rows.values(), *plain.rows.values())]
    assert without_time[:2] == without_time[2:] and checked.authors == plain.authors
    assert checked.skipped == plain.skipped == 0
