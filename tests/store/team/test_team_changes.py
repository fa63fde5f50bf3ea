"""The team's change sequence: each conversation's history says who did what (the server
says who: each member's own login), members cannot rewrite it, a replica can catch up from
any point, and another app hears of changes and of "Ana is replying…" within a second."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from inbox.domain import Author, InboxFilter, Item, parse_time
from inbox.store import StoreError
from inbox.store.team import TeamStore, init_team

ROOT = Path(__file__).resolve().parents[3]


def review(n: int) -> Item:
    return Item(f"r{n}", "review", text=f"Visit {n}", rating=4, author=Author(f"g{n}", "Guest"),
                created_at=parse_time("2026-02-01T09:00:00Z"))


def test_the_history_says_which_member_did_what_and_members_cannot_rewrite_it(pg_server, roles):
    urls, ana, ben = roles
    init_team(*urls[ana])
    with TeamStore(urls[ana][0], password=urls[ana][1]) as owner:
        owner.grant_member(ben)
        source = owner.add_source("google", "Shop")
        owner.save_page(source.id, [review(1)])
        item = owner.list_items()[0][0]
        owner.tag_items([item.id], "Praise")
    with TeamStore(urls[ben][0], password=urls[ben][1]) as member:
        member.set_status([item.id], "done")
        member.untag_items([item.id], "Praise")
        history = [(c.who, c.what, c.detail) for c in member.conversation_history(item.thread_id)]
    assert history == [(ana, "new", ""), (ana, "tag", "Praise"), (ben, "status", "done"), (ben, "untag", "Praise")]
    with psycopg.connect(urls[ben][0], password=urls[ben][1], autocommit=True) as conn:
        for statement in ("INSERT INTO changes (what, who) VALUES ('status', 'someone')",
                          "UPDATE changes SET who = 'someone'", "DELETE FROM changes"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)


def test_a_replica_catches_up_from_any_point_in_order(team):
    source = team.add_source("google", "Shop")
    team.save_page(source.id, [review(n) for n in range(30)])
    mark = team.last_change()
    ids = sorted(r.id for r in team.iter_items())
    team.set_status(ids[:5], "read")
    team.snooze(ids[5:7], parse_time("2026-03-01T00:00:00Z"))
    team.save_page(source.id, [review(30)])
    everything = team.changes_since(0)
    assert [c.what for c in everything].count("new") == 31
    later = team.changes_since(mark)
    assert [(c.what, c.item_id) for c in later] == ([("status", i) for i in ids[:5]] + [("snooze", i) for i in ids[5:7]]
                                                    + [("new", later[-1].item_id)])
    assert [c.seq for c in later] == sorted(c.seq for c in later) and later[0].seq > mark
    assert team.changes_since(mark, limit=3) == later[:3]


LISTENER = """
import json, sys, time
from inbox.store.team import TeamStore
store = TeamStore(sys.argv[1], password=sys.argv[2])
with store.listener() as listener:
    print("ready", flush=True)
    seen = []
    deadline = time.monotonic() + 20
    while len(seen) < 2 and time.monotonic() < deadline:
        for notice in listener.wait(5):
            seen.append(notice.kind)
            print(json.dumps({"kind": notice.kind, "who": notice.who, "item": notice.item_id,
                              "activity": notice.activity, "at": time.time()}), flush=True)
store.close()
"""


def test_another_app_hears_presence_and_changes_within_a_second(team, pg_server):
    source = team.add_source("google", "Shop")
    team.save_page(source.id, [review(1)])
    item = team.list_items()[0][0]
    other = subprocess.Popen([sys.executable, "-c", LISTENER, team.url, pg_server.password], cwd=ROOT,
                             env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, text=True)
    try:
        assert other.stdout.readline().strip() == "ready"
        sent = time.time()
        team.announce(item.id, "replying")
        heard = json.loads(other.stdout.readline())
        assert (heard["kind"], heard["who"], heard["item"], heard["activity"]) == \
               ("presence", "postgres", item.id, "replying")
        assert heard["at"] - sent < 1.0
        sent = time.time()
        team.set_status([item.id], "done")
        heard = json.loads(other.stdout.readline())
        assert heard["kind"] == "changes" and heard["at"] - sent < 1.0
    finally:
        other.kill()
        other.wait(10)
        other.stdout.close()
    with pytest.raises(ValueError):
        team.announce(item.id, "<script>")


def test_a_conversation_is_assigned_to_a_member_and_the_history_says_who_gave_it(pg_server, roles):
    urls, ana, ben = roles
    init_team(*urls[ana])
    with TeamStore(urls[ana][0], password=urls[ana][1]) as owner:
        owner.grant_member(ben)
        source = owner.add_source("facebook", "Page")
        owner.save_page(source.id, [Item("p1", "post", text="Open on Sunday?", author=Author("u1", "Cleo"),
                                         created_at=parse_time("2026-02-01T09:00:00Z")),
                                    Item("c1", "comment", text="Me too", parent_external_id="p1",
                                         author=Author("u2", "Dev"), created_at=parse_time("2026-02-01T10:00:00Z"))])
        head, reply = sorted(r.id for r in owner.iter_items(InboxFilter(include_owner_replies=True, conversations=False)))
        assert owner.assign([reply], ben) == [(head, None)]  # the conversation, through its head
        with pytest.raises(StoreError, match="not a member"):
            owner.assign([head], "stranger")
    with TeamStore(urls[ben][0], password=urls[ben][1]) as member:
        assert member.me() == ben and member.assigned_to(ben) == [head]
        member.assign([head], None)
        assert member.assigned_to(ben) == []
        history = [(c.who, c.what, c.detail) for c in member.conversation_history(
            member.get_item(head).thread_id) if c.what == "assigned"]
    assert history == [(ana, "assigned", ben), (ben, "assigned", "")]


def test_a_member_about_to_reply_learns_that_someone_else_answered_meanwhile(pg_server, roles):
    urls, ana, ben = roles
    init_team(*urls[ana])
    with TeamStore(urls[ana][0], password=urls[ana][1]) as owner:
        owner.grant_member(ben)
        source = owner.add_source("google", "Shop")
        owner.save_page(source.id, [review(1)])
        item = owner.list_items()[0][0]
        seen = owner.last_change()  # Ana opens the reply editor here
        owner.queue_reply(item.id, source.id, "Thanks from Ana", idempotency_key="a-1", not_before="2026-01-01T00:00:00Z",
                          mark_done=False, created_at="2026-01-01T00:00:00Z")
        assert owner.answered_since(item.thread_id, seen) == []  # her own reply is no warning
    with TeamStore(urls[ben][0], password=urls[ben][1]) as member:
        member.queue_reply(item.id, source.id, "Thanks from Ben", idempotency_key="b-1",
                           not_before="2026-01-01T00:00:00Z", mark_done=False, created_at="2026-01-01T00:00:00Z")
    with TeamStore(urls[ana][0], password=urls[ana][1]) as owner:
        [warning] = owner.answered_since(item.thread_id, seen)
        assert (warning.who, warning.what, warning.item_id) == (ben, "reply", item.id)
        owner.save_page(source.id, [Item("o1", "reply", text="Posted elsewhere", parent_external_id="r1",
                                         is_owner_reply=True, created_at=parse_time("2026-02-02T09:00:00Z"))])
        assert [c.what for c in owner.answered_since(item.thread_id, seen)] == ["reply", "new"]
