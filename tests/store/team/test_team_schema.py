"""Setting up a team inbox on a real PostgreSQL server: an empty database becomes one; a
database that is someone else's, or set up by a newer version, is refused and left exactly
as it was."""

from __future__ import annotations

import pytest

from inbox.store import ForeignDatabase, NewerSchema
from inbox.store.team import SCHEMA_VERSION, TeamStore, init_team
from inbox.store.team.connection import PasswordRefused


def relations(server, db: str) -> list[tuple]:
    """Every relation outside the system schemas, with its row count: what 'unchanged' means."""
    with server.connect(db) as conn:
        names = [r[0] for r in conn.execute(
            "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') ORDER BY 1")]
        return [(name, conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0]) for name in names]


def test_init_makes_an_empty_database_a_team_inbox_and_again_changes_nothing(pg_server, team_url, team_db):
    assert init_team(team_url, pg_server.password) == SCHEMA_VERSION
    before = relations(pg_server, team_db)
    assert {"public.items", "public.sources", "public.threads", "public.authors", "public.tags",
            "public.item_tags", "public.drafts", "public.sync_runs", "public.settings",
            "public.outbox"} <= {name for name, _ in before}
    assert init_team(team_url, pg_server.password) == SCHEMA_VERSION
    assert relations(pg_server, team_db) == before
    with TeamStore(team_url, password=pg_server.password) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.stats()["items"] == 0


def test_another_programs_database_is_refused_and_left_unchanged(pg_server, team_url, team_db):
    with pg_server.connect(team_db) as conn:
        conn.execute("CREATE TABLE orders (id serial PRIMARY KEY, total numeric)")
        conn.execute("INSERT INTO orders (total) VALUES (12.5), (7)")
    before = relations(pg_server, team_db)
    with pytest.raises(ForeignDatabase, match="not empty and is not a Feedback Inbox team inbox"):
        init_team(team_url, pg_server.password)
    with pytest.raises(ForeignDatabase):
        TeamStore(team_url, password=pg_server.password)
    assert relations(pg_server, team_db) == before


def test_a_newer_schema_is_refused_and_left_unchanged(pg_server, team_url, team_db):
    init_team(team_url, pg_server.password)
    with pg_server.connect(team_db) as conn:
        conn.execute("UPDATE team_schema SET version = version + 1")
    before = relations(pg_server, team_db)
    for opening in (lambda: init_team(team_url, pg_server.password),
                    lambda: TeamStore(team_url, password=pg_server.password)):
        with pytest.raises(NewerSchema, match=r"newer Feedback Inbox.*Nothing was changed"):
            opening()
    assert relations(pg_server, team_db) == before
    with pg_server.connect(team_db) as conn:
        assert conn.execute("SELECT version FROM team_schema").fetchone()[0] == SCHEMA_VERSION + 1


def test_opening_an_empty_database_asks_for_init_first_and_writes_nothing(pg_server, team_url, team_db):
    with pytest.raises(ForeignDatabase, match="inbox team init"):
        TeamStore(team_url, password=pg_server.password)
    assert relations(pg_server, team_db) == []


def test_a_wrong_password_is_said_without_the_password(pg_server, team_url):
    with pytest.raises(PasswordRefused) as err:
        init_team(team_url, "not-the-password")
    assert "refused the password" in str(err.value) and "not-the-password" not in str(err.value)
