"""Accessibility and the keyboard: every control has an accessible name, Tab goes search →
list → conversation → reply, the whole triage loop works from the keyboard, and a larger
system font makes rows taller instead of clipping them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from tests.ui.conftest import settle

CONTROLS = (QAbstractButton, QLineEdit, QComboBox, QAbstractItemView, QPlainTextEdit, QTextEdit, QAbstractSpinBox)


def _unnamed(root: QWidget) -> list[str]:
    missing = []
    for w in root.findChildren(QWidget):
        if not isinstance(w, CONTROLS) or isinstance(w, QHeaderView) or not w.isVisibleTo(root):
            continue
        if w.objectName().startswith("qt_"):  # Qt's own parts of a composite control
            continue
        name = w.accessibleName() or (w.text() if isinstance(w, QAbstractButton) else "")
        if not name.strip():
            missing.append(f"{type(w).__name__} {w.objectName()!r} in {w.parent().objectName()!r}")
    return missing


def _full_window(window, qtbot):
    from inbox.ui.application import EXTENSIONS_WITHOUT_DIALOGS, install_extensions

    install_extensions(window, EXTENSIONS_WITHOUT_DIALOGS)
    window.list_ctl.select_row(0)
    settle(qtbot, window)
    return window


def test_every_control_has_an_accessible_name(window, qtbot) -> None:
    _full_window(window, qtbot)
    assert _unnamed(window) == []
    window.run_command("insights.dashboard")  # the charts, inside the window
    settle(qtbot, window)
    assert _unnamed(window) == []
    for command in ("item.tag", "item.snooze", "app.palette", "app.settings", "sources.manage", "rules.manage",
                    "file.export", "reply.saved_replies"):
        window.active_dialog = None
        dialog = window.run_command(command) or window.active_dialog
        assert dialog is not None, command
        assert _unnamed(dialog) == [], command
        dialog.close()


def test_tab_goes_search_list_conversation_reply(window, qtbot) -> None:
    from inbox.ui.replies import RepliesController

    _full_window(window, qtbot)
    editor = window.extensions.get(RepliesController).editor.editor
    order: list[QWidget] = []
    w: QWidget = window.search_bar.field
    for _ in range(60):
        order.append(w)
        w = w.nextInFocusChain()
        while not (w.isVisible() and w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.isEnabled()):
            w = w.nextInFocusChain()
        if w is window.search_bar.field:
            break
    positions = {name: order.index(x) for name, x in (("search", window.search_bar.field),
                                                      ("list", window.list_view),
                                                      ("conversation", window.reading.browser),
                                                      ("reply", editor))}
    assert positions["search"] < positions["list"] < positions["conversation"] < positions["reply"], positions


def test_the_triage_loop_works_without_a_mouse(window, qtbot, workspace_store) -> None:
    from inbox.ui import replies

    controller = replies.install(window)
    window.activateWindow()
    window.list_view.setFocus()
    qtbot.waitUntil(lambda: window.list_view.hasFocus())

    def key(k, mod=Qt.KeyboardModifier.NoModifier) -> None:
        qtbot.keyClick(QApplication.focusWidget(), k, mod)

    key(Qt.Key.Key_J)
    item = window.current_item()
    key(Qt.Key.Key_R, Qt.KeyboardModifier.ShiftModifier)  # write a reply
    assert controller.editor.editor.hasFocus()
    qtbot.keyClicks(controller.editor.editor, "Hi, thanks for coming in.")
    key(Qt.Key.Key_Escape)  # back to the list, the draft kept
    assert window.list_view.hasFocus() and window.current_item().id == item.id
    qtbot.waitUntil(lambda: workspace_store.get_draft(item.id) is not None, timeout=2000)
    key(Qt.Key.Key_E)  # done; the next one opens
    settle(qtbot, window)
    assert workspace_store.get_item(item.id).status == "done"
    assert window.current_item() is not None and window.current_item().id != item.id
    key(Qt.Key.Key_T)  # tag it from the keyboard
    picker = window.active_dialog
    qtbot.waitUntil(lambda: QApplication.activeWindow() is picker)
    qtbot.keyClicks(picker.filter, "follow up")
    assert picker.list.item(0).text() == "Create tag “follow up”", QApplication.focusWidget()
    qtbot.keyClick(picker.filter, Qt.Key.Key_Return)
    settle(qtbot, window)
    assert "follow up" in {t.name for t in workspace_store.list_tags()}


def test_a_larger_font_makes_rows_taller_not_clipped(window, qtbot) -> None:
    from inbox.ui.delegate import ROW_HEIGHT

    big = QFont(window.list_view.font())
    big.setPointSizeF(big.pointSizeF() * 2)
    window.list_view.setFont(big)
    QApplication.processEvents()
    height = window.list_view.rowHeight(0)
    assert height > ROW_HEIGHT and height >= 2 * QFontMetrics(big).height() + 8


def test_sidebar_rows_fit_a_larger_font(qapp) -> None:
    from inbox.ui.sidebar import Sidebar

    bar = Sidebar()
    big = QFont(bar.font())
    big.setPointSizeF(big.pointSizeF() * 2.2)
    bar.setFont(big)
    entry = bar.add_entry("Views", "view:inbox", "Inbox", lambda: None)
    assert entry.item.sizeHint(0).height() >= QFontMetrics(big).height()
    bar.deleteLater()
