"""The dashboard's themes by aspect: complaints and praise that stand out, the categories
with their trend, which languages were read, and what a competitor is praised for that you
are not. Clicking an aspect or a category lists its conversations beside the charts (like
every other figure); double-clicking an aspect, or "Read what was said…", opens its mentions
with the clause highlighted, where the owner corrects a mention's polarity, moves an aspect to
another category or hides it.

Older items are analysed here in the background (the slow part on a worker, the short
write on the GUI thread), a batch at a time, then the figures are read on a worker.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCharts import QBarCategoryAxis, QLineSeries, QValueAxis
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from inbox.domain import InboxFilter, View
from inbox.services import aspect_themes
from inbox.services.aspect_categories import CATEGORIES, label
from inbox.services.aspect_ranking import Standout
from inbox.services.aspect_themes import AspectFigures, CategoryFigures
from inbox.ui.charts import (
    SENTIMENT_COLOURS,
    SERIES_COLOURS,
    bucket_label,
    chart_view,
    make_chart,
    percent,
    style_axis,
)
from inbox.ui.sanitize import escape

if TYPE_CHECKING:
    from inbox.services.themes import Period
    from inbox.ui.main_window import MainWindow

BARS = "▁▂▃▄▅▆▇█"
BATCH = 500   # reviews read per worker call
CHART_HEIGHT = 260
POLARITY_TITLES = {"positive": "Praise", "neutral": "Neutral", "negative": "Complaint"}


def sparkline(values: Sequence[float | None]) -> str:
    """Complaint share per chart period as a row of bars (a gap where nothing was said)."""
    return "".join(" " if v is None else BARS[min(len(BARS) - 1, int(v * len(BARS)))] for v in values)


class AspectsPanel(QWidget):
    """Aspect themes of the own business (and competitors, for the contrast)."""

    def __init__(self, host: MainWindow, period: Period, own: tuple[str, list[int]],
                 competitors: list[tuple[str, list[int]]], buckets: list[str],
                 bucket_of: Callable[[str], str], exclude: frozenset[str] = frozenset(),
                 parent: QWidget | None = None, bucket: str = "month",
                 show_items: Callable[[InboxFilter, str], None] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aspectsPanel")
        self.show_items = show_items  # the dashboard's: lists a figure's conversations
        self.host, self.period, self.own, self.competitors = host, period, own, competitors
        self.buckets, self.bucket_of, self.exclude, self.bucket = buckets, bucket_of, exclude, bucket
        self.figures: AspectFigures | None = None
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.status = QLabel("Reading what customers talk about…")
        self.status.setWordWrap(True)
        self.layout_.addWidget(self.status)
        self.analysed = 0
        self.shown_after: int | None = None
        self.generation = 0   # only the newest reload draws
        self._analyse_next()

    # -- background analysis, then figures ----------------------------------------------

    def _analyse_next(self) -> None:
        self.host.run_in_worker(lambda reader: aspect_themes.prepare(reader, BATCH), self._write, self._failed)

    def _alive(self) -> bool:
        """The dashboard redraws on every refresh: a late answer may find this panel gone."""
        return isValid(self) and isValid(self.status)

    def _write(self, prepared: aspect_themes.Prepared) -> None:
        if not self._alive():
            aspect_themes.finish(self.host.store, prepared)   # the work is kept, nothing drawn
            return
        n = aspect_themes.finish(self.host.store, prepared) if prepared[0] else 0
        self.analysed += n
        if n and self.shown_after is None and self.analysed < aspect_themes.SAMPLE:
            self.status.setText(f"Reading what customers talk about… {self.analysed:,} reviews read")
            self._analyse_next()
            return
        # The newest reviews are read first: once a sample's worth is read, show the figures
        # and read the rest quietly, drawing once more at the end.
        if self.shown_after is None:
            self.shown_after = self.analysed
            self.reload()
        if n:
            self._analyse_next()
        elif self.analysed > self.shown_after:
            self._redraw()

    def reload(self) -> None:
        own_ids, comps, period = self.own[1], self.competitors, self.period
        bucket_of, exclude = self.bucket_of, self.exclude

        def compute(reader):
            mine = aspect_themes.figures(reader, own_ids, period, bucket_of=bucket_of, exclude=exclude, compare=True)
            theirs = [(name, aspect_themes.figures(reader, ids, period, exclude=exclude)) for name, ids in comps]
            return mine, theirs

        self.generation += 1
        generation = self.generation
        self.host.run_in_worker(compute, lambda result: self._alive() and generation == self.generation
                                and self.show_figures(*result), self._failed)

    def _failed(self, _exc: Exception) -> None:
        if self._alive():
            self.status.setText("Couldn't read the themes. Press Refresh to try again.")

    # -- drawing ---------------------------------------------------------------------------

    def show_figures(self, mine: AspectFigures, theirs: list[tuple[str, AspectFigures]]) -> None:
        self._clear_figures()
        self.figures = mine
        self.status.setText(languages_text(mine))
        lists = QHBoxLayout()
        for title, standouts, kind in (("Complaints that stand out", mine.complaints, "negative"),
                                       ("Praise that stands out", mine.praise, "positive")):
            box = QVBoxLayout()
            heading = QLabel(f"<b>{title}</b>")
            box.addWidget(heading)
            box.addWidget(self._standout_list(standouts, kind, title))
            lists.addLayout(box)
        self.layout_.addLayout(lists)
        self.layout_.addWidget(QLabel("<b>By category</b> — click one to read what was said"))
        self.layout_.addWidget(self._category_table(mine.categories))
        if len(self.buckets) > 1:
            view = chart_view(self._category_chart(mine.categories), CHART_HEIGHT)
            view.setObjectName("aspectCategoryChart")
            view.setAccessibleName("Complaints by category over time")
            view.setMaximumHeight(CHART_HEIGHT + 40)
            self.layout_.addWidget(view)
        for name, fig in theirs:
            ahead = aspect_themes.distinctive(fig, mine)
            behind = aspect_themes.distinctive(mine, fig)
            if ahead or behind:
                text = QLabel()
                text.setWordWrap(True)
                parts = []
                if ahead:
                    parts.append(f"Praised at {escape(name)}, not at yours: "
                                 f"<b>{escape(', '.join(ahead))}</b>")
                if behind:
                    parts.append(f"Praised at yours, not at {escape(name)}: "
                                 f"<b>{escape(', '.join(behind))}</b>")
                text.setText("<br>".join(parts))
                self.layout_.addWidget(text)

    def _standout_list(self, standouts: list[Standout], kind: str, title: str) -> QListWidget:
        widget = QListWidget()
        widget.setObjectName(f"aspects_{kind}")
        widget.setAccessibleName(title)
        widget.setMinimumHeight(200)
        widget.setWordWrap(True)
        widget.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        if not standouts:
            widget.addItem("Nothing stands out in this period yet.")
            widget.item(0).setFlags(Qt.ItemFlag.NoItemFlags)
        for s in standouts:
            word = "criticised" if kind == "negative" else "praised"
            item = QListWidgetItem(f"{s.term} — {word} in {s.count} of {s.total} mentions "
                                   f"({percent(s.share)}; all mentions {percent(s.average)})")
            moved = aspect_themes.trend(self.figures, s) if self.figures else None
            if moved:
                item.setText(f"{'▲' if moved[0] == 'up' else '▼'} {item.text()}, was {percent(moved[1])}")
                item.setToolTip("Against the period before, of the same length")
            item.setData(Qt.ItemDataRole.UserRole, s.term)
            widget.addItem(item)
        polarity = "negative" if kind == "negative" else "positive"
        widget.itemClicked.connect(lambda item: item.data(Qt.ItemDataRole.UserRole) and self.open_aspect(
            term=item.data(Qt.ItemDataRole.UserRole), polarity=polarity))
        widget.itemDoubleClicked.connect(lambda item: item.data(Qt.ItemDataRole.UserRole) and self.open_mentions(
            term=item.data(Qt.ItemDataRole.UserRole)))
        widget.setToolTip("Click to list these conversations; double-click to read each mention and correct it")
        return widget

    def _category_table(self, categories: list[CategoryFigures]) -> QTableWidget:
        table = QTableWidget(len(categories), 5)
        table.setObjectName("aspectCategories")
        table.setAccessibleName("Aspects by category")
        table.setHorizontalHeaderLabels(["Category", "Mentions", "Praise", "Complaints", "Complaints over time"])
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        for row, c in enumerate(categories):
            shares = [(b.negative / b.total if b.total else None) if (b := c.by_bucket.get(k)) else None
                      for k in self.buckets]
            cells = [c.label, f"{c.count.total:,}", percent(c.positive_share), percent(c.negative_share),
                     sparkline(shares)]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, c.key)
                if col == 0:
                    item.setToolTip("Most mentioned: " + ", ".join(t for t, _ in c.top_terms))
                table.setItem(row, col, item)
        table.setMinimumHeight(min(40 + 30 * len(categories), 320))
        polarities = {2: "positive", 3: "negative"}
        table.cellClicked.connect(lambda row, col: self.open_aspect(
            category=table.item(row, 0).data(Qt.ItemDataRole.UserRole), polarity=polarities.get(col)))
        table.cellDoubleClicked.connect(lambda row, _col: self.open_mentions(
            category=table.item(row, 0).data(Qt.ItemDataRole.UserRole)))
        return table

    def _category_chart(self, categories: list[CategoryFigures]):
        """Complaints' share per category and chart period: the five most mentioned
        categories, a point where at least two mentions were made."""
        chart = make_chart(f"Share of complaints per category, per {self.bucket}", self)
        x = QBarCategoryAxis()
        labels, previous = [], None
        for key in self.buckets:
            labels.append(bucket_label(key, self.bucket, previous))
            previous = key
        x.append([lab if labels.index(lab) == i else " " * (i + 1) for i, lab in enumerate(labels)])
        style_axis(x, self, small=len(labels) > 8)
        y = QValueAxis()
        y.setRange(0, 100)
        y.setTickCount(5)
        y.setLabelFormat("%.0f%%")
        style_axis(y, self)
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        shown = [c for c in categories if c.key != "other"][:5]
        for n, c in enumerate(shown):
            series = QLineSeries()
            series.setName(c.label)
            series.setPointsVisible(True)
            pen = series.pen()
            pen.setWidthF(2.0)
            pen.setColor(QColor(SERIES_COLOURS[n % len(SERIES_COLOURS)]))
            series.setPen(pen)
            for i, key in enumerate(self.buckets):
                b = c.by_bucket.get(key)
                if b is not None and b.total >= 2:
                    series.append(i, 100 * b.negative / b.total)
            chart.addSeries(series)
            series.attachAxis(x)
            series.attachAxis(y)
            series.clicked.connect(lambda _point, k=c.key: self.open_aspect(category=k, polarity="negative"))
        return chart

    def open_aspect(self, *, term: str | None = None, category: str | None = None,
                    polarity: str | None = None) -> None:
        """The conversations behind an aspect or a category (of one polarity) in the list, with
        the reason; without a list to fill (a panel on its own), its mentions."""
        if self.show_items is None:
            self.open_mentions(term=term, category=category)
            return
        source_ids, period = self.own[1], self.period
        what = f"“{term}”" if term else label(category or "other")
        said = {"negative": " in complaints", "positive": " in praise"}.get(polarity or "", "")
        title = f"{what}{said} — {self.own[0]}"

        def ids(reader) -> list[int]:
            found = aspect_themes.mentions(reader, source_ids, period, term=term, category=category,
                                           polarity=polarity, limit=5000)
            return list(dict.fromkeys(int(m["item_id"]) for m in found))

        def show(item_ids: list[int]) -> None:
            if self.show_items is not None and self._alive():
                self.show_items(InboxFilter(view=View.ALL, item_ids=item_ids), title)

        self.host.run_in_worker(ids, show, self._failed)

    def open_mentions(self, *, term: str | None = None, category: str | None = None) -> MentionsDialog:
        dialog = MentionsDialog(self.host, self.own[1], self.period, term=term, category=category, parent=self)
        dialog.finished.connect(lambda _r: dialog.changed and self._redraw())
        dialog.show()
        return dialog

    def _redraw(self) -> None:
        self.figures = None
        self.shown_after = self.analysed
        self._clear_figures()
        self.reload()

    def _clear_figures(self) -> None:
        while self.layout_.count() > 1:
            _clear(self.layout_.takeAt(1))


def _clear(item) -> None:
    widget = item.widget()
    if widget is not None:
        widget.hide()
        widget.setParent(None)
        widget.deleteLater()
    elif item.layout() is not None:
        while item.layout().count():
            _clear(item.layout().takeAt(0))


def languages_text(figures: AspectFigures) -> str:
    """Which languages were read for themes, and which were left to their stars."""
    read = sum(figures.analysed.values())
    text = f"Themes read from {read:,} English {'review' if read == 1 else 'reviews'}."
    if figures.not_analysed:
        left = ", ".join(f"{n} {_language_name(lang)}" for lang, n in
                         sorted(figures.not_analysed.items(), key=lambda kv: (-kv[1], kv[0])))
        text += f" Not read for themes, only their stars count: {left}."
    return text


LANGUAGES = {"ar": "Arabic", "cs": "Czech", "da": "Danish", "de": "German", "el": "Greek", "es": "Spanish",
             "fi": "Finnish", "fr": "French", "he": "Hebrew", "hi": "Hindi", "hu": "Hungarian", "it": "Italian",
             "ja": "Japanese", "ko": "Korean", "nl": "Dutch", "no": "Norwegian", "nb": "Norwegian", "pl": "Polish",
             "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "sv": "Swedish", "tr": "Turkish",
             "uk": "Ukrainian", "zh": "Chinese"}


def _language_name(code: str) -> str:
    if code == "not stated":
        return "in other languages"
    return LANGUAGES.get(code.split("-")[0].lower(), f"in another language ({code})")


class MentionsDialog(QDialog):
    """The mentions behind an aspect or a category, newest first, each clause with the
    aspect in bold; a polarity box per mention (the owner's choice wins everywhere), and
    for an aspect: its category and a Hide button."""

    def __init__(self, host: MainWindow, source_ids: list[int], period: Period, *, term: str | None = None,
                 category: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host, self.term, self.changed = host, term, False
        self.setObjectName("aspectMentions")
        self.setWindowTitle(f"What customers said about “{term}”" if term else
                            f"What customers said — {label(category or 'other')}")
        self.resize(760, 520)
        layout = QVBoxLayout(self)
        hint = QLabel("Each line is where a customer mentions it. If the app read one wrong, choose Praise, "
                      "Neutral or Complaint: your choice counts everywhere.")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        if term is not None:
            bar = QHBoxLayout()
            bar.addWidget(QLabel("Category:"))
            self.category_box = QComboBox()
            for key, title in CATEGORIES.items():
                self.category_box.addItem(title, key)
            bar.addWidget(self.category_box)
            hide = QPushButton("Hide this theme")
            hide.setToolTip("It stays in your reviews; the dashboard stops listing it")
            hide.clicked.connect(self.hide_term)
            bar.addWidget(hide)
            bar.addStretch(1)
            layout.addLayout(bar)
        self.rows = QWidget()
        self.grid = QGridLayout(self.rows)
        from PySide6.QtWidgets import QScrollArea

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.rows)
        layout.addWidget(scroll, 1)
        self.mentions: list[dict] = []
        host.run_in_worker(lambda reader: aspect_themes.mentions(reader, source_ids, period, term=term,
                                                                 category=category),
                           self.show_mentions)

    def show_mentions(self, mentions: list[dict]) -> None:
        if not isValid(self):
            return
        self.mentions = mentions
        if self.term is not None and mentions:
            index = self.category_box.findData(mentions[0]["category"])
            self.category_box.setCurrentIndex(max(index, 0))
            self.category_box.currentIndexChanged.connect(self.move_term)
        if not mentions:
            self.grid.addWidget(QLabel("No mentions in this period."), 0, 0)
        for row, m in enumerate(mentions):
            when = QLabel(local_day(m["created_at"]))
            clause = QLabel(highlight(m["clause"], m["term_start"], m["term_end"]))
            clause.setWordWrap(True)
            clause.setTextFormat(Qt.TextFormat.RichText)
            box = QComboBox()
            for key, title in POLARITY_TITLES.items():
                box.addItem(title, key)
            box.setCurrentIndex(box.findData(m["polarity"]))
            box.setToolTip("Your correction" if m["corrected"] else
                           "From the stars: the sentence says no opinion" if m["by_stars"] else
                           "From what the sentence says")
            box.currentIndexChanged.connect(lambda _i, b=box, mm=m: self.correct(mm, b.currentData(), b))
            self.grid.addWidget(when, row, 0, Qt.AlignmentFlag.AlignTop)
            self.grid.addWidget(clause, row, 1)
            self.grid.addWidget(box, row, 2, Qt.AlignmentFlag.AlignTop)
            _colour(box, m["polarity"])
        self.grid.setColumnStretch(1, 1)

    def correct(self, mention: dict, polarity: str, box: QComboBox | None = None) -> None:
        aspect_themes.correct(self.host.store, mention["item_id"], mention["term"], polarity)
        mention["polarity"], mention["corrected"] = polarity, True
        self.changed = True
        if box is not None:
            _colour(box, polarity)
            box.setToolTip("Your correction")

    def move_term(self) -> None:
        if self.term is not None:
            aspect_themes.move(self.host.store, self.term, self.category_box.currentData())
            self.changed = True

    def hide_term(self) -> None:
        if self.term is not None:
            aspect_themes.hide(self.host.store, self.term)
            self.changed = True
            self.accept()


def _colour(box: QComboBox, polarity: str) -> None:
    colour = SENTIMENT_COLOURS.get(polarity)
    box.setStyleSheet(f"QComboBox {{ color: {colour}; }}" if colour else "")


def local_day(iso: str | None) -> str:
    if not iso:
        return ""
    when = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone()
    return f"{when.day} {when.strftime('%b %Y')}"


def highlight(clause: str, start: int, end: int) -> str:
    """The clause as safe rich text with the aspect in bold."""
    return f"{escape(clause[:start])}<b>{escape(clause[start:end])}</b>{escape(clause[end:])}"
