"""The insights dashboard: rating and volume over time, sentiment mix, response rate and
time, top themes up and down, and the own business against each competitor.

Figures are computed on a worker thread (`run_in_worker` with a reader connection); every
chart point, bar, theme and table cell opens its items in the main list (`show_items`).
Older items that were never scored are scored in the background while the dashboard is
open: the slow part on a worker, the short write on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QHorizontalPercentBarSeries,
    QHorizontalStackedBarSeries,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QDate, QEvent, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inbox.domain import InboxFilter, utcnow
from inbox.domain.wording import plural
from inbox.services import insights, sentiment
from inbox.services.insights import BusinessFigures, Figures
from inbox.services.themes import Period, Theme, theme_filter
from inbox.ui import local_time, sidebar_keys
from inbox.ui.charts import (
    SENTIMENT_COLOURS,
    SERIES_COLOURS,
    bucket_label,
    chart_view,
    hours_text,
    make_chart,
    percent,
    style_axis,
    years_title,
)
from inbox.ui.reading_pane import SidewaysScroll
from inbox.ui.scoring import backfill_for

if TYPE_CHECKING:
    from inbox.ui.main_window import MainWindow

PERIODS = [("Last 30 days", 30), ("Last 90 days", 90), ("Last 12 months", 365), ("Custom…", 0)]
CHART_HEIGHT = 300
INSIGHTS_KEY = sidebar_keys.make("insights", "dashboard")
LABEL_TITLES = {"positive": "Positive", "neutral": "Neutral", "negative": "Negative", "unknown": "Unknown"}


class Dashboard(QWidget):
    """The dashboard's content; `host` is the main window (or anything with its API)."""

    def __init__(self, host: MainWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.figures: Figures | None = None
        self.generation = 0
        self._listening = False
        self.setObjectName("insightsDashboard")

        self.period_box = QComboBox()
        for title, days in PERIODS:
            self.period_box.addItem(title, days)
        self.period_box.setCurrentIndex(1)
        self.since_edit, self.until_edit = QDateEdit(), QDateEdit()
        for edit in (self.since_edit, self.until_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d MMM yyyy")
            edit.dateChanged.connect(self._custom_changed)
            edit.setVisible(False)
        self.source_box = QComboBox()
        self.source_box.setMinimumWidth(220)
        self.period_box.setAccessibleName("Period")
        self.since_edit.setAccessibleName("From")
        self.until_edit.setAccessibleName("To")
        self.source_box.setAccessibleName("Sources")
        self.status = QLabel("")
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # may quote an error
        self.status.setObjectName("dashboardStatus")
        self.scoring = QLabel("")
        refresh = QPushButton("Refresh")
        refresh.clicked.connect(self.refresh)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Period:"))
        bar.addWidget(self.period_box)
        self.dash_label = QLabel("–")
        self.dash_label.setVisible(False)
        bar.addWidget(self.since_edit)
        bar.addWidget(self.dash_label)
        bar.addWidget(self.until_edit)
        bar.addSpacing(12)
        bar.addWidget(QLabel("Sources:"))
        bar.addWidget(self.source_box)
        bar.addWidget(refresh)
        bar.addStretch(1)
        bar.addWidget(self.scoring)
        bar.addWidget(self.status)

        self.body = QWidget()
        self.grid = QGridLayout(self.body)
        self.grid.setColumnStretch(0, 1)
        self.grid.setColumnStretch(1, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.body)
        layout = QVBoxLayout(self)
        bar_box = QWidget()
        bar_box.setLayout(bar)
        bar.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(SidewaysScroll(bar_box))  # never wider than the pane it is in
        layout.addWidget(scroll, 1)

        self._fill_sources()
        self.period_box.currentIndexChanged.connect(self._period_changed)
        self.source_box.currentIndexChanged.connect(lambda _: self.refresh())

    def changeEvent(self, event: QEvent) -> None:
        """Redraw in the new colours when the palette changes (light/dark mode)."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self.figures is not None:
            self.show_figures(self.figures)

    # -- choosing what to show ---------------------------------------------------------

    def today(self) -> str:
        """Today where the owner is (Settings ▸ Time zone, else this computer's), not in UTC:
        "Last 7 days" late in the evening west of Greenwich includes this evening's day."""
        clock = getattr(self.host, "clock", None)
        return (clock() if clock else utcnow()).astimezone(local_time.zone()).date().isoformat()

    def period(self) -> Period:
        days = self.period_box.currentData()
        if days == 365:  # twelve whole calendar months, this one included
            return Period.months(12, self.today())
        if days:
            return Period.last(days, self.today())
        since = self.since_edit.date().toString("yyyy-MM-dd")
        until = self.until_edit.date().toString("yyyy-MM-dd")
        return Period(min(since, until), max(since, until))

    def source_ids(self) -> list[int] | None:
        return self.source_box.currentData() or None

    def _fill_sources(self) -> None:
        """The source filter's choices (sources come and go); keeps the current choice."""
        chosen = self.source_box.currentData()
        self.source_box.blockSignals(True)
        self.source_box.clear()
        self.source_box.addItem("All sources", [])
        sources = self.host.store.list_sources()
        kinds: dict[str, list[int]] = {}
        for s in sources:
            kinds.setdefault(s.kind, []).append(s.id)
        from inbox.domain.models import SOURCE_LABELS

        for kind, ids in sorted(kinds.items()):
            if len(ids) > 1:
                self.source_box.addItem(f"All {SOURCE_LABELS.get(kind, kind)} sources", ids)
        for s in sorted(sources, key=lambda s: (s.whose != "own", s.name.casefold())):
            self.source_box.addItem(s.name + ("" if s.whose == "own" else "  (competitor)"), [s.id])
        index = self.source_box.findData(chosen) if chosen else 0
        self.source_box.setCurrentIndex(max(index, 0))
        self.source_box.blockSignals(False)

    def _period_changed(self) -> None:
        custom = not self.period_box.currentData()
        if custom:
            current = self.figures.period if self.figures else Period.last(90, self.today())
            for edit, value in ((self.since_edit, current.since), (self.until_edit, current.until)):
                edit.blockSignals(True)
                edit.setDate(QDate.fromString(value, "yyyy-MM-dd"))
                edit.blockSignals(False)
        for w in (self.since_edit, self.until_edit, self.dash_label):
            w.setVisible(custom)
        self.refresh()

    def _custom_changed(self) -> None:
        if not self.period_box.currentData():
            self.refresh()

    def set_custom_period(self, since: str, until: str) -> None:
        self.period_box.setCurrentIndex(len(PERIODS) - 1)
        self.since_edit.setDate(QDate.fromString(since, "yyyy-MM-dd"))
        self.until_edit.setDate(QDate.fromString(until, "yyyy-MM-dd"))
        self.refresh()

    # -- computing off the GUI thread --------------------------------------------------

    def refresh(self) -> None:
        self.generation += 1
        generation, period, sources = self.generation, self.period(), self.source_ids()
        self.status.setText("Computing…")

        def done(figures: Figures) -> None:
            if generation == self.generation:
                self.show_figures(figures)

        def failed(exc: Exception) -> None:
            if generation == self.generation:
                self.status.setText(f"Couldn't compute the figures: {exc}")

        self.host.run_in_worker(lambda reader: insights.compute(reader, period, sources), done, failed)
        self._backfill()

    def _backfill(self) -> None:
        """Score items that predate sentiment (beyond what the migration scored)."""
        if self._listening:
            return
        self._listening = True

        def progress(n: int) -> None:
            self.scoring.setText(f"Scoring older items… {n:,} done")

        def done(n: int) -> None:
            self._listening = False
            self.scoring.setText("")
            if n:
                self.refresh()  # the figures counted those items as unknown

        backfill_for(self.host).start(progress, done)

    @property
    def backfilling(self) -> bool:
        return backfill_for(self.host).running

    # -- drawing -----------------------------------------------------------------------

    def show_figures(self, figures: Figures) -> None:
        self.figures = figures
        while self.grid.count():
            w = self.grid.takeAt(0).widget()
            if w is not None:
                w.hide()
                w.setParent(None)  # gone at once, not at the next event loop turn
                w.deleteLater()
        p = figures.period
        items = sum(b.volume for b in figures.businesses)
        self.status.setText(f"{_day(p.since)} – {_day(p.until)} · {plural(items, 'item')}")
        if not figures.businesses or not items:
            empty = QLabel("No feedback in this period. Choose a longer period or other sources.")
            empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.grid.addWidget(empty, 0, 0, 1, 2)
            return
        self.grid.addWidget(self._summary(figures), 0, 0, 1, 2)
        for (title, chart), (row, col) in zip(
                (("Rating over time", self._rating_chart(figures)), ("Volume per source", self._volume_chart(figures)),
                 ("Sentiment mix", self._sentiment_chart(figures)), ("Response rate", self._response_chart(figures))),
                ((1, 0), (1, 1), (2, 0), (2, 1)), strict=True):
            view = chart_view(chart, CHART_HEIGHT)
            view.setMaximumHeight(CHART_HEIGHT + 40)
            self.grid.addWidget(self._card(title, view), row, col)
        own = figures.own or figures.businesses[0]
        self.grid.addWidget(self._card(f"What customers talk about — {own.business.label}",
                                       self._aspects(figures, own)), 3, 0, 1, 2)
        competitors = [b for b in figures.businesses if b.business.whose == "competitor"]
        if competitors:
            self.grid.addWidget(self._card("Against your competitors", self._comparison(figures)), 4, 0, 1, 2)
            # What each competitor is praised for, and you are not, is in the themes card
            # above, by aspect (`_contrast` remains for the phrase themes).

    def _aspects(self, figures: Figures, own: BusinessFigures) -> QWidget:
        """Themes by aspect and category (issue 18), analysed in the background."""
        from inbox.services.text_signals import words
        from inbox.ui.aspects_panel import AspectsPanel

        names = frozenset(w for b in figures.businesses for w in words(b.business.label))
        comps = [(b.business.label, b.business.source_ids) for b in figures.businesses
                 if b.business.whose == "competitor"]
        self.aspects_panel = AspectsPanel(
            self.host, figures.period, (own.business.label, own.business.source_ids), comps, figures.buckets,
            lambda day: insights.bucket_of(day, figures.bucket), names, bucket=figures.bucket,
            show_items=lambda flt, title: self._show(flt, title))
        return self.aspects_panel

    def _card(self, title: str, content: QWidget) -> QGroupBox:
        box = QGroupBox(title.replace("&", "&&"))  # a lone & would become a mnemonic
        layout = QVBoxLayout(box)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(content)
        return box

    def _summary(self, figures: Figures) -> QWidget:
        own = figures.own or figures.businesses[0]
        row = QWidget()
        layout = QHBoxLayout(row)
        tiles = [("Average rating", f"{own.rating:.2f} ★" if own.rating else "—", f"{own.rated:,} rated",
                  {"rating_min": 1}),
                 ("Items", f"{own.volume:,}", own.business.label, {}),
                 ("Positive", percent(own.share("positive")), plural(own.sentiment['positive'], 'item'),
                  {"sentiment": "positive"}),
                 ("Negative", percent(own.share("negative")), plural(own.sentiment['negative'], 'item'),
                  {"sentiment": "negative"}),
                 ("Replied to", percent(own.response_rate), f"{own.answered:,} of {own.threads:,} conversations", {}),
                 ("Median time to reply", hours_text(own.median_reply_hours), "owner reply − item", {})]
        for title, value, note, narrow in tiles:
            tile = Tile(f"<div style='font-size:9pt'>{title}</div><div style='font-size:17pt;font-weight:600'>"
                        f"{value}</div><div style='font-size:8pt'>{_esc(note)}</div>")
            tile.setObjectName("tile_" + title.split()[0].lower())
            tile.setToolTip("Show these items")
            tile.clicked.connect(lambda n=narrow, t=title: self._show(
                insights.items_filter(own.business, figures.period, **n),
                f"{own.business.label}: {t.lower()}, {self._period_title(figures.period)}"))
            layout.addWidget(tile, 1)
        return row

    def _categories(self, figures: Figures) -> list[str]:
        keys = figures.buckets
        labels = [bucket_label(key, figures.bucket, keys[i - 1] if i else None) for i, key in enumerate(keys)]
        # Category names must be unique: 13 months name the first month twice, and a
        # week may start on the same day of two months.
        seen: set[str] = set()
        unique = []
        for label in labels:
            while label in seen:
                label += "\u200b"  # invisible, but a different category
            seen.add(label)
            unique.append(label)
        return unique

    def _x_axis(self, figures: Figures) -> QBarCategoryAxis:
        axis = QBarCategoryAxis()
        labels = self._categories(figures)
        # Keep labels readable: beyond 16 points (a long custom period) only every other
        # one (category names must be unique: hidden ones become distinct blanks).
        step = 1 if len(labels) <= 16 else 2
        axis.append([lab if i % step == 0 else " " * (i + 1) for i, lab in enumerate(labels)])
        style_axis(axis, self, small=len(labels) > 8)
        axis.setTitleText(years_title(figures.buckets, figures.bucket))
        font = axis.titleFont()
        font.setPointSizeF(8)
        font.setBold(False)
        axis.setTitleFont(font)
        axis.setTitleBrush(self.palette().text())
        return axis

    def _rating_chart(self, figures: Figures):
        chart = make_chart("Average rating per " + figures.bucket, self)
        x = self._x_axis(figures)
        y = QValueAxis()
        y.setRange(1, 5)
        y.setTickCount(5)
        y.setLabelFormat("%.0f")
        y.setTitleText("Stars")
        style_axis(y, self)
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        for n, bf in enumerate(figures.businesses):
            series = QLineSeries()
            series.setName(bf.business.label)
            series.setPointsVisible(True)
            pen = series.pen()
            pen.setWidthF(2.5 if bf.business.key == insights.OWN else 1.5)
            pen.setColor(QColor(SERIES_COLOURS[n % len(SERIES_COLOURS)]))
            series.setPen(pen)
            for i, key in enumerate(figures.buckets):
                if key in bf.rating_by_bucket:
                    series.append(i, bf.rating_by_bucket[key][0])
            chart.addSeries(series)
            series.attachAxis(x)
            series.attachAxis(y)
            series.clicked.connect(lambda point, b=n: self.open_rating_point(b, round(QPointF(point).x())))
        return chart

    def _volume_chart(self, figures: Figures):
        rows = figures.volume_by_source[:10]
        shown = f"top {len(rows)} of {len(figures.volume_by_source)}" if len(figures.volume_by_source) > len(rows) \
            else f"{len(rows)}"
        chart = make_chart(f"Items per source ({shown} sources; competitors in orange)", self)
        chart.legend().setVisible(False)
        bars = QBarSet("Items")
        bars.setColor(QColor(SERIES_COLOURS[0]))
        competitor = QBarSet("Competitors")
        competitor.setColor(QColor(SERIES_COLOURS[1]))
        for _, _, whose, n in reversed(rows):
            bars.append(n if whose == "own" else 0)
            competitor.append(n if whose != "own" else 0)
        series = QHorizontalStackedBarSeries()
        series.setBarWidth(0.7)
        series.append(bars)
        series.append(competitor)
        series.setLabelsVisible(True)
        series.setLabelsPosition(QHorizontalStackedBarSeries.LabelsPosition.LabelsInsideEnd)
        for bar_set in (bars, competitor):
            bar_set.setLabelColor(QColor("#ffffff"))
        series.setLabelsFormat("@value")
        chart.addSeries(series)
        y = QBarCategoryAxis()
        y.append([_short(name) for _, name, _, _ in reversed(rows)])
        style_axis(y, self, small=True)
        x = QValueAxis()
        x.setLabelFormat("%d")
        style_axis(x, self)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(x)
        series.attachAxis(y)
        x.setMin(0)
        x.applyNiceNumbers()
        series.clicked.connect(lambda index, _set: self.open_source(rows[len(rows) - 1 - index][0]))
        return chart

    def _sentiment_chart(self, figures: Figures):
        chart = make_chart("Share of items by sentiment", self)
        series = QHorizontalPercentBarSeries()
        businesses = list(reversed(figures.businesses))
        for label in sentiment.LABELS:
            if not any(b.sentiment[label] for b in businesses):
                continue
            bars = QBarSet(LABEL_TITLES[label])
            bars.setColor(QColor(SENTIMENT_COLOURS[label]))
            bars.setLabelColor(QColor("#ffffff" if label != "unknown" else "#333333"))
            for b in businesses:
                bars.append(b.sentiment[label])
            bars.clicked.connect(lambda index, lab=label: self.open_sentiment(len(businesses) - 1 - index, lab))
            series.append(bars)
        series.setLabelsVisible(True)
        series.setLabelsFormat("@value%")
        chart.addSeries(series)
        y = QBarCategoryAxis()
        y.append([b.business.label for b in businesses])
        style_axis(y, self)
        x = QValueAxis()
        x.setLabelFormat("%d%%")
        style_axis(x, self)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(x)
        series.attachAxis(y)
        return chart

    def _response_chart(self, figures: Figures):
        own = figures.own or figures.businesses[0]
        chart = make_chart(f"Conversations answered per {figures.bucket} — median reply "
                           f"{hours_text(own.median_reply_hours)}", self)
        chart.legend().setVisible(False)
        bars = QBarSet("Answered")
        bars.setColor(QColor(SERIES_COLOURS[3]))
        for key in figures.buckets:
            answered, total = own.response_by_bucket.get(key, (0, 0))
            bars.append(round(100 * answered / total) if total else 0)
        bars.clicked.connect(self.open_response_bucket)
        series = QBarSeries()
        series.append(bars)
        chart.addSeries(series)
        x = self._x_axis(figures)
        y = QValueAxis()
        y.setRange(0, 100)
        y.setTickCount(5)
        y.setLabelFormat("%d%%")
        style_axis(y, self)
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(x)
        series.attachAxis(y)
        return chart

    def _theme_list(self, bf: BusinessFigures, themes: list[Theme], kind: str) -> QWidget:
        widget = QListWidget()
        widget.setObjectName(f"themes_{kind}")
        widget.setAccessibleName(f"Themes in {kind}")
        widget.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        widget.setMinimumHeight(220)
        if not themes:
            widget.addItem(f"No recurring {kind} in this period.")
            widget.item(0).setFlags(Qt.ItemFlag.NoItemFlags)
        for theme in themes:
            mark = {"up": "▲", "down": "▼"}.get(theme.trend, "  ")
            was = f", was {percent(theme.previous_share)}" if theme.trend else ""
            items = "1 item" if theme.count == 1 else f"{theme.count} items"
            item = QListWidgetItem(f"{mark}  {theme.phrase} — {items}, {percent(theme.share)}{was}")
            item.setData(Qt.ItemDataRole.UserRole, theme)
            colour = {"up": "#46a758" if kind == "praise" else "#e5484d",
                      "down": "#e5484d" if kind == "praise" else "#46a758"}.get(theme.trend)
            if colour:
                item.setForeground(QColor(colour))
                item.setToolTip(f"{'Rose' if theme.trend == 'up' else 'Fell'} most against the previous period")
            widget.addItem(item)
        widget.itemActivated.connect(lambda item, b=bf: self.open_theme(b, item.data(Qt.ItemDataRole.UserRole)))
        widget.itemClicked.connect(lambda item, b=bf: self.open_theme(b, item.data(Qt.ItemDataRole.UserRole)))
        return widget

    def _comparison(self, figures: Figures) -> QWidget:
        columns = ["Business", "Rating", "Items", "Positive", "Negative", "Replied to", "Median reply"]
        table = QTableWidget(len(figures.businesses), len(columns))
        table.setObjectName("comparisonTable")
        table.setAccessibleName("Your business against each competitor")
        table.setHorizontalHeaderLabels(columns)
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for r, bf in enumerate(figures.businesses):
            cells = [bf.business.label, f"{bf.rating:.2f} ★" if bf.rating else "—", f"{bf.volume:,}",
                     percent(bf.share("positive")), percent(bf.share("negative")),
                     percent(bf.response_rate), hours_text(bf.median_reply_hours)]
            for c, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if c:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if bf.business.key == insights.OWN:
                    font = cell.font()
                    font.setBold(True)
                    cell.setFont(font)
                table.setItem(r, c, cell)
        table.resizeRowsToContents()
        height = table.horizontalHeader().height() + sum(table.rowHeight(r) for r in range(table.rowCount())) + 6
        table.setFixedHeight(height)
        table.cellClicked.connect(self.open_comparison_cell)
        return table

    def _contrast(self, comp: BusinessFigures) -> QWidget:
        own = self.figures.own if self.figures else None
        widget = QWidget()
        layout = QGridLayout(widget)
        layout.setContentsMargins(0, 0, 0, 0)
        for col, (title, themes, bf) in enumerate((
                (f"Praised at {comp.business.label}, not at yours", comp.praised_not_own, comp),
                (f"Praised at yours, not at {comp.business.label}", comp.own_not_praised, own))):
            heading = QLabel(f"<b>{_esc(title)}</b>")
            heading.setWordWrap(True)
            layout.addWidget(heading, 0, col)
            if not themes or bf is None:
                layout.addWidget(QLabel("Nothing stands out."), 1, col)
            for row, theme in enumerate(themes, start=1):
                button = QPushButton(f"{theme.phrase}  ({percent(theme.share)})")
                button.setFlat(True)
                button.setStyleSheet("text-align: left; padding: 2px 4px;")
                button.setCursor(Qt.CursorShape.PointingHandCursor)
                button.clicked.connect(lambda _=False, b=bf, t=theme: self.open_theme(b, t))
                layout.addWidget(button, row, col)
        layout.setRowStretch(layout.rowCount(), 1)
        return widget

    # -- opening the items behind a figure -----------------------------------------------

    def _show(self, flt: InboxFilter, title: str) -> None:
        self.host.show_items(flt, title)

    def _period_title(self, period: Period) -> str:
        return f"{_day(period.since)} – {_day(period.until)}"

    def open_rating_point(self, business_index: int, bucket_index: int) -> None:
        fig = self.figures
        if fig is None or not (0 <= bucket_index < len(fig.buckets)):
            return
        bf = fig.businesses[business_index]
        period = fig.bucket_period(fig.buckets[bucket_index])
        self._show(insights.items_filter(bf.business, period, rating_min=1),
                   f"{bf.business.label}: rated items, {self._period_title(period)}")

    def open_source(self, source_id: int) -> None:
        if self.figures is None:
            return
        p = self.figures.period
        name = next((n for sid, n, _, _ in self.figures.volume_by_source if sid == source_id), "Source")
        self._show(InboxFilter(source_ids=[source_id], since=p.since, until=p.until),
                   f"{name}, {self._period_title(p)}")

    def open_sentiment(self, business_index: int, label: str) -> None:
        if self.figures is None:
            return
        bf = self.figures.businesses[business_index]
        self._show(insights.items_filter(bf.business, self.figures.period, sentiment=label),
                   f"{bf.business.label}: {label} items, {self._period_title(self.figures.period)}")

    def open_response_bucket(self, bucket_index: int) -> None:
        fig = self.figures
        if fig is None or not (0 <= bucket_index < len(fig.buckets)):
            return
        own = fig.own or fig.businesses[0]
        period = fig.bucket_period(fig.buckets[bucket_index])
        self._show(insights.items_filter(own.business, period), f"{own.business.label}, {self._period_title(period)}")

    def open_theme(self, bf: BusinessFigures | None, theme: Theme | None) -> None:
        if bf is None or theme is None or self.figures is None:
            return
        kind = "praise" if theme.label == "positive" else "complaints"
        self._show(theme_filter(theme, bf.business.source_ids, self.figures.period),
                   f"“{theme.phrase}” in {kind} — {bf.business.label}")

    def open_comparison_cell(self, row: int, column: int) -> None:
        if self.figures is None:
            return
        bf = self.figures.businesses[row]
        narrow: dict[str, Any] = {3: {"sentiment": "positive"}, 4: {"sentiment": "negative"},
                                  1: {"rating_min": 1}}.get(column, {})
        self._show(insights.items_filter(bf.business, self.figures.period, **narrow),
                   f"{bf.business.label}, {self._period_title(self.figures.period)}")


class Tile(QLabel):
    """A figure at the top of the dashboard; a click shows its items."""

    def __init__(self, html: str) -> None:
        super().__init__(html)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setFrameShape(QLabel.Shape.StyledPanel)
        self.setMargin(8)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    clicked = Signal()

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.clicked.emit()
        super().mouseReleaseEvent(event)


class DashboardWindow(QWidget):
    """Insights as a view inside the main window (G, N): the dashboard takes the reading
    pane's place, the list stays beside it. A click on a figure lists its items there with a
    chip that says why; opening one of them shows the conversation; Esc steps back (to the
    charts, then to the list as it was, then out of Insights)."""

    def __init__(self, host: MainWindow) -> None:
        super().__init__()
        self.host = host
        self.setObjectName("insightsView")
        self.setAccessibleName("Insights")
        self.dashboard = Dashboard(host, self)
        self.dashboard._show = self.drill  # type: ignore[method-assign]  # figures list their items here
        title = QLabel("Insights")
        font = title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.25)
        title.setFont(font)
        close = QPushButton("Close Insights")
        close.setAccessibleName("Close Insights and go back to reading")
        close.setToolTip("Back to reading (Esc)")
        close.clicked.connect(lambda: self.leave(restore=True))
        head = QHBoxLayout()
        head.setContentsMargins(16, 12, 16, 0)
        head.addWidget(title, 1)
        head.addWidget(close)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addWidget(self.dashboard, 1)
        self.setMinimumWidth(0)

        # the reading pane's place in the splitter becomes a stack: conversation | insights
        splitter, reading = host.splitter, host.reading
        index = splitter.indexOf(reading)
        sizes = splitter.sizes()
        self.stack = QStackedWidget()
        self.stack.setObjectName("readingStack")
        splitter.replaceWidget(index, self.stack)
        self.stack.addWidget(reading)
        self.stack.addWidget(self)
        self.stack.setCurrentWidget(reading)
        splitter.setSizes(sizes)

        self.active = False
        self.before: tuple[InboxFilter, str, str | None] | None = None  # the list before Insights
        self.drilled: tuple[InboxFilter, str, str | None] | None = None  # the list before a click
        self._ours = False  # set while this view changes the list itself
        self._sizes: list[int] | None = None
        host.list_ctl.back_handlers.append(self.back)
        host.list_ctl.shown_handlers.append(self._list_shown)
        host.search_bar.reason_closed.connect(self.undrill)
        host.list_ctl.list_view.pressed.connect(lambda _index: self.read())
        for command in ("nav.next", "nav.previous", "nav.open"):
            action = host.actions_by_id.get(command)
            if action is not None:
                action.triggered.connect(lambda _=False: self.read())

    @property
    def showing_charts(self) -> bool:
        return self.active and self.stack.currentWidget() is self

    def enter(self) -> None:
        host = self.host
        if not self.active:
            lst = host.list_ctl
            self.before = (lst.current_filter(), lst.view_title, lst.view_key)
            self.active = True
            self._sizes = host.splitter.sizes()
            total = sum(self._sizes[1:])
            if total > 0:  # the charts get the larger share; the list stays beside them
                host.splitter.setSizes([self._sizes[0], total * 2 // 5, total - total * 2 // 5])
        self.stack.setCurrentWidget(self)
        host.list_ctl.highlight_override = INSIGHTS_KEY
        host.sidebar.select_key(INSIGHTS_KEY)
        self.dashboard.setFocus()

    def drill(self, flt: InboxFilter, title: str) -> None:
        """A figure was clicked: its items in the list beside the charts, and why."""
        lst = self.host.list_ctl
        if self.drilled is None:
            self.drilled = (lst.current_filter(), lst.view_title, lst.view_key)
        self._ours = True
        try:
            self.host.show_items(flt, title)
        finally:
            self._ours = False
        self.host.search_bar.show_reason(f"From Insights: {title}")

    def read(self) -> None:
        """A row of the list was chosen: show its conversation in the charts' place."""
        if self.showing_charts:
            self.stack.setCurrentWidget(self.host.reading)

    def back(self) -> bool:
        """One step back; False when Insights has nothing to step back from."""
        if not self.active:
            return False
        if self.stack.currentWidget() is not self:
            self.stack.setCurrentWidget(self)  # from a conversation back to the charts
            return True
        if self.drilled is not None:
            self._restore(self.drilled)
            self.drilled = None
            return True
        self.leave(restore=True)
        return True

    def undrill(self) -> None:
        """The "why" chip's ✕: the list as it was before the click, and the charts."""
        if not self.active:
            return
        self.stack.setCurrentWidget(self)
        if self.drilled is not None:
            self._restore(self.drilled)
            self.drilled = None

    def leave(self, restore: bool) -> None:
        if not self.active:
            return
        self.active = False
        self.host.list_ctl.highlight_override = None
        self.host.sidebar.select_key(self.host.list_ctl.highlighted_key())
        self.stack.setCurrentWidget(self.host.reading)
        if self._sizes:
            self.host.splitter.setSizes(self._sizes)
        before, self.before, self.drilled = self.before, None, None
        if restore and before is not None:
            self._restore(before)
        self.host.list_ctl.list_view.setFocus()

    def _restore(self, state: tuple[InboxFilter, str, str | None]) -> None:
        self._ours = True
        try:
            self.host.list_ctl.show(*state)
        finally:
            self._ours = False

    def _list_shown(self, _key: str | None) -> None:
        # another part of the window chose what the list shows (a view, a source): Insights ends
        if self.active and not self._ours:
            self.leave(restore=False)


def _day(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.day} {d.strftime('%b %Y')}"


def _short(name: str, width: int = 34) -> str:
    return name if len(name) <= width else name[:width - 1] + "…"


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def open_dashboard(window: MainWindow) -> DashboardWindow:
    existing = window.extensions.get(DashboardWindow)
    if existing is None:
        existing = window.extensions.add(DashboardWindow(window))
        # Triage changes many times a minute: recompute at most once per pause.
        timer = QTimer(existing)
        timer.setSingleShot(True)
        timer.setInterval(1500)
        timer.timeout.connect(lambda: existing.isVisible() and existing.dashboard.refresh())
        window.data_changed_signal.connect(lambda _changes: timer.start())
    existing.dashboard._fill_sources()
    existing.enter()
    existing.dashboard.refresh()
    return existing


def install(window: MainWindow) -> None:
    """Plug the dashboard into the main window: a command (View menu, G then N) and a
    sidebar entry."""
    open_it: Callable[[], object] = lambda: open_dashboard(window)  # noqa: E731
    window.register_command("insights.dashboard", "Insights dashboard", open_it, menu="View")
    window.add_sidebar_entry("Views", INSIGHTS_KEY, "Insights", open_it,
                             tooltip="Ratings, sentiment, themes and competitors as charts")
    backfill_for(window).start()  # items older than sentiment get scored in the background


__all__ = ["Dashboard", "DashboardWindow", "install", "open_dashboard"]
