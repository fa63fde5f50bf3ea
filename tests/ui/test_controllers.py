"""The window as a shell: controllers in a typed registry, an item opened through one view
query on a worker, and redraws from a ChangeSet."""

from __future__ import annotations

from inbox.services.operations import ChangeSet
from inbox.ui.controllers import Registry
from inbox.ui.controllers.list import ListController
from inbox.ui.controllers.reading import ReadingController
from tests.ui.conftest import settle


def test_registry_finds_features_by_type():
    class Feature:
        pass

    reg = Registry()
    assert reg.get(Feature) is None and Feature not in reg
    first = reg.add(Feature())
    assert reg.require(Feature) is first
    second = reg.add(Feature())
    assert reg.get(Feature) is second  # one per type: the newest
    assert reg.setdefault(dict, dict) is reg.setdefault(dict, dict)
    reg.remove(Feature)
    try:
        reg.require(Feature)
    except LookupError as exc:
        assert "Feature" in str(exc)
    else:
        raise AssertionError("require() of a missing feature must fail")


def test_controllers_are_registered(window):
    assert window.extensions.require(ListController) is window.list_ctl
    assert window.extensions.require(ReadingController) is window.reading_ctl


def test_opening_an_item_is_one_view_query_on_a_worker(window, qtbot, workspace_store):
    views = []
    window.reading_ctl.view_ready.connect(views.append)
    target = window.model.rows[5]
    calls = []
    real = workspace_store.conn

    class Spy:
        """Counts statements the GUI thread's connection runs while the item opens."""

        def __getattr__(self, name):
            return getattr(real, name)

        def execute(self, *args):
            calls.append(args[0])
            return real.execute(*args)

    workspace_store.conn = Spy()
    try:
        window.open_item(target.id)
    finally:
        workspace_store.conn = real
    assert window.current_item().id == target.id
    # on the GUI thread only the "read on opening" write ran (with its undo snapshot and the
    # conversation it changed); the thread, authors and draft come from a worker
    # (and the conversation's other messages, which opening reads too)
    allowed = ("BEGIN", "COMMIT", "UPDATE ITEMS SET STATUS", "SELECT ID, STATUS", "SELECT DISTINCT THREAD_ID",
               "SELECT VALUE FROM JSON_EACH", "PRAGMA BUSY_TIMEOUT")  # the write does not wait out a sync's lock
    assert calls and all(sql.lstrip().upper().startswith(allowed) for sql in calls), calls
    assert not any("FROM THREADS" in sql.upper() or "AUTHOR_ID = ?" in sql.upper() for sql in calls)
    settle(qtbot, window)
    assert [v.item.id for v in views] == [target.id]
    assert views[0].thread.items[0].id == target.id
    assert "Review number" in window.reading.browser.toPlainText() or target.text in window.reading.browser.toPlainText()


def test_a_change_set_redraws_only_the_rows_it_names(window, qtbot, workspace_store):
    seen = []
    window.data_changed_signal.connect(seen.append)
    row = window.model.rows[4]
    workspace_store.set_status([row.id], "done")  # a write the window did not make
    changes = ChangeSet(items=frozenset([row.id]), counts=True)
    window.data_changed(changes)
    assert not window.model.loading  # no reload: the row was re-read in place
    assert window.model.rows[window.model.row_of[row.id]].status == "done"
    assert seen == [changes]
    window.data_changed()  # no ChangeSet: reload everything
    assert seen[-1].everything
    settle(qtbot, window)
    assert row.id not in window.model.row_of  # done items leave the inbox


def test_a_sources_change_set_refreshes_the_sidebar_without_reloading_the_list(window, qtbot, workspace_store):
    source = workspace_store.add_source("rss", "Local news")
    window.data_changed(ChangeSet(sources=True))
    assert not window.model.loading
    qtbot.waitUntil(lambda: f"source:{source.id}" in window.sidebar.entries, timeout=5000)
