"""Rows painted once and copied on repaints must still show every change a user makes, and a
reload (as each source of a sync finishes) must not move what the user is reading."""

from __future__ import annotations

import dataclasses

from tests.ui.conftest import settle


def _row_image(window, row: int):
    rect = window.list_view.visualRect(window.model.index(row))
    return window.list_view.viewport().grab(rect).toImage()


def test_a_changed_row_is_painted_anew_and_an_unchanged_one_copied(window, qtbot) -> None:
    settle(qtbot, window)
    row = 1
    item = window.model.rows[row]
    delegate = window.list_view.itemDelegate()
    unread = dataclasses.replace(item, status="unread")
    window.model.replace_item(unread)
    before = _row_image(window, row)
    kept = len(delegate.rows.pixmaps)
    assert _row_image(window, row) == before  # the same row again: the same picture
    assert len(delegate.rows.pixmaps) == kept  # copied, not drawn again

    window.model.replace_item(dataclasses.replace(unread, status="read"))
    assert _row_image(window, row) != before  # no longer bold, no dot
    window.model.replace_item(dataclasses.replace(unread, author_name="Someone Else Entirely"))
    assert _row_image(window, row) != before
    window.model.replace_item(unread)
    assert _row_image(window, row) == before


def test_a_reload_keeps_the_open_conversation_where_the_reader_left_it(window, qtbot) -> None:
    settle(qtbot, window)
    reading = window.reading_ctl
    longest = max(range(len(window.model.rows)), key=lambda r: window.model.rows[r].messages)
    window.list_ctl.select_row(longest)
    settle(qtbot, window)
    browser = reading.pane.browser
    bar = browser.verticalScrollBar()
    browser.setFixedHeight(60)  # a short conversation pane: it scrolls
    qtbot.waitUntil(lambda: browser.verticalScrollBar().maximum() > 0, timeout=3000)
    shown = browser.toHtml()
    bar.setValue(bar.maximum())
    where = bar.value()
    assert where > 0

    window.data_changed()  # what a sync does as each source finishes
    settle(qtbot, window)
    assert reading.current is not None and reading.current.id == window.model.rows[longest].id
    assert browser.toHtml() == shown
    assert bar.value() == where


def test_rows_put_off_by_a_paint_budget_are_drawn_in_full_soon_after(window, qtbot) -> None:
    """A sync's first rows are drawn a few a turn (delegate.FreshBudget): the rows beyond a
    paint's budget show their author only for a moment, then the whole row."""
    settle(qtbot, window)
    view = window.list_view
    delegate = view.itemDelegate()
    row = 4
    full = _row_image(window, row)
    delegate.rows.clear()
    delegate.fresh.budget_s = 1e-9  # every row after a paint's first is put off
    put_off = []
    original = delegate.fresh.put_off
    delegate.fresh.put_off = lambda viewport, rect: (put_off.append(rect), original(viewport, rect))
    window.list_ctl.reload()
    qtbot.waitUntil(lambda: bool(put_off), timeout=5000)  # painted plainly first
    qtbot.waitUntil(lambda: not delegate.fresh.later and not delegate.fresh.armed, timeout=5000)
    settle(qtbot, window)
    assert len(delegate.rows.pixmaps) >= row + 1  # each visible row drawn in full by now
    assert _row_image(window, row) == full
