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

READS_SQLITE = (
    "test_paging_does_not_use_offset_and_uses_an_index", "test_search_walks_the_index_in_time_order_without_sorting",
    "test_edits_that_move_an_item_in_time_keep_search_in_step", "test_what_the_reply_editor_reads",
    "test_same_page_twice_changes_nothing", "test_reply_chain_arriving_backwards_is_threaded_when_parents_arrive",
    "test_deleted_remote_item_is_marked_not_dropped", "test_edits_and_deletes_by_another_writer_stay_searchable",
    "test_a_rolled_back_page_or_a_deleted_author_does_not_poison_later_pages",
    "test_an_author_rolled_back_is_not_mistaken_for_the_author_that_takes_their_id",
    "test_authors_replaced_by_another_connection_are_not_taken_from_memory",
    "test_a_run_of_a_removed_source_gets_no_row_and_finishing_it_is_harmless",
    "test_a_thread_is_one_row_with_its_figures_and_a_new_message_reopens_it",
)
NOT_ON_THE_TEAM_STORE_YET = ("test_saved_replies_and_views", "test_erased_author_is_not_brought_back",
                             "test_tag_counts_follow_erasure_and_source_removal")
# The SQLite store's own property test (a file in memory); test_team_counts.py is the team's.
SQLITE_ONLY = ("test_counts_equal_a_recount_after_any_operations",)
for _name in (*READS_SQLITE, *NOT_ON_THE_TEAM_STORE_YET, *SQLITE_ONLY):
    del globals()[_name]


@pytest.fixture
def store(team):
    """The local suite's `store`, as a team inbox."""
    return team
