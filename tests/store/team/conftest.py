"""The team store's tests run against a real PostgreSQL server (tests/pg.py)."""

from __future__ import annotations

import secrets

import pytest


@pytest.fixture
def team(team_url: str, pg_server):
    """A new team inbox (schema made by `init_team`), opened with the password given apart."""
    from inbox.store.team import TeamStore, init_team

    init_team(team_url, pg_server.password)
    store = TeamStore(team_url, password=pg_server.password)
    yield store
    store.close()


@pytest.fixture
def roles(pg_server):
    """An owner `ana` with a database of her own, and `ben`, a role with no rights yet."""
    tag = secrets.token_hex(3)
    ana, ben, db = f"ana_{tag}", f"ben_{tag}", f"shop_{tag}"
    passwords = {ana: secrets.token_urlsafe(12), ben: secrets.token_urlsafe(12)}
    with pg_server.connect() as conn:
        for role, password in passwords.items():
            conn.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
        conn.execute(f"CREATE DATABASE {db} OWNER {ana} TEMPLATE template0")
        conn.execute(f"REVOKE CONNECT ON DATABASE {db} FROM PUBLIC")
    yield {role: (pg_server.url(db, user=role), password) for role, password in passwords.items()}, ana, ben
    pg_server.drop_database(db)
    with pg_server.connect() as conn:
        for role in passwords:
            conn.execute(f"DROP ROLE {role}")
