"""Conversations and their counts: one list row per conversation, and the sidebar's counts
(read from maintained counters) equal to a recount from the items after any mix of sync,
triage, undo, snoozes waking, tags, rules, deletions at the source, erasure and removal."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inbox.domain import Author, InboxFilter, Item, View, format_time, parse_time
from inbox.domain.rules import Actions, Conditions, Rule
from inbox.services import rules
from inbox.services.operations import Operations
from inbox.services.pipeline import default_pipeline
from inbox.store import Store
from inbox.store.conversations import head_of
from tests.store.backend import sql
from tests.store.test_derived_property import arrivals

T0 = parse_time("2026-01-05T09:00:00Z")
NOW = format_time(T0 + timedelta(days=200))
PIPELINE = default_pipeline()


def heads_are_right(store: Store) -> None:
    """Every thread with a customer message has exactly one head, the one `head_of` names."""
    wrong = store.conn.execute(
        f"SELECT t.id FROM threads t WHERE CAST(coalesce({head_of('t.id')}, -1) AS TEXT) IS NOT "
        "coalesce((SELECT group_concat(id) FROM items WHERE thread_id = t.id AND is_head = 1), '-1')").fetchall()
    assert wrong == []
    assert store.conn.execute("SELECT count(*) FROM items WHERE is_head = 1 AND is_owner_reply = 1").fetchone()[0] == 0


def activity_is_right(store: Store) -> None:
    """Each listed conversation's place is its latest activity, and paging through the list
    a few rows at a time gives every conversation once, in that order."""
    expected = dict(store.conn.execute(
        "SELECT h.id, max(h.created_at, coalesce((SELECT max(coalesce(x.updated_at, x.created_at)) FROM items x "
        "WHERE x.thread_id = h.thread_id AND x.deleted_at IS NULL), '')) FROM items h "
        "WHERE h.is_head = 1 AND h.deleted_at IS NULL AND h.is_owner_reply = 0"))
    seen: list[int] = []
    cursor = None
    while True:
        rows, cursor = store.list_items(InboxFilter(view=View.ALL), after=cursor, limit=3, now=NOW)
        seen += [r.id for r in rows]
        if cursor is None:
            break
    assert sorted(seen) == sorted(expected)  # each exactly once
    assert seen == sorted(expected, key=lambda i: (expected[i], i), reverse=True)


def listed(store: Store, view: str) -> int:
    return len(store.list_items(InboxFilter(view=view), limit=10_000, now=NOW)[0])


OPS = st.lists(st.tuples(st.sampled_from(["page", "done", "read", "unread", "snooze", "wake", "tag", "untag",
                                          "undo", "erase", "rule", "delete_tag", "remove_source", "refetch"]),
                         st.integers(0, 1000)), max_size=14)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(arrivals(), OPS)
def test_counts_equal_a_recount_after_any_operations(pages, ops) -> None:
    with Store(":memory:") as store:
        sources = [store.add_source("mastodon", "Mastodon"), store.add_source("google", "Rival", whose="competitor")]
        operations = Operations(store)
        pages = list(pages)
        ops = [("page", 0)] + list(ops) + [("page", 0)] * len(pages)
        for op, n in ops:
            ids = [r[0] for r in store.conn.execute("SELECT id FROM items WHERE is_head = 1 ORDER BY id")]
            pick = [ids[n % len(ids)], ids[(n * 7 + 3) % len(ids)]] if ids else []
            if op == "page" and pages:
                k, items, deleted = pages.pop(0)
                if sources[k] is None:
                    continue
                with store.transaction():
                    store.save_page(sources[k].id, items, {"page": 1}, pipeline=PIPELINE)
                    if deleted:
                        store.mark_deleted(sources[k].id, deleted)
            elif op in ("done", "read", "unread") and pick:
                operations.set_status(pick, op)
            elif op == "snooze" and pick:
                operations.snooze(pick, T0 + timedelta(days=n % 400))  # due before NOW or after
            elif op == "wake":
                operations.wake_due(T0 + timedelta(days=n % 400))
            elif op in ("tag", "untag") and pick:
                getattr(operations, op)(pick, ["vip", "follow up"][n % 2])
            elif op == "undo":
                operations.undo()
            elif op == "erase":
                authors = [r[0] for r in store.conn.execute(
                    "SELECT id FROM authors WHERE external_id != 'owner' ORDER BY id")]
                if authors:
                    store.erase_author(authors[n % len(authors)])
                    operations.undo_stack.entries.clear()  # erasure is final: nothing to undo into
            elif op == "rule":
                rule = rules.save_rule(store, Rule(f"r{n}", Conditions(rating_max=n % 5 + 1),
                                                   Actions(tag="rated", mute=bool(n % 2))))
                rules.apply_to_existing(store, rule)
            elif op == "delete_tag":
                tags = store.list_tags()
                if tags:
                    store.delete_tag(tags[n % len(tags)].id)
            elif op == "remove_source" and n % 5 == 0:
                k = n % 2
                if sources[k] is not None:
                    store.remove_source(sources[k].id)
                    sources[k] = None
                    operations.undo_stack.entries.clear()
            assert store.counts(NOW) == store.recounted(NOW), op
        heads_are_right(store)
        activity_is_right(store)
        counts = store.counts(NOW)
        for view in View.ALL_VIEWS:
            assert counts["views"][view] == listed(store, view) == store.count_items(InboxFilter(view=view), NOW)
        store.recount_conversations()
        assert store.counts(NOW) == counts
        activity_is_right(store)


def reply(ext: str, parent: str, text: str, n: int, *, owner: bool = False, who: str = "bo") -> Item:
    return Item(ext, "reply", text=text, created_at=T0 + timedelta(hours=n), parent_external_id=parent,
                is_owner_reply=owner, author=Author("owner" if owner else who, "Owner" if owner else who.title()))


def test_a_thread_is_one_row_with_its_figures_and_a_new_message_reopens_it(store: Store) -> None:
    src = store.add_source("bluesky", "Bluesky")
    store.save_page(src.id, [
        Item("m1", "mention", text="Where is the best croissant in town?", created_at=T0,
             author=Author("ann", "Ann")),
        reply("m2", "m1", "Try the Harbour café", 1),
        reply("m3", "m2", "Thank you, come and see us!", 2, owner=True),
        reply("m4", "m1", "Seconded", 3, who="cy"),
        Item("r1", "review", text="Lovely", rating=5, created_at=T0 + timedelta(hours=5), author=Author("di", "Di")),
    ])
    rows = store.list_items(InboxFilter(view=View.INBOX), now=NOW)[0]
    assert [(r.external_id, r.messages, r.replied) for r in rows] == [("r1", 1, False), ("m1", 4, True)]
    assert rows[1].last_activity_at == format_time(T0 + timedelta(hours=3))
    assert store.counts(NOW)["views"][View.INBOX] == 2

    ops = Operations(store)
    ops.mark_done([rows[1].id])
    statuses = dict(sql(store, "SELECT external_id, status FROM items"))
    assert {statuses[e] for e in ("m1", "m2", "m3", "m4")} == {"done"}
    assert store.counts(NOW)["views"][View.INBOX] == 1
    ops.undo()
    assert dict(sql(store, "SELECT external_id, status FROM items")) == {
        **statuses, "m1": "unread", "m2": "unread", "m3": "read", "m4": "unread"}

    ops.mark_done([rows[1].id])
    store.save_page(src.id, [reply("m5", "m4", "Still true a week later", 9, who="ed")])
    rows = store.list_items(InboxFilter(view=View.INBOX), now=NOW)[0]
    # its new message (9 h) is newer than the review (5 h): the thread comes to the top
    assert [(r.external_id, r.status, r.messages) for r in rows] == [("m1", "unread", 5), ("r1", "unread", 1)]


def test_replies_before_their_root_make_one_conversation_headed_by_the_root(store: Store) -> None:
    src = store.add_source("mastodon", "Mastodon")
    store.save_page(src.id, [reply("b", "a", "Me too", 2), reply("c", "a", "Same", 3, who="cy")])
    assert [r.external_id for r in store.list_items(now=NOW)[0]] == ["b"]
    store.save_page(src.id, [Item("a", "mention", text="The queue was long", created_at=T0, author=Author("ann", "Ann"))])
    rows = store.list_items(now=NOW)[0]
    assert [(r.external_id, r.messages) for r in rows] == [("a", 3)]
    assert store.counts(NOW)["views"][View.ALL] == 1 == store.counts(NOW)["sources"][src.id]


def test_search_is_stemmed_plural_and_singular_alike(store: Store) -> None:
    src = store.add_source("google", "Google")
    store.save_page(src.id, [
        Item("1", "review", text="The croissants were stale", rating=2, created_at=T0, author=Author("a", "A")),
        Item("2", "review", text="Best croissant ever", rating=5, created_at=T0 + timedelta(hours=1),
             author=Author("b", "B")),
        Item("3", "review", text="We waited forty minutes", rating=1, created_at=T0 + timedelta(hours=2),
             author=Author("c", "C")),
    ])
    assert {r.external_id for r in store.search("croissant")} == {"1", "2"}
    assert {r.external_id for r in store.search("croissants")} == {"1", "2"}
    assert {r.external_id for r in store.search("wait")} == {"3"}
    assert {r.external_id for r in store.search('"best croissants"')} == {"2"}


def test_tag_counts_follow_erasure_and_source_removal(store: Store) -> None:
    one, two = store.add_source("google", "Google"), store.add_source("yelp", "Yelp")
    for src in (one, two):
        store.save_page(src.id, [
            Item(f"{src.id}a", "review", text="Cold coffee", rating=1, created_at=T0, author=Author("ann", "Ann")),
            Item(f"{src.id}b", "review", text="Nice", rating=5, created_at=T0, author=Author("bo", "Bo")),
            reply(f"{src.id}c", f"{src.id}a", "Sorry to hear that", 1, owner=True),
        ])
    ops = Operations(store)
    heads = [r.id for r in store.list_items(now=NOW)[0]]
    ops.tag(heads, "complaint")
    tag = store.list_tags()[0]
    assert store.counts(NOW)["tags"][tag.id] == 4
    store.erase_author(store.conn.execute(  # Ann on Google (on Yelp she is another author)
        "SELECT id FROM authors WHERE external_id = 'ann' AND platform = 'google'").fetchone()[0])
    assert store.counts(NOW)["tags"][tag.id] == 3
    store.remove_source(two.id)
    assert store.counts(NOW) == store.recounted(NOW)
    assert store.counts(NOW)["tags"][tag.id] == 1


def test_a_muted_new_reply_leaves_its_done_conversation_done(store: Store) -> None:
    src = store.add_source("mastodon", "Mastodon")
    pipeline = default_pipeline()
    store.save_page(src.id, [Item("a", "mention", text="Lovely buns", created_at=T0, author=Author("ann", "Ann"))],
                    pipeline=pipeline)
    Operations(store).mark_done([store.list_items(now=NOW)[0][0].id])
    rules.save_rule(store, Rule("Bots", Conditions(author="spambot"), Actions(mute=True)))
    store.save_page(src.id, [reply("b", "a", "Buy followers", 1, who="spambot")], pipeline=pipeline)
    assert store.counts(NOW)["views"][View.DONE] == 1
    store.save_page(src.id, [reply("c", "a", "Agreed!", 2, who="cy")], pipeline=pipeline)
    assert store.counts(NOW)["views"][View.INBOX] == 1
    assert [r.status for r in store.list_items(InboxFilter(view=View.INBOX), now=NOW)[0]] == ["unread"]


def test_the_list_count_of_a_view_or_a_tag_is_the_number_of_its_rows(store: Store) -> None:
    src = store.add_source("google", "Google")
    store.save_page(src.id, [
        Item(f"r{n}", "review", text=f"Review {n}", rating=n % 5 + 1, created_at=T0 + timedelta(hours=n),
             author=Author(f"a{n}", f"A{n}")) for n in range(12)] + [reply("x", "r1", "Thanks", 20, owner=True)])
    ops = Operations(store)
    heads = [r.id for r in store.list_items(now=NOW)[0]]
    ops.tag(heads[:5], "praise")
    ops.mark_done(heads[3:8])
    for flt in (InboxFilter(tags=["praise"]), InboxFilter(view=View.INBOX), InboxFilter(view=View.DONE, source_ids=[src.id]),
                InboxFilter(whose="own"), InboxFilter(tags=["nothing"])):
        assert store.count_items(flt, NOW) == len(store.list_items(flt, limit=100, now=NOW)[0])


def test_a_conversation_with_a_new_message_comes_to_the_top_and_paging_lists_each_once(store: Store) -> None:
    src = store.add_source("google", "Google")
    store.save_page(src.id, [
        Item(f"r{n}", "review", text=f"Review {n}", rating=4, created_at=T0 + timedelta(hours=n),
             author=Author(f"a{n}", f"A{n}")) for n in range(7)])
    order = [r.external_id for r in store.list_items(now=NOW)[0]]
    assert order == ["r6", "r5", "r4", "r3", "r2", "r1", "r0"]
    # a customer answers under the oldest review today; the owner's reply to r3 comes after it
    store.save_page(src.id, [reply("x", "r0", "Still cold the next week", 30, who="a0"),
                             reply("y", "r3", "Thanks, see you soon", 40, owner=True)])
    rows = store.list_items(now=NOW)[0]
    assert [r.external_id for r in rows] == ["r3", "r0", "r6", "r5", "r4", "r2", "r1"]
    assert (rows[0].last_activity_at, rows[1].last_activity_at) == (
        format_time(T0 + timedelta(hours=40)), format_time(T0 + timedelta(hours=30)))
    # keyset paging across the moved rows: every conversation exactly once, in order
    seen, cursor = [], None
    while True:
        page, cursor = store.list_items(after=cursor, limit=2, now=NOW)
        seen += [r.external_id for r in page]
        if cursor is None:
            break
    assert seen == ["r3", "r0", "r6", "r5", "r4", "r2", "r1"]
    # a search lists messages by their own time, as before
    assert [r.external_id for r in store.search("review")][:2] == ["r6", "r5"]
    # the source deletes the late reply: r0 goes back to its own place
    store.mark_deleted(src.id, ["x"])
    assert [r.external_id for r in store.list_items(now=NOW)[0]][:2] == ["r3", "r6"]
    assert store.list_items(InboxFilter(source_ids=[src.id]), now=NOW)[0][0].external_id == "r3"


def test_a_review_edited_later_counts_its_edit_as_activity(store: Store) -> None:
    src = store.add_source("google", "Google")
    store.save_page(src.id, [
        Item("old", "review", text="Slow", rating=2, created_at=T0, updated_at=T0 + timedelta(hours=9),
             author=Author("a", "A")),
        Item("new", "review", text="Fine", rating=4, created_at=T0 + timedelta(hours=5), author=Author("b", "B"))])
    rows = store.list_items(now=NOW)[0]
    assert [r.external_id for r in rows] == ["old", "new"]  # edited at 9 h, after the other's 5 h
    assert rows[0].last_activity_at == format_time(T0 + timedelta(hours=9))
    # edited again by the platform, now with an earlier time: it goes back below
    store.save_page(src.id, [Item("old", "review", text="Slow, then better", rating=3, created_at=T0,
                                  updated_at=T0 + timedelta(hours=1), author=Author("a", "A"))])
    assert [r.external_id for r in store.list_items(now=NOW)[0]] == ["new", "old"]
