"""The dashboard and the customer profile in the real main window (offscreen): they render,
their figures match a known dataset, every kind of chart point opens its items, the owner
can correct a sentiment and link or unlink two accounts of one customer."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCharts import QBarSet, QChart, QChartView, QLineSeries
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QListWidget, QPushButton, QTableWidget

from inbox.domain import Author, InboxFilter, Item
from inbox.services import sentiment
from inbox.services.pipeline import default_pipeline
from inbox.store import Store
from inbox.ui import dashboard, profile
from tests.ui.conftest import settle

PIPELINE = default_pipeline()


def at(day: str, hour: int = 12) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def review(ext: str, day: str, text: str, rating: int | None, who: str, name: str = "") -> Item:
    return Item(ext, "review", text=text, rating=rating, created_at=at(day), author=Author(who, name or who))


@pytest.fixture
def cafe_store(tmp_path: Path):
    """Own café on Google and Mastodon, a rival on Google; Jan–Feb 2026 (the clock says
    2 March 2026)."""
    store = Store(tmp_path / "cafe.db")
    store.set_setting("business_name", "Harbour Cafe")
    google = store.add_source("google", "Harbour Cafe · Google")
    masto = store.add_source("mastodon", "Mastodon mentions")
    rival = store.add_source("google", "Rival · Google", whose="competitor")
    store.save_page(google.id, [
        review("g1", "2026-01-05", "Great flat white, friendly staff", 5, "Zoë Kowalski"),
        review("g2", "2026-01-20", "Slow service and a long wait, awful", 2, "Sam Lee"),
        review("g3", "2026-02-10", "Lovely flat white again", 4, "Zoë Kowalski"),
        review("g4", "2026-02-12", "Le café était froid.", None, "Jean Dupont"),
        Item("g1r", "reply", text="Thanks Zoë!", created_at=at("2026-01-05", 15), is_owner_reply=True,
             parent_external_id="g1", author=Author("owner", "Harbour Cafe")),
    ], pipeline=PIPELINE)
    store.save_page(masto.id, [Item("m1", "mention", text="Best flat white in town, lovely people",
                                    created_at=at("2026-02-01"),
                                    author=Author("zoek@mastodon.social", "Zoe Kowalski", "@zoek@mastodon.social"))], pipeline=PIPELINE)
    store.save_page(rival.id, [review("r1", "2026-01-07", "Their loyalty card is great", 5, "Ann"),
                               review("r2", "2026-02-07", "Loyalty cards are a nice touch, excellent", 5, "Bo")], pipeline=PIPELINE)
    yield store
    store.close()


def id_of(store: Store, ext: str) -> int:
    return store.conn.execute("SELECT id FROM items WHERE external_id = ?", (ext,)).fetchone()[0]


def open_dash(qtbot, window) -> dashboard.Dashboard:
    dashboard.install(window)
    win = dashboard.open_dashboard(window)
    qtbot.addWidget(win)
    dash = win.dashboard
    qtbot.waitUntil(lambda: dash.figures is not None and dash.status.text().endswith("items"), timeout=5000)
    return dash


def test_dashboard_renders_the_known_figures(qtbot, make_window, cafe_store: Store) -> None:
    window = make_window(cafe_store)
    dash = open_dash(qtbot, window)
    own = dash.figures.own
    assert own.business.label == "Harbour Cafe" and own.volume == 5
    assert own.response_rate == pytest.approx(1 / 5) and own.median_reply_hours == 3.0
    charts = dash.findChildren(QChartView)
    assert len(charts) == 4
    assert charts[0].chart().title() == "Average rating per week"
    table = dash.findChild(QTableWidget, "comparisonTable")
    assert [table.item(r, 0).text() for r in range(table.rowCount())] == ["Harbour Cafe", "Rival"]
    assert table.item(1, 1).text() == "5.00 ★"
    image = dash.window().grab().toImage()
    assert not image.isNull() and image.width() > 800


def test_every_kind_of_point_opens_its_items(qtbot, make_window, cafe_store: Store) -> None:
    window = make_window(cafe_store)
    dash = open_dash(qtbot, window)
    fig = dash.figures

    def listed() -> set[str]:
        settle(qtbot, window)
        return {window.model.rows[r].external_id for r in range(len(window.model.rows))}

    # A point on the rating line (own business, the week of 5 January).
    line = next(s for c in dash.findChildren(QChartView) for s in c.chart().series()
                if isinstance(s, QLineSeries) and s.name() == "Harbour Cafe")
    line.clicked.emit(line.at(0))
    assert fig.buckets[round(line.at(0).x())] == "2026-01-05"
    assert (window.current_filter().since, window.current_filter().until) == ("2026-01-05", "2026-01-11")
    assert listed() == {"g1"}

    # A bar of the sentiment mix: the rival's positive items.
    bars = next(b for c in dash.findChildren(QChartView) for s in c.chart().series() if hasattr(s, "barSets")
                for b in s.barSets() if isinstance(b, QBarSet) and b.label() == "Positive")
    bars.clicked.emit(0)  # the chart lists businesses bottom-up: index 0 is the last one, the rival
    assert window.current_filter().sentiment == "positive" and listed() == {"r1", "r2"}

    # The non-English item without stars is "unknown", and opens as such.
    dash.open_sentiment(0, "unknown")
    assert listed() == {"g4"}

    # Themes by aspect: a category opens its mentions with the aspect highlighted in its clause.
    panel = dash.aspects_panel
    qtbot.waitUntil(lambda: panel.figures is not None, timeout=10000)
    assert panel.findChild(QChartView, "aspectCategoryChart") is not None   # each category's complaints over time
    table = panel.findChild(QTableWidget, "aspectCategories")
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "Wait & speed")
    dialog = panel.open_mentions(category=table.item(row, 0).data(Qt.ItemDataRole.UserRole))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: bool(dialog.mentions), timeout=5000)
    assert [m["term"] for m in dialog.mentions] == ["wait"]
    assert any("<b>wait</b>" in label.text() for label in dialog.findChildren(QLabel))

    # A figure at the top: the negative share opens the negative items.
    tile = dash.findChild(dashboard.Tile, "tile_negative")
    qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)
    assert window.current_filter().sentiment == "negative" and listed() == {"g2"}

    # A cell of the competitor table: the rival's items in the period.
    table = dash.findChild(QTableWidget, "comparisonTable")
    table.cellClicked.emit(1, 2)
    assert listed() == {"r1", "r2"}


def test_period_and_source_filter_and_background_scoring(qtbot, make_window, cafe_store: Store) -> None:
    cafe_store.conn.execute("UPDATE items SET sentiment_label = NULL, sentiment = NULL")  # as if never scored
    window = make_window(cafe_store)
    dash = open_dash(qtbot, window)
    qtbot.waitUntil(lambda: not dash.backfilling, timeout=5000)
    assert cafe_store.conn.execute("SELECT count(*) FROM items WHERE sentiment_label IS NULL "
                                   "AND is_owner_reply = 0").fetchone()[0] == 0
    dash.set_custom_period("2026-02-01", "2026-02-28")
    qtbot.waitUntil(lambda: dash.figures.period.since == "2026-02-01", timeout=5000)
    assert dash.figures.own.volume == 3
    index = next(i for i in range(dash.source_box.count()) if dash.source_box.itemText(i).startswith("Rival"))
    dash.source_box.setCurrentIndex(index)
    qtbot.waitUntil(lambda: [b.business.label for b in dash.figures.businesses] == ["Rival"], timeout=5000)
    assert dash.figures.businesses[0].volume == 1
    dashboard.open_dashboard(window)  # opened again: the choice of sources stays
    assert dash.source_box.currentIndex() == index


def test_charts_follow_a_dark_palette(qtbot, make_window, cafe_store: Store) -> None:
    from PySide6.QtGui import QColor, QPalette

    window = make_window(cafe_store)
    dash = open_dash(qtbot, window)

    def themes() -> set:
        return {c.chart().theme() for c in dash.findChildren(QChartView)}

    assert themes() == {QChart.ChartTheme.ChartThemeLight}
    palette = QPalette(dash.palette())
    palette.setColor(QPalette.ColorRole.Window, QColor("#1e1f22"))
    palette.setColor(QPalette.ColorRole.Base, QColor("#26282c"))
    palette.setColor(QPalette.ColorRole.Text, QColor("#e6e6e6"))
    dash.setPalette(palette)  # as when the desktop switches to dark mode
    qtbot.waitUntil(lambda: themes() == {QChart.ChartTheme.ChartThemeDark}, timeout=5000)


def test_profile_links_and_unlinks_two_accounts(qtbot, make_window, cafe_store: Store) -> None:
    window = make_window(cafe_store)
    profile.install(window)
    zoe_google = cafe_store.conn.execute("SELECT id FROM authors WHERE display_name = 'Zoë Kowalski'").fetchone()[0]
    win = profile.open_profile(window, zoe_google)
    qtbot.addWidget(win)
    pane = win.pane
    qtbot.waitUntil(lambda: pane.loaded, timeout=5000)
    assert [i.external_id for i in pane.profile.items] == ["g3", "g1"]
    assert [r.external_id for r in pane.profile.replies] == ["g1r"]
    assert len(pane.suggested) == 1  # "Zoe Kowalski" on Mastodon
    win.grab().save(str(Path(cafe_store.path).parent / "profile.png"))

    link = pane.findChild(QPushButton, f"link_{pane.suggested[0]['id']}")
    qtbot.mouseClick(link, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pane.loaded and pane.profile.linked, timeout=5000)
    assert [i.external_id for i in pane.profile.items] == ["g3", "m1", "g1"]
    items = pane.findChild(QListWidget, "profileItems")
    assert items.count() == 3 and "Mastodon mentions" in items.item(1).text()

    # Opening an item from the profile opens it in the main window.
    items.itemActivated.emit(items.item(1))
    assert window.current_item().external_id == "m1"

    mastodon = next(a["id"] for a in pane.profile.authors if a["platform"] == "mastodon")
    unlink = pane.findChild(QPushButton, f"unlink_{mastodon}")
    qtbot.mouseClick(unlink, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pane.loaded and not pane.profile.linked, timeout=5000)
    assert [i.external_id for i in pane.profile.items] == ["g3", "g1"]


def test_reading_pane_bar_corrects_sentiment(qtbot, make_window, cafe_store: Store) -> None:
    window = make_window(cafe_store)
    profile.install(window)
    bar = window.extensions.require(profile.InsightsBar)
    g1 = id_of(cafe_store, "g1")
    window.open_item(g1)
    settle(qtbot, window)  # the sentiment comes with the item's view, from a worker
    assert "positive" in bar.label.text() and bar.choice.currentData() is None
    bar.choice.setCurrentIndex(3)
    bar.choice.activated.emit(3)  # "Negative"
    assert sentiment.item_sentiment(cafe_store, g1)[:2] == ("negative", "negative")
    assert "your correction" in bar.label.text()
    assert g1 in {r.id for r in cafe_store.list_items(InboxFilter(sentiment="negative"))[0]}
    assert bar.item is not None and bar.item.id == g1 and not bar.profile_button.isHidden()
    bar.profile_button.click()
    opened = window.extensions.require(profile.ProfileWindows)[bar.item.author_id]
    qtbot.addWidget(opened)
    qtbot.waitUntil(lambda: opened.pane.loaded, timeout=5000)
    assert opened.pane.profile.name == "Zoë Kowalski"


def test_older_items_are_scored_in_the_background_at_start(qtbot, make_window, cafe_store: Store) -> None:
    cafe_store.conn.execute("UPDATE items SET sentiment_label = NULL, sentiment = NULL")
    window = make_window(cafe_store)
    dashboard.install(window)  # what the application does at start-up; no dashboard opened

    def unscored() -> int:
        return cafe_store.conn.execute("SELECT count(*) FROM items WHERE sentiment_label IS NULL "
                                       "AND is_owner_reply = 0").fetchone()[0]

    qtbot.waitUntil(lambda: unscored() == 0, timeout=5000)
    assert cafe_store.count_items(InboxFilter(sentiment="unknown")) == 1  # the French item without stars


def test_reading_pane_bar_shows_the_item_open_after_its_parts_are_arranged_a_turn_later(
        qtbot, make_window, cafe_store: Store) -> None:
    """The bar shows or hides its parts a turn after an item opens (out of the reply box's
    turn): the sentiment of a view arriving first is still shown, an owner's reply hides
    them, and the item open last wins."""
    from inbox.store.views import ItemView

    window = make_window(cafe_store)
    profile.install(window)
    bar = window.extensions.require(profile.InsightsBar)
    settle(qtbot, window)
    row = {ext: cafe_store.get_item(id_of(cafe_store, ext)) for ext in ("g1", "g1r", "g2", "g3")}
    parts = (bar.label, bar.correct_label, bar.choice, bar.profile_button)

    window.open_item(row["g1r"].id)  # an owner's reply: nothing to correct
    settle(qtbot, window)
    assert bar.item.id == row["g1r"].id and all(w.isHidden() for w in parts)

    window.open_item(row["g2"].id)
    assert bar.item.id == row["g2"].id  # at once: its view, when it comes, is for this item
    assert all(w.isHidden() for w in parts)  # shown a turn later
    settle(qtbot, window)
    assert not any(w.isHidden() for w in parts)
    assert "negative" in bar.label.text()

    bar.show_item(row["g1r"])
    settle(qtbot, window)
    assert all(w.isHidden() for w in parts)
    # the view arrives before the parts' turn: its sentiment is shown with them
    bar.show_item(row["g1"])
    bar.show_view(ItemView(item=row["g1"], thread=window.reading_ctl.view.thread, sentiment="positive"))
    assert all(w.isHidden() for w in parts)
    settle(qtbot, window)
    assert not any(w.isHidden() for w in parts) and "positive" in bar.label.text()
    # the parts change twice before their turn: the item open last decides
    bar.show_item(row["g1r"])
    bar.show_item(row["g3"])
    settle(qtbot, window)
    assert bar.item.id == row["g3"].id and not any(w.isHidden() for w in parts)
    bar.show_item(row["g3"])
    bar.show_item(row["g1r"])
    settle(qtbot, window)
    assert all(w.isHidden() for w in parts)
