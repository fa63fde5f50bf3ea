"""Replies in the main window: the editor under the thread, Drafts and Outbox in the sidebar,
saved replies, and the outbox sent from the qasync loop.

`install(window)` is the only entry point; the controller registers in `window.extensions`.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
)

from inbox.domain import Author, InboxFilter, Item, ItemKind, ItemRow, View, utcnow
from inbox.domain.templates import render, templatize, unfilled, values_for
from inbox.domain.tone import ReplyContext
from inbox.secrets import Secrets, from_environment
from inbox.services import settings, tone_phrases
from inbox.services.operations import ChangeSet
from inbox.services.outbox import (
    ConnectorFactory,
    Outbox,
    default_connector_factory,
    openable_url,
)
from inbox.services.replies import can_post, reply_context
from inbox.services.saved_replies import list_saved_replies, save_reply_template
from inbox.sources.base import ReplyNotSupported
from inbox.store import StoreError
from inbox.store.views import ItemView
from inbox.ui import sidebar_keys
from inbox.ui.main_window import MainWindow
from inbox.ui.reply_editor import ReplyEditor, plain_tooltip
from inbox.ui.saved_replies_dialog import SavedRepliesDialog, SavedReplyPicker
from inbox.ui.settings_dialog import settings_changes

log = logging.getLogger(__name__)
TICK_MS = 1000
DRAFTS_KEY = sidebar_keys.make("replies", "drafts")
OUTBOX_KEY = sidebar_keys.make("replies", "outbox")


REPLIED_BEFORE = " · you have replied in this thread before"


class RepliesController(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.store = window.store
        self.outbox = Outbox(self.store, clock=window.clock)
        self.make_connector: ConnectorFactory | None = None  # tests set this; else the sync engine's
        self.secrets: Secrets = from_environment()  # the OS keyring, read when a reply is sent
        self.undo_seconds = float(settings.get("replies.undo_seconds", self.store))
        self.flushing = False
        self.dialog: Any = None
        # Asked before a reply is queued (a team inbox: "someone answered meanwhile?"): a
        # guard returning True has taken over and calls `proceed` once it may go ahead.
        self.send_guards: list[Callable[[ItemRow, Callable[[], None]], bool]] = []
        # False in a team inbox's copy: its replies go to the team's outbox on the server
        # (the link sends them), never posted from the copy itself
        self.posts_replies = True

        self.editor = ReplyEditor(self.save_draft)
        self.editor.phrases = tone_phrases.load_phrases()
        window.add_reading_pane_widget(self.editor)
        window.warm_ups.append(self.editor.warm_up)
        window.current_item_changed.connect(self.item_changed)
        window.reading_ctl.view_ready.connect(self.view_ready)
        self.editor.send_requested.connect(self.send)
        self.editor.copy_open_requested.connect(self.copy_and_open)
        self.editor.picker_requested.connect(self.show_picker)
        self.editor.undo_send_requested.connect(self.take_back)
        self.editor.retry_requested.connect(self.retry)
        self.editor.discard_requested.connect(self.discard_draft)

        window.add_sidebar_entry("Views", DRAFTS_KEY, "Drafts", self.show_drafts,
                                 tooltip="Replies you started and haven't sent")
        window.add_sidebar_entry("Views", OUTBOX_KEY, "Outbox", self.show_outbox,
                                 tooltip="Replies waiting to be sent")
        r = window.register_command
        r("reply.picker", "Reply with a saved reply…", self.show_picker, menu="Item")
        r("reply.focus", "Write a reply", self.focus_editor, menu="Item")
        r("reply.send", "Send reply", lambda: self.send(self.editor.done_box.isChecked()), menu="Item")
        r("reply.copy_open", "Copy reply and open the page", self.copy_and_open, menu="Item")
        r("reply.discard_draft", "Discard draft", self.discard_draft, menu="Item")
        r("reply.save_as_saved", "Save this reply as a saved reply…", self.save_as_saved_reply, menu="Item")
        r("reply.saved_replies", "Saved replies…", self.manage_saved_replies, menu="Tools")
        r("reply.tone_phrases", "Edit tone-check phrases…", self.edit_phrases, menu="Tools")
        r("reply.names", "Your name and business name (for saved replies)…", self.edit_names, menu="Tools")
        r("reply.flush", "Send the Outbox now", self.flush_now, menu="Tools")
        r("view.drafts", "Go to Drafts", self.show_drafts, menu="View")
        r("view.outbox", "Go to Outbox", self.show_outbox, menu="View")

        window.data_changed_signal.connect(self.changed)
        settings_changes(window).changed.connect(self._setting_changed)
        window.installEventFilter(self)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.editor.save_now)
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)
        self.timer.start()
        window.on_shutdown.append(self.shutdown)
        self.refresh_sidebar()
        self.item_changed(window.current_item())

    def _setting_changed(self, name: str, value: object) -> None:
        if name == "replies.undo_seconds":
            self.undo_seconds = float(value)  # type: ignore[arg-type]

    # -- the draft -----------------------------------------------------------------------

    def shutdown(self) -> None:
        """The window is done with its store: the draft being typed is saved now, and no
        timer of ours fires afterwards (a late save would meet a closed store)."""
        self.editor.save_now()
        self.editor.tone_timer.stop()
        self.timer.stop()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.window and event.type() == QEvent.Type.Close:
            self.editor.save_now()
            self.timer.stop()
        return False

    def save_draft(self, item_id: int, text: str) -> None:
        try:
            self.store.save_draft(item_id, text)
        except StoreError as exc:  # the item was deleted meanwhile: say so, keep the text on screen
            self.window.status_message(f"Could not save the draft: {exc}")
            return
        self.refresh_sidebar()

    def item_changed(self, item: ItemRow | None) -> None:
        self.editor.save_now()  # the previous item's draft, before switching
        if item is None:
            self.editor.show_item(None, "", ReplyContext())
            return
        draft = self.store.get_draft(item.id)
        self.editor.show_item(item, draft.text if draft else "", self.context_for(item),
                              self.outbox.pending_for(item.id))

    def view_ready(self, view: ItemView) -> None:
        """The opened conversation arrived from a worker: say if the owner replied in it."""
        title = self.editor.title.text()
        item = self.editor.item
        if (item is not None and view.item.id == item.id and view.thread.id >= 0 and view.replied
                and title and not title.endswith(REPLIED_BEFORE)):
            self.editor.title.setText(title + REPLIED_BEFORE)

    def context_for(self, item: ItemRow) -> ReplyContext:
        return reply_context(self.store, item)

    def focus_editor(self) -> None:
        if self.editor.isVisible() and self.editor.editor.isVisible():
            self.editor.editor.setFocus()

    def discard_draft(self) -> None:
        item = self.window.current_item()
        if item is None:
            return
        self.editor.save_now()
        if not self.window.ops.discard_draft(item.id):
            self.window.status_message("There is no draft to discard.")
            return
        self.editor.show_item(item, "", self.context_for(item), self.outbox.pending_for(item.id))
        self.refresh_sidebar()
        self.window.status_message("Draft discarded. Ctrl+Z to undo.")

    def changed(self, changes: ChangeSet) -> None:
        """A write elsewhere (or an undo): redraw the editor if its draft came back."""
        item = self.editor.item
        if changes.drafts and item is not None and item.id in changes.items:
            self.reload_editor(item.id)
        self.refresh_sidebar()

    def _push_undo(self, label: str, undo: Any, item_id: int) -> None:
        self.window.undo_stack.push(label, undo, [item_id])

    def reload_editor(self, item_id: int) -> None:
        item = self.editor.item
        if item is not None and item.id == item_id:
            draft = self.store.get_draft(item_id)
            self.editor.show_item(item, draft.text if draft else "", self.editor.context,
                                  self.outbox.pending_for(item_id))

    # -- saved replies ---------------------------------------------------------------------

    def show_picker(self) -> SavedReplyPicker | None:
        item = self.editor.item
        if item is None or not self.editor.editor.isVisible():
            self.window.status_message("Open a customer's item to reply to it.")
            return None
        if self.editor.editor.isReadOnly():
            self.window.status_message("This item's reply is in the Outbox.")
            return None
        picker = SavedReplyPicker(list_saved_replies(self.store), self.window)
        picker.chosen.connect(lambda reply: self.insert_saved(reply.body))
        picker.rejected.connect(self.focus_editor)
        picker.open()
        picker.filter.setFocus()
        self.dialog = picker
        return picker

    def insert_saved(self, body: str) -> QMessageBox | None:
        """Put a saved reply in the box. A draft already there is never overwritten
        silently: ask whether to replace it or append the saved reply as a new paragraph."""
        item = self.editor.item
        if item is None:
            return None
        values = values_for(item, business_name=settings.get("business_name", self.store),
                            owner_name=settings.get("owner_name", self.store))
        text = render(body, values).text
        if not self.editor.text().strip():
            self.editor.replace_text(text)
            return None
        ask = QMessageBox(QMessageBox.Icon.Question, "Insert saved reply",
                          "You have already written a reply. Replace it with the saved reply, "
                          "or add the saved reply after it as a new paragraph?",
                          QMessageBox.StandardButton.Cancel, self.window)
        replace = ask.addButton("Replace", QMessageBox.ButtonRole.DestructiveRole)
        append = ask.addButton("Append", QMessageBox.ButtonRole.AcceptRole)
        ask.setDefaultButton(append)
        replace.setAccessibleName("Replace the draft with the saved reply")
        append.setAccessibleName("Append the saved reply as a new paragraph")

        def answered(button) -> None:
            if self.editor.item is None or self.editor.item.id != item.id:  # another item opened: leave it
                return
            if button is replace:
                self.editor.replace_text(text)
            elif button is append:
                self.editor.append_paragraph(text)
            else:
                self.focus_editor()
        ask.buttonClicked.connect(answered)
        ask.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        ask.open()
        self.dialog = ask
        return ask

    def save_as_saved_reply(self) -> None:
        """Keep a reply that worked: the customer's first name and yours become variables."""
        item, text = self.editor.item, self.editor.text()
        if item is None or not text.strip():
            self.window.status_message("Write a reply first.")
            return
        name = self.window.prompt_text("Save as a saved reply", "Name for this saved reply:")
        if not name:
            return
        values = values_for(item, business_name=settings.get("business_name", self.store),
                            owner_name=settings.get("owner_name", self.store))
        try:
            saved = save_reply_template(self.store, name, templatize(text, values))
        except StoreError as exc:
            self.window.status_message(str(exc))
            return
        self.window.status_message(f"Saved “{saved.name}”. Press R to use it.")

    def manage_saved_replies(self) -> SavedRepliesDialog:
        dialog = SavedRepliesDialog(self.store, self.window)
        dialog.open()
        self.dialog = dialog
        return dialog

    def edit_names(self) -> None:
        for key, title, label in (("owner_name", "Your name", "Your first name, as you sign replies:"),
                                  ("business_name", "Business name", "Your business's name:")):
            value = self.window.prompt_text(title, label, settings.get(key, self.store))
            if value is None:
                return
            settings.set(key, " ".join(value.split()), self.store)
        self.window.status_message("Saved. Saved replies will use these names.")

    def edit_phrases(self) -> QDialog:
        dialog = QDialog(self.window)
        dialog.setWindowTitle("Tone-check phrases")
        layout = QVBoxLayout(dialog)
        note = QLabel("One phrase a line, then | and what to say instead. Lines starting with # are notes.\n"
                      f"Your list: {tone_phrases.user_path()}")
        note.setWordWrap(True)
        edit = QPlainTextEdit(tone_phrases.active_path().read_text(encoding="utf-8"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        layout.addWidget(note)
        layout.addWidget(edit, 1)
        layout.addWidget(buttons)

        def save() -> None:
            try:
                self.editor.phrases = tone_phrases.save_phrases(edit.toPlainText())
            except OSError as exc:
                note.setText(f"Could not save: {exc}")
                return
            self.editor.run_tone_check()
            dialog.accept()
        buttons.accepted.connect(save)
        buttons.rejected.connect(dialog.reject)
        dialog.resize(640, 480)
        dialog.open()
        self.dialog = dialog
        return dialog

    # -- sending -----------------------------------------------------------------------------

    def send(self, mark_done: bool = True) -> None:
        item = self.editor.item
        text = self.editor.text().strip()  # what the counter counted: no stray blank lines
        if item is None or not self.editor.editor.isVisible() or self.editor.editor.isReadOnly():
            return
        if not text.strip():
            self.window.status_message("Write a reply first.")
            return
        if not can_post(item):
            self.copy_and_open()
            return
        missing = sorted({name for *_, name in unfilled(text)})
        if missing and not self.window.confirm(
                "Send with blanks?", "The reply still has " + ", ".join(f"{{{m}}}" for m in missing)
                + " in it, highlighted in yellow. Send it anyway?"):
            return
        if self.window.is_demo:
            self.demo_reply(item, text, mark_done)
            return
        for guard in self.send_guards:
            if guard(item, lambda: self.queue_reply(item, text, mark_done)):
                return
        self.queue_reply(item, text, mark_done)

    def queue_reply(self, item: ItemRow, text: str, mark_done: bool) -> None:
        """Put the reply in the outbox (after the checks of `send`)."""
        try:
            entry = self.outbox.queue(item.id, text, mark_done=mark_done, undo_seconds=self.undo_seconds)
        except (ReplyNotSupported, StoreError, ValueError) as exc:
            self.window.status_message(str(exc))
            return
        if self.editor.item is not None and self.editor.item.id == item.id:
            self.editor.show_item(item, "", self.editor.context, entry)
        self._push_undo("Send reply", lambda: self.take_back(entry.id), item.id)
        self.window.status_message(f"Reply queued: it leaves in {self.undo_seconds:g} s. Ctrl+Z to undo.")
        self.refresh_sidebar()

    def demo_reply(self, item: ItemRow, text: str, mark_done: bool) -> None:
        """The demo workspace's sources are made up: show the reply in the thread, post nothing."""
        reply = Item(external_id=f"demo-reply:{uuid.uuid4()}", kind=ItemKind.REPLY, text=text,
                     is_owner_reply=True, parent_external_id=item.external_id, created_at=utcnow(),
                     author=Author(external_id="owner", display_name=item.source_name))
        with self.store.transaction():
            self.store.save_page(item.source_id, [reply])
            self.store.delete_draft(item.id)
            if mark_done:
                self.store.set_status(self.store.conversation_item_ids([item.id]), "done")
        self.editor.show_item(item, "", self.editor.context)
        self.refresh_sidebar()
        self.window.data_changed()
        self.window.status_message("Demo workspace: the reply was added here only; nothing was posted.")

    def take_back(self, entry_id: int) -> None:
        entry = self.outbox.cancel(entry_id)
        if entry is None:
            self.window.status_message("Too late to undo: the reply is already on its way.")
            return
        self.reload_editor(entry.item_id)
        self.refresh_sidebar()
        self.window.status_message("Reply taken back; it is your draft again.")

    def retry(self, entry_id: int) -> None:
        self.outbox.retry(entry_id)
        self.reload_editor(self.outbox.get(entry_id).item_id)
        self.tick()

    def copy_and_open(self) -> None:
        item = self.editor.item
        text = self.editor.text()
        if item is None or not text.strip():
            self.window.status_message("Write a reply first.")
            return
        self.editor.save_now()
        QGuiApplication.clipboard().setText(text)
        url = openable_url(item.url)
        if url is None:
            self.window.status_message("Reply copied. This item has no web page to open.")
            return
        QDesktopServices.openUrl(QUrl(url))
        self.window.status_message("Reply copied. Paste it on the page that just opened.")

    def connector_factory(self) -> ConnectorFactory | None:
        if self.make_connector is None:
            try:
                from inbox.sync.http import HttpClient  # the sync engine's client
            except ImportError:
                return None
            # No retries inside the client: a retried POST could post twice; the outbox
            # retries itself, after asking the site whether the reply arrived.
            self.make_connector = default_connector_factory(HttpClient(retries=0), self.secrets)
        return self.make_connector

    def tick(self) -> None:
        """Once a second: send what is due, and keep the banner and sidebar current."""
        if not self.posts_replies or self.flushing or not self.outbox.due(self.window.clock()):
            return
        factory = self.connector_factory()
        if factory is None:
            self.window.update_sidebar_entry(OUTBOX_KEY, tooltip="Sending needs the sync engine, missing here")
            return
        self.outbox.make_connector = factory
        self.flushing = True
        self.window.run_task(self._flush(), name="replies.outbox")

    def flush_now(self) -> None:
        for entry in self.outbox.entries():
            if entry.state == "queued":
                self.outbox.retry(entry.id)
        self.tick()

    async def _flush(self) -> None:
        try:
            results = await self.outbox.flush(self.window.clock())
        except Exception as exc:  # never let the timer die
            log.exception("outbox flush failed")
            self.window.status_message(f"Sending replies failed: {exc}")
            results = []
        finally:
            self.flushing = False
        sent = [r for r in results if r.state == "sent"]
        failed = [r for r in results if r.state == "failed"]
        if self.editor.item is not None:
            self.reload_editor(self.editor.item.id)
        self.refresh_sidebar()
        if sent:
            self.window.data_changed()
            self.window.status_message("Reply sent." if len(sent) == 1 else f"{len(sent)} replies sent.")
        elif failed:
            self.window.status_message(f"A reply could not be sent: {failed[0].error}")
        elif results:
            self.window.status_message("Couldn't send the reply yet; it waits in the Outbox.")

    # -- the sidebar ---------------------------------------------------------------------------

    def refresh_sidebar(self) -> None:
        drafts = self.store.count_drafts()
        self.window.update_sidebar_entry(DRAFTS_KEY, count=drafts)
        entries = self.outbox.entries()
        errors = [e for e in entries if e.last_error]
        tooltip = "\n".join(f"{e.author_name[:30]} on {e.source_name}: {e.state} — {e.last_error}"
                            for e in errors[:10]) or "Replies waiting to be sent"
        self.window.update_sidebar_entry(OUTBOX_KEY, count=len(entries), tooltip=plain_tooltip(tooltip),
                                         state="error" if any(e.state == "failed" for e in entries) else "")

    def show_drafts(self) -> None:
        self.editor.save_now()
        ids = [d.item_id for d in self.store.list_drafts()]
        self.window.show_items(InboxFilter(view=View.ALL, item_ids=ids, include_owner_replies=True), "Drafts")

    def show_outbox(self) -> None:
        ids = [e.item_id for e in self.outbox.entries()]
        self.window.show_items(InboxFilter(view=View.ALL, item_ids=ids, include_owner_replies=True), "Outbox")


def install(window: MainWindow) -> RepliesController:
    controller = RepliesController(window)
    window.extensions.add(controller)  # tests and other features reach the editor through this
    return controller
