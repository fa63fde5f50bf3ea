"""Ingest into a team inbox: idempotent pages, edits in place, threads, and two members'
apps writing the same page at the same moment without a duplicate."""

from __future__ import annotations

import pickle
import threading
from datetime import timedelta

import pytest

from inbox.domain import Author, InboxFilter, Item, parse_time
from inbox.store.locks import SyncRunning
from inbox.store.team import TeamStore

T0 = parse_time("2026-02-01T09:00:00Z")


def review(n: int, text: str = "", **kw) -> Item:
    return Item(f"r{n}", "review", text=text or f"Flat white number {n} was lovely", rating=n % 5 + 1,
                author=Author(f"a{n % 7}", f"Guest {n % 7}"), created_at=T0 + timedelta(minutes=n), **kw)


def counts(team: TeamStore) -> dict:
    s = team.stats()
    return {k: s[k] for k in ("items", "threads", "authors")}


def test_a_page_saved_twice_is_stored_once_and_an_edit_changes_it_in_place(team):
    source = team.add_source("google", "Shop")
    first = team.save_page(source.id, [review(n) for n in range(30)], {"page": 1})
    again = team.save_page(source.id, [review(n) for n in range(30)], {"page": 1})
    assert (first.new, again.new, again.unchanged) == (30, 0, 30)
    item = team.search("number 7")[0]
    with team.cursor() as cur:
        cur.execute("UPDATE items SET status = 'done' WHERE id = %s", (item.id,))
    edited = team.save_page(source.id, [review(7, "The pistachio eclair was stale")])
    assert edited.updated_ids == [item.id]
    assert team.get_item(item.id).status == "done"  # triage survives the edit
    assert [r.id for r in team.search("pistachio")] == [item.id]
    assert team.get_source(source.id).cursor == {"page": 1}
    assert counts(team) == {"items": 30, "threads": 30, "authors": 7}


def test_replies_join_their_conversation_in_whatever_order_they_arrive(team):
    source = team.add_source("facebook", "Page")
    reply = Item("c2", "comment", text="Agreed, best croissant in town", parent_external_id="p1",
                 author=Author("u2", "Ben"), created_at=T0 + timedelta(hours=1))
    owner = Item("c3", "reply", text="Thank you both!", parent_external_id="p1", is_owner_reply=True,
                 author=Author("owner", "The Café"), created_at=T0 + timedelta(hours=2))
    team.save_page(source.id, [reply])
    team.save_page(source.id, [Item("p1", "post", text="Croissants today?", author=Author("u1", "Ana"),
                                    created_at=T0), owner])
    rows = team.list_items(InboxFilter())[0]
    assert [r.external_id for r in rows] == ["p1"]  # one row per conversation: its head
    assert (rows[0].messages, rows[0].replied) == (3, True)
    thread_ids = {r.thread_id for r in team.list_items(InboxFilter(include_owner_replies=True))[0]}
    assert len(thread_ids) == 1


def test_a_reply_chain_arriving_backwards_ends_as_one_conversation(team):
    source = team.add_source("mastodon", "Masto")
    team.save_page(source.id, [Item("c", "reply", text="third", parent_external_id="b")])
    team.save_page(source.id, [Item("b", "reply", text="second", parent_external_id="a")])
    team.save_page(source.id, [Item("a", "mention", text="first", created_at=T0)])
    rows = team.list_items(InboxFilter(include_owner_replies=True))[0]
    assert len({r.thread_id for r in rows}) == 1 and team.stats()["threads"] == 1
    thread = team.get_thread(rows[0].thread_id)
    assert thread.items[0].text == "first" and len(thread.items) == 3
    assert [r.external_id for r in team.list_items()[0]] == ["a"]  # its head is the root


def test_an_item_the_source_no_longer_has_is_marked_not_dropped(team):
    source = team.add_source("google", "Shop")
    team.save_page(source.id, [review(1), review(2)])
    assert team.mark_deleted(source.id, ["r1"]) == 1
    assert [r.external_id for r in team.list_items()[0]] == ["r2"]
    assert team.stats()["items"] == 2


@pytest.mark.parametrize("round_", range(5))
def test_two_apps_saving_the_same_page_at_once_never_duplicate(team, round_):
    source = team.add_source("google", "Shop")
    page = [review(n + 1000 * round_) for n in range(200)]
    page += [Item(f"x{n}", "comment", text=f"reply {n}", parent_external_id=f"r{n + 1000 * round_}",
                  author=Author(f"a{n % 7}", f"Guest {n % 7}"), created_at=T0 + timedelta(days=1, minutes=n))
             for n in range(50)]
    stores = [TeamStore(team.url, password=team.pool.kwargs["password"]) for _ in range(2)]
    start = threading.Barrier(2)
    results, errors = [], []

    def write(store: TeamStore) -> None:
        try:
            start.wait()
            results.append(store.save_page(source.id, page))
        except Exception as exc:  # the assertion below shows it
            errors.append(exc)

    workers = [threading.Thread(target=write, args=(s,)) for s in stores]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    for s in stores:
        s.close()
    assert errors == []
    assert sum(r.new for r in results) == 250 and sum(r.unchanged for r in results) == 250
    assert counts(team) == {"items": 250, "threads": 200, "authors": 7}
    with team.cursor() as cur:
        assert cur.execute("SELECT count(*) FROM items WHERE is_head").fetchone()[0] == 200
        assert cur.execute("SELECT count(*) FROM items WHERE thread_id IS NULL").fetchone()[0] == 0


def test_one_sync_at_a_time_across_apps(team):
    other = TeamStore(team.url, password=team.pool.kwargs["password"])
    try:
        with team.sync_lock(), pytest.raises(SyncRunning, match="already running on this team inbox"), \
                other.sync_lock():
            pass
        with other.sync_lock():  # released when the first ended
            pass
    finally:
        other.close()


def test_a_page_prepared_ahead_on_another_thread_is_stored_like_the_plain_page(team):
    """A big sync prepares a page's checks and rows on a worker thread while the previous
    page is written (`prepare_items`); the team store takes them as they are."""
    from concurrent.futures import ThreadPoolExecutor

    from inbox.store.ingest_prep import prepare_items

    plain, ahead = team.add_source("google", "Plain"), team.add_source("google", "Ahead")
    page = [review(n) for n in range(20)] + [Item("", "review", text="no id"),
                                             Item("x1", "review", text="fine", rating="five")]  # type: ignore[arg-type]
    with ThreadPoolExecutor(1) as worker:
        prepared = worker.submit(prepare_items, ahead.id, "google", page).result()
    a = team.save_page(plain.id, page)
    b = team.save_page(ahead.id, prepared)
    assert (b.new, b.skipped) == (a.new, a.skipped) == (20, 2)
    assert b.notes == a.notes and "rating" in b.notes[0]

    def rows(source_id: int) -> list[tuple]:
        return sorted((r.external_id, r.author_name, r.rating, r.text, r.created_at, r.status, r.messages)
                      for r in team.list_items(InboxFilter(source_ids=[source_id]))[0])
    assert rows(ahead.id) == rows(plain.id) and len(rows(ahead.id)) == 20
    assert {r.source_id for r in team.search("number 7")} == {plain.id, ahead.id}
    # written once, it is prepared afresh: the same page again changes nothing
    assert team.save_page(ahead.id, prepared).unchanged == 20
    # sent from another process (a big file's reader), it arrives as its rows alone
    sent = team.add_source("google", "Sent")
    arrived = pickle.loads(pickle.dumps(prepare_items(sent.id, "google", page)))
    assert team.save_page(sent.id, arrived).new == 20 and rows(sent.id) == rows(plain.id)
    assert {r.source_id for r in team.search(page[7].author.display_name)} >= {plain.id, sent.id}
    assert team.save_page(sent.id, arrived).unchanged == 20  # its items rebuilt from its rows
    # made for another source, it is not taken as it is: its rows would name that source
    other = team.add_source("google", "Other")
    assert team.save_page(other.id, prepare_items(ahead.id, "google", page)).new == 20
    assert len(rows(other.id)) == 20 and len(rows(ahead.id)) == 20
