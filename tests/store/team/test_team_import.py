"""Moving a local inbox into a team inbox loses nothing: the demo workspace, imported, has
the same counts, the same rows, search results and triage, and keeps its ids (so the keyring
entries of its sources still match); a second import is refused."""

from __future__ import annotations

import pytest

from inbox.domain import InboxFilter, View
from inbox.services.demo import build_demo
from inbox.store import Store, StoreError
from inbox.store.team.importer import TABLES, import_local


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with Store(path) as store:
        build_demo(store)
        item = store.list_items(InboxFilter(view=View.INBOX), limit=1)[0][0]
        store.set_status([item.id], "done")
    return path


def local_counts(store: Store) -> dict[str, int]:
    return {table: store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table, *_ in TABLES}


def test_the_demo_workspace_moves_in_with_equal_counts_rows_and_searches(demo, team):
    with Store(demo) as local:
        report = import_local(local, team)
        assert report.counts == local_counts(local) and report.counts["items"] > 500
        assert report.compared > 100
        mine, theirs = local.stats(), team.stats()
        for key in ("items", "threads", "authors", "tags", "drafts", "sources"):
            assert theirs[key] == mine[key], key
        assert team.database_id() == local.database_id()
        assert [s.secret_key for s in team.list_sources()] == [s.secret_key for s in local.list_sources()]
        for flt in (InboxFilter(), InboxFilter(view=View.DONE), InboxFilter(view=View.INBOX, whose="own")):
            a = [(r.id, r.status, r.tags, r.messages, r.replied) for r in local.iter_items(flt, page=50)]
            b = [(r.id, r.status, r.tags, r.messages, r.replied) for r in team.iter_items(flt, page=50)]
            assert sorted(a) == sorted(b) and a  # the same rows (the order: docs/team.md, not yet by activity)
        for query in ("coffee", "croissant", "staff OR service", "wait*"):
            assert [r.id for r in team.search(query, limit=1000)] == [r.id for r in local.search(query, limit=1000)], query
    new = team.add_source("file", "After the move")  # ids continue after the imported ones
    assert new.id > max(s.id for s in team.list_sources() if s.id != new.id)


def test_importing_into_a_team_inbox_that_holds_items_is_refused_unchanged(demo, team):
    team.add_source("file", "Already here")
    before = team.stats()
    with Store(demo) as local, pytest.raises(StoreError, match="only be imported into a new one"):
        import_local(local, team)
    assert team.stats() == before
