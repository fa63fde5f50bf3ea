"""The Rules dialog in the real window: live preview computed off the GUI thread, save,
apply to existing items and undo."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from inbox.domain import Author, InboxFilter, Item
from inbox.services import rules
from inbox.ui import rules_dialog
from inbox.ui.rules_dialog import RulesDialog
from tests.qt_async import aloop, run_until, window  # noqa: F401 (fixtures)

T0 = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.fixture
def cafe(store):
    own = store.add_source("rss", "Café feed")
    rival = store.add_source("rss", "Rival feed", whose="competitor")
    texts = [("The coffee was cold", 1), ("Cold brew is lovely", 5), ("Croissants!", 4),
             ("Service was slow and the tea cold", 2)]
    store.save_page(own.id, [Item(external_id=f"o{i}", text=t, rating=r, created_at=T0 + timedelta(hours=i),
                                  author=Author(external_id=f"a{i}", display_name=f"Author {i}"))
                             for i, (t, r) in enumerate(texts)])
    store.save_page(rival.id, [Item(external_id="r1", text="cold again", rating=2, created_at=T0)])
    return own, rival


def open_dialog(win) -> RulesDialog:
    rules_dialog.install(win)
    return win.run_command("rules.manage")


def test_preview_counts_matches_off_the_gui_thread(qtbot, window, aloop, store, cafe):  # noqa: F811
    dialog = open_dialog(window)
    threads: list[str] = []
    original = rules.preview

    def spy(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return original(*args, **kwargs)

    rules_preview = pytest.MonkeyPatch()
    rules_preview.setattr(rules, "preview", spy)
    try:
        qtbot.keyClicks(dialog.keyword, "cold")
        run_until(aloop, lambda: dialog.preview_label.text() == "4 existing items match", what="preview")
        assert dialog.preview_table.rowCount() == 4
        assert threads and threading.main_thread().name not in threads

        dialog.rating_max.setValue(2)
        run_until(aloop, lambda: dialog.preview_label.text() == "3 existing items match", what="rating")
        dialog.whose.setCurrentIndex(dialog.whose.findData("own"))
        run_until(aloop, lambda: dialog.preview_label.text() == "2 existing items match", what="whose")
        texts = {dialog.preview_table.item(r, 3).text() for r in range(2)}
        assert texts == {"Author 0: The coffee was cold", "Author 3: Service was slow and the tea cold"}
    finally:
        rules_preview.undo()

    dialog.keyword_mode.setCurrentIndex(dialog.keyword_mode.findData("fts"))
    dialog.keyword.setText('"cold')
    run_until(aloop, lambda: "quote is not closed" in dialog.preview_label.text(), what="bad query")
    assert dialog.preview_table.rowCount() == 0


def test_save_apply_to_existing_and_undo(qtbot, window, aloop, store, cafe):  # noqa: F811
    dialog = open_dialog(window)
    assert dialog.empty_hint.isVisible()
    dialog.name.setText("Cold complaints")
    dialog.keyword.setText("cold")
    dialog.rating_max.setValue(2)
    dialog.tag.setEditText("complaint")
    dialog.mute.setChecked(True)
    dialog.save_button.click()
    assert dialog.message.text().startswith("Saved")
    [saved] = rules.list_rules(store)
    assert (saved.conditions.keyword, saved.conditions.rating_max, saved.actions.tag, saved.actions.mute) == \
        ("cold", 2, "complaint", True)
    assert dialog.list.count() == 1 and not dialog.empty_hint.isVisible()

    run_until(aloop, lambda: dialog.preview_label.text() == "3 existing items match", what="preview")
    result = dialog.apply_to_existing()
    assert result is not None and result.matched == 3
    done = store.list_items(InboxFilter(view="done"))[0]
    assert sorted(r.text for r in done) == ["Service was slow and the tea cold", "The coffee was cold",
                                            "cold again"]
    assert all(("complaint" in [t for t, _ in r.tags]) for r in done)
    assert dialog.undo_button.isEnabled()

    dialog.undo_button.click()
    assert store.list_items(InboxFilter(view="done"))[0] == []
    assert store.list_items(InboxFilter(tags=["complaint"]))[0] == []
    assert not dialog.undo_button.isEnabled()


def test_invalid_rule_is_not_saved(qtbot, window, aloop, store, cafe):  # noqa: F811
    dialog = open_dialog(window)
    dialog.name.setText("Nothing to do")
    dialog.keyword.setText("cold")
    dialog.save_button.click()
    assert dialog.message.text() == "Not saved: choose what the rule does: a tag, mute or mark read."
    assert rules.list_rules(store) == []
    assert dialog.apply_to_existing() is None


def test_delete_rule(qtbot, window, aloop, store, cafe):  # noqa: F811
    rules.save_rule(store, rules.Rule("Old", rules.Conditions(keyword="x"), rules.Actions(mark_read=True)))
    dialog = open_dialog(window)
    assert dialog.name.text() == "Old"
    dialog.delete_button.click()  # the window's confirm answers yes in tests
    assert rules.list_rules(store) == []
    assert dialog.name.text() == ""


def test_new_rule_from_the_open_item(qtbot, window, aloop, store, cafe):  # noqa: F811
    own, _rival = cafe
    rules_dialog.install(window)
    item = store.list_items(InboxFilter(source_ids=[own.id], query="tea"))[0][0]
    window.open_item(item.id)
    run_until(aloop, lambda: window.current_item() is not None and window.current_item().id == item.id,
              what="item open")
    dialog = window.run_command("rules.from_item")
    assert dialog.rule is None and dialog.author.text() == "Author 3"
    checked = [dialog.sources.item(i).text() for i in range(dialog.sources.count())
               if dialog.sources.item(i).checkState() == Qt.CheckState.Checked]
    assert checked == ["Café feed"]
    run_until(aloop, lambda: dialog.preview_label.text() == "1 existing item matches", what="preview")


def test_reopening_lists_sources_added_meanwhile(qtbot, window, aloop, store, cafe):  # noqa: F811
    dialog = open_dialog(window)
    dialog.close()
    store.add_source("appstore", "New app")
    again = window.run_command("rules.manage")
    assert again is dialog
    assert "New app" in [dialog.sources.item(i).text() for i in range(dialog.sources.count())]
