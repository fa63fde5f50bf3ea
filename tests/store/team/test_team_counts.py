"""The team inbox's maintained counts (M006) equal a recount from the items after any
sequence of ingest, triage, undo, tags, deletions and source removal, as the local store's
do (tests/store/test_conversation_counts.py); the lists' counts are their rows; and the
conversations are listed by latest activity (M007), each once however they are paged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inbox.domain import Author, InboxFilter, Item, View, format_time, parse_time
from inbox.services.operations import Operations
from tests.store.test_derived_property import arrivals

T0 = parse_time("2026-01-05T09:00:00Z")
NOW = format_time(T0 + timedelta(days=200))

OPS = st.lists(st.tuples(st.sampled_from(["page", "done", "read", "unread", "snooze", "wake", "tag", "untag",
                                          "undo", "delete_tag", "remove_source", "refetch", "gone"]),
                         st.integers(0, 1000), st.booleans()), max_size=14)
TRIAGE = {"done", "read", "unread", "snooze", "wake", "tag", "untag", "undo"}


def _empty(team) -> None:
    with team.cursor() as cur:
        cur.execute("TRUNCATE sources, authors, threads, items, tags, item_tags, changes, conversation_counts, "
                    "tag_conversations, member_reads, member_read_counts CASCADE")


@pytest.fixture
def ben(team, team_url, team_db, pg_server):
    """A second member of `team`'s inbox, with an app of his own (his own read state)."""
    import secrets

    from inbox.store.team import TeamStore

    role, password = f"ben_{secrets.token_hex(3)}", secrets.token_urlsafe(12)
    with pg_server.connect() as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
    team.grant_member(role)
    store = TeamStore(pg_server.url(team_db, user=role), password=password)
    yield store
    store.close()
    with pg_server.connect(team_db) as conn:
        conn.execute(f"DROP OWNED BY {role}")
    with pg_server.connect() as conn:
        conn.execute(f"DROP ROLE {role}")


def activity_is_right(team) -> None:
    """Each listed conversation's place is its latest activity (M007), and paging through
    the list a few rows at a time gives every conversation once, in that order."""
    with team.cursor() as cur:
        expected = dict(cur.execute(
            "SELECT h.id, greatest(h.created_at, coalesce((SELECT max(coalesce(x.updated_at, x.created_at)) "
            "FROM items x WHERE x.thread_id = h.thread_id AND x.deleted_at IS NULL), '')) FROM items h "
            "WHERE h.is_head AND h.deleted_at IS NULL AND NOT h.is_owner_reply").fetchall())
    seen: list[int] = []
    cursor = None
    while True:
        rows, cursor = team.list_items(InboxFilter(view=View.ALL), after=cursor, limit=3, now=NOW)
        seen += [r.id for r in rows]
        if cursor is None:
            break
    assert sorted(seen) == sorted(expected)  # each exactly once
    assert seen == sorted(expected, key=lambda i: (expected[i], i), reverse=True)


def listed(team, view: str) -> int:
    return len(team.list_items(InboxFilter(view=view), limit=10_000, now=NOW)[0])


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(pages=arrivals(), ops=OPS)
def test_counts_equal_a_recount_after_any_operations(team, ben, pages, ops) -> None:
    """Two members, each reading their own items (the owner and Ben): each one's counts
    are what their own lists hold."""
    _empty(team)
    sources = [team.add_source("mastodon", "Mastodon"), team.add_source("google", "Rival", whose="competitor")]
    apps = {False: Operations(team), True: Operations(ben)}
    pages = list(pages)
    ops = [("page", 0, False)] + list(ops) + [("page", 0, False)] * len(pages)
    sent: list[tuple[int, list[Item]]] = []
    for op, n, bens in ops:
        operations = apps[bens and op in TRIAGE]
        ids = [r.id for r in team.list_items(InboxFilter(), limit=10_000, now=NOW)[0]]
        pick = [ids[n % len(ids)], ids[(n * 7 + 3) % len(ids)]] if ids else []
        if op == "page" and pages:
            k, items, deleted = pages.pop(0)
            if sources[k] is None:
                continue
            with team.transaction():
                team.save_page(sources[k].id, items, {"page": 1})
                if deleted:
                    team.mark_deleted(sources[k].id, deleted)
            sent.append((k, items))
        elif op == "refetch" and sent:  # the same page again: nothing changes
            k, items = sent[n % len(sent)]
            if sources[k] is not None:
                team.save_page(sources[k].id, items)
        elif op == "gone" and sent:  # the source no longer has a message
            k, items = sent[n % len(sent)]
            if sources[k] is not None:
                team.mark_deleted(sources[k].id, [items[n % len(items)].external_id])
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
        elif op == "delete_tag":
            tags = team.list_tags()
            if tags:
                team.delete_tag(tags[n % len(tags)].id)
        elif op == "remove_source" and n % 5 == 0:
            k = n % 2
            if sources[k] is not None:
                team.remove_source(sources[k].id)
                sources[k] = None
                for app in apps.values():
                    app.undo_stack.entries.clear()
        for store in (team, ben):
            assert store.counts(NOW) == store.recounted(NOW), op
    activity_is_right(team)
    for store in (team, ben):
        counts = store.counts(NOW)
        for view in View.ALL_VIEWS:
            assert counts["views"][view] == listed(store, view) == store.count_items(InboxFilter(view=view), NOW)
        for tag in store.list_tags():
            assert tag.count == counts["tags"][tag.id] == len(
                store.list_items(InboxFilter(tags=[tag.name]), limit=10_000, now=NOW)[0])
        store.fold_counts()
        assert store.counts(NOW) == counts


def test_counts_stay_exact_when_two_members_triage_and_a_sync_runs_at_once(team, team_url, pg_server) -> None:
    """Three apps at once (two members marking and tagging, one syncing): nobody waits for a
    counter row, and the counts equal a recount afterwards."""
    import threading

    from inbox.store.team import TeamStore

    src = team.add_source("google", "Google")
    team.save_page(src.id, [Item(f"r{n}", "review", text=f"Review {n}", rating=n % 5 + 1,
                                 created_at=T0 + timedelta(minutes=n), author=Author(f"a{n}", f"A{n}"))
                            for n in range(300)])
    heads = [r.id for r in team.list_items(InboxFilter(), limit=1000, now=NOW)[0]]
    errors: list[BaseException] = []

    def member(k: int) -> None:
        try:
            with TeamStore(team_url, password=pg_server.password) as other:
                ops = Operations(other)
                for step in range(15):
                    pick = heads[(k * 37 + step * 11) % 250:][:20]
                    ops.set_status(pick, ["done", "unread", "read"][(k + step) % 3])
                    ops.tag(pick[::3], "vip")
                    if step % 4 == 3:
                        ops.undo()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def sync() -> None:
        try:
            with TeamStore(team_url, password=pg_server.password) as other:
                for page in range(6):
                    other.save_page(src.id, [Item(f"s{page}-{n}", "review", text="More", rating=3,
                                                  created_at=T0 + timedelta(days=1, minutes=page * 50 + n),
                                                  author=Author(f"s{n}", f"S{n}")) for n in range(50)])
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)

    threads = [threading.Thread(target=member, args=(k,)) for k in range(2)] + [threading.Thread(target=sync)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert team.counts(NOW) == team.recounted(NOW)
    assert team.counts(NOW)["views"][View.ALL] == 600


def test_a_customer_message_reopens_its_done_conversation_and_the_owner_reply_does_not(team) -> None:
    src = team.add_source("mastodon", "Mastodon")
    team.save_page(src.id, [Item("m1", "mention", text="Best buns in town?", created_at=T0, author=Author("ann", "Ann"))])
    head = team.list_items(now=NOW)[0][0]
    Operations(team).mark_done([head.id])
    team.save_page(src.id, [Item("o1", "reply", text="Thank you!", created_at=T0 + timedelta(hours=1),
                                 parent_external_id="m1", is_owner_reply=True, author=Author("owner", "Owner"))])
    assert team.get_item(head.id).status == "done"
    assert team.counts(NOW)["views"][View.DONE] == 1
    team.save_page(src.id, [Item("c1", "reply", text="Still the best", created_at=T0 + timedelta(hours=2),
                                 parent_external_id="o1", author=Author("bo", "Bo"))])
    rows = team.list_items(InboxFilter(view=View.INBOX), now=NOW)[0]
    assert [(r.external_id, r.status, r.messages) for r in rows] == [("m1", "unread", 3)]
    assert rows[0].last_activity_at == format_time(T0 + timedelta(hours=2))
    assert team.counts(NOW) == team.recounted(NOW)


def test_a_done_item_snoozed_and_woken_is_counted_as_it_is_listed(team) -> None:
    """Found by the property test: the list is the member's own read state, the counts the
    shared status; snoozing a done item and its waking must move both."""
    _empty(team)
    source = team.add_source("mastodon", "Mastodon")
    team.save_page(source.id, [Item("s1", "review", text="Lovely flat white", author=Author("u1", "Guest"),
                                    created_at=T0)], {"page": 1})
    [item] = team.list_items(InboxFilter(), limit=10, now=NOW)[0]
    team.set_status([item.id], "done")
    team.snooze([item.id], T0)  # a snooze already due: the item is back in the lists, read
    for view in (View.UNREAD, View.INBOX):
        assert team.counts(NOW)["views"][view] == listed(team, view)
    assert team.wake_due(parse_time(NOW)) == [item.id]
    assert team.counts(NOW)["views"][View.UNREAD] == listed(team, View.UNREAD) == 1


def test_each_members_unread_count_is_what_their_own_unread_list_holds(team, ben) -> None:
    """The owner reads two conversations, Ben one other: each one's Unread figure (the
    sidebar's, `count_items` and the command line's) is the rows their own Unread list shows."""
    _empty(team)
    source = team.add_source("google", "Shop")
    team.save_page(source.id, [Item(f"r{k}", "review", text=f"Visit {k}", author=Author(f"g{k}", "Guest"),
                                    created_at=T0 + timedelta(minutes=k)) for k in range(4)])
    ids = sorted(r.id for r in team.list_items(InboxFilter(), now=NOW)[0])
    team.set_status(ids[:2], "read")
    ben.set_status(ids[3:], "read")
    for store, unread in ((team, 2), (ben, 3)):
        assert store.counts(NOW)["views"][View.UNREAD] == unread
        assert store.count_items(InboxFilter(view=View.UNREAD), NOW) == unread == listed(store, View.UNREAD)
        assert store.count_view(View.UNREAD, now=NOW) == unread
        assert store.counts(NOW)["views"][View.INBOX] == 4
    ben.set_status(ids[2:3], "done")  # done is shared: out of both Unread lists
    assert [s.counts(NOW)["views"][View.UNREAD] for s in (team, ben)] == [1, 2]
    # an inbox upgraded with reads already made: the migration counts them (and may run twice)
    from inbox.store.team.member_counts import M014_MEMBER_COUNTS

    with team.transaction(), team.cursor() as cur:
        cur.execute("DELETE FROM member_read_counts")
        cur.execute(M014_MEMBER_COUNTS)
        cur.execute(M014_MEMBER_COUNTS)
    for store in (team, ben):
        assert store.counts(NOW) == store.recounted(NOW)
    assert [s.counts(NOW)["views"][View.UNREAD] for s in (team, ben)] == [1, 2]
