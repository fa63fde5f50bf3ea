"""How one row of the inbox list is painted: source icon, author, stars, first line, tag
chips and age — like a mail client's message list. Colours come from the palette so that
light and dark themes both read well; only tag and source colours are fixed."""

from __future__ import annotations

import dataclasses
import html
import time
import zlib
from collections import Counter, OrderedDict
from collections.abc import Callable
from datetime import datetime

import shiboken6
from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolTip,
    QWidget,
)

from inbox.domain import ItemRow
from inbox.domain.models import SOURCE_LABELS
from inbox.domain.times import from_db, utcnow
from inbox.domain.wording import initials
from inbox.paths import resources_dir
from inbox.ui import local_time
from inbox.ui.list_model import ItemRole

SOURCE_COLOURS = {
    "google": "#4285f4", "yelp": "#d32323", "trustpilot": "#00b67a", "facebook": "#1877f2",
    "mastodon": "#6364ff", "bluesky": "#1185fe", "reddit": "#ff4500", "rss": "#f26522",
    "appstore": "#0d96f6", "googleplay": "#01875f", "file": "#6b7280",
}
STAR_COLOUR = QColor("#e0a800")
ROW_HEIGHT = 60
ICON = 26

_icon_cache: dict[tuple[str, int], QPixmap] = {}


def source_pixmap(kind: str, size: int = ICON) -> QPixmap:
    """The source's icon from resources/icons/sources/<kind>.svg, else a coloured letter
    badge (the packaging engineer may add the SVGs later)."""
    key = (kind, size)
    if key in _icon_cache:
        return _icon_cache[key]
    ratio = QApplication.instance().devicePixelRatio() if QApplication.instance() else 1.0
    path = resources_dir() / "icons" / "sources" / f"{kind}.svg"
    pix = QPixmap()
    if path.is_file():
        pix = QIcon(str(path)).pixmap(QSize(size, size), ratio)
    if pix.isNull():
        pix = QPixmap(int(size * ratio), int(size * ratio))
        pix.setDevicePixelRatio(ratio)
        pix.fill(Qt.GlobalColor.transparent)
        p = QPainter(pix)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setBrush(QColor(SOURCE_COLOURS.get(kind, "#6b7280")))
        p.setPen(Qt.PenStyle.NoPen)
        p.drawRoundedRect(QRectF(0, 0, size, size), size * 0.28, size * 0.28)
        font = QFont()
        font.setBold(True)
        font.setPixelSize(int(size * 0.55))
        p.setFont(font)
        p.setPen(QColor("white"))
        letter = (SOURCE_LABELS.get(kind) or kind or "?")[:1].upper()
        p.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, letter)
        p.end()
    _icon_cache[key] = pix
    return pix


BADGE = 14


def avatar_size(font: QFont) -> int:
    """The avatar grows with the text (26 px at the usual sizes)."""
    return max(ICON, round(QFontMetrics(font).height() * 1.5))


def row_height(font: QFont) -> int:
    """Two lines of text and their margins: 60 px at the usual sizes, more with a larger
    system font, so nothing is clipped."""
    line = QFontMetrics(font).height()
    return max(ROW_HEIGHT, 8 + line + 5 + line + 12)
AVATAR_COLOURS = ("#5b8def", "#e5484d", "#46a758", "#f76b15", "#8e4ec6", "#12a594", "#d6409f", "#0090ff",
                  "#a18072", "#6e56cf")
_avatar_cache: dict[tuple[str, int], QPixmap] = {}


def avatar_pixmap(name: str, size: int = ICON) -> QPixmap:
    """A circle with the author's initials, its colour fixed by the name (drawn here, no
    picture is ever fetched)."""
    key = (name, size)  # the name itself: working out its initials was half the lookup
    if key in _avatar_cache:
        return _avatar_cache[key]
    letters = initials(name)
    colour = AVATAR_COLOURS[zlib.crc32(name.casefold().encode()) % len(AVATAR_COLOURS)]
    ratio = QApplication.instance().devicePixelRatio() if QApplication.instance() else 1.0
    pix = QPixmap(int(size * ratio), int(size * ratio))
    pix.setDevicePixelRatio(ratio)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(colour))
    p.drawEllipse(QRectF(0, 0, size, size))
    font = QFont()
    font.setBold(True)
    font.setPixelSize(int(size * (0.42 if len(letters) > 1 else 0.5)))
    p.setFont(font)
    p.setPen(QColor("white"))
    p.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, letters)
    p.end()
    if len(_avatar_cache) > 512:  # a few hundred faces on screen at most; memory stays flat
        _avatar_cache.clear()
    _avatar_cache[key] = pix
    return pix


def stars(rating: int | None) -> str:
    return "" if not rating else "★" * rating + "☆" * (5 - rating)


def chip_text_colour(background: QColor) -> QColor:
    """Black or white, whichever reads better on a tag's colour."""
    r, g, b = background.redF(), background.greenF(), background.blueF()
    return QColor("#111111") if 0.299 * r + 0.587 * g + 0.114 * b > 0.6 else QColor("white")


def muted(palette: QPalette, role: QPalette.ColorRole = QPalette.ColorRole.Text) -> QColor:
    c = QColor(palette.color(role))
    c.setAlphaF(0.62)
    return c


def row_tooltip(item: ItemRow) -> str:
    """Plain text (escaped): names come from the internet."""
    return "<qt>" + html.escape(row_summary(item)) + "</qt>"


def row_summary(item: ItemRow) -> str:
    """Who, where and when in local time: when it was written and, for a conversation that
    went on, its latest message (the time the row shows)."""
    then, latest = from_db(item.created_at), from_db(item.last_activity_at)
    when = local_time.full(then) if then else ""
    if then and latest and latest > then:
        when += f", latest message {local_time.full(latest)}"
    return " · ".join(p for p in (item.author_name, item.source_name, when) if p)


LEFT_MIDDLE = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter  # combined once, not per row
RIGHT_MIDDLE = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class RowFonts:
    """The fonts a row uses and their metrics, made once per list font (each row made six)."""

    def __init__(self, font: QFont) -> None:
        self.base = QFont(font)
        self.bold = QFont(font)
        self.bold.setBold(True)
        self.regular = QFont(font)
        self.regular.setBold(False)
        self.small = QFont(font)
        self.small.setPointSizeF(max(7.0, font.pointSizeF() * 0.9))
        self.chip = QFont(font)
        self.chip.setPointSizeF(max(7.0, font.pointSizeF() * 0.82))
        self.fm_base, self.fm_bold = QFontMetrics(self.base), QFontMetrics(self.bold)
        self.fm_regular = QFontMetrics(self.regular)
        self.fm_small, self.fm_chip = QFontMetrics(self.small), QFontMetrics(self.chip)
        self.face = avatar_size(font)
        self.badge = max(BADGE, round(self.face * BADGE / ICON))


_fonts: dict[str, RowFonts] = {}


def row_fonts(font: QFont) -> RowFonts:
    key = font.key()
    fonts = _fonts.get(key)
    if fonts is None:
        if len(_fonts) > 8:
            _fonts.clear()
        fonts = _fonts[key] = RowFonts(font)
    return fonts


ROWS_KEPT = 64  # a few screens of rows: ~15 MB at 1,000 px wide, more on a high-DPI screen


class RowPixmaps:
    """Rows already painted, by everything their picture depends on. A reload during a sync
    repaints the whole list with mostly the same rows; copying their pixmaps instead of
    laying out their text again keeps that repaint within a frame."""

    def __init__(self, limit: int = ROWS_KEPT) -> None:
        self.limit = limit
        self.pixmaps: OrderedDict[tuple, QPixmap] = OrderedDict()
        self.ids: Counter[int] = Counter()  # item ids with a picture: a row with none is new

    @staticmethod
    def key(item: ItemRow, age: str, assignee: str | None, width: int, height: int,
            option: QStyleOptionViewItem, ratio: float) -> tuple:
        return (item.id, item.author_name, item.rating, item.status, item.source_kind, item.source_name,
                item.whose, item.title, item.text, tuple(item.tags[:3]), item.messages, item.replied, age,
                assignee, width, height, option.state.value, option.palette.cacheKey(), option.font.key(),
                ratio)

    def get(self, key: tuple) -> QPixmap | None:
        pix = self.pixmaps.get(key)
        if pix is not None:
            self.pixmaps.move_to_end(key)
        return pix

    def put(self, key: tuple, pix: QPixmap) -> None:
        if key not in self.pixmaps:
            self.ids[key[0]] += 1
        self.pixmaps[key] = pix
        while len(self.pixmaps) > self.limit:
            old, _ = self.pixmaps.popitem(last=False)
            self.ids[old[0]] -= 1
            if not self.ids[old[0]]:
                del self.ids[old[0]]

    def clear(self) -> None:
        self.pixmaps.clear()
        self.ids.clear()


FRESH_BUDGET_S = 0.001  # rows drawn anew in one paint (0.3-0.5 ms a row idle, the first ~1.5): with the reset, a turn of ~5 ms
LATER_MS = 4  # the rows put off are drawn this much later: input and a frame run in between


class FreshBudget:
    """How long the first paint of rows just loaded may spend drawing rows never drawn
    before. A sync's first rows took 20-30 ms to draw in one turn (the first time a process
    draws these fonts and avatars); a row beyond the budget is drawn plainly (its author on
    the background) and drawn in full a few ms later, a few rows a turn. Armed when the list
    loads rows (`arm`), so that a picture taken of the view (`grab`) is whole."""

    def __init__(self, budget_s: float = FRESH_BUDGET_S) -> None:
        self.budget_s = budget_s
        self.armed = False
        self.spent = 0.0
        self.open = False
        self.later: dict[int, tuple[QWidget, QRect]] = {}
        # runs fn(delay_ms) later; the window's is `Workers.next_turn`, which tests wait for
        self.schedule: Callable[[Callable[[], None], int], None] = lambda fn, ms: QTimer.singleShot(ms, fn)

    def arm(self, *_args: object) -> None:
        self.armed = True

    def allows(self) -> bool:
        """Whether another row may be drawn in full in this paint (the first always is)."""
        if not self.armed:
            return True
        if not self.open:  # a new paint: its budget ends once the event loop turns
            self.open = True
            QTimer.singleShot(0, self._close)
        return self.spent < self.budget_s

    def charge(self, seconds: float) -> None:
        if self.open:
            self.spent += seconds

    def put_off(self, viewport, rect: QRect) -> None:
        """Draw this area again shortly (the row in full, within that paint's budget)."""
        if viewport is None:
            return
        first = not self.later
        held = self.later.get(id(viewport))
        self.later[id(viewport)] = (viewport, QRect(rect) if held is None else held[1].united(rect))
        if first:
            self.schedule(self._repaint, LATER_MS)

    def _close(self) -> None:
        self.open, self.spent = False, 0.0
        if not self.later:  # every row of the new page drawn in full
            self.armed = False

    def _repaint(self) -> None:
        later, self.later = self.later, {}
        for viewport, rect in later.values():
            if shiboken6.isValid(viewport):  # not deleted meanwhile; painted now, in a turn of its own
                viewport.repaint(rect)


class ItemDelegate(QStyledItemDelegate):
    """Paints an `ItemRow` in two lines; unread rows bold with a dot."""

    def __init__(self, now=None, parent=None) -> None:
        super().__init__(parent)
        self.now = now  # callable returning an aware datetime, for ages
        # a team inbox: who the row's conversation is assigned to ("You", "Ben"), or None
        self.assignee_of: Callable[[ItemRow], str | None] | None = None
        self.rows = RowPixmaps()
        self.fresh = FreshBudget()
        self._ages: dict[tuple, str] = {}

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:
        return QSize(320, row_height(option.font))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        item: ItemRow | None = index.data(ItemRole)
        if item is None:
            return super().paint(painter, option, index)
        widget = option.widget
        if self.fresh.armed and item.id not in self.rows.ids and not self.fresh.allows():
            # never drawn: no picture of it to copy, so its age and key are not needed yet
            self._draw_plainly(painter, option, item)
            self.fresh.put_off(widget.viewport() if widget is not None else None, QRect(option.rect))
            return
        age = self._age(item)
        assignee = self.assignee_of(item) if self.assignee_of is not None else None
        rect: QRect = option.rect
        ratio = widget.devicePixelRatioF() if widget is not None else 1.0
        key = self.rows.key(item, age, assignee, rect.width(), rect.height(), option, ratio)
        pix = self.rows.get(key)
        if pix is None and not self.fresh.allows():
            self._draw_plainly(painter, option, item)
            self.fresh.put_off(widget.viewport() if widget is not None else None, QRect(rect))
            return
        if pix is None:  # drawn once into a pixmap; a repaint of the same row only copies it
            began = time.thread_time()
            pix = QPixmap(max(1, round(rect.width() * ratio)), max(1, round(rect.height() * ratio)))
            pix.setDevicePixelRatio(ratio)
            pix.fill(option.palette.color(QPalette.ColorRole.Base))
            opt = QStyleOptionViewItem(option)
            opt.rect = QRect(0, 0, rect.width(), rect.height())
            p = QPainter(pix)
            try:
                self._paint_row(p, opt, index, item, age, assignee)
            finally:
                p.end()
            self.rows.put(key, pix)
            self.fresh.charge(time.thread_time() - began)
        painter.drawPixmap(rect.topLeft(), pix)

    def warm_up(self, view) -> list[Callable[[], None]]:
        """Steps that draw sample rows once, off screen, each meant for a turn of its own
        (all in one turn was ~6 ms). The first rows a process draws cost 15-20 ms more than
        later ones (PySide creates the enum types a call's overloads name at the call's first
        use; each font's glyphs are cached the first time); a sync into an empty inbox paid
        that in the turn its first rows arrived."""
        letters = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 .,:;!?'’\"()&@#%+-—…·"
        sample = ItemRow(id=0, source_id=0, source_name=letters, source_kind="file", whose="competitor",
                         kind="review", external_id="", author_id=None, author_name=letters, author_handle="",
                         rating=3, title="", text=letters, html=None, url="", language="", created_at="",
                         updated_at=None, status="unread", snoozed_until=None, thread_id=None,
                         is_owner_reply=False, deleted=False, tags=[(letters[:12], "#6b7280")], messages=3,
                         replied=True)

        def draw(status: str, selected: bool, plainly: bool) -> None:
            if not shiboken6.isValid(view):
                return
            opt = QStyleOptionViewItem()
            opt.initFrom(view.viewport())
            opt.widget = view
            opt.font = view.font()
            opt.rect = QRect(0, 0, max(320, view.viewport().width()), row_height(view.font()))
            opt.state = QStyle.StateFlag.State_Enabled | (QStyle.StateFlag.State_Selected if selected
                                                           else QStyle.StateFlag.State_None)
            pix = QPixmap(opt.rect.size())
            p = QPainter(pix)
            try:
                row = dataclasses.replace(sample, status=status)
                if plainly:  # PySide makes an enum type at its first use: ~5 ms
                    self._draw_plainly(p, opt, row)
                else:
                    self._paint_row(p, opt, QModelIndex(), row, "12:34 " + letters[:26], None)
            finally:
                p.end()

        states = (("unread", False), ("read", False), ("read", True))
        return [lambda st=st, sel=sel, pl=pl: draw(st, sel, pl) for st, sel in states for pl in (False, True)]

    @staticmethod
    def warm_up_badges(view) -> None:
        """Every source's badge at the list's size, made once before any row needs it (an
        SVG drawn the first time is 1-2 ms, a fifth of a frame)."""
        badge = row_fonts(view.font()).badge
        for kind in SOURCE_COLOURS:
            source_pixmap(kind, badge)

    @staticmethod
    def _draw_plainly(painter: QPainter, option: QStyleOptionViewItem, item: ItemRow) -> None:
        """A row put off to a later paint: its background and its author, in the list's
        font (already drawn elsewhere), so that the row is never blank."""
        rect: QRect = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        pal = option.palette
        painter.fillRect(rect, pal.color(QPalette.ColorRole.Highlight if selected else QPalette.ColorRole.Base))
        f = row_fonts(option.font)
        left = rect.left() + 12 + f.face + 10
        painter.save()
        painter.setFont(f.base)
        painter.setPen(muted(pal, QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text))
        painter.drawText(QRect(left, rect.top() + 8, rect.right() - 10 - left, f.fm_base.height()),
                         LEFT_MIDDLE, item.author_name)
        painter.restore()

    def _paint_row(self, painter: QPainter, option: QStyleOptionViewItem,
                   index: QModelIndex | QPersistentModelIndex, item: ItemRow, age: str,
                   assignee: str | None) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        style = option.widget.style() if option.widget else QApplication.style()
        # the panel (selection, hover) needs only the view's state, not the model's roles
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        pal = option.palette
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        text_colour = pal.color(text_role)
        soft = muted(pal, text_role)
        rect: QRect = option.rect
        unread = item.status == "unread"
        f = row_fonts(option.font)

        face, badge = f.face, f.badge
        left = rect.left() + 12 + face + 10
        # separator line
        sep = QColor(pal.color(QPalette.ColorRole.Text))
        sep.setAlphaF(0.08)
        painter.setPen(sep)
        painter.drawLine(left - 4, rect.bottom(), rect.right(), rect.bottom())

        if unread:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(pal.color(QPalette.ColorRole.HighlightedText if selected
                                       else QPalette.ColorRole.Highlight))
            painter.drawEllipse(QRectF(rect.left() + 4, rect.top() + 8 + face / 2 - 3, 6, 6))
        # the person (initials) with the platform's logo as a badge, as a mail client's sender
        painter.drawPixmap(rect.left() + 12, rect.top() + 8, avatar_pixmap(item.author_name, face))
        painter.drawPixmap(rect.left() + 12 + face - badge + 4, rect.top() + 8 + face - badge + 4,
                           source_pixmap(item.source_kind, badge))

        right = rect.right() - 10
        base = f.base
        top_font, fm_top = (f.bold, f.fm_bold) if unread else (f.regular, f.fm_regular)
        line1 = QRect(left, rect.top() + 8, right - left, fm_top.height())
        line2 = QRect(left, line1.bottom() + 5, right - left, f.fm_base.height())

        # age, right
        small = f.small
        painter.setFont(small)
        age_w = f.fm_small.horizontalAdvance(age)
        painter.setPen(text_colour if unread else soft)
        painter.drawText(QRect(right - age_w, line1.top(), age_w, line1.height()), RIGHT_MIDDLE, age)
        avail = right - age_w - 12 - left

        # author (bold if unread), then stars, then the source name
        painter.setFont(top_font)
        painter.setPen(text_colour)
        author = fm_top.elidedText(item.author_name, Qt.TextElideMode.ElideRight, min(avail, 260))
        painter.drawText(line1, LEFT_MIDDLE, author)
        x = left + fm_top.horizontalAdvance(author) + 8
        if item.rating:
            painter.setFont(base)
            painter.setPen(text_colour if selected else STAR_COLOUR)
            s = stars(item.rating)
            sw = f.fm_base.horizontalAdvance(s)
            if x + sw < left + avail:
                painter.drawText(QRect(x, line1.top(), sw, line1.height()), LEFT_MIDDLE, s)
                x += sw + 8
        x = self._conversation_marks(painter, item, small, soft, line1, x, left + avail)
        if assignee:
            x = self._assignee_mark(painter, assignee, small, pal, selected, line1, x, left + avail)
        painter.setFont(small)
        painter.setPen(soft)
        where = item.source_name + (" · competitor" if item.whose == "competitor" else "")
        where = f.fm_small.elidedText(where, Qt.TextElideMode.ElideRight, max(0, left + avail - x))
        painter.drawText(QRect(x, line1.top(), max(0, left + avail - x), line1.height()), LEFT_MIDDLE, where)

        # tag chips, right of line 2
        chip_font, cfm = f.chip, f.fm_chip
        chip_x = right
        painter.setFont(chip_font)
        for name, colour in reversed(item.tags[:3]):
            w = cfm.horizontalAdvance(name) + 12
            if chip_x - w < left + 120:
                break
            chip_x -= w
            chip = QRectF(chip_x, line2.top() + 1, w, line2.height() - 2)
            bg = QColor(colour)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(bg)
            painter.drawRoundedRect(chip, chip.height() / 2, chip.height() / 2)
            painter.setPen(chip_text_colour(bg))
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, name)
            chip_x -= 4

        # first line of text
        painter.setFont(base)
        painter.setPen(text_colour if unread else soft)
        text_w = chip_x - left - 6
        body = f.fm_base.elidedText(item.first_line or "(no text)", Qt.TextElideMode.ElideRight, text_w)
        painter.drawText(QRect(left, line2.top(), text_w, line2.height()), LEFT_MIDDLE, body)
        painter.restore()

    @staticmethod
    def _conversation_marks(painter: QPainter, item: ItemRow, font: QFont, colour: QColor, line: QRect,
                            x: int, limit: int) -> int:
        """After the author: how many messages the conversation holds ("3", like a mail
        client's thread count) and "↩" once the owner has replied. Returns the next x."""
        marks = []
        if item.messages > 1:
            marks.append(str(item.messages))
        if item.replied:
            marks.append("↩")
        if not marks:
            return x
        text = " ".join(marks)
        fm = QFontMetrics(font)
        w = fm.horizontalAdvance(text) + 10
        if x + w >= limit:
            return x
        box = QRectF(x, line.top() + 2, w, line.height() - 4)
        painter.setFont(font)
        edge = QColor(colour)
        edge.setAlphaF(0.35)
        painter.setPen(edge)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(box, box.height() / 2, box.height() / 2)
        painter.setPen(colour)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
        return x + w + 8
    @staticmethod
    def _assignee_mark(painter: QPainter, name: str, font: QFont, pal: QPalette, selected: bool, line: QRect,
                       x: int, limit: int) -> int:
        """Who answers the conversation (a team inbox): their name on a tint of the accent
        colour, after the conversation's marks. Returns the next x."""
        fm = QFontMetrics(font)
        text = fm.elidedText(name, Qt.TextElideMode.ElideRight, 90)
        w = fm.horizontalAdvance(text) + 12
        if x + w >= limit:
            return x
        box = QRectF(x, line.top() + 2, w, line.height() - 4)
        accent = pal.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Highlight)
        fill = QColor(accent)
        fill.setAlphaF(0.18)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRoundedRect(box, box.height() / 2, box.height() / 2)
        painter.setFont(font)
        painter.setPen(accent if selected else pal.color(QPalette.ColorRole.Text))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
        return x + w + 8

    def helpEvent(self, event, view, option, index) -> bool:
        """The row's tooltip: where, who and the full local time (the model's own says UTC)."""
        item: ItemRow | None = index.data(ItemRole) if index.isValid() else None
        if event is None or event.type() != QEvent.Type.ToolTip or item is None:
            return super().helpEvent(event, view, option, index)
        QToolTip.showText(event.globalPos(), row_tooltip(item), view)
        return True

    def _age(self, item: ItemRow) -> str:
        """The item's age; for a snoozed item, when it comes back. Remembered for the minute:
        parsing two stored times a row was a tenth of painting it."""
        now: datetime | None = self.now() if self.now else None
        minute = (now or utcnow()).replace(second=0, microsecond=0)
        key = (item.snoozed_until, item.last_activity_at or item.created_at, minute, local_time.zone())
        text = self._ages.get(key)
        if text is None:
            if len(self._ages) > 2048:
                self._ages.clear()
            text = self._ages[key] = self._age_now(item, now)
        return text

    def _age_now(self, item: ItemRow, now: datetime | None) -> str:
        until = from_db(item.snoozed_until)
        if until is not None and until > (now or until):
            return "⏰ " + local_time.when(until, now or utcnow())
        then = from_db(item.last_activity_at or item.created_at)  # a conversation: its latest message
        return local_time.short(then, now or utcnow()) if then is not None else ""
