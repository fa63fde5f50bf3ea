"""Text follows the system font (QApplication's font, as the desktop sets it) without
clipping: list rows, their avatars, the sidebar, the filter chips, the buttons and labels,
and the reply box with its Send button in sight."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel

from tests.ui.conftest import settle
from tests.ui.test_reply_editor import _fully_visible


@pytest.fixture(params=[14, 18])
def big_font(request, qapp):
    before = qapp.font()
    font = qapp.font()
    font.setPointSizeF(request.param)
    qapp.setFont(font)
    yield font
    qapp.setFont(before)


@pytest.fixture
def big_window(big_font, workspace_store, make_window, qtbot):
    from inbox.ui.replies import install

    window = make_window(workspace_store)
    install(window)
    window.resize(1280, 800)
    settle(qtbot, window)
    return window


def test_list_rows_and_avatars_grow_with_the_font(big_window, big_font) -> None:
    from inbox.ui.delegate import ICON, avatar_size

    view = big_window.list_view
    assert view.font().pointSizeF() == big_font.pointSizeF()
    fm = QFontMetrics(view.font())
    bold = QFontMetrics(view.font())
    for row in range(min(big_window.model.rowCount(), 4)):
        height = view.visualRect(big_window.model.index(row)).height()
        assert height >= bold.height() + fm.height() + 8  # both lines, whole
    assert avatar_size(view.font()) > ICON


def test_sidebar_rows_fit_the_font(big_window) -> None:
    bar = big_window.sidebar
    fm = QFontMetrics(bar.font())
    for entry in bar.entries.values():
        rect = bar.visualItemRect(entry.item)
        if rect.isValid() and not rect.isEmpty():
            assert rect.height() >= fm.height(), entry.label


def test_chips_are_not_cut_when_there_is_room(big_window) -> None:
    chips = big_window.search_bar.chips
    chips["status"].show_value("Inbox") if "status" in chips else None
    for chip in chips.values():
        if QFontMetrics(chip.font()).horizontalAdvance(chip.full_text) < chip.max_width() - 60:
            assert chip.text().replace("&&", "&") == chip.full_text
        assert chip.height() >= QFontMetrics(chip.font()).height()


def test_no_button_or_label_is_cut_at_the_top_or_bottom(big_window, qtbot) -> None:
    item_id = big_window.model.rows[0].id
    big_window.open_item(item_id)
    settle(qtbot, big_window)
    qtbot.wait(50)
    checked = 0
    for w in big_window.findChildren(QAbstractButton) + big_window.findChildren(QLabel):
        if not w.isVisible() or not (w.text() if hasattr(w, "text") else ""):
            continue
        lines = max(1, w.text().count("\n") + 1)
        assert w.height() >= QFontMetrics(w.font()).height() * (1 if getattr(w, "wordWrap", lambda: False)() else lines), (
            type(w).__name__, w.text()[:40], w.height())
        checked += 1
    assert checked > 10


@pytest.mark.parametrize("size", [(1280, 800), (1024, 640)])
def test_the_reply_box_holds_lines_of_the_font_and_send_stays_in_sight(big_window, qtbot, size) -> None:
    from inbox.ui.replies import RepliesController

    big_window.resize(*size)
    item_id = next(r.id for r in big_window.model.rows if r.rating)
    big_window.open_item(item_id)
    settle(qtbot, big_window)
    editor = big_window.extensions.get(RepliesController).editor
    editor.set_text("Hi there, sorry about the wait.\n\nHi again, the next coffee is on us. — Maria")
    editor.run_tone_check()
    qtbot.waitUntil(lambda: editor.tone.isVisible(), timeout=2000)
    qtbot.wait(50)
    line = QFontMetrics(editor.editor.font()).lineSpacing()
    assert editor.editor.height() >= 3 * line  # a few lines even when squeezed
    assert _fully_visible(editor.send_button, big_window)
    assert editor.send_button.width() >= editor.send_button.sizeHint().width()  # not squeezed
    assert QApplication.font().pointSizeF() == editor.font().pointSizeF()


def test_a_font_change_while_the_app_runs_regrows_rows_chips_and_the_reply_box(window, qapp, qtbot) -> None:
    from inbox.ui.replies import RepliesController, install

    install(window)
    window.open_item(window.model.rows[0].id)
    settle(qtbot, window)
    editor = window.extensions.get(RepliesController).editor
    chip = next(iter(window.search_bar.chips.values()))
    small_row, small_box, small_chip = window.list_view.rowHeight(0), editor.editor.minimumHeight(), chip.max_width()
    before = qapp.font()
    font = qapp.font()
    font.setPointSizeF(18)
    qapp.setFont(font)
    try:
        qtbot.wait(50)
        line = QFontMetrics(window.list_view.font()).height()
        assert window.list_view.rowHeight(0) > small_row and window.list_view.rowHeight(0) >= 2 * line + 8
        assert editor.editor.minimumHeight() > small_box
        assert editor.editor.minimumHeight() >= 3 * editor.editor.fontMetrics().lineSpacing()
        assert chip.max_width() > small_chip and chip.maximumWidth() == chip.max_width()
    finally:
        qapp.setFont(before)
