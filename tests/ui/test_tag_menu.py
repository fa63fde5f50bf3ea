"""The sidebar's menu on a tag (inbox/ui/tag_menu.py): Rename…, Change colour… and Delete…,
each said in the owner's words before a merge or a deletion, and undone with Ctrl+Z."""

from __future__ import annotations

from PySide6.QtWidgets import QMenu

from inbox.domain import InboxFilter
from inbox.ui import sidebar_keys, tag_menu
from tests.ui.conftest import settle


def _tag(window, qtbot, ids, name, colour=None):
    window.tag(name, colour, ids)
    window.refresh_counts()
    settle(qtbot, window)


def _settled(window, qtbot) -> None:
    qtbot.waitUntil(lambda: not window.counts_timer.isActive(), timeout=5000)  # the counts a write asked for
    settle(qtbot, window)


def _tags(window) -> list[tuple[str, int]]:
    return sorted((e.label, e.count or 0) for k, e in window.sidebar.entries.items() if sidebar_keys.family(k) == "tag")


def test_a_tags_menu_renames_merges_recolours_and_deletes_with_undo(window, qtbot, answers, workspace_store):
    ids = sorted(r.id for r in workspace_store.list_items()[0])
    _tag(window, qtbot, ids[:2], "late")
    _tag(window, qtbot, ids[2:3], "Delivery", "#3366cc")
    menu = QMenu()
    tag_menu.add_actions(menu, window, "late")
    assert [a.text() for a in menu.actions() if a.text()] == ["Rename…", "Change colour…", "Delete…"]

    window.sidebar._activated(window.sidebar.entries[sidebar_keys.tag("late")].item)  # the tag's list
    settle(qtbot, window)
    answers.texts.append("Running late")
    tag_menu.rename(window, "late")
    _settled(window, qtbot)
    assert _tags(window) == [("Delivery", 1), ("Running late", 2)]
    assert window.view_key == sidebar_keys.tag("Running late") and window.model.rowCount() == 2  # the list followed
    assert "Renamed “late” to “Running late”. (Ctrl+Z undoes it)" in window.statusBar().currentMessage()

    answers.confirm = False  # onto another tag's name: asked first, and "No" changes nothing
    tag_menu.rename(window, "Running late", "delivery")
    assert answers.asked[-1] == ("Merge tags", "<qt>There is already a tag “Delivery” (1 conversation). Renaming "
                                 "“Running late” (2 conversations) to it merges the two: its conversations get "
                                 "“Delivery” and “Running late” goes.</qt>")
    assert [t.name for t in workspace_store.list_tags()] == ["Delivery", "Running late"]
    answers.confirm = True
    tag_menu.rename(window, "Running late", "delivery")
    _settled(window, qtbot)
    assert _tags(window) == [("Delivery", 3)]
    window.undo()
    _settled(window, qtbot)
    assert _tags(window) == [("Delivery", 1), ("Running late", 2)]

    tag_menu.recolour(window, "Delivery", "#aa2200")
    assert [t.colour for t in workspace_store.list_tags() if t.name == "Delivery"] == ["#aa2200"]

    answers.confirm = True
    tag_menu.delete(window, "Running late")
    assert answers.asked[-1] == ("Delete tag", "<qt>Delete the tag “Running late”? 2 conversations carry it; they keep "
                                 "everything else.</qt>")
    _settled(window, qtbot)
    assert _tags(window) == [("Delivery", 1)]
    window.undo()
    _settled(window, qtbot)
    assert _tags(window) == [("Delivery", 1), ("Running late", 2)]
    assert len(workspace_store.list_items(InboxFilter(tags=["Running late"]))[0]) == 2
