"""Per-person read state on the server (team migration M008_MEMBER_READS): a team inbox that
already has members and read items keeps what each of them had read, members may write only
their own read rows, and an offline change someone else overruled is kept in the history."""

from __future__ import annotations

import psycopg
import pytest

from inbox.domain import Author, Item, parse_time
from inbox.domain.team import QueuedOp
from inbox.store.team import TeamStore, init_team, schema


def test_upgrading_keeps_what_each_member_had_read_and_lets_them_keep_their_own(pg_server, roles, monkeypatch):
    urls, ana, ben = roles
    before = schema.MIGRATIONS.index(schema.M008_MEMBER_READS)
    with monkeypatch.context() as older:  # a team inbox set up by the app before per-person reads
        older.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:before])
        older.setattr(schema, "SCHEMA_VERSION", before)
        init_team(*urls[ana])
        with TeamStore(urls[ana][0], password=urls[ana][1]) as owner:
            owner.grant_member(ben)
            source = owner.add_source("google", "Shop")
            owner.save_page(source.id, [Item(f"r{k}", "review", text=f"Visit {k}", author=Author(f"g{k}", "Guest"),
                                             created_at=parse_time("2026-02-01T09:00:00Z")) for k in range(3)])
        # what that app wrote when ana read the first (today's reads need member_reads)
        with psycopg.connect(urls[ana][0], password=urls[ana][1], autocommit=True) as conn:
            ids = [r[0] for r in conn.execute("SELECT id FROM items ORDER BY id")]
            conn.execute("UPDATE items SET status = 'read' WHERE id = %s", (ids[0],))
    with TeamStore(urls[ana][0], password=urls[ana][1]) as owner:  # the owner's app migrates it
        assert owner.schema_version == schema.SCHEMA_VERSION
        assert [it["status"] for it in owner.replica_rows(ids).items] == ["read", "unread", "unread"]
    with TeamStore(urls[ben][0], password=urls[ben][1]) as member:
        assert [it["status"] for it in member.replica_rows(ids).items] == ["read", "unread", "unread"]
        op = QueuedOp(1, "2026-02-02T09:00:00Z", "status", ids[1], None, "read")
        assert [o.result for o in member.apply_ops([op])] == ["sent"]
        assert [it["status"] for it in member.replica_rows(ids).items] == ["read", "read", "unread"]
    with TeamStore(urls[ana][0], password=urls[ana][1]) as owner:
        assert [it["status"] for it in owner.replica_rows(ids).items] == ["read", "unread", "unread"]
    with psycopg.connect(urls[ben][0], password=urls[ben][1], autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM member_reads WHERE member <> session_user").fetchone()[0] == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # row-level security: only their own
            conn.execute("INSERT INTO member_reads (member, item_id, status) VALUES (%s, %s, 'read')", (ana, ids[2]))
        with pytest.raises(psycopg.errors.RaiseException):
            conn.execute("SELECT changes_overruled(%s, 'new', '', '2026-01-01T00:00:00Z')", (ids[0],))


def test_an_overruled_offline_change_is_in_the_history_once_and_the_later_one_holds(pg_server, roles):
    urls, ana, ben = roles
    init_team(*urls[ana])
    with TeamStore(urls[ana][0], password=urls[ana][1]) as owner:
        owner.grant_member(ben)
        source = owner.add_source("google", "Shop")
        owner.save_page(source.id, [Item("r1", "review", text="Visit", author=Author("g1", "Guest"),
                                         created_at=parse_time("2026-02-01T09:00:00Z"))])
        item = owner.list_items()[0][0]
        seen = owner.last_change()
        owner.snooze([item.id], parse_time("2031-01-01T00:00:00Z"))  # ana, now
    # ben's snooze was made offline long before ana's, and is sent twice (his laptop died
    # after the server had it, before it noted so)
    op = QueuedOp(1, "2000-01-01T00:00:00Z", "snooze", item.id, item.thread_id, "2030-01-01T00:00:00Z", seen=seen)
    with TeamStore(urls[ben][0], password=urls[ben][1]) as member:
        for _ in range(2):
            assert [o.result for o in member.apply_ops([op])] == ["lost"]
        assert member.get_item(item.id).snoozed_until == "2031-01-01T00:00:00Z"  # ana's, the later, holds
        history = [(c.who, c.what, c.detail, c.kept) for c in member.replica_changes(seen)]
    assert history == [(ana, "snooze", "2031-01-01T00:00:00Z", True), (ben, "snooze", "2030-01-01T00:00:00Z", False)]
    # the same done-state on both sides is no conflict: nothing is marked not kept
    with TeamStore(urls[ana][0], password=urls[ana][1]) as owner:
        seen = owner.last_change()
        owner.set_status([item.id], "done")
    same = QueuedOp(2, "2000-01-01T00:00:00Z", "status", item.id, item.thread_id, "done", seen=seen)
    with TeamStore(urls[ben][0], password=urls[ben][1]) as member:
        assert [o.result for o in member.apply_ops([same])] == ["sent"]
        assert [c.kept for c in member.replica_changes(seen)] == [True]
