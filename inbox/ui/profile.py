"""Customer profiles: one pane per person — every item across sources, their rating
history, the replies they received, tags, first and last contact — and linking two
authors as the same person (with suggestions by name), or unlinking them.

Also the reading pane's insights bar: the item's sentiment, the owner's correction, and
the way to the author's profile.
"""

from __future__ import annotations

import html
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from PySide6.QtCharts import QDateTimeAxis, QLineSeries, QScatterSeries, QValueAxis
from PySide6.QtCore import QDateTime, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from inbox.domain import ItemRow, parse_time
from inbox.domain.models import SOURCE_LABELS
from inbox.domain.wording import plural, sentiment_text
from inbox.services import people, sentiment
from inbox.ui import local_time
from inbox.ui.charts import SENTIMENT_COLOURS, chart_view, make_chart, style_axis
from inbox.ui.plain import plain_label, safe_colour
from inbox.ui.wrapping_rows import WrappingRows

if TYPE_CHECKING:
    from inbox.store.views import ItemView
    from inbox.ui.main_window import MainWindow


def _day(iso: str | None) -> str:
    if not iso:
        return "—"
    d = parse_time(iso)
    if d is None:
        return "—"
    d = d.astimezone(local_time.zone())
    return f"{d.day} {d.strftime('%b %Y')}"


def _stars(rating: int | None) -> str:
    return "★" * rating + "☆" * (5 - rating) if rating else ""


def _platform(kind: str) -> str:
    return SOURCE_LABELS.get(kind, kind.capitalize())


class ProfilePane(QWidget):
    """A person's profile, loaded off the GUI thread; links and unlinks on the writer."""

    def __init__(self, host: MainWindow, author_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.author_id = author_id
        self.profile: people.Profile | None = None
        self.suggested: list[dict] = []
        self.labels: dict[int, str] = {}
        self.loaded = False
        self.generation = 0
        self.setObjectName("customerProfile")
        self.content = QWidget()
        self.layout_ = QVBoxLayout(self.content)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.reload()

    def reload(self) -> None:
        self.generation += 1
        generation, author_id = self.generation, self.author_id

        def load(reader):
            found = people.profile(reader, author_id)
            labels = {i.id: sentiment.item_sentiment(reader, i.id)[0] for i in found.items[:200]}
            return found, people.suggestions(reader, author_id), labels

        def done(result) -> None:
            if generation == self.generation:
                self.show_profile(*result)

        def failed(exc: Exception) -> None:
            if generation == self.generation:
                self._clear()
                self.layout_.addWidget(plain_label(f"Couldn't load this profile: {exc}"))
                self.loaded = True

        self.loaded = False
        self.host.run_in_worker(load, done, failed)

    def _clear(self) -> None:
        while self.layout_.count():
            item = self.layout_.takeAt(0)
            widget = item.widget()
            if widget is None and item.layout() is not None:
                _clear_layout(item.layout())
            if widget is not None:
                widget.hide()
                widget.setParent(None)  # gone at once, not at the next event loop turn
                widget.deleteLater()

    def show_profile(self, profile: people.Profile, suggested: list[dict],
                     labels: dict[int, str] | None = None) -> None:
        self.profile, self.suggested, self.labels = profile, suggested, labels or {}
        self._clear()
        window = self.window()
        if window is not self:
            window.setWindowTitle(f"{profile.name} — customer profile")
        rated = [r for _, r, _ in profile.ratings]
        average = f" · average {sum(rated) / len(rated):.1f} ★" if rated else ""
        platforms = ", ".join(sorted({_platform(a["platform"]) for a in profile.authors}))
        header = QLabel(
            f"<div style='font-size:16pt;font-weight:600'>{html.escape(profile.name)}</div>"
            f"<div>{plural(len(profile.items), 'item')} on {html.escape(platforms)}{average}</div>"
            f"<div>First contact {_day(profile.first_contact)} · last contact {_day(profile.last_contact)}"
            f" · {plural(sum(r.whose == 'own' for r in profile.replies), 'reply')} from you</div>")
        header.setTextFormat(Qt.TextFormat.RichText)
        self.layout_.addWidget(header)
        if profile.tags:
            chips = " ".join(
                f"<span style='background:{safe_colour(c)};color:#fff;padding:2px 6px'>&nbsp;{html.escape(n)}"
                f" {k}&nbsp;</span>" for n, c, k in profile.tags)
            tags = QLabel(chips)
            tags.setTextFormat(Qt.TextFormat.RichText)
            tags.setWordWrap(True)
            self.layout_.addWidget(tags)

        top = QHBoxLayout()
        identity = self._identity(profile, suggested)
        identity.setMaximumHeight(220)
        top.addWidget(identity, 1)
        if profile.ratings:
            top.addWidget(self._rating_history(profile), 1)
        self.layout_.addLayout(top)
        self.layout_.addWidget(self._item_list("Everything they wrote", profile.items, "profileItems"), 2)
        if profile.replies:
            self.layout_.addWidget(self._item_list("Replies they received", profile.replies, "profileReplies"), 1)
        self.loaded = True

    def _identity(self, profile: people.Profile, suggested: list[dict]) -> QGroupBox:
        box = QGroupBox("Accounts" + (" (linked as one person)" if profile.linked else ""))
        grid = QGridLayout(box)
        row = 0
        for a in profile.authors:
            grid.addWidget(plain_label(self._account_text(a)), row, 0)
            if profile.linked:
                unlink = QPushButton("Unlink")
                unlink.setObjectName(f"unlink_{a['id']}")
                unlink.setToolTip("This account is a different person")
                unlink.clicked.connect(lambda _=False, aid=a["id"]: self.unlink(aid))
                grid.addWidget(unlink, row, 1)
            row += 1
        if suggested:
            hint = QLabel("<b>The same person elsewhere?</b>")
            hint.setTextFormat(Qt.TextFormat.RichText)
            grid.addWidget(hint, row, 0, 1, 2)
            row += 1
            for s in suggested:
                items = "1 item" if s["items"] == 1 else f"{s['items']} items"
                grid.addWidget(plain_label(f"{self._account_text(s)} · {items}"), row, 0)
                link = QPushButton("Same person")
                link.setObjectName(f"link_{s['id']}")
                link.clicked.connect(lambda _=False, other=s["id"]: self.link(other))
                grid.addWidget(link, row, 1)
                row += 1
        grid.setRowStretch(row, 1)
        grid.setColumnStretch(0, 1)
        return box

    @staticmethod
    def _account_text(a: dict) -> str:
        name = a.get("display_name") or a.get("handle") or "Anonymous"
        handle = a.get("handle") or ""
        extra = f" ({handle})" if handle and handle != name else ""
        return f"{_platform(a['platform'])}: {name}{extra}"

    def _rating_history(self, profile: people.Profile) -> QWidget:
        chart = make_chart("Rating history", self)
        chart.legend().setVisible(False)
        line, dots = QLineSeries(), QScatterSeries()
        dots.setMarkerSize(9)
        dots.setColor(QColor("#f76b15"))
        line.setColor(QColor("#f76b15"))
        for created, rating, _ in profile.ratings:
            when = parse_time(created) or datetime.now()
            ms = QDateTime.fromSecsSinceEpoch(int(when.timestamp())).toMSecsSinceEpoch()
            line.append(ms, rating)
            dots.append(ms, rating)
        x = QDateTimeAxis()
        x.setFormat("MMM yy")
        first = parse_time(profile.ratings[0][0])
        last = parse_time(profile.ratings[-1][0])
        pad = max((last - first).total_seconds() * 0.08, 86400 * 10)
        x.setRange(QDateTime.fromSecsSinceEpoch(int(first.timestamp() - pad)),
                   QDateTime.fromSecsSinceEpoch(int(last.timestamp() + pad)))
        x.setTickCount(4)
        style_axis(x, self, small=True)
        y = QValueAxis()
        y.setRange(0.5, 5.5)
        y.setTickType(QValueAxis.TickType.TicksDynamic)
        y.setTickAnchor(1)
        y.setTickInterval(1)
        y.setLabelFormat("%.0f ")
        style_axis(y, self, small=True)
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        for series in (line, dots):
            chart.addSeries(series)
            series.attachAxis(x)
            series.attachAxis(y)
        ids = [item_id for _, _, item_id in profile.ratings]
        dots.clicked.connect(lambda point: self._open_nearest(point.x(), line, ids))
        view = chart_view(chart, 200)
        view.setMaximumHeight(220)
        return view

    def _open_nearest(self, x: float, line: QLineSeries, ids: list[int]) -> None:
        points = [p.x() for p in line.points()]
        if points:
            self.host.open_item(ids[min(range(len(points)), key=lambda i: abs(points[i] - x))])

    def _item_list(self, title: str, items: list[ItemRow], name: str) -> QGroupBox:
        box = QGroupBox(f"{title} ({len(items)})")
        widget = QListWidget()
        widget.setObjectName(name)
        widget.setWordWrap(True)
        widget.setAlternatingRowColors(True)
        widget.setSpacing(3)
        for item in items:
            parts = [_day(item.created_at), item.source_name]
            if item.rating:
                parts.append(_stars(item.rating))
            if not item.is_owner_reply and item.id in self.labels:
                parts.append(self.labels[item.id])
            row = QListWidgetItem(" · ".join(parts) + "\n" + item.first_line)
            row.setData(Qt.ItemDataRole.UserRole, item.id)
            row.setToolTip("Open in the inbox")
            widget.addItem(row)
        widget.itemActivated.connect(lambda row: self.host.open_item(row.data(Qt.ItemDataRole.UserRole)))
        widget.itemDoubleClicked.connect(lambda row: self.host.open_item(row.data(Qt.ItemDataRole.UserRole)))
        layout = QVBoxLayout(box)
        layout.addWidget(widget)
        widget.setMinimumHeight(140)
        return box

    # -- linking ---------------------------------------------------------------------------

    def link(self, other_id: int) -> None:
        people.link(self.host.store, self.author_id, other_id)
        self.host.status_message("Linked: both accounts now show as one customer.")
        self.reload()

    def unlink(self, author_id: int) -> None:
        people.unlink(self.host.store, author_id)
        self.host.status_message("Unlinked.")
        if author_id == self.author_id and self.profile is not None:
            pass  # the profile now shows this account alone
        self.reload()


def _clear_layout(layout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        if item.widget() is not None:
            item.widget().hide()
            item.widget().setParent(None)
            item.widget().deleteLater()
        elif item.layout() is not None:
            _clear_layout(item.layout())


class ProfileWindow(QWidget):
    def __init__(self, host: MainWindow, author_id: int) -> None:
        super().__init__(host, Qt.WindowType.Window)
        self.setWindowTitle("Customer profile")
        self.pane = ProfilePane(host, author_id, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.pane)
        self.resize(900, 760)


class ProfileWindows(dict[int, ProfileWindow]):
    """The open profile windows by author id, one per author (kept in `window.extensions`)."""


def open_profile(window: MainWindow, author_id: int | None = None) -> ProfileWindow | None:
    """The profile of `author_id`, or of the author of the item in the reading pane."""
    if author_id is None:
        item = window.current_item()
        if item is None or item.author_id is None or item.is_owner_reply:
            window.status_message("Open a customer's item to see their profile.")
            return None
        author_id = item.author_id
    profiles = window.extensions.setdefault(ProfileWindows, ProfileWindows)
    win = profiles.get(author_id)
    if win is None:
        win = ProfileWindow(window, author_id)
        profiles[author_id] = win
    else:
        win.pane.reload()
    win.show()
    win.raise_()
    return win


class InsightsBar(QWidget):
    """Under the thread: the item's sentiment with the owner's correction, and the way to
    the author's profile."""

    CHOICES: ClassVar[list[tuple[str, str | None]]] = [("Automatic", None), ("Positive", "positive"), ("Neutral", "neutral"),
               ("Negative", "negative"), ("Unknown", "unknown")]

    def __init__(self, host: MainWindow) -> None:
        super().__init__()
        self.host = host
        self.item: ItemRow | None = None
        self.setObjectName("insightsBar")
        self.label = QLabel("")
        self.choice = QComboBox()
        for title, value in self.CHOICES:
            self.choice.addItem(title, value)
        self.choice.setToolTip("Correct the sentiment: your choice wins in filters, exports and charts")
        self.choice.setAccessibleName("Correct the sentiment")
        self.choice.activated.connect(self._corrected)
        self.profile_button = QPushButton("Customer profile")
        self.profile_button.clicked.connect(lambda: self.item and open_profile(self.host, self.item.author_id))
        # One row when the pane is wide, more when it is narrow (a large system font):
        # never wider than the pane, so nothing scrolls out of sight.
        self.correct_label = QLabel("Correct it:")
        self.rows = WrappingRows([[self.label], [self.correct_label, self.choice], [self.profile_button]],
                                 stretch_before=2)
        self.rows.outer.setContentsMargins(0, 0, 0, 0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.rows)
        self._arrange_later = False
        self._arrange()

    def show_item(self, item: ItemRow | None) -> None:
        """The item now open; the sentiment arrives with its view (show_view), read on a
        worker. Showing or hiding the bar's parts waits a turn: with the reply box appearing
        too, the reading panels' first show was one ~10 ms turn when a sync's first rows
        opened an item. `item` is set at once, so that its view is never missed."""
        self.item = item
        if self._parts() != self._shown() and not self._arrange_later:
            self._arrange_later = True
            self.host.workers.next_turn(self._arrange)

    def _parts(self) -> tuple[bool, bool]:
        """Whether the sentiment and the profile button are for the item open."""
        customer = self.item is not None and not self.item.is_owner_reply
        return customer, customer and self.item.author_id is not None

    def _shown(self) -> tuple[bool, bool]:
        return not self.label.isHidden(), not self.profile_button.isHidden()

    def _arrange(self) -> None:
        """Show the parts the item open now has (whichever item that is by then)."""
        self._arrange_later = False
        customer, profile = self._parts()
        for w in (self.label, self.correct_label, self.choice):
            w.setVisible(customer)
        self.profile_button.setVisible(profile)
        self.rows.rearrange()

    def show_view(self, view: ItemView) -> None:
        if self.item is not None and view.item.id == self.item.id and not self.item.is_owner_reply:
            self._show_sentiment(view.sentiment, view.sentiment_override, view.sentiment_score)

    def _show_sentiment(self, label: str, override: str | None, score: float | None) -> None:
        colour = SENTIMENT_COLOURS.get(label, "#8d8d8d")
        shown, tip = sentiment_text(label, override, score, self.item.rating if self.item else None)
        mine = " (your correction)" if override else ""
        self.label.setText(f"Sentiment: <b style='color:{colour}'>{shown}</b>{mine}")
        self.label.setToolTip(tip)
        self.label.setAccessibleName(f"Sentiment: {shown}{mine}")
        self.rows.rearrange()  # "(your correction)" makes it wider
        self.choice.blockSignals(True)
        self.choice.setCurrentIndex(next(i for i, (_, v) in enumerate(self.CHOICES) if v == override))
        self.choice.blockSignals(False)

    def _corrected(self, index: int) -> None:
        if self.item is None:
            return
        value = self.CHOICES[index][1]
        sentiment.set_override(self.host.store, [self.item.id], value)
        self.host.status_message(f"Sentiment set to {value}." if value else "Sentiment back to automatic.")
        self._show_sentiment(*sentiment.item_sentiment(self.host.store, self.item.id))
        self.host.data_changed()


def install(window: MainWindow) -> None:
    """Plug profiles into the main window: a command (Item menu, P) and the reading pane's
    insights bar (sentiment, correction, profile button)."""
    window.register_command("insights.profile", "Customer profile", lambda: open_profile(window), menu="Item")
    bar = InsightsBar(window)
    window.add_reading_pane_widget(bar)
    window.current_item_changed.connect(bar.show_item)
    window.reading_ctl.view_ready.connect(bar.show_view)
    window.extensions.add(bar)
