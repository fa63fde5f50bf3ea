"""The list shows each person as an initials avatar with the platform's shipped logo as a
badge, drawn locally; the row's tooltip gives the full local time."""

from __future__ import annotations

from PySide6.QtGui import QColor

from tests.ui.conftest import settle


def test_rows_have_initials_avatars_with_a_platform_badge(window, qtbot) -> None:
    from inbox.ui.delegate import AVATAR_COLOURS, ICON, avatar_pixmap, row_tooltip

    settle(qtbot, window)
    item = window.model.rows[0]
    a, b = avatar_pixmap(item.author_name), avatar_pixmap(item.author_name)
    assert a.cacheKey() == b.cacheKey() and not a.isNull()  # one per name, drawn once
    image = window.list_view.viewport().grab().toImage()
    rect = window.list_view.visualRect(window.model.index(1))
    ratio = image.devicePixelRatio()
    centre = image.pixelColor(int((rect.left() + 12 + 4) * ratio), int((rect.top() + 8 + ICON // 2) * ratio))
    assert centre.name() in {QColor(c).name() for c in AVATAR_COLOURS}
    tip = row_tooltip(item)
    assert item.author_name.split()[0] in tip and "UTC" not in tip and "T0" not in tip
