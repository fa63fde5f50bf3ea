"""Triage shared by the team: done, read, snooze, tags and undo behave as in the local
inbox, and two members marking and tagging the same conversations at once lose nothing."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from inbox.domain import Author, InboxFilter, Item, View, parse_time
from inbox.store import StoreError
from inbox.store.team import TeamStore

T0 = parse_time("2026-02-01T09:00:00Z")


def fill(team: TeamStore, n: int = 40) -> list[int]:
    source = team.add_source("google", "Shop")
    team.save_page(source.id, [Item(f"r{k}", "review", text=f"Visit {k}", rating=4, author=Author(f"g{k}", "Guest"),
                                    created_at=T0 + timedelta(minutes=k)) for k in range(n)])
    return sorted(r.id for r in team.iter_items())


def test_done_snooze_tags_and_undo_move_items_between_views(team):
    ids = fill(team)
    before = team.set_status(ids[:5], "done")
    assert team.count_items(InboxFilter(view=View.DONE)) == 5
    team.restore_triage(before)
    assert team.count_items(InboxFilter(view=View.DONE)) == 0
    team.snooze(ids[:3], T0 + timedelta(days=3))
    now = (T0 + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert team.count_items(InboxFilter(view=View.SNOOZED), now=now) == 3
    assert team.count_items(InboxFilter(view=View.INBOX), now=now) == 37
    assert team.wake_due(T0 + timedelta(days=4)) == ids[:3]
    assert team.tag_items(ids[:4], "Praise") == ids[:4]
    assert team.tag_items(ids[:6], "praise") == ids[4:6]  # the same tag, whatever its case
    assert [(t.name, t.count) for t in team.list_tags()] == [("Praise", 6)]
    assert [r.tags for r in team.list_items(InboxFilter(tags=["PRAISE"]))[0]] == [[("Praise", "#e5484d")]] * 6
    assert team.untag_items(ids[:2], "Praise") == ids[:2]
    assert team.conversation_item_ids([ids[0]]) == [ids[0]]


def test_two_members_triaging_the_same_items_at_once_lose_nothing(team):
    ids = fill(team, 200)
    apps = [TeamStore(team.url, password=team.pool.kwargs["password"]) for _ in range(2)]
    start = threading.Barrier(2)

    def work(app: TeamStore, tag: str, status: str) -> None:
        start.wait()
        for k in range(0, 200, 10):
            app.tag_items(ids[k:k + 10], tag)
            app.set_status(ids[k:k + 10], status)

    workers = [threading.Thread(target=work, args=(apps[0], "Ana", "done")),
               threading.Thread(target=work, args=(apps[1], "Ben", "read"))]
    try:
        for w in workers:
            w.start()
        for w in workers:
            w.join(60)
    finally:
        for app in apps:
            app.close()
    rows = list(team.iter_items(InboxFilter(include_owner_replies=True)))
    assert all({name for name, _ in r.tags} == {"Ana", "Ben"} for r in rows) and len(rows) == 200
    assert {r.status for r in rows} <= {"done", "read"}  # each row as one of them left it
    history = team.changes_since(0, limit=100_000)
    assert sorted((c.item_id, c.detail) for c in history if c.what == "tag") == \
        sorted((i, tag) for i in ids for tag in ("Ana", "Ben"))  # the history is complete
    last = {c.item_id: c.detail for c in history if c.what == "status"}
    assert all(last[r.id] == r.status for r in rows)  # and its last word is each row's state


def test_saved_replies_and_searches_are_shared_with_names_unique_ignoring_case(team):
    saved = team.put_saved_reply("Thanks", "Thank you, {first_name}!")
    with pytest.raises(StoreError):
        team.put_saved_reply("thanks", "Again")
    team.put_saved_reply("Thanks", "Thanks a lot", saved.id)
    team.add_missing_saved_replies([("THANKS", "starter text"), ("Apology", "Sorry")])
    assert [(r.name, r.body) for r in team.list_saved_replies()] == [("Apology", "Sorry"), ("Thanks", "Thanks a lot")]
    data = InboxFilter(view=View.ALL, query="soup").to_dict()
    view_id = team.put_saved_view("Soup", data)
    assert team.put_saved_view("soup", {**data, "query": "cold"}) == view_id  # overwrites by name
    assert [(v.name, v.filter.query) for v in team.list_saved_views()] == [("Soup", "cold")]
    team.delete_saved_view(view_id)
    assert team.list_saved_views() == []
