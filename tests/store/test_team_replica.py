"""A team inbox's local replica (issue 20): the server's rows written with the server's
ids, triage made here queued by itself (and silent while the server's changes are written),
assignment, the Mine filter and the history with what is not sent yet."""

from __future__ import annotations

from datetime import timedelta

import pytest

from inbox.domain import InboxFilter, View, utcnow
from inbox.domain.team import Change, ReplicaBatch
from inbox.store import Store, StoreError


def _item(item_id: int, thread_id: int, created: str, **over):
    row = {"id": item_id, "source_id": 7, "external_id": f"r{item_id}", "kind": "review", "url": "",
           "author_id": 3, "rating": 4, "title": "", "text": f"the croissant number {item_id}", "html": None,
           "language": "en", "created_at": created, "updated_at": None, "is_owner_reply": 0,
           "parent_external_id": None, "root_external_id": None, "thread_id": thread_id, "status": "unread",
           "snoozed_until": None, "deleted_at": None, "fetched_at": created, "raw": None,
           "sentiment_override": None, "is_head": 1, "assigned_to": None}
    row.update(over)
    return row


def server_batch() -> ReplicaBatch:
    """Three conversations from the server: 101 (with the owner's reply 102), 103, 104."""
    return ReplicaBatch(
        sources=[{"id": 7, "kind": "google", "name": "Café on Main", "whose": "own", "settings": "{}",
                  "enabled": 1, "created_at": "2026-11-01T09:00:00Z", "last_synced_at": None, "last_error": None}],
        authors=[{"id": 3, "platform": "google", "external_id": "a3", "handle": "", "display_name": "Mia",
                  "profile_url": ""}],
        threads=[{"id": t, "source_id": 7, "root_external_id": f"r{t}", "root_item_id": t,
                  "last_activity_at": "2026-11-02T10:00:00Z"} for t in (101, 103, 104)],
        items=[_item(101, 101, "2026-11-02T09:00:00Z", assigned_to="ana"),
               _item(102, 101, "2026-11-02T10:00:00Z", is_owner_reply=1, is_head=0, status="read",
                     text="Thank you Mia"),
               _item(103, 103, "2026-11-03T09:00:00Z", status="done"),
               _item(104, 104, "2026-11-04T09:00:00Z")],
        tags=[{"name": "Pastry", "colour": "#e5484d"}],
        item_tags={101: ["Pastry"], 103: []},
        changes=[Change(1, "2026-11-02T09:00:01Z", "ana", 101, 101, "new", ""),
                 Change(2, "2026-11-02T11:00:00Z", "ana", 101, 101, "assigned", "ana"),
                 Change(3, "2026-11-03T11:00:00Z", "ben", 103, 103, "status", "done")])


@pytest.fixture
def replica(store: Store) -> Store:
    store.link_team("postgresql://ben@shop/inbox", "ben", "db-1")
    store.set_team_members(["ana", "ben"])
    store.apply_team_batch(server_batch(), last_seq=3)
    return store


def test_an_ordinary_inbox_has_no_link_and_queues_nothing(store: Store) -> None:
    assert store.team_link_info() is None
    store.apply_team_batch(server_batch())  # rows written as a replica would, without a link
    store.set_status([104], "done")
    store.tag_items([104], "Pastry")
    assert store.queued_ops() == []


def test_the_servers_rows_are_written_with_their_ids_and_nothing_is_queued(replica: Store) -> None:
    info = replica.team_link_info()
    assert (info.member, info.last_seq, info.waiting, info.members) == ("ben", 3, 0, ("ana", "ben"))
    assert replica.get_item(101).tags == [("Pastry", "#e5484d")]
    assert replica.get_item(103).status == "done"
    assert [it.id for it in replica.search("croissant")] == [104, 103, 101]
    assert replica.counts() == replica.recounted()
    assert replica.count_items(InboxFilter(view=View.INBOX)) == 2  # 101 and 104: 103 is done
    rows, _ = replica.list_items(InboxFilter(view=View.INBOX))
    assert [(r.id, r.messages, r.replied) for r in rows] == [(104, 1, False), (101, 2, True)]


def test_a_batch_written_twice_changes_nothing(replica: Store) -> None:
    before = (replica.counts(), [it.id for it in replica.search("croissant")], replica.conversation_history(101))
    replica.apply_team_batch(server_batch(), last_seq=3)
    assert (replica.counts(), [it.id for it in replica.search("croissant")],
            replica.conversation_history(101)) == before
    assert replica.counts() == replica.recounted()


def test_triage_made_here_is_queued_in_order_and_undo_queues_its_reverse(replica: Store) -> None:
    before = replica.set_status([104], "done")
    replica.snooze([101], utcnow() + timedelta(days=1))
    replica.tag_items([104], "Complaint")
    replica.untag_items([101], "Pastry")
    replica.restore_triage(before)  # undo of "done"
    ops = replica.queued_ops()
    assert [(o.op, o.item_id, o.detail) for o in ops] == [
        ("status", 104, "done"), ("snooze", 101, ops[1].detail), ("tag", 104, "Complaint"),
        ("untag", 101, "Pastry"), ("status", 104, "unread")]
    assert ops[1].detail > "2026"
    assert [o.id for o in ops] == sorted(o.id for o in ops)
    assert replica.team_link_info().waiting == 5


def test_assign_gives_the_conversation_to_a_member_and_mine_lists_it(replica: Store) -> None:
    before = replica.assign([102], "ben")  # the owner's reply: its conversation's head is 101
    assert before == [(101, "ana")]
    mine = InboxFilter(view=View.ALL, assignee="ben")
    assert [r.id for r in replica.list_items(mine)[0]] == [101]
    assert replica.count_items(mine) == 1
    assert [r.id for r in replica.search("croissant", flt=InboxFilter(assignee="ben"))] == [101]
    assert replica.count_items(InboxFilter(view=View.ALL, assignee="ana")) == 0
    assert replica.assignees([101, 102, 103]) == {101: "ben", 102: "ben"}
    assert [(o.op, o.item_id, o.detail) for o in replica.queued_ops()] == [("assigned", 101, "ben")]
    assert replica.assign([101], None) == [(101, "ben")]
    assert replica.queued_ops()[-1].detail == ""
    with pytest.raises(StoreError, match="not a member"):
        replica.assign([104], "zoe")


def test_the_history_shows_the_servers_changes_then_what_is_not_sent_yet(replica: Store) -> None:
    replica.set_status([101], "done")
    history = replica.conversation_history(101)
    assert [(c.who, c.what, c.detail, c.pending) for c in history] == [
        ("ana", "new", "", False), ("ana", "assigned", "ana", False), ("ben", "status", "done", True)]
    assert history[-1].seq == 0


def test_a_tag_renamed_here_is_in_its_conversations_history_until_sent(replica: Store) -> None:
    pastry = next(t for t in replica.list_tags() if t.name == "Pastry")
    replica.rename_tag(pastry.id, "Pastries")
    replica.rename_tag(pastry.id, "Pastries", "#30a46c")  # a new colour only: no second line
    [renamed] = [c for c in replica.conversation_history(101) if c.what == "tag_renamed"]
    assert (renamed.who, renamed.detail, renamed.pending) == ("ben", '["Pastry","Pastries"]', True)
    assert not [c for c in replica.conversation_history(104) if c.what == "tag_renamed"]  # not tagged
    replica.ops_sent([op.id for op in replica.queued_ops()])
    assert not [c for c in replica.conversation_history(101) if c.what == "tag_renamed"]


def test_a_draft_typed_here_waits_as_its_latest_text(replica: Store) -> None:
    replica.save_draft(104, "Thank")
    replica.save_draft(104, "Thank you, see you soon")
    ops = [o for o in replica.queued_ops() if o.op == "draft"]
    assert [(o.item_id, o.args) for o in ops] == [(104, {"text": "Thank you, see you soon"})]
    assert all(c.what != "draft" for c in replica.conversation_history(104))


def test_the_servers_changes_do_not_overwrite_triage_waiting_to_be_sent(replica: Store) -> None:
    replica.set_status([104], "done")
    batch = server_batch()
    replica.apply_team_batch(batch, last_seq=4)
    assert replica.get_item(104).status == "done"  # still this replica's, until it is sent
    replica.ops_sent([o.id for o in replica.queued_ops()])
    replica.apply_team_batch(batch, last_seq=5)
    assert replica.get_item(104).status == "unread"  # now the server's word holds
    assert replica.team_link_info().last_seq == 5


def test_only_the_fields_waiting_to_be_sent_are_held_back(replica: Store) -> None:
    replica.set_status([101], "read")          # waits: 101's status
    replica.tag_items([101], "Call back")      # waits: 101's tag "Call back" (not "Pastry")
    batch = server_batch()
    batch.items[0].update(assigned_to="ben", snoozed_until="2027-01-01T09:00:00Z", status="unread")
    batch.tags.append({"name": "Urgent", "colour": "#000000"})
    batch.item_tags[101] = ["Urgent"]          # the server: Pastry removed, Urgent added
    replica.apply_team_batch(batch, last_seq=9)
    item = replica.get_item(101)
    assert item.status == "read" and item.snoozed_until == "2027-01-01T09:00:00Z"
    assert replica.assignees([101]) == {101: "ben"}
    assert sorted(t[0] for t in item.tags) == ["Call back", "Urgent"]
    assert replica.counts() == replica.recounted()


def test_a_replica_of_another_team_inbox_is_refused(replica: Store) -> None:
    with pytest.raises(StoreError, match="another team inbox"):
        replica.link_team("postgresql://ben@other/inbox", "ben", "db-2")
    assert replica.team_link_info().replica_of == "db-1"


def test_an_inbox_with_items_of_its_own_does_not_become_a_replica(store: Store) -> None:
    store.apply_team_batch(server_batch())
    with pytest.raises(StoreError, match="items of its own"):
        store.link_team("postgresql://ben@shop/inbox", "ben", "db-1")


def test_a_replica_does_not_sync_sources_itself(replica: Store) -> None:
    from inbox.domain import Author, Item, parse_time

    with pytest.raises(Exception, match="synced on the team's server"):
        replica.conn.execute("INSERT INTO items (source_id, external_id, kind, created_at, fetched_at) "
                             "VALUES (7, 'x', 'review', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')")
    with pytest.raises(Exception, match="synced on the team's server"):
        replica.save_page(7, [Item("new-1", "review", text="Lovely", author=Author("g1", "Guest"),
                                   created_at=parse_time("2026-11-05T09:00:00Z"))])
    assert [it.id for it in replica.search("croissant")] == [104, 103, 101]


def _insert_triggers(store: Store) -> set[str]:
    return {r[0] for r in store.conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'items' AND sql LIKE '%INSERT ON items%'")}


def test_an_ordinary_inbox_has_no_insert_trigger_on_items_and_a_replica_keeps_its_own(tmp_path) -> None:
    """Issue 19: the replica's guard ran a query for every row an ordinary inbox imported.
    An inbox made before M021 loses it unless it is a replica."""
    from inbox.store import migrations, team_replica

    ordinary, linked = Store(tmp_path / "a.db"), Store(tmp_path / "b.db")
    assert _insert_triggers(ordinary) == set()
    linked.link_team("postgresql://ben@shop/inbox", "ben", "db-1")
    assert _insert_triggers(linked) == {"team_replica_no_ingest"}
    for store in (ordinary, linked):  # as M017 left both files before M021
        with store.transaction():
            store.conn.execute(team_replica.NO_INGEST)
            store.conn.execute(f"PRAGMA user_version = {migrations.MIGRATIONS.index(migrations.m021_no_ingest_guard)}")
        store.close()
    ordinary, linked = Store(tmp_path / "a.db"), Store(tmp_path / "b.db")
    assert _insert_triggers(ordinary) == set()
    assert _insert_triggers(linked) == {"team_replica_no_ingest"}
    with pytest.raises(Exception, match="synced on the team's server"):
        linked.conn.execute("INSERT INTO items (source_id, external_id, kind, created_at, fetched_at) "
                            "VALUES (7, 'x', 'review', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')")
    ordinary.close()
    linked.close()


def test_the_migration_run_again_changes_nothing(replica: Store) -> None:
    from inbox.store import team_replica

    before = replica.team_link_info()
    with replica.transaction():
        team_replica.migrate(replica.conn)
    assert replica.team_link_info() == before
    assert replica.assignees([101]) == {101: "ana"}
