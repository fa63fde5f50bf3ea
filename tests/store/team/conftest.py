"""The team store's tests run against a real PostgreSQL server (tests/pg.py)."""

from __future__ import annotations

import pytest


@pytest.fixture
def team(team_url: str, pg_server):
    """A new team inbox (schema made by `init_team`), opened with the password given apart."""
    from inbox.store.team import TeamStore, init_team

    init_team(team_url, pg_server.password)
    store = TeamStore(team_url, password=pg_server.password)
    yield store
    store.close()
