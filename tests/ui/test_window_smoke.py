"""The window opens on a workspace, lists the inbox and shows the first item."""

from __future__ import annotations

from inbox.domain import InboxFilter, View


def test_window_lists_inbox_newest_first_and_opens_first_item(window):
    rows = window.model.rows
    # reviews, the mention with its 2 comments as one conversation, rival; the owner's reply
    # is part of its review's conversation
    assert len(rows) == 25 + 1 + 5
    assert (rows[0].text, rows[0].messages) == ("Anyone tried the new flat white at the café?", 3)
    assert not any(r.is_owner_reply for r in rows)
    assert [r.created_at for r in rows] == sorted((r.created_at for r in rows), reverse=True)
    assert window.current_item() is not None
    assert window.current_item().id == rows[0].id
    assert window.sidebar.entries["view:inbox"].count == len(rows)


def test_show_items_points_the_list_at_a_filter(window, qtbot):
    window.show_items(InboxFilter(view=View.ALL, whose="competitor"), "Competitors")
    qtbot.waitUntil(lambda: not window.model.loading)
    assert len(window.model.rows) == 5
    assert all(r.whose == "competitor" for r in window.model.rows)
    assert window.current_filter().whose == "competitor"
    assert window.list_title.text() == "Competitors"
