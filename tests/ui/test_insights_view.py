"""Insights inside the main window (G, N): the charts take the reading pane's place, a click
lists its items beside them with a chip saying why, Esc steps back; and nothing — chips,
chart clicks, long titles — ever makes the window wider than the screen."""

from __future__ import annotations

from PySide6.QtCharts import QChartView, QLineSeries
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTableWidget

from inbox.domain import View
from inbox.store import Store
from inbox.ui import dashboard
from tests.ui.conftest import settle
from tests.ui.test_insights_ui import cafe_store  # noqa: F401 - the fixture


def _insights(qtbot, window) -> dashboard.DashboardWindow:
    dashboard.install(window)
    window.run_command("insights.dashboard")
    view = window.extensions.get(dashboard.DashboardWindow)
    qtbot.waitUntil(lambda: view.dashboard.figures is not None, timeout=5000)
    return view


def test_insights_is_a_view_in_the_main_window_and_esc_goes_back(qtbot, make_window, cafe_store: Store) -> None:  # noqa: F811
    window = make_window(cafe_store)
    window.show_view(View.INBOX)
    settle(qtbot, window)
    inbox_rows = [r.id for r in window.model.rows]
    view = _insights(qtbot, window)
    assert view.window() is window and view.isVisible() and not window.reading.isVisible()
    assert [w for w in QApplication.topLevelWidgets() if w.isVisible() and w is not window] == []
    assert window.sidebar.currentItem() is window.sidebar.entries[dashboard.INSIGHTS_KEY].item

    panel = view.dashboard.aspects_panel
    qtbot.waitUntil(lambda: panel.figures is not None, timeout=15000)
    expected = {"g1", "g3", "m1"}  # the reviews that praise the flat white
    table = view.dashboard.findChild(QTableWidget, "aspectCategories")
    row = next(r for r in range(table.rowCount())
               if "flat white" in table.item(r, 0).toolTip())  # the category it is filed under
    table.cellClicked.emit(row, 2)  # its praise: the conversations, beside the charts
    qtbot.waitUntil(lambda: window.search_bar.reason.isVisible(), timeout=5000)
    settle(qtbot, window)
    assert expected <= {r.external_id for r in window.model.rows}
    panel.open_aspect(term="flat white", polarity="positive")  # what a click on a stand-out aspect does
    qtbot.waitUntil(lambda: {r.external_id for r in window.model.rows} == expected, timeout=5000)
    settle(qtbot, window)
    reason = window.search_bar.reason
    assert reason.isVisible() and "From Insights" in reason.text() and "flat white" in reason.toolTip()
    assert view.isVisible()

    qtbot.mouseClick(window.list_view.viewport(), Qt.MouseButton.LeftButton,
                     pos=window.list_view.visualRect(window.model.index(1)).center())
    settle(qtbot, window)
    assert window.reading.isVisible() and not view.isVisible()  # reading one of them

    window.list_view.setFocus()
    qtbot.keyClick(window.list_view, Qt.Key.Key_Escape)  # back to the charts, same items
    assert view.isVisible() and {r.external_id for r in window.model.rows} == expected
    qtbot.keyClick(window.list_view, Qt.Key.Key_Escape)  # back to the list before the click
    settle(qtbot, window)
    assert [r.id for r in window.model.rows] == inbox_rows and not reason.isVisible() and view.isVisible()
    qtbot.keyClick(window.list_view, Qt.Key.Key_Escape)  # out of Insights
    assert window.reading.isVisible() and not view.isVisible()
    assert window.sidebar.currentItem() is window.sidebar.entries["view:inbox"].item


def test_the_why_chip_closes_back_to_the_list_before(qtbot, make_window, cafe_store: Store) -> None:  # noqa: F811
    window = make_window(cafe_store)
    before = [r.id for r in window.model.rows]
    view = _insights(qtbot, window)
    view.dashboard.open_sentiment(0, "negative")
    settle(qtbot, window)
    window.list_ctl.select_row(0)
    view.read()
    assert window.reading.isVisible()
    qtbot.mouseClick(window.search_bar.reason, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert view.isVisible() and [r.id for r in window.model.rows] == before
    assert not window.search_bar.reason.isVisible()


def test_going_to_another_view_leaves_insights(qtbot, make_window, cafe_store: Store) -> None:  # noqa: F811
    window = make_window(cafe_store)
    view = _insights(qtbot, window)
    window.run_command("view.done")
    settle(qtbot, window)
    assert not view.isVisible() and window.reading.isVisible()
    assert window.sidebar.currentItem() is window.sidebar.entries["view:done"].item


def test_the_window_never_grows_wider_than_the_screen(qtbot, make_window, cafe_store: Store) -> None:  # noqa: F811
    """Long source names in a chip, a chart click with a long title, the charts themselves:
    the window keeps the width it had and its minimum stays at most 960 px."""
    for n in range(9):
        cafe_store.add_source("rss", f"A very long source name for the feed of the harbour number {n}")
    window = make_window(cafe_store)
    screen = window.screen().availableGeometry().width()
    window.resize(min(1280, screen), 700)
    settle(qtbot, window)
    start = window.width()

    def fits() -> None:
        QApplication.processEvents()
        assert window.width() <= start <= screen
        assert window.minimumSizeHint().width() <= min(960, screen)
        assert window.minimumWidth() <= min(960, screen)

    ids = [s.id for s in cafe_store.list_sources()]
    window.list_ctl.apply_filter_change({"source_ids": ids, "tags": [], "rating_min": 1, "rating_max": 2,
                                         "since": "2026-01-01", "until": "2026-02-28"})
    settle(qtbot, window)
    fits()
    window.clear_filters()
    view = _insights(qtbot, window)
    fits()
    line = next(s for c in view.dashboard.findChildren(QChartView) for s in c.chart().series()
                if isinstance(s, QLineSeries))
    line.clicked.emit(line.at(0))
    settle(qtbot, window)
    fits()
    view.drill(window.current_filter(), "“" + "a very long theme phrase " * 12 + "” in complaints")
    settle(qtbot, window)
    fits()
    window.resize(400, 500)  # and every pane can shrink with it
    QApplication.processEvents()
    assert window.width() <= 960
