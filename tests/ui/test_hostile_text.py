"""Untrusted text is plain text everywhere: hostile names, titles, errors and tag colours go
through each widget that shows them, and nothing is interpreted (no image loaded, no link
made, no style applied)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtGui import Qt, QTextDocument  # QtGui's Qt has mightBeRichText
from PySide6.QtWidgets import QLabel

from inbox.domain import Author, Item, ItemKind
from tests.ui.conftest import settle


def hostile(tmp: Path) -> str:
    picture = tmp / "secret.png"
    return (f'<img src="{picture}"><a href="javascript:alert(1)">click</a>'
            f'<b style="color:red;background-image:url(file://{picture})">bold</b>')


def rendered(text: str, fmt: Qt.TextFormat) -> QTextDocument:
    """What Qt draws for `text` shown in format `fmt` (AutoText guesses, as Qt does)."""
    doc = QTextDocument()
    rich = fmt == Qt.TextFormat.RichText or (fmt == Qt.TextFormat.AutoText and Qt.mightBeRichText(text))
    if rich:
        doc.setHtml(text)
    else:
        doc.setPlainText(text)
    return doc


def interpreted(doc: QTextDocument) -> list[str]:
    """Images, links and hostile styles in a rendered document."""
    found = []
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            if fmt.isImageFormat():
                found.append(f"image {fmt.toImageFormat().name()}")
            if fmt.isAnchor() and not fmt.anchorHref().startswith(("inbox:", "https:", "http:")):
                found.append(f"link {fmt.anchorHref()}")
            if it.fragment().text() in ("bold", "click"):  # a tag's content alone: the tag acted
                found.append(f"markup applied to {it.fragment().text()!r}")
            it += 1
        block = block.next()
    return found


def assert_shown_as_text(label: QLabel, evil: str) -> None:
    doc = rendered(label.text(), label.textFormat())
    assert interpreted(doc) == [], label.objectName()
    assert "<img" in doc.toPlainText()  # the markup is there to read, as text


def assert_tooltip_plain(tip: str, evil: str) -> None:
    doc = rendered(tip, Qt.TextFormat.AutoText)
    assert interpreted(doc) == [] and "<img" in doc.toPlainText()


@pytest.fixture
def evil_item(workspace_store, clock, tmp_path: Path):
    evil = hostile(tmp_path)
    source = workspace_store.add_source("google", "Evil · Google")
    workspace_store.save_page(source.id, [Item(
        external_id="evil1", kind=ItemKind.REVIEW, rating=1, title=evil, text="plain body " + evil,
        author=Author(external_id="evil", display_name=evil, handle=evil),
        created_at=clock() - timedelta(minutes=1))])
    item_id = workspace_store.conn.execute("SELECT id FROM items WHERE external_id = 'evil1'").fetchone()[0]
    # a tag colour written by some other SQLite tool: never reaches a style sheet as it is
    workspace_store.conn.execute("INSERT INTO tags (name, colour) VALUES (?, ?)",
                                 (evil[:50], f"blue;background-image:url(file://{tmp_path}/tagpic.png)"))
    tag_id = workspace_store.conn.execute("SELECT max(id) FROM tags").fetchone()[0]
    workspace_store.conn.execute("INSERT INTO item_tags (item_id, tag_id) VALUES (?, ?)", (item_id, tag_id))
    workspace_store.conn.execute("UPDATE sources SET last_error = ? WHERE id = ?", (evil, source.id))
    return item_id, evil


def test_reading_pane_header_and_body(window, qtbot, evil_item) -> None:
    item_id, evil = evil_item
    window.open_item(item_id)
    settle(qtbot, window)
    assert_shown_as_text(window.reading.header, evil)
    doc = window.reading.browser.document()
    assert interpreted(doc) == []
    assert "tagpic" not in window.reading.browser.toHtml()  # the tag colour never reached a style
    assert "<img" in window.reading.browser.toPlainText()


def test_list_title_for_an_author(window, qtbot, evil_item) -> None:
    item_id, evil = evil_item
    window.open_item(item_id)
    settle(qtbot, window)
    author_id = window.current_item().author_id
    from PySide6.QtCore import QUrl
    window.reading.browser.anchorClicked.emit(QUrl(f"inbox:author/{author_id}"))
    settle(qtbot, window)
    assert_shown_as_text(window.list_title, evil)


def test_profile_labels(window, qtbot, evil_item) -> None:
    from inbox.ui.profile import open_profile

    item_id, _ = evil_item
    window.open_item(item_id)
    settle(qtbot, window)
    win = open_profile(window)
    qtbot.waitUntil(lambda: any("<img" in lbl.text() or "&lt;img" in lbl.text()
                                for lbl in win.findChildren(QLabel)), timeout=5000)
    for label in win.findChildren(QLabel):
        doc = rendered(label.text(), label.textFormat())
        assert interpreted(doc) == [], label.text()[:80]
        assert "tagpic" not in label.text()


def test_sidebar_tooltip_with_a_servers_error(window, qtbot, evil_item) -> None:
    _, evil = evil_item
    window.sidebar_ctl.refresh_sources(window.store.list_sources(), {})
    tips = [e.item.toolTip(0) for e in window.sidebar.entries.values() if "Evil" in e.label]
    assert len(tips) == 1
    assert_tooltip_plain(tips[0], evil)


def test_filter_chip_tooltip_and_a_question_quoting_a_name(window, answers, tmp_path: Path) -> None:
    from inbox.ui.search_bar import Chip

    evil = hostile(tmp_path)
    chip = Chip("Author")
    chip.show_value(evil)
    assert_tooltip_plain(chip.toolTip(), evil)
    answers.confirm = True
    assert window.confirm("Erase?", f"Erase everything by {evil}?")
    assert_tooltip_plain(answers.asked[-1][1], evil)  # what the message box was given


def test_tag_colours_are_checked_on_the_way_in(workspace_store) -> None:
    from inbox.store import StoreError

    with pytest.raises(StoreError, match="#3366cc"):
        workspace_store.ensure_tag("vip", "red;background-image:url(file:///etc/passwd)")
    assert workspace_store.ensure_tag("vip", "#3366cc").colour == "#3366cc"


def test_message_boxes_quoting_a_file_or_a_name_show_it_as_text(window, answers, tmp_path: Path) -> None:
    """A backup file whose name is markup, and the dialogs' questions that quote a name a
    platform sent (the rules, sources and saved-reply dialogs, the add-source wizard)."""
    from inbox.ui import backups
    from inbox.ui.rules_dialog import RulesDialog
    from inbox.ui.sources_dialog import SourcesDialog

    evil = hostile(tmp_path)
    bad = tmp_path / '<img src="secret.png"><i>name.db'  # a file name may hold markup
    bad.write_text("not a database")
    assert backups.restore_backup(window, bad) is False
    title, text = answers.asked[-1]
    assert title == "Cannot restore this file" and bad.name in rendered(text, Qt.TextFormat.AutoText).toPlainText()
    assert_tooltip_plain(text, evil)  # the message as the box gets it
    answers.confirm = True
    for dialog_class in (RulesDialog, SourcesDialog):
        dialog = dialog_class.__new__(dialog_class)  # only its confirm(): no store needed
        dialog._confirm = None
        assert dialog_class.confirm(dialog, "Delete?", f"Delete “{evil}”?")
        assert_tooltip_plain(answers.asked[-1][1], evil)
