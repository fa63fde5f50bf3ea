"""The local store's own tests, run again on a team inbox: the same behaviour behind the
same operation names. Each module's tests are imported here, where `store` is a team
store. Left out, by name: the tests that read SQLite itself (`store.conn`, query plans,
the file), and those of operations the team store does not have yet (docs/team.md)."""

from __future__ import annotations

import pytest

from tests.store.test_conversation_counts import *  # noqa: F403
from tests.store.test_ingest import *  # noqa: F403
from tests.store.test_queries import *  # noqa: F403
from tests.store.test_replies_store import *  # noqa: F403
from tests.store.test_sync_runs import *  # noqa: F403

# SQLite's own query plans: the team store's paging and search have their own plan tests.
READS_SQLITE = ("test_paging_does_not_use_offset_and_uses_an_index",
                "test_search_walks_the_index_in_time_order_without_sorting")
NOT_ON_THE_TEAM_STORE_YET = ("test_erased_author_is_not_brought_back",
                             "test_tag_counts_follow_erasure_and_source_removal")
# The SQLite store's own property test (a file in memory); test_team_counts.py is the team's.
SQLITE_ONLY = ("test_counts_equal_a_recount_after_any_operations",)
for _name in (*READS_SQLITE, *NOT_ON_THE_TEAM_STORE_YET, *SQLITE_ONLY):
    del globals()[_name]


@pytest.fixture
def store(team):
    """The local suite's `store`, as a team inbox."""
    return team
