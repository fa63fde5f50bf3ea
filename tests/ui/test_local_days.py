"""Days and times a person reads are local (a fixed zone here), never UTC: the Insights
"today" (and so "Last 7 days"), and the list rows' tooltips and accessible text."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt

from inbox.ui import dashboard, local_time
from inbox.ui.list_model import ItemRole


@pytest.fixture
def zone():
    yield local_time.set_zone
    local_time.set_zone("")


@pytest.mark.parametrize(("name", "utc", "local_day"), [
    ("America/Los_Angeles", datetime(2026, 3, 3, 2, 0, tzinfo=UTC), "2026-03-02"),  # still the 2nd there
    ("Asia/Tokyo", datetime(2026, 3, 2, 20, 0, tzinfo=UTC), "2026-03-03"),          # already the 3rd
])
def test_insights_today_is_the_local_day(window, clock, zone, name, utc, local_day) -> None:
    zone(name)
    clock.now = utc
    dashboard.install(window)
    window.run_command("insights.dashboard")
    board = window.extensions.get(dashboard.DashboardWindow).dashboard
    assert board.today() == local_day
    board.period_box.setCurrentIndex(board.period_box.findData(7))
    assert board.period().until == local_day


def test_list_tooltips_say_local_time_in_words(window, zone) -> None:
    zone("Asia/Tokyo")
    model = window.model
    for row in range(min(model.rowCount(), 5)):
        index = model.index(row)
        item = index.data(ItemRole)
        tip = index.data(Qt.ItemDataRole.ToolTipRole)
        assert not re.search(r"\d{4}-\d\d-\d\dT|\d\dZ\b|UTC", tip), tip
        assert item.author_name in tip
        then = datetime.fromisoformat(item.created_at.replace("Z", "+00:00")).astimezone(local_time.zone())
        assert f"{then:%H:%M}" in tip  # the hour in Tokyo, not in UTC
