"""Drafts and the outbox on a team inbox: a reply's text is in exactly one place, and two
members' apps flushing the same outbox at the same moment never both post a reply."""

from __future__ import annotations

import threading

from inbox.domain import Author, Item, format_time, parse_time, utcnow
from inbox.store.team import TeamStore

NOW = "2026-03-01T12:00:00Z"
LEASE = "2026-03-01T12:05:00Z"


def one_item(team: TeamStore) -> int:
    source = team.add_source("google", "Shop")
    team.save_page(source.id, [Item("r1", "review", text="Lovely", rating=5, author=Author("g", "Guest"),
                                    created_at=parse_time("2026-02-01T09:00:00Z"))])
    return team.list_items()[0][0].id


def test_a_queued_reply_takes_the_draft_and_a_cancel_gives_it_back(team):
    item_id = one_item(team)
    team.save_draft(item_id, "Thank you!")
    assert team.get_draft(item_id).text == "Thank you!" and team.count_drafts() == 1
    entry = team.queue_reply(item_id, 1, "Thank you!", idempotency_key="k-1", not_before=NOW, mark_done=True,
                             created_at=NOW)
    assert team.get_draft(item_id) is None and team.has_reply_on_its_way(item_id)
    assert [e.id for e in team.outbox_due(NOW)] == [entry] and team.get_outbox_entry(entry).mark_done is True
    assert team.cancel_outbox_entry(entry)
    assert team.get_draft(item_id).text == "Thank you!" and not team.has_reply_on_its_way(item_id)


def test_two_apps_racing_on_one_reply_post_it_exactly_once_in_200_races(team):
    item_id = one_item(team)
    apps = [TeamStore(team.url, password=team.pool.kwargs["password"]) for _ in range(2)]
    posted: list[tuple[int, str]] = []  # what the site received: (entry, idempotency key)
    lock = threading.Lock()

    def flush(store: TeamStore, entry: int, start: threading.Barrier) -> None:
        start.wait()
        if store.claim_outbox_entry(entry, NOW, LEASE) is None:
            return  # the other app has it
        with lock:
            posted.append((entry, store.outbox_idempotency_key(entry)))
        store.mark_outbox_sent(entry, f"remote-{entry}", format_time(utcnow()))

    try:
        entries = []
        for n in range(200):
            entry = team.queue_reply(item_id, 1, f"Thanks {n}", idempotency_key=f"race-{n}", not_before=NOW,
                                     mark_done=False, created_at=NOW)
            start = threading.Barrier(2)
            racers = [threading.Thread(target=flush, args=(app, entry, start)) for app in apps]
            for r in racers:
                r.start()
            for r in racers:
                r.join(30)
            entries.append(entry)
        assert sorted(e for e, _ in posted) == entries  # each exactly once
        assert len({key for _, key in posted}) == 200
        assert {e.state for e in team.list_outbox(["sent", "queued", "sending", "failed"])} == {"sent"}
        assert all(app.claim_outbox_entry(entries[0], NOW, LEASE, force=True) is None for app in apps)
    finally:
        for app in apps:
            app.close()
