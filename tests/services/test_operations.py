"""Operations: each write changes the store as the owner expects, says what changed, and
undo puts back exactly what was there."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inbox.domain import InboxFilter, View
from inbox.services.operations import ChangeSet, Operations, UndoStack
from inbox.store import Store
from tests.ui.workspace import build_small_workspace

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path):
    s = Store(tmp_path / "ops.db")
    build_small_workspace(s, NOW)
    yield s
    s.close()


def state(store: Store) -> list[tuple]:
    """Everything an operation may touch: triage, tags, drafts."""
    triage = store.conn.execute("SELECT id, status, snoozed_until FROM items ORDER BY id").fetchall()
    tags = store.conn.execute("SELECT item_id, tag_id FROM item_tags ORDER BY 1, 2").fetchall()
    drafts = store.conn.execute("SELECT item_id, text FROM drafts ORDER BY 1").fetchall()
    return [tuple(map(tuple, triage)), tuple(map(tuple, tags)), tuple(map(tuple, drafts))]


def whole(store: Store, ids: list[int]) -> frozenset[int]:
    """The items with every other message of their conversations: what triage acts on."""
    return frozenset(store.conversation_item_ids(ids))


def item_ids(store: Store, n: int) -> list[int]:
    return [r.id for r in store.list_items(InboxFilter(view=View.INBOX), limit=n, now="2026-03-02T09:30:00Z")[0]]


def test_mark_done_archives_and_reports_items_threads_and_counts(store):
    ops = Operations(store)
    ids = item_ids(store, 3)
    changes = ops.mark_done(ids)
    assert all(store.get_item(i).status == "done" for i in ids)
    # every message of the conversations: the first row is the mention with its two comments
    assert changes.items == frozenset(store.conversation_item_ids(ids)) > frozenset(ids)
    assert all(store.get_item(i).status == "done" for i in changes.items)
    assert changes.threads == frozenset(store.get_item(i).thread_id for i in ids) - {None}
    assert changes.counts and not changes.tags and not changes.sources and not changes.everything
    assert ops.undo_stack.labels == ["Done"]


def test_set_status_read_unread_and_undo(store):
    ops = Operations(store)
    ids = item_ids(store, 2)
    before = state(store)
    ops.set_status(ids, "read")
    assert [store.get_item(i).status for i in ids] == ["read", "read"]
    ops.set_status(ids[:1], "unread")
    assert store.get_item(ids[0]).status == "unread"
    assert ops.undo_stack.labels == ["Marked read", "Marked unread"]
    entry, changes = ops.undo()
    assert entry.label == "Marked unread" and changes.items == whole(store, ids[:1]) and changes.counts
    ops.undo()
    assert state(store) == before
    assert ops.undo() is None


def test_snooze_hides_until_then_and_done_items_come_back_read(store):
    ops = Operations(store)
    a, b = item_ids(store, 2)
    ops.mark_done([b])
    until = NOW + timedelta(days=1)
    changes = ops.snooze([a, b], until)
    assert changes.items == whole(store, [a, b]) and changes.counts
    assert store.get_item(a).snoozed_until == "2026-03-03T09:30:00Z"
    assert store.get_item(b).status == "read"
    assert a not in item_ids(store, 100)
    ops.undo()
    assert store.get_item(a).snoozed_until is None and store.get_item(b).status == "done"


def test_wake_due_is_not_an_undo_step(store):
    ops = Operations(store)
    a = item_ids(store, 1)[0]
    ops.snooze([a], NOW + timedelta(hours=1))
    assert ops.wake_due(NOW) == ChangeSet()
    changes = ops.wake_due(NOW + timedelta(hours=2))
    assert changes.items == whole(store, [a]) and store.get_item(a).status == "unread"
    assert len(ops.undo_stack) == 1  # only the snooze


def test_toggle_tag_adds_creates_then_removes(store):
    ops = Operations(store)
    ids = item_ids(store, 3)
    changes = ops.toggle_tag(ids, "follow up", "#123456")
    assert changes.tags and changes.counts and changes.items == whole(store, ids)
    assert ("follow up", "#123456") in store.get_item(ids[0]).tags
    assert [t.name for t in store.list_tags()] == ["follow up"]
    ops.toggle_tag(ids, "follow up")  # all have it: the toggle removes it
    assert all(store.get_item(i).tags == [] for i in ids)
    assert ops.undo_stack.labels == ["Tagged “follow up”", "Untagged “follow up”"]
    ops.undo()
    assert all(("follow up", "#123456") in store.get_item(i).tags for i in ids)


def test_tag_undo_leaves_items_that_already_had_the_tag(store):
    ops = Operations(store)
    a, b = item_ids(store, 2)
    ops.tag([a], "praise")
    ops.tag([a, b], "praise")
    ops.undo()
    assert [n for n, _ in store.get_item(a).tags] == ["praise"]
    assert store.get_item(b).tags == []


def test_discard_draft_and_undo(store):
    ops = Operations(store)
    a = item_ids(store, 1)[0]
    store.save_draft(a, "Thanks so much!")
    changes = ops.discard_draft(a)
    assert changes == ChangeSet(items=frozenset([a]), drafts=True)
    assert store.get_draft(a) is None
    assert ops.discard_draft(a) == ChangeSet()  # nothing to discard: no undo step
    entry, changes = ops.undo()
    assert entry.label == "Discard draft" and changes.drafts
    assert store.get_draft(a).text == "Thanks so much!"


def test_empty_selection_changes_nothing(store):
    ops = Operations(store)
    assert not ops.mark_done([]) and not ops.toggle_tag([], "x") and not ops.snooze([], NOW)
    assert len(ops.undo_stack) == 0


def test_undo_stack_is_bounded_and_merges():
    stack = UndoStack(limit=3)
    for n in range(5):
        stack.push(str(n), lambda: None, [n])
    assert stack.labels == ["2", "3", "4"]
    entry, changes = stack.undo()
    assert entry.label == "4" and changes == ChangeSet(items=frozenset([4]))
    merged = ChangeSet(items=frozenset([1]), counts=True) | ChangeSet(items=frozenset([2]), tags=True)
    assert merged == ChangeSet(items=frozenset([1, 2]), counts=True, tags=True)
    assert ChangeSet.all().everything and not ChangeSet()


OPS = st.lists(st.tuples(st.sampled_from(["done", "read", "unread", "snooze", "tag", "untag", "toggle"]),
                         st.lists(st.integers(0, 9), min_size=1, max_size=4, unique=True),
                         st.sampled_from(["a", "b"])), min_size=1, max_size=8)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=OPS)
def test_undoing_every_step_restores_exactly(store, steps):
    ops = Operations(store)
    ids = item_ids(store, 10)
    before = state(store)
    snapshots = []
    for op, picks, tag in steps:
        snapshots.append(state(store))
        chosen = [ids[p] for p in picks]
        if op == "snooze":
            ops.snooze(chosen, NOW + timedelta(days=1))
        elif op == "tag":
            ops.tag(chosen, tag)
        elif op == "untag":
            ops.untag(chosen, tag)
        elif op == "toggle":
            ops.toggle_tag(chosen, tag)
        else:
            ops.set_status(chosen, op)
    assert len(ops.undo_stack) == len(steps)
    for snapshot in reversed(snapshots):
        ops.undo()
        assert state(store) == snapshot
    assert state(store) == before
    # tags created on the way remain (empty), as in the app; remove them for the next example
    for t in store.list_tags():
        store.delete_tag(t.id)
