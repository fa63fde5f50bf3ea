"""The store's operations for drafts, the outbox, rules, saved replies and saved views:
each step the services build on, on its own."""

from __future__ import annotations

import pytest

from inbox.domain import Author, InboxFilter, Item, View
from inbox.domain.rules import Actions, Conditions, Rule
from inbox.store import BadQuery, NotFound, StoreError
from tests.store.backend import sql

T = "2026-03-01T10:00:00Z"
LATER = "2026-03-01T10:05:00Z"


@pytest.fixture
def item_id(store):
    source = store.add_source("google", "Café")
    result = store.save_page(source.id, [Item("r1", text="Cold soup", rating=2,
                                               author=Author(external_id="jane", display_name="Jane"))])
    return result.new_ids[0]


def queue(store, item_id, text="Sorry, Jane.", *, not_before=T):
    return store.queue_reply(item_id, store.get_item(item_id).source_id, text, idempotency_key="k-1",
                             not_before=not_before, mark_done=True, created_at=T)


def test_queueing_takes_the_draft_and_cancelling_gives_it_back(store, item_id):
    store.save_draft(item_id, "Sorry, Jane.")
    assert store.count_drafts() == 1
    entry_id = queue(store, item_id)
    assert store.count_drafts() == 0 and store.has_reply_on_its_way(item_id)
    entry = store.get_outbox_entry(entry_id)
    assert (entry.state, entry.text, entry.mark_done, entry.author_name) == ("queued", "Sorry, Jane.", True, "Jane")
    assert store.cancel_outbox_entry(entry_id)
    assert store.get_draft(item_id).text == "Sorry, Jane."
    assert store.get_outbox_entry(entry_id).state == "cancelled"
    assert not store.has_reply_on_its_way(item_id)
    assert not store.cancel_outbox_entry(entry_id)  # only queued or failed entries come back


def test_a_claim_is_taken_once_and_only_when_due(store, item_id):
    entry_id = queue(store, item_id, not_before=LATER)
    assert store.outbox_due(T) == [] and store.outbox_next_due() == LATER
    assert store.claim_outbox_entry(entry_id, T, "2026-03-01T10:10:00Z") is None       # not due
    assert store.claim_outbox_entry(entry_id, LATER, "2026-03-01T10:10:00Z") == 1
    assert store.get_outbox_entry(entry_id).state == "sending"
    assert store.claim_outbox_entry(entry_id, LATER, "2026-03-01T10:10:00Z") is None   # leased
    assert store.claim_outbox_entry(entry_id, LATER, "2026-03-01T10:10:00Z", force=True) == 2
    assert store.outbox_idempotency_key(entry_id) == "k-1"


def test_failure_sent_and_requeue(store, item_id):
    entry_id = queue(store, item_id)
    store.mark_outbox_failed(entry_id, "offline", LATER)
    entry = store.get_outbox_entry(entry_id)
    assert (entry.state, entry.last_error, entry.not_before) == ("queued", "offline", LATER)
    store.mark_outbox_failed(entry_id, "credentials rejected", None)
    assert store.get_outbox_entry(entry_id).state == "failed"
    assert store.outbox_entry_for(item_id, ("failed",)).id == entry_id
    store.requeue_outbox_entry(entry_id, T)
    assert [e.id for e in store.outbox_due(T)] == [entry_id]
    store.mark_outbox_sent(entry_id, "remote-1", LATER)
    entry = store.get_outbox_entry(entry_id)
    assert (entry.state, entry.remote_id, entry.sent_at, entry.last_error) == ("sent", "remote-1", LATER, None)
    assert store.list_outbox(("queued", "failed")) == []
    assert [e.id for e in store.list_outbox(("sent",))] == [entry_id]
    with pytest.raises(NotFound):
        store.get_outbox_entry(entry_id + 1)


def test_what_the_reply_editor_reads(store, item_id):
    item = store.get_item(item_id)
    assert not store.thread_has_owner_reply(item.thread_id)
    store.save_page(item.source_id, [Item("r1:reply", text="Thanks", is_owner_reply=True, parent_external_id="r1",
                                          author=Author(external_id="owner", display_name="Café"))])
    assert store.thread_has_owner_reply(item.thread_id)
    sql(store, "UPDATE items SET sentiment = -0.5 WHERE id = ?", (item_id,))
    assert store.item_sentiment_score(item_id) == -0.5


def test_rules_are_saved_in_order_and_matched(store, item_id):
    first = store.insert_rule(Rule("Cold", Conditions(keyword="cold"), Actions(tag="cold")))
    second = store.insert_rule(Rule("Low", Conditions(rating_max=2), Actions(mute=True), enabled=False))
    assert (first.position, second.position) == (1, 2)
    assert [r.name for r in store.list_rules()] == ["Cold", "Low"]
    assert [r.name for r in store.list_rules(enabled_only=True)] == ["Cold"]
    second.name = "Very low"
    store.update_rule(second)
    assert store.get_rule(second.id).name == "Very low" and store.get_rule(second.id).actions.mute
    assert store.rule_matching_ids(Conditions(keyword="COLD")) == [item_id]
    assert store.rule_matching_ids(Conditions(keyword="cold"), among=[]) == []
    assert store.count_rule_matches(Conditions(rating_min=3)) == 0
    assert [r.id for r in store.rule_matching_rows(Conditions(author="jan"), 5)] == [item_id]
    with pytest.raises(BadQuery):
        store.check_rule_conditions(Conditions(keyword='"cold', keyword_mode="fts"))
    changed, tagged = store.apply_rule_actions(Actions(tag="cold", mute=True), [item_id])
    assert changed == tagged == [item_id]
    assert store.get_item(item_id).status == "done"
    assert store.apply_rule_actions(Actions(mark_read=True), [item_id]) == ([], [])  # never revives done
    store.delete_rule(first.id)
    with pytest.raises(NotFound):
        store.get_rule(first.id)


def test_saved_replies_and_views(store):
    saved = store.put_saved_reply("Thanks", "Thank you, {first_name}!")
    with pytest.raises(StoreError):
        store.put_saved_reply("thanks", "Again")  # names are unique ignoring case
    store.put_saved_reply("Thanks", "Thanks a lot", saved.id)
    store.add_missing_saved_replies([("Thanks", "starter text"), ("Apology", "Sorry")])
    assert [(r.name, r.body) for r in store.list_saved_replies()] == [("Apology", "Sorry"), ("Thanks", "Thanks a lot")]
    store.delete_saved_reply(saved.id)
    assert [r.name for r in store.list_saved_replies()] == ["Apology"]

    data = InboxFilter(view=View.ALL, query="soup").to_dict()
    view_id = store.put_saved_view("Soup", data)
    assert store.put_saved_view("Soup", {**data, "query": "cold"}) == view_id  # overwrites by name
    sql(store, "INSERT INTO saved_views (name, filter, created_at) VALUES ('Broken', '{', ?)", (T,))
    assert [(v.name, v.filter.query) for v in store.list_saved_views()] == [("Soup", "cold")]
    store.delete_saved_view(view_id)
    assert store.list_saved_views() == []
