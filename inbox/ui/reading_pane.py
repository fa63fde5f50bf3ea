"""The reading pane: a thread as a conversation, in a browser that loads nothing.

`SafeBrowser` never follows links itself (`setOpenLinks(False)`), loads no resource at all
(no remote images, no local files: `loadResource` returns nothing), and hands link clicks
to the window, which opens only http/https/mailto after the user confirms. Internal links
(`inbox:author/<id>`) can't come from item HTML: the sanitiser drops every other scheme.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QSplitter, QTextBrowser, QVBoxLayout, QWidget

from inbox.domain import ItemRow, Thread
from inbox.domain.models import SOURCE_LABELS
from inbox.domain.times import from_db, utcnow
from inbox.domain.wording import plural
from inbox.ui import local_time
from inbox.ui.delegate import stars
from inbox.ui.plain import safe_colour
from inbox.ui.sanitize import body_html, escape, is_openable

INTERNAL_SCHEME = "inbox"


class SafeBrowser(QTextBrowser):
    """A QTextBrowser that opens nothing and loads nothing on its own."""

    link_requested = Signal(QUrl)      # an external link the user clicked
    internal_link = Signal(str)        # e.g. "author/12"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setReadOnly(True)
        self.anchorClicked.connect(self._clicked)
        self.loaded_resources: list[QUrl] = []  # what was asked for (tests check it stays unused)

    def loadResource(self, type: int, name: QUrl) -> object:
        self.loaded_resources.append(QUrl(name))
        return None

    def _clicked(self, url: QUrl) -> None:
        if url.scheme() == INTERNAL_SCHEME:
            self.internal_link.emit(url.path())
        else:
            self.link_requested.emit(url)


def _when(created_at: str, now: datetime | None) -> str:
    """ "yesterday 14:05" in the computer's zone (or the owner's), never UTC."""
    then = from_db(created_at)
    if then is None:
        return ""
    return local_time.when(then, now or utcnow())


def _full(created_at: str) -> str:
    then = from_db(created_at)
    return local_time.full(then) if then is not None else ""


def message_html(item: ItemRow, muted: str, accent: str, now: datetime | None,
                 other_items: int = 0, indent: bool = False, *, selected: bool = False,
                 tint: str = "", bar: str = "") -> str:
    """One message of the conversation: a header line and the sanitised body."""
    source = SOURCE_LABELS.get(item.source_kind, item.source_kind)
    who = escape(item.author_name)
    if item.author_id is not None and not item.is_owner_reply:
        who = f'<a style="text-decoration:none" href="{INTERNAL_SCHEME}:author/{item.author_id}"><b>{who}</b></a>'
    else:
        who = f"<b>{who}</b>"
    if item.is_owner_reply:  # the owner's own words, told apart at a glance
        who += (f' <span style="background-color:{accent}; color:{_chip_fg(accent)}">'
                f'&nbsp;Your reply&nbsp;</span>')
    handle = f' <span style="color:{muted}">{escape(item.author_handle)}</span>' \
        if item.author_handle and item.author_handle != item.author_name else ""
    rating = f' <span style="color:#e0a800">{stars(item.rating)}</span>' if item.rating else ""
    where = item.source_name if source.lower() in item.source_name.lower() else f"{source} · {item.source_name}"
    meta = [escape(where), f'<span title="{escape(_full(item.created_at))}">{escape(_when(item.created_at, now))}</span>']
    if item.url and is_openable(item.url):
        meta.append(f'<a href="{escape(item.url)}">View original</a>')
    if other_items:
        meta.append(f'<a href="{INTERNAL_SCHEME}:author/{item.author_id}">'
                    f'{plural(other_items, "other item")} by this author</a>')
    tags = "".join(
        f'<span style="background-color:{safe_colour(colour)}; color:{_chip_fg(safe_colour(colour))}">'
        f'&nbsp;{escape(name)}&nbsp;</span> '
        for name, colour in item.tags)
    title = f"<p><b>{escape(item.title)}</b></p>" if item.title and item.title not in item.text else ""
    body = body_html(item.text, item.html)
    deleted = f'<p style="color:{muted}"><i>Deleted at the source.</i></p>' if item.deleted else ""
    mark = f' <span style="color:{accent}">◀ opened</span>' if selected and indent else ""
    message = (f"<a name=\"m{item.id}\"></a><p style=\"margin-bottom:0\">{who}{handle}{rating}{mark}</p>"
               f'<p style="color:{muted}; margin-top:2px">{" · ".join(meta)}</p>'
               f"{'<p>' + tags + '</p>' if tags else ''}{title}{body}{deleted}")
    if not indent and not selected:
        return f'<div style="margin-bottom:16px">{message}</div>'
    # QTextDocument draws no CSS borders: a thin coloured table cell marks a reply instead
    # (the owner's in the accent colour), and the selected message sits on a tint
    back = f' bgcolor="{tint}"' if selected and tint else ""
    return (f'<table width="100%" cellspacing="0" cellpadding="0" style="margin-left:{24 if indent else 0}px; '
            f'margin-top:6px; margin-bottom:10px"><tr><td width="3" bgcolor="{bar or accent}"></td>'
            f'<td style="padding:4px 4px 4px 12px"{back}>{message}</td></tr></table>')


def muted_colour(palette: QPalette) -> str:
    """Secondary text: the text colour moved 45% towards the background (any theme)."""
    text = palette.color(QPalette.ColorRole.Text)
    base = palette.color(QPalette.ColorRole.Base)
    mix = [round(a * 0.55 + b * 0.45) for a, b in zip(text.getRgb()[:3], base.getRgb()[:3], strict=True)]
    return "#{:02x}{:02x}{:02x}".format(*mix)


def _chip_fg(colour: str) -> str:
    from PySide6.QtGui import QColor

    from inbox.ui.delegate import chip_text_colour
    return chip_text_colour(QColor(colour)).name()


def _mix(a: QColor, b: QColor, share: float) -> str:
    """`a` moved `share` of the way towards `b`, as #rrggbb."""
    return "#{:02x}{:02x}{:02x}".format(*(round(x * (1 - share) + y * share)
                                         for x, y in zip(a.getRgb()[:3], b.getRgb()[:3], strict=True)))


def conversation_messages(thread: Thread) -> list[ItemRow]:
    """The thread's messages to show: each once, and the owner's same reply once (a reply
    sent from here and then fetched back, or posted twice, is one reply to the reader)."""
    seen_ids: set[int] = set()
    seen_replies: set[str] = set()
    out = []
    for item in thread.items:
        if item.id in seen_ids:
            continue
        seen_ids.add(item.id)
        if item.is_owner_reply:
            key = " ".join(item.text.split()).casefold()
            if key in seen_replies:
                continue
            seen_replies.add(key)
        out.append(item)
    return out


def thread_html(thread: Thread, focus_id: int, palette: QPalette, now: datetime | None,
                other_counts: dict[int, int]) -> str:
    """The whole conversation: the root first, then every reply under it in time order; the
    opened message marked when there are several."""
    muted = muted_colour(palette)
    accent = palette.color(QPalette.ColorRole.Highlight).name()
    base = palette.color(QPalette.ColorRole.Base)
    tint = _mix(base, palette.color(QPalette.ColorRole.Highlight), 0.12)
    customer_bar = _mix(base, palette.color(QPalette.ColorRole.Text), 0.25)
    messages = conversation_messages(thread)
    parts = []
    for n, item in enumerate(messages):
        parts.append(message_html(item, muted, accent, now,
                                  other_items=other_counts.get(item.author_id or -1, 0),
                                  indent=n > 0, selected=item.id == focus_id and len(messages) > 1,
                                  tint=tint, bar=accent if item.is_owner_reply else customer_bar))
    if not parts:
        return f'<p style="color:{muted}">This conversation is empty.</p>'
    return "".join(parts)


class SidewaysScroll(QScrollArea):
    """Scrolls its widget sideways rather than widening the window; as tall as the widget
    needs up to `max_min_height`, and scrolls up and down below that (a short screen)."""

    def __init__(self, widget: QWidget, parent: QWidget | None = None, max_min_height: int | None = None,
                 room: Callable[[], int] | None = None) -> None:
        super().__init__(parent)
        self.max_min_height = max_min_height
        self.room = room  # the most it may claim (what the pane can spare), above max_min_height
        self.setWidget(widget)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff if max_min_height is None
                                        else Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setMinimumWidth(0)

    @staticmethod
    def ask_for_room(widget: QWidget) -> None:
        """A widget inside grew or shrank (tone flags, a larger font): the scroll area
        around it tells its splitter, which makes room again."""
        parent = widget.parentWidget()
        while parent is not None and not isinstance(parent, SidewaysScroll):
            parent = parent.parentWidget()
        if parent is not None:
            parent.updateGeometry()

    def minimumSizeHint(self) -> QSize:
        inner = self.widget().minimumSizeHint() if self.widget() is not None else QSize(0, 0)
        height = inner.height()
        if self.max_min_height is not None:
            cap = max(self.max_min_height, self.room() if self.room else 0)
            if self.room is not None and self.widget() is not None:  # what it would like, room allowing
                height = max(height, self.widget().sizeHint().height())
            height = min(height, cap)
        return QSize(0, height + self.horizontalScrollBar().sizeHint().height())

    def sizeHint(self) -> QSize:
        inner = self.widget().sizeHint() if self.widget() is not None else QSize(0, 0)
        return QSize(inner.width(), inner.height() + self.horizontalScrollBar().sizeHint().height())


class ReadingPane(QWidget):
    """The thread, a header, and room for other features' widgets underneath (replies)."""

    def __init__(self, now: Callable[[], datetime], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.now = now
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.header = QLabel()
        self.header.setTextFormat(Qt.TextFormat.PlainText)  # "Review by <author's name>": never markup
        self.header.setObjectName("readingHeader")
        self.header.setWordWrap(True)
        self.header.setContentsMargins(16, 12, 16, 8)
        font = self.header.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.header.setFont(font)
        self.header.setAccessibleName("Conversation title")
        layout.addWidget(self.header)
        self.browser = SafeBrowser(self)
        self.browser.setFrameShape(QFrame.Shape.NoFrame)
        self.browser.setAccessibleName("Conversation")
        self.browser.document().setDocumentMargin(16)
        # The thread above, other features' widgets (the reply editor...) below, in a
        # splitter: the user decides how much room each gets, and the thread never vanishes.
        self.split = QSplitter(Qt.Orientation.Vertical, self)
        self.split.setObjectName("readingSplitter")
        self.split.setChildrenCollapsible(False)
        self.split.addWidget(self.browser)
        self.extras_box = QWidget()
        self.extras = QVBoxLayout(self.extras_box)
        self.extras.setContentsMargins(0, 0, 0, 0)
        self.extras.setSpacing(0)
        self.extras.addStretch(1)  # widgets stack at the top; spare room stays below them
        # In a scroll area: a narrow pane scrolls the reply's buttons sideways instead of
        # forcing the whole window wider than the screen.
        # As tall as the reply needs (its Send button in sight, tone flags and all), as long
        # as the conversation above keeps a few lines; a shorter pane scrolls.
        self.extras_scroll = SidewaysScroll(self.extras_box, max_min_height=200, room=self._room_below)
        self.extras_scroll.setObjectName("readingExtras")
        self.split.addWidget(self.extras_scroll)
        self.extras_scroll.hide()
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)
        layout.addWidget(self.split, 1)
        self.item: ItemRow | None = None
        self.thread: Thread | None = None
        self.other_counts: dict[int, int] = {}
        self.empty_text = ""
        self.shown_html: str | None = None  # the conversation's HTML on screen
        self.show_empty()

    def _room_below(self) -> int:
        """What the widgets under the conversation may take: all but a few of its lines."""
        keep = self.browser.fontMetrics().lineSpacing() * 3 + 2 * int(self.browser.document().documentMargin())
        return self.split.height() - self.split.handleWidth() - keep

    def add_widget(self, widget: QWidget) -> None:
        self.extras.insertWidget(self.extras.count() - 1, widget)
        self.extras_box.show()
        self.extras_scroll.show()

    def show_empty(self, text: str = "Select an item to read it.") -> None:
        self.empty_text = text
        self.item = None
        self.thread = None
        self.header.setText("")
        self.header.hide()
        muted = muted_colour(self.palette())
        self.shown_html = None
        self.browser.setHtml(f'<p align="center" style="color:{muted}"><br><br>{escape(text)}</p>')

    def changeEvent(self, event) -> None:
        from PySide6.QtCore import QEvent

        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            # light/dark switch: the HTML carries colours from the palette, so redraw it
            if self.item is not None and self.thread is not None:
                self.show_thread(self.item, self.thread, self.other_counts)
            else:
                self.show_empty(self.empty_text)

    def show_thread(self, item: ItemRow, thread: Thread, other_counts: dict[int, int]) -> None:
        self.item = item
        self.thread = thread
        self.other_counts = other_counts
        root = thread.items[0] if thread.items else item
        kind = "Review" if root.kind == "review" else root.kind.capitalize()
        n = len(conversation_messages(thread))
        self.header.setText(f"{kind} by {root.author_name}" + (f" · {n} messages" if n > 1 else ""))
        self.header.show()
        html = thread_html(thread, item.id, self.palette(), self.now(), other_counts)
        if html == self.shown_html:
            return  # the same conversation read again (a reload): no relayout, the reader's place kept
        self.shown_html = html
        self.browser.setHtml(html)
        if thread.items and item.id != thread.items[0].id:
            self.browser.scrollToAnchor(f"m{item.id}")  # a reply found by search: show it
