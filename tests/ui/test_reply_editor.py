"""The reply editor in the real main window (offscreen): autosave, tone flags, the saved-reply
picker, send with undo through the outbox, copy-and-open, drafts and the outbox in the sidebar."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from tests.replay import Reply
from tests.replies.support import factory, reply_http
from tests.ui.conftest import settle


@pytest.fixture
def replies(window):
    from inbox.ui.replies import install

    controller = install(window)
    controller.undo_seconds = 5
    return controller


def _open(window, qtbot, external_id: str):
    item_id = window.store.conn.execute("SELECT id FROM items WHERE external_id = ?", (external_id,)).fetchone()[0]
    window.open_item(item_id)
    settle(qtbot, window)
    return item_id


def test_draft_autosaves_while_typing_and_follows_the_item(window, replies, qtbot) -> None:
    g0 = _open(window, qtbot, "g0")
    editor = replies.editor
    assert editor.isVisible() and editor.title.text() == "Reply to Guest 00 on Google"
    qtbot.keyClicks(editor.editor, "Hi Guest, thanks for the croissants note")
    assert window.store.get_draft(g0) is None  # debounced, not on every key
    qtbot.waitUntil(lambda: window.store.get_draft(g0) is not None, timeout=2000)
    assert window.store.get_draft(g0).text == "Hi Guest, thanks for the croissants note"
    qtbot.keyClicks(editor.editor, "!")
    g2 = _open(window, qtbot, "g2")  # switching saves at once
    assert window.store.get_draft(g0).text.endswith("note!")
    assert editor.text() == "" and editor.item.id == g2
    _open(window, qtbot, "g0")
    assert editor.text() == "Hi Guest, thanks for the croissants note!"
    assert window.sidebar.entries["replies:drafts"].count == 1


def test_tone_flags_show_while_typing(window, replies, qtbot) -> None:
    _open(window, qtbot, "g1")  # rating 2, "slow queue at lunch"
    editor = replies.editor
    qtbot.keyClicks(editor.editor, "Dear valued customer, we value your feedback!!")
    qtbot.waitUntil(lambda: editor.tone.isVisible(), timeout=2000)
    codes = editor.flag_codes()
    assert {"jargon", "no_greeting", "off_topic", "no_apology", "no_offer", "exclamations"} <= set(codes)
    shown = [editor.tone.item(i).text() for i in range(editor.tone.count())]
    assert any("form letter" in s for s in shown) and any("Hi Guest" in s for s in shown)
    editor.editor.selectAll()
    qtbot.keyClicks(editor.editor, "Hi Guest, sorry about the slow queue at lunch. Next coffee is on me.")
    qtbot.waitUntil(lambda: not editor.tone.isVisible(), timeout=2000)
    assert editor.send_button.isEnabled()  # flags never block sending


def test_picker_filters_inserts_and_highlights_blanks(window, replies, qtbot) -> None:
    window.store.set_setting("business_name", "Harbour Café")
    g0 = _open(window, qtbot, "g0")
    window.run_command("reply.picker")
    picker = replies.dialog
    assert picker.isVisible()
    qtbot.keyClicks(picker.filter, "wait")
    assert picker.visible_names() == ["Sorry about the wait"]
    qtbot.keyClick(picker.filter, Qt.Key.Key_Return)
    text = replies.editor.text()
    assert text.startswith("Hi Guest, sorry you had to wait so long.") and text.endswith("— {owner_name}")
    qtbot.waitUntil(lambda: ("missing" in [k for *_, k in replies.editor.highlighter.spans]), timeout=2000)
    qtbot.waitUntil(lambda: window.store.get_draft(g0) is not None, timeout=2000)


def test_send_with_undo_then_sent_into_the_thread(window, replies, qtbot, replay, clock, answers) -> None:
    window.store.update_source(window.store.get_item(_open(window, qtbot, "g2")).source_id,
                               settings={"base_url": replay.base_url + "/v4", "account_id": "1", "location_id": "2"})
    replay.add("PUT", r"/v4/accounts/1/locations/2/reviews/g2/reply", Reply(json={"comment": "x"}))
    http = reply_http()
    replies.make_connector = factory(http, {"access_token": "tok"})
    g2 = _open(window, qtbot, "g2")
    text = "Hi Guest, sorry about the slow queue at lunch — we've added a second till. Next coffee's on me."
    replies.editor.editor.setPlainText(text)
    replies.send(True)
    assert replies.editor.banner_box.isVisible() and replies.editor.take_back_button.text() == "Undo"
    assert window.sidebar.entries["replies:outbox"].count == 1
    window.run_command("edit.undo")  # Ctrl+Z takes it back
    assert replies.editor.text() == text and replay.requests == []
    replies.send(True)
    replies.tick()
    assert replay.requests == []  # still inside the undo window
    clock.advance(seconds=6)
    replies.tick()
    qtbot.waitUntil(lambda: replay.count("PUT", r".*/reply") == 1 and not replies.flushing, timeout=5000)
    settle(qtbot, window)
    assert replay.requests[0].json() == {"comment": text}
    thread = window.store.get_thread(window.store.get_item(g2).thread_id)
    assert [i.text for i in thread.items if i.is_owner_reply] == ["x"]
    assert window.store.get_item(g2).status == "done"
    assert window.sidebar.entries["replies:outbox"].count == 0 and window.store.get_draft(g2) is None
    _open(window, qtbot, "g2")  # once the conversation is read, the editor says it has a reply
    assert replies.editor.title.text().endswith("you have replied in this thread before")
    closing = window.run_task(http.aclose())
    qtbot.waitUntil(closing.done, timeout=2000)


def test_sources_without_api_copy_and_open(window, replies, qtbot, answers) -> None:
    store = window.store
    yelp = store.add_source("yelp", "Café · Yelp")
    from inbox.domain import Author, Item

    store.save_page(yelp.id, [Item("y1", text="Cold coffee.", rating=2, url="https://www.yelp.com/biz/cafe?hrid=y1",
                                   author=Author("u1", display_name="Amy B."))])
    window.data_changed()
    settle(qtbot, window)
    _open(window, qtbot, "y1")
    editor = replies.editor
    assert editor.copy_button.isVisible() and not editor.send_button.isVisible()
    editor.editor.setPlainText("Hi Amy, sorry the coffee was cold — next one's on us.")
    editor.copy_button.click()
    assert QGuiApplication.clipboard().text() == "Hi Amy, sorry the coffee was cold — next one's on us."
    assert answers.opened_urls == ["https://www.yelp.com/biz/cafe?hrid=y1"]


def test_drafts_view_and_discard_with_undo(window, replies, qtbot) -> None:
    g0 = _open(window, qtbot, "g0")
    window.store.save_draft(g0, "Hi Guest, lovely to hear about the croissants.")
    replies.item_changed(window.current_item())
    replies.refresh_sidebar()
    window.sidebar.entries["replies:drafts"].on_activate()
    settle(qtbot, window)
    assert window.view_title == "Drafts" and [r.id for r in window.model.rows] == [g0]
    _open(window, qtbot, "g0")
    window.run_command("reply.discard_draft")
    assert window.store.get_draft(g0) is None and replies.editor.text() == ""
    window.run_command("edit.undo")
    assert window.store.get_draft(g0).text == "Hi Guest, lovely to hear about the croissants."
    assert replies.editor.text() == "Hi Guest, lovely to hear about the croissants."


def test_hostile_author_name_is_plain_text(window, replies, qtbot) -> None:
    from inbox.domain import Author, Item

    store = window.store
    source = store.get_source("Café · Google")
    store.save_page(source.id, [Item("evil", text="ok", rating=4, created_at=None,
                                     author=Author("e1", display_name="<b>Bob</b>\u202e" + "x" * 300))])
    window.data_changed()
    settle(qtbot, window)
    _open(window, qtbot, "evil")
    title = replies.editor.title
    assert title.textFormat() == Qt.TextFormat.PlainText
    assert title.text().startswith("Reply to <b>Bob</b>") and "\u202e" not in title.text()
    assert len(title.text()) < 80
    entry = replies.outbox.queue(window.current_item().id, "Hi Bob, thanks.")
    replies.outbox._record_failure(entry.id, "refused", None)
    replies.refresh_sidebar()
    tooltip = window.sidebar.entries["replies:outbox"].tooltip
    assert tooltip.startswith("<qt>") and "&lt;b&gt;Bob&lt;/b&gt;" in tooltip and "<b>" not in tooltip


def test_owner_replies_and_competitors_are_read_only(window, replies, qtbot) -> None:
    window.open_item(window.store.conn.execute("SELECT id FROM items WHERE external_id = 'r0'").fetchone()[0])
    settle(qtbot, window)
    assert replies.editor.closed_note.isVisible() and not replies.editor.editor.isVisible()
    assert "competitor" in replies.editor.closed_note.text()


def test_grab_screenshots(window, replies, qtbot, tmp_path) -> None:
    _open(window, qtbot, "g1")
    replies.editor.editor.setPlainText("Dear valued customer, we value your feedback and apologize for any "
                                       "inconvenience. {owner_name}")
    replies.editor.run_tone_check()
    qtbot.wait(50)
    assert not window.grab().isNull()
    window.grab().save(str(tmp_path / "window.png"))
    replies.manage_saved_replies()
    assert not replies.dialog.grab().isNull()
    replies.dialog.reject()


def test_the_window_close_saves_the_draft(window, replies, qtbot) -> None:
    g0 = _open(window, qtbot, "g0")
    qtbot.keyClicks(replies.editor.editor, "Hi Guest")
    window.close()
    assert window.store.get_draft(g0).text == "Hi Guest"




def test_picker_ranks_name_matches_first(window, replies, qtbot) -> None:
    _open(window, qtbot, "g0")
    picker = replies.show_picker()
    qtbot.keyClicks(picker.filter, "sorry")
    names = picker.visible_names()
    assert set(names[:2]) == {"Sorry about the wait", "Sorry, let's put it right"} and len(names) >= 3
    qtbot.keyClick(picker.filter, Qt.Key.Key_Down)
    qtbot.keyClick(picker.filter, Qt.Key.Key_Return)
    assert replies.editor.text().startswith(("Hi Guest, I'm really sorry", "Hi Guest, sorry you had to wait"))


def test_keyboard_r_types_in_the_editor_and_ctrl_enter_sends(window, replies, qtbot) -> None:
    g0 = _open(window, qtbot, "g0")
    window.activateWindow()
    replies.editor.editor.setFocus()
    qtbot.keyClicks(replies.editor.editor, "Hi Guest, rr")
    assert replies.editor.text() == "Hi Guest, rr" and replies.dialog is None  # R typed, no picker
    qtbot.keyClick(replies.editor.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    entry = replies.outbox.pending_for(g0)
    assert entry is not None and entry.text == "Hi Guest, rr" and entry.state == "queued"


def test_a_refused_reply_shows_in_the_outbox_and_banner(window, replies, qtbot, replay, clock) -> None:
    g2 = _open(window, qtbot, "g2")
    window.store.update_source(window.store.get_item(g2).source_id,
                               settings={"base_url": replay.base_url + "/v4", "account_id": "1", "location_id": "2"})
    replay.add("PUT", r"/v4/accounts/1/locations/2/reviews/g2/reply",
               Reply(status=404, json={"error": {"code": 404, "message": "Review not found", "status": "NOT_FOUND"}}))
    http = reply_http()
    replies.make_connector = factory(http, {"access_token": "tok"})
    replies.editor.editor.setPlainText("Hi Guest, sorry about the queue at lunch; next coffee is on me.")
    replies.send(False)
    clock.advance(seconds=6)
    replies.tick()
    qtbot.waitUntil(lambda: bool(replay.requests) and not replies.flushing, timeout=5000)
    entry = window.sidebar.entries["replies:outbox"]
    assert entry.count == 1 and entry.state == "error" and "Review not found" in entry.tooltip
    editor = replies.editor
    assert editor.banner.text() == "Not sent: Google rejected the reply: Review not found"
    assert editor.retry_button.text() == "Try again" and editor.editor.isReadOnly()
    editor.take_back_button.click()  # take it back to edit
    assert editor.text().startswith("Hi Guest, sorry") and not editor.editor.isReadOnly()
    assert window.sidebar.entries["replies:outbox"].count == 0
    closing = window.run_task(http.aclose())
    qtbot.waitUntil(closing.done, timeout=2000)


def test_save_this_reply_as_a_saved_reply_and_discard_button(window, replies, qtbot, answers) -> None:
    g0 = _open(window, qtbot, "g0")
    qtbot.keyClicks(replies.editor.editor, "Hi Guest, glad the croissants were good.")
    answers.texts.append("Croissant thanks")
    window.run_command("reply.save_as_saved")
    from inbox.services.saved_replies import list_saved_replies

    saved = {s.name: s.body for s in list_saved_replies(window.store)}
    assert saved["Croissant thanks"] == "Hi {author_first_name}, glad the croissants were good."
    assert replies.editor.discard_button.isEnabled()
    replies.editor.discard_button.click()
    assert replies.editor.text() == "" and window.store.get_draft(g0) is None
    assert not replies.editor.discard_button.isEnabled()


def test_demo_workspace_replies_stay_local(workspace_store, make_window, qtbot, replay) -> None:
    from inbox.ui.replies import install

    window = make_window(workspace_store, is_demo=True)
    replies = install(window)
    g2 = _open(window, qtbot, "g2")
    replies.editor.editor.setPlainText("Hi Guest, sorry about the slow queue at lunch.")
    replies.send(True)
    thread = window.store.get_thread(window.store.get_item(g2).thread_id)
    assert [i.text for i in thread.items if i.is_owner_reply] == ["Hi Guest, sorry about the slow queue at lunch."]
    assert window.store.get_item(g2).status == "done" and replies.outbox.entries() == []
    assert "nothing was posted" in window.statusBar().currentMessage()


def test_esc_in_the_reply_box_only_returns_to_the_list(window, replies, qtbot) -> None:
    """With a search active, Esc in the editor must not clear it, change the view or open
    another customer: the draft stays with its item and the list gets the keyboard."""
    window.list_ctl.apply_filter_change({"query": "croissants"})
    settle(qtbot, window)
    assert window.model.rows
    window.list_ctl.select_row(0)
    settle(qtbot, window)
    item = window.current_item()
    title, rows = window.view_title, [r.id for r in window.model.rows]
    editor = replies.editor
    editor.editor.setFocus()
    qtbot.keyClicks(editor.editor, "Hi, about the croissants")
    qtbot.keyClick(editor.editor, Qt.Key.Key_Escape)
    settle(qtbot, window)
    assert window.list_view.hasFocus()
    assert window.current_filter().query == "croissants" and window.search_bar.field.text() == "croissants"
    assert window.view_title == title and [r.id for r in window.model.rows] == rows
    assert window.current_item().id == item.id and editor.item.id == item.id
    assert editor.text() == "Hi, about the croissants"
    qtbot.keyClick(window.list_view, Qt.Key.Key_Escape)  # a second Esc, from the list, clears the search
    settle(qtbot, window)
    assert window.current_filter().query == ""


def _choose_saved(replies, qtbot, name: str) -> None:
    replies.window.run_command("reply.picker")
    picker = replies.dialog
    qtbot.keyClicks(picker.filter, name)
    qtbot.keyClick(picker.filter, Qt.Key.Key_Return)


def test_saved_reply_into_a_draft_asks_replace_or_append(window, replies, qtbot) -> None:
    window.store.set_setting("owner_name", "Maria")
    _open(window, qtbot, "g0")
    editor = replies.editor
    _choose_saved(replies, qtbot, "great review")  # an empty box: no question
    first = editor.text()
    assert first.startswith("Hi Guest, thank you!") and first.endswith("— Maria")

    editor.set_text("Hi Guest, the croissants are baked at six.")
    _choose_saved(replies, qtbot, "wait")
    ask = replies.dialog
    assert ask.isVisible() and "Replace" in [b.text() for b in ask.buttons()]
    assert editor.text() == "Hi Guest, the croissants are baked at six."  # nothing changes before the answer
    append = next(b for b in ask.buttons() if b.text() == "Append")
    qtbot.mouseClick(append, Qt.MouseButton.LeftButton)
    text = editor.text()
    assert text.startswith("Hi Guest, the croissants are baked at six.\n\nHi Guest, sorry you had to wait")
    qtbot.waitUntil(lambda: "two_greetings" in editor.flag_codes(), timeout=2000)  # the tone check notices

    _choose_saved(replies, qtbot, "great review")
    replace = next(b for b in replies.dialog.buttons() if b.text() == "Replace")
    qtbot.mouseClick(replace, Qt.MouseButton.LeftButton)
    assert editor.text() == first

    _choose_saved(replies, qtbot, "wait")
    cancel = next(b for b in replies.dialog.buttons() if b.text() not in ("Replace", "Append"))
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert editor.text() == first
    editor.save_now()  # before the workspace closes


def test_counter_counts_what_is_sent_and_hides_when_empty(window, replies, qtbot) -> None:
    _open(window, qtbot, "g0")  # Google: a limit in bytes
    editor = replies.editor
    editor.run_tone_check()
    assert editor.counter.text() == ""
    editor.set_text("   \n\n  ")
    editor.run_tone_check()
    assert editor.counter.text() == ""
    editor.set_text("  Thanks!\n\n\n")
    editor.run_tone_check()
    assert editor.counter.text().startswith("7 / ")
    editor.save_now()  # before the workspace closes


def _fully_visible(widget, window) -> bool:
    """The whole widget is on screen: inside the window and not scrolled out of any parent."""
    from PySide6.QtCore import QRect

    rect = QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())
    if not window.rect().contains(rect):
        return False
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        shown = QRect(parent.mapTo(window, parent.rect().topLeft()), parent.size())
        if not shown.contains(rect):
            return False
        parent = parent.parentWidget()
    return True


@pytest.mark.parametrize("size", [(1024, 640), (1280, 800)])
def test_send_is_in_sight_with_tone_flags_on_a_small_screen(window, replies, qtbot, size) -> None:
    window.resize(*size)
    _open(window, qtbot, "g1")
    editor = replies.editor
    editor.set_text("Hi Guest, the wifi password is on the chalkboard by the till.\n\n"
                    "Hi Guest, thank you! It made our day. — Maria\n\nBest wishes, Maria")
    editor.run_tone_check()
    qtbot.waitUntil(lambda: editor.tone.isVisible(), timeout=2000)
    assert editor.tone.count() >= 2
    qtbot.wait(50)
    for w in (editor.send_button, editor.editor, editor.tone.viewport()):
        assert _fully_visible(w, window), w.objectName() or w
    assert window.reading.browser.height() >= 60  # the conversation keeps some room
    editor.set_text("")
    editor.run_tone_check()
    qtbot.wait(50)
    assert _fully_visible(editor.send_button, window)


def test_the_reply_box_drawn_ahead_in_an_empty_inbox_opens_the_first_item_as_usual(qtbot, qloop, tmp_path,
                                                                                    clock) -> None:
    """An empty inbox draws the hidden reply box once off screen (its first show was a
    frame's share of the turn a sync's first rows open); nothing of it shows until an item
    is open, and the first item then gets its own title and controls."""
    from datetime import timedelta

    from PySide6.QtCore import QSettings

    from inbox.domain import Author, Item, ItemKind
    from inbox.store import Store
    from inbox.ui.main_window import MainWindow
    from inbox.ui.replies import install

    store = Store(tmp_path / "empty.db")
    window = MainWindow(store, clock=clock, settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    editor = install(window).editor
    drawn = []
    grab = editor.grab
    editor.grab = lambda *args: (drawn.append(editor.isVisible()), grab(*args))[1]
    window.resize(1280, 800)
    window.show()
    try:
        settle(qtbot, window)
        assert drawn == [False]  # once, while hidden
        assert editor.item is None and not editor.isVisible()
        assert all(w.isHidden() for w in editor.controls)  # as show_item(None) left them

        source = store.add_source("google", "Café · Google")
        store.save_page(source.id, [
            Item(external_id=f"g{n}", kind=ItemKind.REVIEW, rating=4, text=f"Lovely coffee number {n}",
                 author=Author(external_id=f"a{n}", display_name=f"Guest {n}"),
                 created_at=clock() - timedelta(minutes=n + 1))
            for n in range(3)])
        window.data_changed()  # what a sync does as a source finishes
        qtbot.waitUntil(lambda: editor.item is not None, timeout=5000)
        settle(qtbot, window)
        assert editor.item.id == window.model.rows[0].id == window.reading_ctl.current.id
        assert editor.isVisible() and editor.title.text() == "Reply to Guest 0 on Google"
        assert editor.editor.isVisible() and editor.saved_button.isVisible()
        assert editor.copy_button.isVisible() != editor.send_button.isVisible()  # one way to answer
    finally:
        window.shutdown()
        store.close()
