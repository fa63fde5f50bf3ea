"""Each person connects with their own role: the owner (not a server administrator) sets the
inbox up, lets a member in, and the member can work in it but not change its schema."""

from __future__ import annotations

import psycopg
import pytest

from inbox.domain import Author, Item, parse_time
from inbox.store import NotFound, StoreError
from inbox.store.team import SCHEMA_VERSION, TeamStore, init_team


def test_the_owner_lets_a_member_in_who_works_but_cannot_change_the_schema(pg_server, roles):
    urls, ana, ben = roles
    init_team(*urls[ana])  # the owner, no administrator: unaccent is a trusted extension
    with TeamStore(urls[ana][0], password=urls[ana][1]) as owner:
        with pytest.raises(StoreError):  # ben may not even connect yet
            TeamStore(urls[ben][0], password=urls[ben][1])
        owner.grant_member(ben)
        with pytest.raises(NotFound, match="no role named"):
            owner.grant_member("nobody_here")
        assert [(m.role, m.owner) for m in owner.members() if not m.superuser] == [(ana, True), (ben, False)]
        source = owner.add_source("google", "Shop")
    with TeamStore(urls[ben][0], password=urls[ben][1]) as member:
        member.save_page(source.id, [Item("r1", "review", text="Great flat white", rating=5,
                                          author=Author("g1", "Guest"), created_at=parse_time("2026-03-01T10:00:00Z"))])
        assert [r.text for r in member.search("flat whites")] == ["Great flat white"]
        with pytest.raises(StoreError, match="Only the team inbox's owner"):
            member.grant_member(ana)
    with psycopg.connect(urls[ben][0], password=urls[ben][1], autocommit=True) as conn:
        for statement in ("DROP TABLE items", "ALTER TABLE items ADD COLUMN x int", "UPDATE team_schema SET version = 99",
                          "CREATE TABLE mine (id int)"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)


def test_a_members_newer_app_asks_for_the_owner_to_update_and_changes_nothing(pg_server, roles):
    urls, ana, ben = roles
    init_team(*urls[ana])
    with TeamStore(urls[ana][0], password=urls[ana][1]) as owner:
        owner.grant_member(ben)
    with psycopg.connect(urls[ana][0], password=urls[ana][1], autocommit=True) as conn:
        conn.execute("UPDATE team_schema SET version = version - 1")  # as if set up by an older app
        before = conn.execute("SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace").fetchone()
    with pytest.raises(StoreError, match="only its owner can make"):
        TeamStore(urls[ben][0], password=urls[ben][1])
    with psycopg.connect(urls[ana][0], password=urls[ana][1], autocommit=True) as conn:
        assert conn.execute("SELECT version FROM team_schema").fetchone()[0] == SCHEMA_VERSION - 1
        assert conn.execute("SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace").fetchone() \
            == before



def test_a_member_let_in_before_the_maintained_counts_reads_them_after_the_owner_updates(pg_server, roles, monkeypatch):
    """M006 adds the counters' tables; a member granted before it reads them without being
    granted again, and cannot write them."""
    from inbox.domain import View
    from inbox.store.team import schema
    from inbox.store.team.counts import M006_COUNTS

    urls, ana, ben = roles
    before = next(n for n, m in enumerate(schema.MIGRATIONS) if m.startswith(M006_COUNTS))
    with monkeypatch.context() as older:  # the inbox as an older app set it up
        older.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:before])
        older.setattr(schema, "SCHEMA_VERSION", before)
        init_team(*urls[ana])
        with TeamStore(urls[ana][0], password=urls[ana][1]) as owner:
            source = owner.add_source("google", "Shop")
        with psycopg.connect(urls[ana][0], password=urls[ana][1], autocommit=True) as conn:  # its grant
            conn.execute(f"GRANT CONNECT ON DATABASE {conn.info.dbname} TO {ben}")
            conn.execute(f"GRANT USAGE ON SCHEMA public TO {ben}")
            conn.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {ben}")
            conn.execute(f"REVOKE INSERT, UPDATE, DELETE ON team_schema, changes FROM {ben}")
            conn.execute(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {ben}")
    init_team(*urls[ana])  # the owner's newer app brings the schema up to date
    with TeamStore(urls[ben][0], password=urls[ben][1]) as member:
        member.save_page(source.id, [Item("r1", "review", text="Great flat white", rating=5,
                                          author=Author("g1", "Guest"), created_at=parse_time("2026-03-01T10:00:00Z"))])
        assert member.counts()["views"][View.INBOX] == 1
    with (psycopg.connect(urls[ben][0], password=urls[ben][1], autocommit=True) as conn,
          pytest.raises(psycopg.errors.InsufficientPrivilege)):
        conn.execute("INSERT INTO conversation_counts VALUES (1, 'unread', false, 5)")


def test_a_member_syncs_where_the_database_gives_the_public_nothing(pg_server, roles):
    """Ingest stages pages in a temporary table: the grant gives that right itself, so a
    server whose administrator revoked everything from PUBLIC still lets members sync."""
    urls, ana, ben = roles
    init_team(*urls[ana])
    with psycopg.connect(urls[ana][0], password=urls[ana][1], autocommit=True) as conn:
        conn.execute(f"REVOKE ALL ON DATABASE {conn.info.dbname} FROM PUBLIC")
    with TeamStore(urls[ana][0], password=urls[ana][1]) as owner:
        owner.grant_member(ben)
        source = owner.add_source("google", "Shop")
    with TeamStore(urls[ben][0], password=urls[ben][1]) as member:
        member.save_page(source.id, [Item("r1", "review", text="Great flat white", rating=5,
                                          author=Author("g1", "Guest"), created_at=parse_time("2026-03-01T10:00:00Z"))])
        assert [r.text for r in member.search("flat white")] == ["Great flat white"]
