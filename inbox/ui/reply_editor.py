"""The reply editor under the thread: a draft saved as you type, a live tone check, saved
replies, and Send (through the outbox) or "Copy reply and open the page".

Everything shown from the review (the author's name, the phrases found) is plain text.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QSignalBlocker, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from inbox.domain import ItemRow
from inbox.domain.models import SOURCE_LABELS
from inbox.domain.outbox import OutboxEntry
from inbox.domain.reply_length import as_posted, count_graphemes, reply_length
from inbox.domain.templates import NAME_MAX, author_display_name, clean_value, unfilled
from inbox.domain.tone import Phrase, ReplyContext, ToneFlag, check_tone
from inbox.services.replies import can_post
from inbox.ui.elided_label import ElidedLabel
from inbox.ui.plain import plain_tooltip
from inbox.ui.reading_pane import SidewaysScroll
from inbox.ui.wrapping_rows import WrappingRows

SAVE_DELAY_MS = 400
TONE_DELAY_MS = 150


class ReplyHighlighter(QSyntaxHighlighter):
    """Unfilled {variables} get a yellow background; flagged phrases a wavy underline."""

    def __init__(self, document) -> None:
        super().__init__(document)
        self.spans: list[tuple[int, int, str]] = []  # (start, end, "missing" | "flag")
        self.missing = QTextCharFormat()
        self.missing.setBackground(QColor("#ffe58f"))
        self.missing.setForeground(QColor("#5c3c00"))
        self.flag = QTextCharFormat()
        self.flag.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        self.flag.setUnderlineColor(QColor("#e5484d"))

    def set_spans(self, spans: list[tuple[int, int, str]]) -> None:
        if spans != self.spans:
            self.spans = spans
            self.rehighlight()

    def highlightBlock(self, text: str) -> None:
        block = self.currentBlock()
        start, end = block.position(), block.position() + len(text)
        for s, e, kind in self.spans:
            if e > start and s < end:
                self.setFormat(max(s, start) - start, min(e, end) - max(s, start),
                               self.missing if kind == "missing" else self.flag)


class ToneList(QListWidget):
    """The tone flags, as tall as they are (up to its maximum; it scrolls beyond), so the
    reply takes no more of a short screen than it needs."""

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        rows = sum(self.visualItemRect(self.item(i)).height() or self.sizeHintForRow(i) for i in range(self.count()))
        return QSize(hint.width(), min(self.maximumHeight(), rows + 2 * self.frameWidth() + 2))

    def minimumSizeHint(self) -> QSize:
        """The first flag whole when room is short (never a line cut in half); it scrolls
        to the others."""
        first = self.visualItemRect(self.item(0)).height() if self.count() else 0
        least = max(first, 2 * self.fontMetrics().lineSpacing()) + 2 * self.frameWidth() + 2
        return QSize(super().minimumSizeHint().width(), min(self.sizeHint().height(), least))


class ReplyEditor(QWidget):
    """One draft at a time: the item open in the reading pane. The controller (inbox.ui.replies)
    supplies the store calls, so this widget holds no business rules beyond display."""

    send_requested = Signal(bool)      # mark done?
    copy_open_requested = Signal()
    picker_requested = Signal()
    undo_send_requested = Signal(int)  # outbox entry id
    retry_requested = Signal(int)
    discard_requested = Signal()

    def __init__(self, save_draft: Callable[[int, str], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("replyEditor")
        self.save_draft = save_draft
        self.item: ItemRow | None = None
        self.context = ReplyContext()
        self.phrases: list[Phrase] = []
        self.flags: list[ToneFlag] = []
        self._loading = False

        # never stretched; squeezed down to its minimum (3 lines of text, one tone flag)
        # on a short screen, so that its Send button stays in sight
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        self.title = ElidedLabel()  # a long name is cut at the end, whole in its tooltip
        self.title.setObjectName("replyTitle")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.saved_label = QLabel()
        self.saved_label.setTextFormat(Qt.TextFormat.PlainText)
        self.saved_label.setEnabled(False)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.saved_label)

        self.banner = QLabel()
        self.banner.setObjectName("replyBanner")
        self.banner.setTextFormat(Qt.TextFormat.PlainText)
        self.banner.setWordWrap(True)
        self.retry_button = QPushButton("Send now")
        self.retry_button.clicked.connect(lambda: self._banner_clicked(self.retry_requested))
        self.take_back_button = QPushButton("Undo")
        self.take_back_button.clicked.connect(lambda: self._banner_clicked(self.undo_send_requested))
        banner_row = QHBoxLayout()
        banner_row.addWidget(self.banner, 1)
        banner_row.addWidget(self.retry_button)
        banner_row.addWidget(self.take_back_button)
        self.banner_box = QFrame()
        self.banner_box.setObjectName("replyBannerBox")
        self.banner_box.setStyleSheet("#replyBannerBox { background: palette(alternate-base); border-radius: 4px; }")
        self.banner_box.setLayout(banner_row)
        self.banner_box.hide()
        self._banner_entry: OutboxEntry | None = None

        self.editor = QPlainTextEdit()
        self.editor.setObjectName("replyText")
        self.editor.setAccessibleName("Reply")
        self.editor.setPlaceholderText("Write a reply in your own words… (R: saved replies, Ctrl+Enter: send)")
        self.editor.setTabChangesFocus(True)
        self.highlighter = ReplyHighlighter(self.editor.document())

        self.tone = ToneList()
        self.tone.setObjectName("toneFlags")
        self.tone.setAccessibleName("Tone check")
        self.tone.setWordWrap(True)
        self.tone.setFrameShape(QFrame.Shape.NoFrame)
        self.tone.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # transparent without a style sheet: a style-sheeted list keeps the text colour of the
        # palette it was polished with, dark grey on dark after a switch to dark
        self.tone.viewport().setAutoFillBackground(False)
        self.tone.setAutoFillBackground(False)
        self.tone.hide()

        self.counter = QLabel()
        self.counter.setObjectName("replyCounter")
        self.counter.setEnabled(False)
        self.saved_button = QPushButton("Saved replies…")
        self.saved_button.setToolTip("Insert a saved reply (R)")
        self.discard_button = QPushButton("Discard")
        self.discard_button.setToolTip("Throw this draft away (Ctrl+Z brings it back)")
        self.done_box = QCheckBox("Mark done when sent")
        self.done_box.setChecked(True)
        self.send_button = QPushButton("Send")
        self.send_button.setDefault(True)
        self.send_button.setToolTip("Send the reply (Ctrl+Enter); you can undo for a few seconds")
        self.copy_button = QPushButton("Copy reply and open the page")
        # The buttons sit on one row when the pane is wide and on two or three when it is
        # narrow or the font large, so Send is never pushed out of sight.
        self.send_row = [self.done_box, self.copy_button, self.send_button]
        self.buttons = WrappingRows([[self.counter], [self.discard_button, self.saved_button], self.send_row],
                                    parent=self, stretch_before=1)
        self.buttons.outer.setContentsMargins(0, 0, 0, 0)
        self.buttons.outer.setSpacing(4)

        self.closed_note = QLabel()
        self.closed_note.setTextFormat(Qt.TextFormat.PlainText)
        self.closed_note.setEnabled(False)
        self.closed_note.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 4, 16, 10)
        layout.setSpacing(6)
        layout.addWidget(line)
        layout.addLayout(top)
        layout.addWidget(self.banner_box)
        layout.addWidget(self.editor)
        layout.addWidget(self.tone)
        layout.addWidget(self.buttons)
        layout.addWidget(self.closed_note)
        layout.setSizeConstraint(QVBoxLayout.SizeConstraint.SetNoConstraint)  # minimumSizeHint decides
        self._fit_to_font()
        self.controls = [self.editor, self.counter, self.discard_button, self.saved_button, self.done_box, self.send_button,
                         self.copy_button, self.saved_label]

        self.save_timer = QTimer(self)
        self.save_timer.setSingleShot(True)
        self.save_timer.setInterval(SAVE_DELAY_MS)
        self.save_timer.timeout.connect(self.save_now)
        self.tone_timer = QTimer(self)
        self.tone_timer.setSingleShot(True)
        self.tone_timer.setInterval(TONE_DELAY_MS)
        self.tone_timer.timeout.connect(self.run_tone_check)
        self.editor.textChanged.connect(self._text_changed)
        self.send_button.clicked.connect(lambda: self.send_requested.emit(self.done_box.isChecked()))
        self.copy_button.clicked.connect(self.copy_open_requested.emit)
        self.saved_button.clicked.connect(self.picker_requested.emit)
        self.discard_button.clicked.connect(self.discard_requested.emit)
        self.show_item(None, "", ReplyContext())

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # the system font changed size
            self._fit_to_font()
            self._arrange_buttons()  # the buttons' new widths may need two rows
            self._ask_for_room()

    def _ask_for_room(self) -> None:
        """Tell the reading pane's splitter this box changed height (its Send button must
        stay in sight): after the layout has taken the change in."""
        layout = self.layout()
        if layout is not None:
            layout.activate()
        SidewaysScroll.ask_for_room(self)

    def _fit_to_font(self) -> None:
        """The box holds 3 to 6 lines and the tone flags up to 6, in the font's own line
        height: a larger system font gets a larger box, never clipped lines."""
        line = self.editor.fontMetrics().lineSpacing()
        self.editor.setMinimumHeight(max(90, 3 * line + 16))
        self.editor.setMaximumHeight(max(120, 6 * line + 16))
        self.tone.setMaximumHeight(max(120, 6 * self.tone.fontMetrics().lineSpacing() + 8))  # scrolls beyond

    def _arrange_buttons(self) -> None:
        self.buttons.rearrange()

    # -- which item ------------------------------------------------------------------

    def show_item(self, item: ItemRow | None, draft: str, context: ReplyContext,
                  pending: OutboxEntry | None = None) -> None:
        """Switch to another item (the caller saved the previous draft first)."""
        self.save_timer.stop()
        self._dirty = False
        self.item = item
        self.context = context
        self._loading = True
        with QSignalBlocker(self.editor):
            self.editor.setPlainText(draft)
        self._loading = False
        answerable = item is not None and not item.is_owner_reply and item.whose == "own"
        self.setVisible(item is not None)
        for w in self.controls:
            w.setVisible(answerable)
        self.closed_note.setVisible(item is not None and not answerable)
        if item is not None and not answerable:
            self.closed_note.setText("This is your own reply." if item.is_owner_reply
                                     else "A competitor's item: read-only here.")
        if item is not None:
            name = clean_value(author_display_name(item), NAME_MAX) or "the customer"
            site = SOURCE_LABELS.get(item.source_kind, item.source_kind)
            self.title.setText(f"Reply to {name} on {site}" if answerable else "")
            api = can_post(item)
            self.send_button.setVisible(answerable and api)
            self.done_box.setVisible(answerable and api)
            self.copy_button.setVisible(answerable and not api)
        self.saved_label.setText("Draft saved" if draft else "")
        self.discard_button.setEnabled(bool(draft.strip()))
        self.show_pending(pending)
        self.run_tone_check()
        self._arrange_buttons()

    def warm_up(self) -> None:
        """Lay the box out and draw it once off screen while no item is open (it is hidden
        then): its first show cost ~1-2 ms more than later ones (styles, fonts and layouts
        used for the first time), in the turn a sync's first rows open an item."""
        if self.item is not None or self.isVisible():
            return
        hidden = [(w, w.isHidden()) for w in self.controls]
        for w, _ in hidden:
            w.setVisible(True)
        self.grab()
        for w, was_hidden in hidden:  # as they were: show_item sets them for each item
            w.setHidden(was_hidden)

    def text(self) -> str:
        return self.editor.toPlainText()

    def set_text(self, text: str) -> None:
        """Replace the draft (undo of a discard, cancel of a send); saved like typing."""
        self.editor.setPlainText(text)

    def insert_text(self, text: str) -> None:
        cursor = self.editor.textCursor()
        cursor.insertText(text)
        self.editor.setTextCursor(cursor)
        self.editor.setFocus()

    def append_paragraph(self, text: str) -> None:
        """Add `text` as a new paragraph after the draft (a saved reply kept with what was written)."""
        current = self.text().rstrip()
        self.set_text(f"{current}\n\n{text}" if current else text)
        self.editor.moveCursor(QTextCursor.MoveOperation.End)
        self.editor.setFocus()

    def replace_text(self, text: str) -> None:
        self.set_text(text)
        self.editor.moveCursor(QTextCursor.MoveOperation.End)
        self.editor.setFocus()

    # -- saving ----------------------------------------------------------------------

    def _text_changed(self) -> None:
        self.discard_button.setEnabled(bool(self.text().strip()))
        if self._loading or self.item is None:
            return
        self._dirty = True
        self.saved_label.setText("Saving…")
        self.save_timer.start()
        self.tone_timer.start()

    def save_now(self) -> None:
        """Write the draft at once (debounce ran out, item changed, window closing)."""
        self.save_timer.stop()
        if self.item is None or not self._dirty:
            return
        self._dirty = False
        text = self.text()
        self.save_draft(self.item.id, text)
        self.saved_label.setText("Draft saved" if text.strip() else "")

    # -- tone ------------------------------------------------------------------------

    def run_tone_check(self) -> None:
        text = self.text()
        self.flags = check_tone(text, self.context, self.phrases) if self.item else []
        self.tone.clear()
        for flag in self.flags:
            entry = QListWidgetItem(f"⚠ {flag.message}\n    {flag.suggestion}")
            entry.setData(Qt.ItemDataRole.UserRole, flag.code)
            if flag.code == "too_long":
                entry.setForeground(QColor("#d93025"))
            entry.setToolTip(plain_tooltip(flag.suggestion))  # it may quote the author's name
            self.tone.addItem(entry)
        self.tone.setVisible(bool(self.flags))
        self.tone.updateGeometry()
        self._ask_for_room()
        spans = [(s, e, "missing") for s, e, _ in unfilled(text)]
        spans += [(f.start, f.end, "flag") for f in self.flags if f.start >= 0]
        self.highlighter.set_spans(spans)
        self._update_counter(text)

    def _update_counter(self, text: str) -> None:
        """The first of the site's limits (the one people run into), counted the site's way,
        over what is sent: the trimmed reply (and the mention the site adds). Empty: no count."""
        text = text.strip()
        if not text:
            self.counter.setText("")
            self.counter.setStyleSheet("")
            return
        if not self.context.limits:
            n = count_graphemes(text)
            self.counter.setText(f"{n} character" + ("" if n == 1 else "s"))
            return
        limit = self.context.limits[0]
        used = reply_length(as_posted(text, self.context.prefix), limit)
        self.counter.setText(f"{used} / {limit.limit}")
        self.counter.setEnabled(used > limit.limit)
        self.counter.setStyleSheet("color: #d93025" if used > limit.limit else "")

    def flag_codes(self) -> list[str]:
        return [f.code for f in self.flags]

    # -- the outbox banner -----------------------------------------------------------

    def show_pending(self, entry: OutboxEntry | None) -> None:
        """A reply of this item's in the outbox: undo while it waits, retry when it failed."""
        self._banner_entry = entry
        self.editor.setReadOnly(entry is not None)
        if entry is None:
            self.banner_box.hide()
            self._ask_for_room()
            return
        self.banner_box.show()
        self._ask_for_room()
        preview = " ".join(entry.text.split())
        preview = preview if len(preview) <= 80 else preview[:79] + "…"
        retry, take_back = "", "Take back"
        if entry.state == "queued" and not entry.attempts:
            text, take_back = f"Sending in a few seconds: “{preview}”", "Undo"
        elif entry.state == "failed":
            text, retry = f"Not sent: {entry.last_error or 'unknown error'}", "Try again"
        elif entry.state == "sending":
            text, take_back = f"Sending: “{preview}”", ""
        else:
            text, retry = f"Waiting in the Outbox, will retry: {entry.last_error or ''}", "Send now"
        self.banner.setText(text)
        self.retry_button.setText(retry)
        self.retry_button.setVisible(bool(retry))
        self.take_back_button.setText(take_back)
        self.take_back_button.setVisible(bool(take_back))

    def _banner_clicked(self, signal) -> None:
        if self._banner_entry is not None:
            signal.emit(self._banner_entry.id)
