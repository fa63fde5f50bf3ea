"""The reading pane: threads as conversations, the author one click away, and untrusted
HTML that shows as text and opens nothing."""

from __future__ import annotations

from PySide6.QtCore import QUrl

from tests.ui.conftest import settle


def item_by_external(store, source_name: str, external_id: str):
    source = next(s for s in store.list_sources() if s.name == source_name)
    row = store.conn.execute("SELECT id FROM items WHERE source_id = ? AND external_id = ?",
                             (source.id, external_id)).fetchone()
    return store.get_item(row[0])


def test_review_shows_with_the_owners_reply(window, qtbot, workspace_store):
    review = item_by_external(workspace_store, "Café · Google", "g1")
    window.open_item(review.id)
    assert window.current_item().id == review.id  # at once; the conversation comes from a worker
    settle(qtbot, window)
    text = window.reading.browser.toPlainText()
    assert window.current_item().id == review.id
    assert "Review number 1: slow queue at lunch" in text
    assert "Thank you, see you soon! — Ellie" in text
    assert text.index("Review number 1") < text.index("Thank you")
    assert "Your reply" in text  # the owner's reply, labelled as theirs
    assert "View original" in text
    assert window.reading.header.text() == "Review by Guest 01 · 2 messages"


def test_mention_shows_replies_under_it_from_any_reply(window, qtbot, workspace_store):
    reply = item_by_external(workspace_store, "Mastodon mentions", "m3")
    window.open_item(reply.id)
    settle(qtbot, window)
    text = window.reading.browser.toPlainText()
    order = [text.index(s) for s in ("Anyone tried the new flat white", "Yes! Best in town.", "Too milky for me.")]
    assert order == sorted(order)
    assert window.reading.header.text() == "Mention by Ana · 3 messages"
    # the reply that was opened (from a search, say) is the one marked
    assert "Cy @cy ◀ opened" in text and text.count("◀ opened") == 1


def test_author_other_items_are_one_click_away(window, qtbot, workspace_store):
    # Guest 03 wrote reviews g3 and g23
    review = item_by_external(workspace_store, "Café · Google", "g23")
    window.open_item(review.id)
    settle(qtbot, window)
    assert "1 other item by this author" in window.reading.browser.toPlainText()
    window.reading.browser.anchorClicked.emit(QUrl(f"inbox:author/{review.author_id}"))
    settle(qtbot, window)
    assert {r.author_name for r in window.model.rows} == {"Guest 03"}
    assert len(window.model.rows) == 2
    assert window.list_title.text() == "By Guest 03"


def test_current_item_changed_is_emitted_once_per_item(window, qtbot, workspace_store):
    seen = []
    window.current_item_changed.connect(seen.append)
    target = window.model.rows[3]
    window.open_item(target.id)
    window.data_changed()
    settle(qtbot, window)
    assert [i.id for i in seen] == [target.id]


def test_hostile_html_shows_as_text_and_opens_nothing(window, qtbot, workspace_store, answers):
    evil = item_by_external(workspace_store, "Café · Google", "g3")
    window.open_item(evil.id)
    settle(qtbot, window)
    browser = window.reading.browser
    html = browser.toHtml()
    text = browser.toPlainText()
    assert "Great cake" in text and "my photos" in text
    assert "alert" not in html
    assert "<img" not in html
    assert "file:" not in html and "javascript:" not in html
    assert "tracker.example" not in html
    assert browser.loaded_resources == []  # no image or stylesheet was fetched

    # even if such links are clicked (e.g. from a tampered DB), they never open
    answers.confirm = True
    for url in ("file:///etc/passwd", "javascript:alert(1)", "/etc/passwd", "data:text/html,hi"):
        browser.anchorClicked.emit(QUrl(url))
    assert answers.opened_urls == []
    assert answers.asked == []  # not even offered

    # a web link asks first; "No" opens nothing, "Yes" opens exactly that link
    answers.confirm = False
    browser.anchorClicked.emit(QUrl("https://example.org/photos"))
    assert answers.opened_urls == []
    assert len(answers.asked) == 1 and "https://example.org/photos" in answers.asked[0][1]
    answers.confirm = True
    browser.anchorClicked.emit(QUrl("https://example.org/photos"))
    assert answers.opened_urls == ["https://example.org/photos"]


def test_browser_refuses_resources_and_does_not_follow_links(window):
    from PySide6.QtGui import QTextDocument

    browser = window.reading.browser
    assert browser.openLinks() is False and browser.openExternalLinks() is False
    assert browser.loadResource(QTextDocument.ResourceType.ImageResource.value, QUrl("file:///etc/hostname")) is None


def test_plain_text_is_escaped(window, qtbot, workspace_store):
    from datetime import timedelta

    from inbox.domain import Author, Item

    source = workspace_store.list_sources()[0]
    workspace_store.save_page(source.id, [Item(
        external_id="plain-evil", text='<b>not bold</b> <a href="file:///etc/passwd">x</a>',
        author=Author(external_id="z", display_name="<i>Zed</i>"),
        created_at=window.clock() - timedelta(minutes=1))])
    window.data_changed()
    settle(qtbot, window)
    item = item_by_external(workspace_store, source.name, "plain-evil")
    window.open_item(item.id)
    settle(qtbot, window)
    text = window.reading.browser.toPlainText()
    assert '<b>not bold</b> <a href="file:///etc/passwd">x</a>' in text
    assert "<i>Zed</i>" in text
    assert 'href="file:' not in window.reading.browser.toHtml()  # shown as text, not a link


def test_colours_follow_the_palette(window, qtbot, qapp):
    from PySide6.QtGui import QColor, QPalette

    from inbox.ui.reading_pane import muted_colour

    light = muted_colour(window.reading.palette())
    dark = QPalette(window.palette())
    for role, colour in ((QPalette.ColorRole.Window, "#202124"), (QPalette.ColorRole.Base, "#1b1b1d"),
                         (QPalette.ColorRole.Text, "#e8eaed"), (QPalette.ColorRole.WindowText, "#e8eaed")):
        dark.setColor(role, QColor(colour))
    window.setPalette(dark)
    qapp.processEvents()
    muted = muted_colour(window.reading.palette())
    assert muted != light
    assert QColor(muted).lightness() > 100  # readable on the dark background
    assert muted in window.reading.browser.toHtml() or muted.upper() in window.reading.browser.toHtml().upper()
