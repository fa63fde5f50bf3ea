"""Rules: matching (source, rating, keyword FTS/substring, author, whose), actions on
arrival inside the ingest transaction, preview, apply to existing items and its undo."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from inbox.domain import Author, Item, ItemKind
from inbox.services import rules
from inbox.services.pipeline import Pipeline
from inbox.services.rules import Actions, Conditions, Rule, RuleError

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def item(ext: str, text: str, *, rating: int | None = None, author: str = "Ann", n: int = 0,
         owner: bool = False, parent: str | None = None) -> Item:
    return Item(external_id=ext, kind=ItemKind.REVIEW, text=text, rating=rating,
                author=Author(external_id=author.lower(), display_name=author, handle="@" + author.lower()),
                created_at=T0 + timedelta(hours=n), is_owner_reply=owner, parent_external_id=parent)


@pytest.fixture
def cafe(store):
    own = store.add_source("rss", "Café reviews", whose="own")
    rival = store.add_source("rss", "Rival", whose="competitor")
    store.save_page(own.id, [
        item("a", "The coffee was COLD and bitter", rating=1, author="Zoë", n=1),
        item("b", "Lovely croissants, friendly staff", rating=5, author="Bob", n=2),
        item("c", "Cold brew is great", rating=4, author="Ann", n=3),
        item("d", "Thanks for the review!", author="Owner", n=4, owner=True, parent="c"),
    ])
    store.save_page(rival.id, [
        item("r1", "Their coffee is cold too", rating=2, author="Carl", n=5),
        item("r2", "Straße café", rating=3, author="Dörte", n=6),
    ])
    return store, own, rival


ON_ARRIVAL = Pipeline(page_steps=(rules.on_ingest,))  # rules alone, as a step of ingest


def texts(store, ids):
    return sorted(store.get_item(i).text for i in ids)


def test_substring_keyword_is_case_insensitive_and_skips_owner_replies(cafe):
    store, own, rival = cafe  # noqa: RUF059
    p = rules.preview(store, Conditions(keyword="cold"))
    assert p.count == 3
    assert [r.text for r in p.rows] == ["Their coffee is cold too", "Cold brew is great",
                                        "The coffee was COLD and bitter"]  # newest first
    assert rules.preview(store, Conditions(keyword="review")).count == 0  # only the owner's reply says it
    assert rules.preview(store, Conditions(keyword="STRASSE")).count == 1  # casefold, not lower()


def test_fts_keyword_matches_words_not_parts(cafe):
    store, *_ = cafe
    assert rules.preview(store, Conditions(keyword="croissa", keyword_mode="fts")).count == 0
    assert rules.preview(store, Conditions(keyword="croissa*", keyword_mode="fts")).count == 1
    # the index is stemmed: the singular finds the plural
    assert rules.preview(store, Conditions(keyword="croissant", keyword_mode="fts")).count == 1
    assert rules.preview(store, Conditions(keyword="cold", keyword_mode="fts")).count == 3
    with pytest.raises(RuleError, match="quote is not closed"):
        rules.preview(store, Conditions(keyword='"cold', keyword_mode="fts"))


def test_rating_range_source_whose_and_author(cafe):
    store, own, rival = cafe  # noqa: RUF059
    assert rules.preview(store, Conditions(rating_min=1, rating_max=2)).count == 2
    assert rules.preview(store, Conditions(rating_max=2, source_ids=[own.id])).count == 1
    assert rules.preview(store, Conditions(keyword="cold", whose="competitor")).rows[0].author_name == "Carl"
    assert rules.preview(store, Conditions(author="zoë")).rows[0].rating == 1
    assert rules.preview(store, Conditions(author="@bo")).count == 1  # handle


def test_validation_messages(store):
    with pytest.raises(RuleError, match="needs a name"):
        rules.save_rule(store, Rule(" ", actions=Actions(tag="x")))
    with pytest.raises(RuleError, match="what the rule does"):
        rules.save_rule(store, Rule("r"))
    with pytest.raises(RuleError, match="above the highest"):
        rules.save_rule(store, Rule("r", Conditions(rating_min=4, rating_max=2), Actions(mute=True)))
    assert rules.list_rules(store) == []


def test_save_roundtrip_update_and_delete(store):
    r = rules.save_rule(store, Rule("Complaints", Conditions(rating_max=2, keyword="cold"),
                                    Actions(tag="complaint", mark_read=True)))
    assert rules.list_rules(store) == [r]
    r.enabled = False
    r.actions.tag = "cold"
    rules.save_rule(store, r)
    again = rules.get_rule(store, r.id)
    assert (again.enabled, again.actions.tag, again.conditions.rating_max) == (False, "cold", 2)
    rules.delete_rule(store, r.id)
    assert rules.list_rules(store) == []


def test_rules_apply_on_arrival_only_to_new_items(store):
    own = store.add_source("rss", "Own")
    store.save_page(own.id, [item("old", "cold coffee yesterday", rating=1)], pipeline=ON_ARRIVAL)
    rules.save_rule(store, Rule("Cold", Conditions(keyword="cold"), Actions(tag="cold", mute=True)))
    rules.save_rule(store, Rule("Happy", Conditions(rating_min=5), Actions(mark_read=True)))
    rules.save_rule(store, Rule("Off", Conditions(), Actions(tag="never"), enabled=False))
    res = store.save_page(own.id, [item("old", "cold coffee yesterday", rating=1),
                                   item("n1", "so cold", rating=2, n=1),
                                   item("n2", "perfect", rating=5, n=2),
                                   item("n3", "fine", rating=3, n=3)], pipeline=ON_ARRIVAL)
    assert len(res.new_ids) == 3
    by_ext = {store.get_item(i).external_id: store.get_item(i) for i in
              [r[0] for r in store.conn.execute("SELECT id FROM items")]}
    assert (by_ext["n1"].status, by_ext["n1"].tags) == ("done", [("cold", by_ext["n1"].tags[0][1])])
    assert by_ext["n2"].status == "read" and by_ext["n2"].tags == []
    assert by_ext["n3"].status == "unread"
    assert by_ext["old"].status == "unread" and by_ext["old"].tags == []  # not new: untouched
    assert "never" not in [t.name for t in store.list_tags()]


def test_rule_writes_roll_back_with_the_page(store, monkeypatch):
    own = store.add_source("rss", "Own")
    rules.save_rule(store, Rule("All", Conditions(), Actions(tag="seen")))

    def boom(*args):
        raise RuntimeError("disk full")
    with pytest.raises(RuntimeError):
        store.save_page(own.id, [item("x", "hello")], pipeline=Pipeline(page_steps=(rules.on_ingest, boom)))
    assert store.conn.execute("SELECT count(*) FROM items").fetchone()[0] == 0
    assert store.conn.execute("SELECT count(*) FROM item_tags").fetchone()[0] == 0


def test_on_ingest_query_count_does_not_grow_with_page_size(store):
    own = store.add_source("rss", "Own")
    rules.save_rule(store, Rule("Cold", Conditions(keyword="cold", rating_max=3), Actions(tag="cold", mute=True)))
    statements: list[str] = []

    def count_pages(n0: int, n: int) -> int:
        statements.clear()
        store.conn.set_trace_callback(statements.append)
        store.save_page(own.id, [item(f"p{n0 + k}", "cold" if k % 2 else "warm", rating=2, n=k)
                                 for k in range(n)], pipeline=ON_ARRIVAL)
        store.conn.set_trace_callback(None)
        # a trigger's run is traced as its statement again: count each statement once
        issued = [s for s, _ in itertools.groupby(statements)]
        return sum(1 for s in issued if "rules" in s or "inbox_casefold" in s or "item_tags" in s
                   or s.lstrip().startswith("UPDATE items SET status"))

    small, big = count_pages(0, 10), count_pages(1000, 400)
    assert 3 <= small == big <= 8
    assert store.count_items() == 410
    assert store.conn.execute("SELECT count(*) FROM items WHERE status = 'done'").fetchone()[0] == 205


def test_apply_to_existing_and_undo(cafe):
    store, own, rival = cafe  # noqa: RUF059
    store.set_status([store.search("Cold brew")[0].id], "done")
    rule = Rule("Cold", Conditions(keyword="cold"), Actions(tag="cold", mark_read=True))
    result = rules.apply_to_existing(store, rule)
    assert result.matched == 3
    tagged = [r.text for r in store.list_items(rules_filter_tag("cold"))[0]]
    assert sorted(tagged) == ["Cold brew is great", "The coffee was COLD and bitter", "Their coffee is cold too"]
    statuses = {r.text: r.status for r in store.iter_items()}
    assert statuses["Cold brew is great"] == "done"          # mark read never revives a done item
    assert statuses["Their coffee is cold too"] == "read"
    assert statuses["Lovely croissants, friendly staff"] == "unread"

    rules.undo_apply(store, result.undo)
    statuses = {r.text: r.status for r in store.iter_items()}
    assert statuses["Their coffee is cold too"] == "unread"
    assert statuses["Cold brew is great"] == "done"
    assert store.list_items(rules_filter_tag("cold"))[0] == []


def rules_filter_tag(tag: str):
    from inbox.domain import InboxFilter
    return InboxFilter(tags=[tag])


def test_preview_runs_on_a_read_only_connection(cafe, tmp_path):
    store, *_ = cafe
    from inbox.store import Store

    reader = Store.open_reader(store.path)
    try:
        assert rules.preview(reader, Conditions(keyword="cold", rating_max=2)).count == 2
    finally:
        reader.close()
