"""Keyboard-first triage over the café workspace: open, done, snooze, tag, undo, bulk."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from inbox.domain import InboxFilter, View
from tests.ui.conftest import settle


def press(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier, widget=None):
    target = widget or QApplication.focusWidget() or window.list_view
    qtbot.keyClick(target, key, modifier)


def focus_list(qtbot, window):
    window.activateWindow()
    window.list_view.setFocus()
    qtbot.waitUntil(lambda: window.list_view.hasFocus() and QApplication.activeWindow() is window)


def test_keyboard_triage_run(window, qtbot, workspace_store):
    store = workspace_store
    focus_list(qtbot, window)
    inbox_before = len(window.model.rows)
    first = window.current_item()
    assert first is not None and first.id == window.model.rows[0].id
    # opening marks read (the default setting)
    assert store.get_item(first.id).status == "read"

    # j / k move through the list and open what they land on
    press(qtbot, window, Qt.Key.Key_J)
    press(qtbot, window, Qt.Key.Key_J)
    third = window.model.rows[2]
    assert window.current_item().id == third.id
    press(qtbot, window, Qt.Key.Key_K)
    second = window.model.rows[1]
    assert window.current_item().id == second.id

    # e: done — it leaves the inbox and the next item opens
    press(qtbot, window, Qt.Key.Key_E)
    assert store.get_item(second.id).status == "done"
    assert second.id not in window.model.row_of
    assert len(window.model.rows) == inbox_before - 1
    assert window.current_item().id == third.id
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.sidebar.entries["view:inbox"].count == inbox_before - 1)
    assert window.sidebar.entries["view:done"].count == 1

    # Ctrl+Z brings it back, open again
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, window)
    assert store.get_item(second.id).status == "read"
    assert second.id in window.model.row_of
    assert window.current_item().id == second.id

    # s: snooze until tomorrow
    press(qtbot, window, Qt.Key.Key_S)
    dialog = window.active_dialog
    assert dialog.isVisible() and dialog.windowTitle() == "Snooze"
    qtbot.mouseClick(dialog.buttons["tomorrow"], Qt.MouseButton.LeftButton)
    snoozed = store.get_item(second.id)
    assert snoozed.snoozed_until == "2026-03-03T08:00:00Z" or snoozed.snoozed_until > "2026-03-02T23:00:00Z"
    assert second.id not in window.model.row_of
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.sidebar.entries["view:snoozed"].count == 1)

    # t: tag the current item with a new tag, created in a colour
    focus_list(qtbot, window)
    current = window.current_item()
    press(qtbot, window, Qt.Key.Key_T)
    picker = window.active_dialog
    qtbot.waitUntil(lambda: QApplication.activeWindow() is picker)
    qtbot.keyClicks(picker.filter, "follow up")
    assert picker.list.item(0).text() == "Create tag “follow up”"
    qtbot.keyClick(picker.filter, Qt.Key.Key_Return)
    assert ("follow up", store.list_tags()[0].colour) in store.get_item(current.id).tags
    assert window.model.rows[window.model.row_of[current.id]].tags[0][0] == "follow up"
    settle(qtbot, window)
    qtbot.waitUntil(lambda: "tag:follow up" in window.sidebar.entries)
    assert window.sidebar.entries["tag:follow up"].count == 1

    # undo the tag, then the snooze
    focus_list(qtbot, window)
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, window)
    assert store.get_item(current.id).tags == []
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, window)
    assert store.get_item(second.id).snoozed_until is None
    assert second.id in window.model.row_of

    # u: mark unread; the row turns bold (status unread) and stays in the inbox
    focus_list(qtbot, window)
    window.open_item(second.id)
    press(qtbot, window, Qt.Key.Key_U)
    assert store.get_item(second.id).status == "unread"
    assert window.model.rows[window.model.row_of[second.id]].status == "unread"

    # Enter moves to the conversation, Esc back to the list; / focuses the search
    focus_list(qtbot, window)
    press(qtbot, window, Qt.Key.Key_Return)
    assert window.reading.browser.hasFocus()
    press(qtbot, window, Qt.Key.Key_Escape)
    assert window.list_view.hasFocus()
    press(qtbot, window, Qt.Key.Key_Slash)
    assert window.search_bar.field.hasFocus()
    assert window.search_bar.field.text() == ""


def test_mark_read_on_open_is_a_setting(window, qtbot, workspace_store):
    action = window.actions_by_id["settings.mark_read_on_open"]
    assert action.isChecked()
    action.trigger()
    assert window.settings.value("reading/mark_read_on_open", type=bool) is False
    target = window.model.rows[5]
    window.open_item(target.id)
    assert workspace_store.get_item(target.id).status == "unread"


def test_bulk_done_tag_and_undo(window, qtbot, workspace_store):
    store = workspace_store
    focus_list(qtbot, window)
    ids = [r.id for r in window.model.rows[3:7]]
    qtbot.mouseClick(window.list_view.viewport(), Qt.MouseButton.LeftButton,
                     pos=window.list_view.visualRect(window.model.index(3)).center())
    qtbot.mouseClick(window.list_view.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.ShiftModifier,
                     pos=window.list_view.visualRect(window.model.index(6)).center())
    assert window.selected_item_ids() == ids

    window.tag("praise")
    assert all(("praise" in {n for n, _ in store.get_item(i).tags}) for i in ids)
    before = len(window.model.rows)
    last = window.model.rows[-1].id
    press(qtbot, window, Qt.Key.Key_E)
    assert store.get_item(last).status == "unread"  # Qt's passing stop while rows left: not opened
    assert all(store.get_item(i).status == "done" for i in ids)
    assert len(window.model.rows) == before - 4
    assert not set(ids) & set(window.model.row_of)

    window.undo()
    settle(qtbot, window)
    assert all(store.get_item(i).status != "done" for i in ids)
    assert set(ids) <= set(window.model.row_of)
    assert sorted(window.selected_item_ids()) == sorted(ids)
    window.undo()
    assert all(store.get_item(i).tags == [] for i in ids)


def test_bulk_select_all_and_snooze(window, qtbot, workspace_store, clock):
    from datetime import timedelta

    window.show_items(InboxFilter(view=View.INBOX, whose="competitor"), "Competitors")
    settle(qtbot, window)
    focus_list(qtbot, window)
    press(qtbot, window, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert len(window.selected_item_ids()) == 5
    window.snooze(clock() + timedelta(hours=1))
    assert window.model.rows == []
    assert window.list_stack.currentWidget() is window.empty_label
    assert "Nothing" in window.empty_label.text()


def test_snoozed_items_come_back_when_due(window, qtbot, workspace_store, clock):
    from datetime import timedelta

    target = window.model.rows[4]
    window.open_item(target.id)
    window.snooze(clock() + timedelta(hours=3))
    assert target.id not in window.model.row_of
    window.show_view(View.SNOOZED)
    settle(qtbot, window)
    assert [r.id for r in window.model.rows] == [target.id]

    clock.advance(hours=2)
    assert window.wake_due() == []
    clock.advance(hours=2)
    assert window.wake_due() == [target.id]
    settle(qtbot, window)
    assert window.model.rows == []  # the Snoozed view is empty now
    window.show_view(View.INBOX)
    settle(qtbot, window)
    assert target.id in window.model.row_of
    assert workspace_store.get_item(target.id).status == "unread"


def test_wake_timer_runs_wake_due(window, qtbot, clock):
    from datetime import timedelta

    target = window.model.rows[1]
    window.open_item(target.id)
    window.snooze(clock() + timedelta(minutes=5))
    clock.advance(minutes=10)
    window.wake_timer.setInterval(10)
    qtbot.waitUntil(lambda: target.id in window.model.row_of, timeout=3000)


def test_snooze_to_a_picked_date_and_time(window, qtbot, workspace_store, clock):
    from datetime import UTC, datetime

    from PySide6.QtCore import QDateTime

    from inbox.ui import local_time
    from inbox.ui.delegate import ItemDelegate

    target = window.model.rows[2]
    window.open_item(target.id)
    dialog = window.snooze_dialog()
    when = datetime(2026, 3, 20, 14, 45, tzinfo=UTC)
    dialog.picker.setDateTime(QDateTime(when.astimezone()))
    qtbot.keyClick(dialog.picker, Qt.Key.Key_Return)
    assert workspace_store.get_item(target.id).snoozed_until == "2026-03-20T14:45:00Z"
    window.show_view(View.SNOOZED)
    settle(qtbot, window)
    row = window.model.rows[0]
    assert ItemDelegate(clock)._age(row) == "⏰ " + local_time.when(when, clock())


def test_new_tag_with_a_chosen_colour(window, qtbot, workspace_store):
    from PySide6.QtGui import QColor

    target = window.current_item()
    picker = window.tag_dialog()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is picker)
    qtbot.keyClicks(picker.filter, "regular")
    picker.set_new_colour(QColor("#123456"))
    qtbot.keyClick(picker.filter, Qt.Key.Key_Return)
    assert ("regular", "#123456") in workspace_store.get_item(target.id).tags

    # choosing a tag every selected item has takes it off again (undo puts it back)
    picker = window.tag_dialog()
    assert picker.list.item(0).text() == "regular  ✓"
    picker.accept_current()
    assert workspace_store.get_item(target.id).tags == []
    window.undo()
    assert ("regular", "#123456") in workspace_store.get_item(target.id).tags
