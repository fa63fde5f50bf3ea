"""Queries the UI relies on: search, filters, keyset paging, counts, snooze."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inbox.domain import Author, InboxFilter, Item, PageCursor, View, parse_time
from inbox.store import BadQuery, Store
from tests.store.backend import sql

T0 = parse_time("2026-01-01T12:00:00Z")
TEXTS = ["The almond croissant was warm", "Queue at the drive-thru was slow", "Café crème parfait",
         "Rude staff, cold latte", "Cardamom buns are amazing 😍", "コーヒーが美味しい",
         "Crossed the harbour for this croissant"]


@pytest.fixture
def filled(store: Store) -> Store:
    own = store.add_source("google", "Own")
    rival = store.add_source("yelp", "Rival", whose="competitor")
    items = []
    for n in range(60):
        items.append(Item(f"i{n}", "review", text=TEXTS[n % len(TEXTS)], rating=n % 5 + 1,
                          author=Author(f"u{n % 9}", f"User {n % 9}"),
                          created_at=T0 + timedelta(hours=n // 2)))  # pairs share a time: ties
    store.save_page(own.id, items[:40])
    store.save_page(rival.id, items[40:])
    return store


def test_phrase_prefix_and_accent_insensitive_search(filled):
    assert {r.text for r in filled.search('"almond croissant"')} == {TEXTS[0]}
    assert {r.text for r in filled.search("crois*")} == {TEXTS[0], TEXTS[6]}
    assert {r.text for r in filled.search("creme")} == {TEXTS[2]}
    assert {r.text for r in filled.search("drive-thru")} == {TEXTS[1]}
    assert all(r.rating for r in filled.search("コーヒーが美味しい"))


def test_search_results_are_newest_first(filled):
    rows = filled.search("croissant", limit=100)
    keys = [(r.created_at, r.id) for r in rows]
    assert keys == sorted(keys, reverse=True) and len(rows) > 5


@pytest.mark.parametrize("query, hint", [
    ('"unbalanced', "quote is not closed"),
    ("NOT", "needs words on both sides"),
    ("*", "'*' must follow the start of a word"),
    ("colour:red", "title, text or author"),
    ("AND OR", "Can't search"),
])
def test_bad_queries_get_a_clear_message(filled, query, hint):
    with pytest.raises(BadQuery) as err:
        filled.search(query)
    assert hint in str(err.value) and "Traceback" not in str(err.value)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=40))
def test_any_typed_text_either_searches_or_says_why(filled, text):
    try:
        filled.search(text)
    except BadQuery as exc:
        assert str(exc).startswith("Can't search for")


def test_keyset_paging_visits_every_row_once_in_order(filled):
    seen, cursor = [], None
    while True:
        page, cursor = filled.list_items(InboxFilter(), after=cursor, limit=7)
        seen += [(r.created_at, r.id) for r in page]
        if cursor is None:
            break
    assert len(seen) == 60 and len(set(seen)) == 60
    assert seen == sorted(seen, reverse=True)


def test_paging_does_not_use_offset_and_uses_an_index(filled):
    sql_where, args = filled.filter_sql(InboxFilter())
    plan = filled.conn.execute(
        f"EXPLAIN QUERY PLAN SELECT i.id FROM items i WHERE {sql_where} AND (i.created_at, i.id) < (?, ?) "
        "ORDER BY i.created_at DESC, i.id DESC LIMIT 5", (*args, "2026-01-02T00:00:00Z", 10)).fetchall()
    text = " ".join(r[3] for r in plan)
    assert "items_by_time" in text and "TEMP B-TREE" not in text


def test_filters_narrow_the_list(filled):
    def ext_ids(**kw):
        return {r.external_id for r in filled.iter_items(InboxFilter(**kw))}

    rival = filled.get_source("Rival").id
    assert len(ext_ids(source_ids=[rival])) == 20
    assert ext_ids(whose="competitor") == ext_ids(source_ids=[rival])
    assert all(int(e[1:]) % 5 + 1 >= 4 for e in ext_ids(rating_min=4))
    assert ext_ids(rating_min=2, rating_max=2) == {f"i{n}" for n in range(60) if n % 5 == 1}
    assert ext_ids(since="2026-01-02", until="2026-01-02") == {f"i{n}" for n in range(24, 60)}
    first = filled.list_items()[0][0]
    filled.tag_items([first.id], "Staff")
    assert ext_ids(tags=["staff"]) == {first.external_id}
    assert ext_ids(query="rude", source_ids=[rival]) == {f"i{n}" for n in range(40, 60) if n % 7 == 3}


def test_views_counts_and_snooze_that_comes_back_when_due(filled):
    rows = filled.list_items(limit=5)[0]
    ids = [r.id for r in rows]
    filled.set_status(ids[:2], "done")
    filled.snooze(ids[2:4], T0 + timedelta(days=30))
    now = "2026-01-10T00:00:00Z"
    counts = filled.counts(now=now)["views"]
    assert counts == {"inbox": 56, "unread": 56, "snoozed": 2, "done": 2, "all": 60}
    assert filled.count_items(InboxFilter(view=View.INBOX), now=now) == 56
    assert {r.id for r in filled.iter_items(InboxFilter(view=View.SNOOZED), now=now)} == set(ids[2:4])
    assert filled.wake_due(T0 + timedelta(days=29)) == []
    assert sorted(filled.wake_due(T0 + timedelta(days=31))) == sorted(ids[2:4])
    assert filled.counts(now="2026-02-15T00:00:00Z")["views"]["inbox"] == 58


def test_undo_restores_triage_exactly(filled):
    ids = [r.id for r in filled.list_items(limit=3)[0]]
    filled.set_status(ids[:1], "read")
    before = filled.snapshot_triage(ids)
    snap = filled.set_status(ids, "done")
    assert snap == before
    filled.restore_triage(snap)
    assert filled.snapshot_triage(ids) == before


def test_counts_per_source_and_tag(filled):
    counts = filled.counts()
    assert counts["sources"] == {filled.get_source("Own").id: 40, filled.get_source("Rival").id: 20}
    assert counts["whose"] == {"own": 40, "competitor": 20}
    tag = filled.ensure_tag("follow up")
    filled.tag_items([r.id for r in filled.list_items(limit=3)[0]], "follow up")
    assert filled.counts()["tags"][tag.id] == 3


def test_cursor_type_round_trips(filled):
    page, cursor = filled.list_items(limit=10)
    assert isinstance(cursor, PageCursor) and cursor.id == page[-1].id


def test_search_pages_through_every_match_newest_first(filled):
    seen, cursor = [], None
    while True:
        page, cursor = filled.list_items(InboxFilter(query="croissant"), after=cursor, limit=4)
        seen += [(r.created_at, r.id) for r in page]
        if cursor is None:
            break
    expected = filled.count_items(InboxFilter(query="croissant"))
    assert len(seen) == len(set(seen)) == expected > 4
    assert seen == sorted(seen, reverse=True)


def test_search_walks_the_index_in_time_order_without_sorting(filled):
    plan = filled.conn.execute(
        "EXPLAIN QUERY PLAN SELECT i.id FROM items_fts f JOIN items i ON i.id = (f.rowid & 4294967295) "
        "WHERE items_fts MATCH 'croissant' ORDER BY f.rowid DESC LIMIT 5").fetchall()
    assert "TEMP B-TREE" not in " ".join(r[3] for r in plan)


def test_edits_that_move_an_item_in_time_keep_search_in_step(filled):
    item = filled.search("cardamom")[0]
    sql(filled, "UPDATE items SET created_at = '2020-05-05T00:00:00Z', text = 'pistachio buns' WHERE id = ?",
        (item.id,))
    assert item.id not in [r.id for r in filled.search("cardamom", limit=100)]
    assert [r.id for r in filled.search("pistachio")] == [item.id]


def test_list_rows_share_the_texts_many_rows_repeat(tmp_path) -> None:
    """100,000 rows in the window's list: a source's name, a status or an author's name is
    held once, not once per row (docs/benchmarks.md, Memory)."""
    store = Store(tmp_path / "shared.db")
    src = store.add_source("file", "Export")
    store.save_page(src.id, [Item(external_id=f"r{n}", text=f"review {n}", title="Lovely",
                                  author=Author(external_id="ann", display_name="Ann")) for n in range(3)])
    rows, _ = store.list_items(limit=10)
    assert sorted(r.text for r in rows) == ["review 0", "review 1", "review 2"]
    first, *others = rows
    for other in others:
        for field in ("source_name", "status", "author_name", "title", "sentiment", "kind"):
            assert getattr(other, field) is getattr(first, field), field
    store.close()
