"""Conversations in the window: one row per conversation, triage of whole conversations
(one key, a bulk selection, undo back to exactly what was there), the reading pane showing
each message once with the owner's replies marked, and a stemmed search."""

from __future__ import annotations

from PySide6.QtCore import Qt

from inbox.domain import Author, Item
from tests.ui.conftest import settle
from tests.ui.test_triage import focus_list, press


def statuses(store) -> dict[str, tuple[str, str | None]]:
    return {r[0]: (r[1], r[2]) for r in store.conn.execute("SELECT external_id, status, snoozed_until FROM items")}


def row_of(window, external_id: str) -> int:
    return next(n for n, r in enumerate(window.model.rows) if r.external_id == external_id)


def test_a_mention_and_its_replies_are_one_row_with_its_count(window, qtbot, workspace_store):
    settle(qtbot, window)
    rows = {r.external_id: r for r in window.model.rows}
    assert "m1" in rows and "m2" not in rows and "m3" not in rows
    assert rows["m1"].messages == 3
    assert (rows["g1"].messages, rows["g1"].replied) == (2, True)  # the review and the owner's reply
    assert "g-reply-1" not in rows
    assert "3 messages" in window.model.data(window.model.index(row_of(window, "m1")),
                                             Qt.ItemDataRole.AccessibleTextRole)
    # the counts count what the list shows
    masto = workspace_store.get_source("Mastodon mentions").id
    assert window.sidebar.entries[f"source:{masto}"].count == 1
    assert window.sidebar.entries["view:inbox"].count == len(window.model.rows)
    qtbot.waitUntil(lambda: window.list_count.text() == f"{len(window.model.rows)} conversations")


def test_done_on_a_conversation_is_one_key_and_undo_restores_each_message(window, qtbot, workspace_store):
    store = workspace_store
    focus_list(qtbot, window)
    window.reading_ctl.set_mark_read_on_open(False)  # so that undo has exact states to compare
    before = statuses(store)
    n_rows = len(window.model.rows)
    window.list_ctl.select_row(row_of(window, "m1"))
    press(qtbot, window, Qt.Key.Key_E)
    after = statuses(store)
    assert {after[e][0] for e in ("m1", "m2", "m3")} == {"done"}
    assert len(window.model.rows) == n_rows - 1
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.sidebar.entries["view:done"].count == 1)

    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, window)
    assert statuses(store) == before  # each message as it was, unread ones unread
    assert len(window.model.rows) == n_rows
    qtbot.waitUntil(lambda: window.sidebar.entries["view:done"].count == 0)


def test_bulk_snooze_tag_and_done_of_conversations_then_undo_each(window, qtbot, workspace_store):
    store = workspace_store
    focus_list(qtbot, window)
    window.reading_ctl.set_mark_read_on_open(False)  # so that undo has exact states to compare
    before = statuses(store)
    tags_before = sorted(store.conn.execute("SELECT item_id, tag_id FROM item_tags").fetchall())
    first, last = row_of(window, "m1"), row_of(window, "g1")
    lo, hi = min(first, last), max(first, last)
    qtbot.mouseClick(window.list_view.viewport(), Qt.MouseButton.LeftButton,
                     pos=window.list_view.visualRect(window.model.index(lo)).center())
    qtbot.mouseClick(window.list_view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier,
                     pos=window.list_view.visualRect(window.model.index(hi)).center())
    selected = window.selected_item_ids()
    assert len(selected) == hi - lo + 1

    window.tag("follow up")
    tagged = {r[0] for r in store.conn.execute(
        "SELECT i.external_id FROM item_tags it JOIN items i ON i.id = it.item_id")}
    assert {"m1", "m2", "m3", "g1", "g-reply-1"} <= tagged  # every message of each conversation
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.sidebar.entries.get("tag:follow up") is not None
                    and window.sidebar.entries["tag:follow up"].count == len(selected))

    press(qtbot, window, Qt.Key.Key_E)
    done = statuses(store)
    assert all(done[e][0] == "done" for e in ("m1", "m2", "m3", "g1", "g-reply-1"))
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.sidebar.entries["view:done"].count == len(selected))

    for _ in range(2):  # undo done, then undo the tag
        press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier, widget=window.list_view)
        settle(qtbot, window)
    assert statuses(store) == before
    assert sorted(store.conn.execute("SELECT item_id, tag_id FROM item_tags").fetchall()) == tags_before
    qtbot.waitUntil(lambda: window.sidebar.entries["view:done"].count == 0)
    assert store.counts() == store.recounted()


def test_the_reading_pane_shows_each_message_once_and_the_owner_reply_as_yours(window, qtbot, workspace_store):
    store = workspace_store
    google = store.get_source("Café · Google").id
    g1 = store.conn.execute("SELECT created_at FROM items WHERE external_id = 'g1'").fetchone()[0]
    # the same reply fetched back under a second id (posted twice, or sent from here and synced)
    from inbox.domain import parse_time
    store.save_page(google, [Item("g-reply-2", "reply", is_owner_reply=True, parent_external_id="g1",
                                  text="Thank you,  see you soon! — Ellie", created_at=parse_time(g1),
                                  author=Author("owner", "Café (owner)"))])
    window.list_ctl.reload()
    settle(qtbot, window)
    window.list_ctl.select_row(row_of(window, "g1"))
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.reading_ctl.view is not None and window.reading_ctl.view.item.external_id == "g1")
    text = window.reading.browser.toPlainText()
    assert text.count("see you soon") == 1
    assert "Your reply" in text
    assert window.reading.header.text().endswith("· 2 messages")


def test_search_finds_plural_and_singular(window, qtbot):
    from tests.ui.test_search import search

    search(qtbot, window, "croissant")
    found = {r.external_id for r in window.model.rows}
    assert found and all("croissants" in r.text for r in window.model.rows)
    search(qtbot, window, "croissants")
    assert {r.external_id for r in window.model.rows} == found
