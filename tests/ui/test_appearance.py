"""Light, dark and the computer's colours switched while the app runs; times in the chosen
zone (a fixed one here), never UTC."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import settle


@pytest.fixture
def appearance(window):
    from inbox.ui import appearance, local_time

    installed = appearance.install(window)
    yield installed
    installed.apply("system")  # the QApplication outlives the test
    local_time.set_zone("")


def _lightness(widget) -> int:
    image = widget.grab().toImage()
    return image.pixelColor(image.width() - 4, image.height() - 4).lightness()


def test_dark_and_light_repaint_everything_including_the_sidebar(window, appearance, qtbot) -> None:
    from inbox.ui.appearance import set_theme

    window.list_ctl.select_row(0)
    settle(qtbot, window)
    light = {name: _lightness(w) for name, w in
             (("sidebar", window.sidebar.viewport()), ("list", window.list_view.viewport()),
              ("reading", window.reading.browser.viewport()))}
    assert all(v > 128 for v in light.values()), light
    window.run_command("view.theme_dark")
    QApplication.processEvents()
    dark = {name: _lightness(w) for name, w in
            (("sidebar", window.sidebar.viewport()), ("list", window.list_view.viewport()),
             ("reading", window.reading.browser.viewport()))}
    assert all(v < 100 for v in dark.values()), dark
    # the conversation's HTML carries its text colour: it was redrawn for the dark theme
    assert "#e8eaed" in window.reading.browser.toHtml().lower() or window.reading.browser.palette().color(
        window.reading.browser.palette().ColorRole.Text).lightness() > 128
    from inbox.services import settings
    assert settings.get("display.theme", local=window.settings) == "dark"  # kept for the next start
    set_theme(window, "light")
    QApplication.processEvents()
    assert _lightness(window.sidebar.viewport()) > 128


def test_times_show_in_the_chosen_zone_relative_to_today(window, appearance, qtbot, clock) -> None:
    """The clock is Monday 2 March 2026 09:30 UTC; in Tokyo that is 18:30."""
    from inbox.ui import local_time
    from inbox.ui.settings_dialog import settings_changes

    settings_changes(window).changed.emit("display.time_zone", "Asia/Tokyo")
    window.list_ctl.select_row(0)
    settle(qtbot, window)
    item = window.current_item()
    html = window.reading.browser.toHtml()
    assert "UTC" not in html
    from zoneinfo import ZoneInfo

    from inbox.domain.times import from_db, when_text
    expected = when_text(from_db(item.created_at), clock(), ZoneInfo("Asia/Tokyo"))
    assert expected in html
    assert expected.split()[0] in ("today", "yesterday", "Sun", "Sat", "Fri", "Thu", "Wed", "Tue") or "Feb" in expected
    assert local_time.zone() == ZoneInfo("Asia/Tokyo")
    delegate = window.list_view.itemDelegate()
    assert "UTC" not in delegate._age(item) and "T" not in delegate._age(item).replace("Tue", "").replace("Thu", "")


def test_the_time_zone_setting_refuses_unknown_zones(window) -> None:
    from inbox.services import settings

    with pytest.raises(settings.SettingError, match="Europe/London"):
        settings.set("display.time_zone", "Atlantis/Capital", local=window.settings)
    assert settings.set("display.time_zone", "Europe/Lisbon", local=window.settings) == "Europe/Lisbon"


def test_snooze_picks_a_time_in_the_chosen_zone(window, appearance, qtbot, workspace_store) -> None:
    from datetime import datetime

    from PySide6.QtCore import QDateTime

    from inbox.ui import local_time

    local_time.set_zone("Asia/Tokyo")
    target = window.model.rows[1]
    window.open_item(target.id)
    dialog = window.snooze_dialog()
    assert "Tomorrow" in dialog.buttons["tomorrow"].text()
    dialog.picker.setDateTime(QDateTime(datetime(2026, 3, 20, 23, 45)))  # 23:45 in Tokyo
    qtbot.keyClick(dialog.picker, Qt.Key.Key_Return)
    assert workspace_store.get_item(target.id).snoozed_until == "2026-03-20T14:45:00Z"
