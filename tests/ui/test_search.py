"""Search and filter chips, bad queries, saved searches in the sidebar."""

from __future__ import annotations

from PySide6.QtCore import Qt

from inbox.domain import View
from tests.ui.conftest import settle


def chip_action(window, chip: str, label: str):
    chip_widget = window.search_bar.chips[chip]
    for action in chip_widget.menu_.actions():
        if action.text() == label:
            return action
    raise AssertionError(f"no {label!r} in {[a.text() for a in chip_widget.menu_.actions()]}")


def search(qtbot, window, text: str) -> None:
    field = window.search_bar.field
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    settle(qtbot, window)


def test_search_field_runs_fts_queries(window, qtbot):
    search(qtbot, window, "croissants")
    assert window.model.rows
    assert all("croissant" in r.text.lower() for r in window.model.rows)  # stemmed: either number
    assert window.list_title.text() == "Search: croissants"
    assert window.current_filter().query == "croissants"
    n = len(window.model.rows)  # a search lists the messages that match
    qtbot.waitUntil(lambda: window.list_count.text() == f"{n} message{'s' if n != 1 else ''}")

    search(qtbot, window, "nothing-like-this")
    assert window.model.rows == []
    assert window.list_stack.currentWidget() is window.empty_label
    assert window.empty_label.text() == "Nothing matches this search."


def test_bad_query_shows_its_message_and_keeps_the_list(window, qtbot):
    before = [r.id for r in window.model.rows]
    search(qtbot, window, '"unclosed')
    assert window.search_bar.error.isVisible()
    assert "quote is not closed" in window.search_bar.error.text()
    assert [r.id for r in window.model.rows] == before
    search(qtbot, window, "queue")
    assert not window.search_bar.error.isVisible()


def test_filter_chips_narrow_the_list(window, qtbot, workspace_store):
    window.refresh_counts()
    settle(qtbot, window)
    chip_action(window, "rating", "5 ★ only").trigger()
    settle(qtbot, window)
    assert window.model.rows and all(r.rating == 5 for r in window.model.rows)
    assert window.search_bar.chips["rating"].text() == "Rating: 5 ★"
    assert window.search_bar.chips["rating"].isChecked()

    chip_action(window, "rating", "Any rating").trigger()
    chip_action(window, "source", "Mastodon mentions").trigger()
    settle(qtbot, window)
    assert {r.source_name for r in window.model.rows} == {"Mastodon mentions"}

    chip_action(window, "source", "All sources").trigger()
    chip_action(window, "whose", "Competitors").trigger()
    settle(qtbot, window)
    assert len(window.model.rows) == 5 and all(r.whose == "competitor" for r in window.model.rows)

    chip_action(window, "whose", "Own and competitors").trigger()
    chip_action(window, "date", "Today").trigger()
    settle(qtbot, window)
    assert window.model.rows and all(r.created_at.startswith("2026-03-02") for r in window.model.rows)

    chip_action(window, "date", "Any time").trigger()
    chip_action(window, "view", "Done").trigger()
    settle(qtbot, window)
    assert window.model.rows == []

    from inbox.domain import InboxFilter

    tagged = sorted(r.id for r in workspace_store.list_items(InboxFilter(view=View.ALL), limit=2)[0])
    workspace_store.tag_items(tagged, "coffee")
    window.refresh_counts()
    settle(qtbot, window)
    chip_action(window, "view", "All").trigger()
    chip_action(window, "tag", "coffee").trigger()
    settle(qtbot, window)
    assert sorted(r.id for r in window.model.rows) == tagged
    window.clear_filters()
    settle(qtbot, window)
    assert window.current_filter().tags == [] and window.current_filter().view == View.ALL


def test_save_and_delete_a_search(window, qtbot, answers):
    search(qtbot, window, "queue")
    chip_action(window, "rating", "1–2 ★").trigger()
    settle(qtbot, window)
    expected = [r.id for r in window.model.rows]
    assert expected
    answers.texts.append("Slow lunches")
    window.save_current_search()
    entry = window.sidebar.entries[window.view_key]
    assert entry.section == "Saved searches" and entry.label == "Slow lunches"

    window.show_view(View.ALL)
    settle(qtbot, window)
    window.sidebar._activated(entry.item)
    settle(qtbot, window)
    assert [r.id for r in window.model.rows] == expected
    assert window.current_filter().query == "queue"
    assert window.search_bar.field.text() == "queue"

    answers.confirm = False
    window.delete_current_saved_search()
    assert entry.key in window.sidebar.entries
    answers.confirm = True
    window.delete_current_saved_search()
    assert entry.key not in window.sidebar.entries
    assert window.sidebar.sections["Saved searches"].childCount() == 0


def test_sidebar_counts_and_sources(window, qtbot, workspace_store):
    settle(qtbot, window)
    entries = window.sidebar.entries
    assert entries["view:all"].count == 31  # conversations: the mention and its comments are one
    assert entries["whose:competitor"].count == 5
    sources = {s.name: s.id for s in workspace_store.list_sources()}
    assert entries[f"source:{sources['Mastodon mentions']}"].count == 1
    workspace_store.update_source(sources["Rival · Google"], last_error="401: key rejected")
    window.refresh_counts()
    settle(qtbot, window)
    rival = entries[f"source:{sources['Rival · Google']}"]
    assert rival.state == "error" and "401: key rejected" in rival.tooltip
    window.sidebar._activated(rival.item)
    settle(qtbot, window)
    assert {r.source_name for r in window.model.rows} == {"Rival · Google"}


def test_custom_date_range(window, qtbot):
    from PySide6.QtCore import QDate

    chip_action(window, "date", "Custom range…").trigger()
    dialog = window.active_dialog
    assert dialog.windowTitle() == "Date range" and dialog.isVisible()
    dialog.since.setDate(QDate(2026, 3, 1))
    dialog.until.setDate(QDate(2026, 2, 26))  # the wrong way round: swapped, not refused
    dialog.choose()
    settle(qtbot, window)
    flt = window.current_filter()
    assert (flt.since, flt.until) == ("2026-02-26", "2026-03-01")
    assert window.model.rows
    assert all("2026-02-26" <= r.created_at[:10] <= "2026-03-01" for r in window.model.rows)
    assert window.search_bar.chips["date"].text() == "Date: 26 Feb – 1 Mar"  # no ISO dates on screen
    assert chip_action(window, "date", "Custom range…").isChecked()


def test_sentiment_chip_narrows_by_the_owners_correction(window, qtbot, workspace_store):
    from inbox.services import sentiment

    settle(qtbot, window)
    happy = window.model.rows[0]
    window.store.conn.execute("UPDATE items SET sentiment = 0.9, sentiment_label = 'positive' WHERE id = ?",
                              (happy.id,))
    sentiment.set_override(window.store, [happy.id], "negative")
    window.data_changed()
    settle(qtbot, window)
    chip_action(window, "sentiment", "Negative").trigger()
    settle(qtbot, window)
    assert happy.id in {r.id for r in window.model.rows}
    assert all(r.sentiment == "negative" for r in window.model.rows)
    assert window.current_filter().sentiment == "negative"
    assert window.search_bar.chips["sentiment"].text() == "Sentiment: Negative"
    assert window.search_bar.chips["sentiment"].isChecked()
    chip_action(window, "sentiment", "Any sentiment").trigger()
    settle(qtbot, window)
    assert window.current_filter().sentiment is None
    assert not window.search_bar.chips["sentiment"].isChecked()
def test_chips_say_it_in_words_and_stay_small(window, qtbot, workspace_store):
    """"Rating: 1–2 ★", "Since 1 Mar", many sources as a count; a chip never grows past its
    maximum, the whole value is in its tooltip."""
    chip_action(window, "rating", "1–2 ★").trigger()
    window.list_ctl.apply_filter_change({"since": "2026-03-01", "until": None})
    settle(qtbot, window)
    chips = window.search_bar.chips
    assert chips["rating"].text() == "Rating: 1–2 ★"
    assert chips["date"].text() == "Date: Since 1 Mar"
    ids = [s.id for s in workspace_store.list_sources()]
    assert len(ids) >= 2
    window.list_ctl.apply_filter_change({"since": None, "source_ids": ids})
    settle(qtbot, window)
    assert chips["source"].text() == f"Source: {len(ids)} sources"
    assert all(s.name in chips["source"].toolTip() for s in workspace_store.list_sources())
    from inbox.ui.search_bar import CHIP_MAX_WIDTH
    assert all(c.width() <= CHIP_MAX_WIDTH for c in chips.values())


def test_search_looks_everywhere_with_a_scope_chip_and_the_sidebar_follows(window, qtbot):
    window.show_view(View.INBOX)
    settle(qtbot, window)
    assert window.sidebar.currentItem() is window.sidebar.entries["view:inbox"].item
    search(qtbot, window, "queue")
    scope = window.search_bar.chips["scope"]
    assert scope.isVisible() and scope.text() == "In: All"
    assert window.current_filter().view == View.ALL
    assert window.sidebar.currentItem() is window.sidebar.entries["view:all"].item
    chip_action(window, "scope", "Only Inbox").trigger()
    settle(qtbot, window)
    assert scope.text() == "In: Inbox" and window.current_filter().view == View.INBOX
    assert window.sidebar.currentItem() is window.sidebar.entries["view:inbox"].item
    window.list_ctl.apply_filter_change({"query": ""})
    settle(qtbot, window)
    assert not scope.isVisible()
    chip_action(window, "view", "Done").trigger()  # the Status chip moves the highlight too
    settle(qtbot, window)
    assert window.current_filter().view == View.DONE, window.current_filter()
    assert window.sidebar.currentItem() is window.sidebar.entries["view:done"].item, window.sidebar.currentItem().text(0)


def test_sources_are_grouped_under_their_business(window, qtbot, workspace_store):
    settle(qtbot, window)
    entries = window.sidebar.entries
    sources = {s.name: s.id for s in workspace_store.list_sources()}
    rival = entries[f"source:{sources['Rival · Google']}"]
    business = rival.item.parent()
    assert business.text(0) == "Rival" and rival.label == "Google"  # the business once, the site under it
    assert "Rival · Google" in rival.item.toolTip(0)  # the whole name one hover away
    own = entries[f"source:{sources['Mastodon mentions']}"].item.parent()
    assert own is not business and own.parent() is window.sidebar.sections["Sources"]
    window.sidebar._activated(business)
    settle(qtbot, window)
    assert {r.whose for r in window.model.rows} == {"competitor"} and window.list_title.text() == "Rival"
    assert window.sidebar.currentItem() is business
    long_name = "A source with a name far too long to fit in the sidebar at any sensible width"
    workspace_store.add_source("rss", long_name)
    window.refresh_counts()
    settle(qtbot, window)
    entry = next(e for e in entries.values() if e.label == long_name)
    assert window.sidebar.textElideMode() == Qt.TextElideMode.ElideRight and long_name in entry.item.toolTip(0)


def test_a_saved_search_or_tag_stays_lit_only_while_the_list_keeps_it(window, qtbot, workspace_store, answers):
    search(qtbot, window, "queue")
    answers.texts.append("Queues")
    window.save_current_search()
    saved = window.sidebar.entries[window.view_key]
    window.sidebar._activated(saved.item)
    settle(qtbot, window)
    assert window.sidebar.currentItem() is saved.item
    chip_action(window, "rating", "1–2 ★").trigger()  # narrower: still that search
    settle(qtbot, window)
    assert window.sidebar.currentItem() is saved.item
    search(qtbot, window, "croissant")  # another search: no longer the saved one
    assert window.sidebar.currentItem() is None or window.sidebar.currentItem() is not saved.item
