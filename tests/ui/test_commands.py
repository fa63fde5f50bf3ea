"""One shortcut table for menus, shortcuts and the command palette; the extension API."""

from __future__ import annotations

import asyncio
import itertools

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QLabel

from inbox.ui.commands import DEFAULT_BINDINGS, TEAM_ONLY, Command, CommandTable, split_keys
from inbox.ui.sync_controller import SyncController
from tests.ui.conftest import settle


def test_shortcut_table_has_no_conflicts_and_menus_show_its_keys(workspace_store, make_window):
    from inbox.ui.application import EXTENSIONS_WITHOUT_DIALOGS, install_extensions

    window = make_window(workspace_store)
    install_extensions(window, EXTENSIONS_WITHOUT_DIALOGS)
    window.extensions.get(SyncController).stop()  # no automatic sync after this test
    assert window.commands.conflicts() == {}
    for command_id, binding in DEFAULT_BINDINGS.items():
        if command_id in TEAM_ONLY:  # a team inbox's window registers these (tests/ui/test_team_window.py)
            continue
        assert command_id in window.actions_by_id, f"{command_id} is in the key table but no feature registers it"
        if not binding:
            continue
        action = window.actions_by_id[command_id]
        keys = [QKeySequence(k) for k in split_keys(binding)]
        assert action.shortcut() == keys[0], command_id
        assert action.shortcuts() == keys, command_id
        assert any(action in menu.actions() for menu in window.menus.values()), command_id


def test_feature_modules_take_their_keys_from_the_table_only():
    from pathlib import Path

    ui = Path(__file__).resolve().parents[2] / "inbox" / "ui"
    passing = [p.name for p in ui.glob("*.py") if "shortcut=" in p.read_text(encoding="utf-8")
               and p.name not in ("main_window.py", "commands.py")]
    assert passing == []


def test_the_table_wins_over_a_shortcut_argument_and_unbinds_one_key_of_several():
    table = CommandTable({"sync.now": "F5; Ctrl+R", "view.refresh": "", "other": "Ctrl+R"})
    assert table.conflicts() == {"ctrl+r": ["sync.now", "other"]}
    key, unbound = table.register(Command("sync.now", "Sync now", lambda: None), shortcut="Ctrl+9")
    assert (key, unbound) == ("F5", ["other"])
    assert table.keys_for("sync.now") == ["F5", "Ctrl+R"] and table.key_for("other") == ""
    table.bindings["other"] = "F5; Ctrl+2"
    assert table.bind("x.new", "F5") == ("F5", ["sync.now", "other"])
    assert table.keys_for("sync.now") == ["Ctrl+R"] and table.keys_for("other") == ["Ctrl+2"]
    table.unbind("x.new")
    assert table.key_for("x.new") == "" and table.conflicts() == {}


def test_palette_lists_every_command_with_its_shortcut_and_runs_one(window, qtbot):
    palette = window.show_palette()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is palette)
    shown = set(palette.shown_ids())
    assert shown == set(window.commands.commands) - {"app.palette"}
    from inbox.ui.dialogs import KeyRole

    shown_keys = {palette.list.item(i).text(): palette.list.item(i).data(KeyRole)
                  for i in range(palette.list.count())}
    assert shown_keys["Done (archive)"] == QKeySequence("E").toString(QKeySequence.SequenceFormat.NativeText)
    assert shown_keys["Undo last triage action"] == "Ctrl+Z"

    qtbot.keyClicks(palette.filter, "go snoozed")
    assert palette.shown_ids() == ["view.snoozed"]
    qtbot.keyClick(palette.filter, Qt.Key.Key_Return)
    assert not palette.isVisible()
    assert window.view_key == "view:snoozed"


def test_ctrl_k_opens_the_palette(window, qtbot):
    window.activateWindow()
    window.list_view.setFocus()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window.list_view, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert window.active_dialog.windowTitle() == "Commands" and window.active_dialog.isVisible()


def test_register_command_adds_menu_palette_and_key_and_replaces_by_id(window, qtbot):
    calls = []
    action = window.register_command("export.view", "Export this view…", lambda: calls.append(1),
                                     shortcut="Ctrl+E", menu="File")
    assert action in window.menus["File"].actions()
    assert window.commands.key_for("export.view") == "Ctrl+E"
    action.trigger()
    again = window.register_command("export.view", "Export this view…", lambda: calls.append(2),
                                     shortcut="Ctrl+E", menu="File")
    assert action not in window.menus["File"].actions()
    again.trigger()
    assert calls == [1, 2]
    palette = window.show_palette()
    assert "export.view" in palette.shown_ids()
    palette.close()


def test_command_table_keeps_a_users_key_over_a_features_suggestion():
    table = CommandTable({"x.cmd": "Ctrl+1"})
    assert table.register(Command("x.cmd", "X", lambda: None), shortcut="Ctrl+2") == ("Ctrl+1", [])
    assert [c.id for c in table.matching("x")] == ["x.cmd"]


def test_a_feature_that_takes_a_key_unbinds_the_earlier_command(window):
    hits = []
    window.register_command("x.feature", "A feature", lambda: hits.append(1), shortcut="Ctrl+K", menu="File")
    assert window.commands.key_for("x.feature") == "Ctrl+K"
    assert window.commands.key_for("app.palette") == ""
    assert window.actions_by_id["app.palette"].shortcut().isEmpty()
    assert window.commands.conflicts() == {}


def test_sidebar_entries_from_other_features(window):
    hits = []
    window.add_sidebar_entry("Views", "drafts", "Drafts", lambda: hits.append("drafts"), count=2,
                             tooltip="Replies you have not sent")
    entry = window.sidebar.entries["drafts"]
    assert entry.item.parent() is window.sidebar.sections["Views"]
    assert entry.item.text(1) == "2"
    window.update_sidebar_entry("drafts", count=3, state="syncing", label="Drafts!")
    assert entry.item.text(0).startswith("Drafts!") and entry.item.text(1) == "3"
    window.sidebar._activated(entry.item)
    assert hits == ["drafts"]


def test_reading_pane_widget_and_status_message(window):
    label = QLabel("reply box")
    window.add_reading_pane_widget(label)
    assert window.reading.isAncestorOf(label) and window.reading.extras_box.isVisibleTo(window.reading)
    window.status_message("hello", 1000)
    assert window.statusBar().currentMessage() == "hello"


def test_run_task_holds_tasks_and_cancels_by_name(window, qtbot):
    results = []

    async def slow(tag):
        await asyncio.sleep(0.05)
        results.append(tag)

    first = window.run_task(slow("first"), name="thread")
    second = window.run_task(slow("second"), name="thread")
    assert first in window.tasks.tasks and second in window.tasks.tasks
    qtbot.waitUntil(lambda: second.done(), timeout=3000)
    assert first.cancelled()
    assert results == ["second"]
    assert not window.tasks.tasks


def test_run_in_worker_uses_a_reader_and_reports_errors(window, qtbot):
    got, errors = [], []
    window.run_in_worker(lambda s: (s.readonly, s.count_items()), got.append)

    def fail(s):
        s.conn.execute("INSERT INTO tags (name, colour) VALUES ('x', '#000')")

    window.run_in_worker(fail, got.append, errors.append)
    settle(qtbot, window)
    assert got == [(True, 31)]  # conversations
    assert len(errors) == 1 and "readonly" in str(errors[0])


def test_settings_and_geometry_persist(workspace_store, make_window, tmp_path, qtbot):
    first = make_window(workspace_store)
    qtbot.wait(100)  # the opened item's view arrives from a worker: let the panes take their minimum widths
    first.resize(first.minimumSizeHint().width() or 790, 560)  # inside the offscreen screen (800x600)
    first.splitter.setSizes([200, 400, 500])
    qtbot.wait(20)
    sizes = first.splitter.sizes()
    size = (first.size().width(), first.size().height())
    assert size[1] == 560
    first.close()
    second = make_window(workspace_store, resize=False)
    qtbot.wait(100)
    assert (second.size().width(), second.size().height()) == size
    assert second.splitter.sizes() == sizes


def test_demo_banner(workspace_store, make_window):
    demo = make_window(workspace_store, is_demo=True)
    assert demo.banner.isVisible()
    assert "Demo workspace" in demo.banner.text()
    assert "demo workspace" in demo.windowTitle()


def test_no_banner_on_a_real_workspace(window):
    assert not window.banner.isVisible()


def test_user_docs_list_every_default_key():
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[2] / "docs" / "ui.md").read_text(encoding="utf-8")
    for command_id, binding in DEFAULT_BINDINGS.items():
        for key in split_keys(binding):
            assert f"`{key}`" in docs, f"{command_id} ({key}) is missing from docs/ui.md"


def test_only_the_latest_of_queued_counts_runs(window, qtbot, workspace_store, monkeypatch):
    calls = []
    original = workspace_store.__class__.counts

    def counting(self, *args, **kwargs):
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(workspace_store.__class__, "counts", counting)
    for _ in range(6):
        window.refresh_counts()
    settle(qtbot, window)
    assert 1 <= len(calls) < 6
    assert window.sidebar.entries["view:all"].count == 31


def test_menus_are_grouped_quit_last_and_destructive_apart(window) -> None:
    from inbox.ui import author_data, settings_dialog

    author_data.install(window)
    settings_dialog.install(window)
    window.register_command("file.something", "Something later", lambda: None, menu="File")
    file_actions = window.menus["File"].actions()
    assert file_actions[-1].objectName() == "app.quit" and file_actions[-2].isSeparator()
    item = window.menus["Item"].actions()
    assert item[-1].objectName() == "author.erase" and item[-2].isSeparator()  # apart from everyday ones
    view = [a for a in window.menus["View"].actions()]
    assert view[-1].objectName() == "view.delete_saved_search"
    assert any(a.isSeparator() for a in view)
    for menu in window.menus.values():  # no separator first, last or doubled
        acts = menu.actions()
        assert not acts or (not acts[0].isSeparator() and not acts[-1].isSeparator())
        assert not any(a.isSeparator() and b.isSeparator() for a, b in itertools.pairwise(acts))
    assert "app.settings" in [a.objectName() for a in window.menus["Edit"].actions()]


def test_erasing_an_author_asks_first(window, qtbot, answers) -> None:
    from inbox.ui import author_data

    author_data.install(window)
    window.list_ctl.select_row(0)
    qtbot.waitUntil(lambda: window.current_item() is not None, timeout=3000)
    before = window.store.conn.execute("SELECT count(*) FROM items").fetchone()[0]
    answers.confirm = False
    window.run_command("author.erase")
    assert answers.asked and answers.asked[-1][0] == "Erase author?"
    assert window.store.conn.execute("SELECT count(*) FROM items").fetchone()[0] == before


def test_tag_colours_come_from_swatches_with_more_behind(window, qtbot) -> None:
    from inbox.store.triage import DEFAULT_TAG_COLOURS

    window.list_ctl.select_row(0)
    picker = window.tag_dialog()
    qtbot.keyClicks(picker.filter, "brand new tag")
    assert len(picker.swatches) == len(DEFAULT_TAG_COLOURS) and all(s.isEnabled() for s in picker.swatches)
    assert picker.colour_button.text() == "More…"
    qtbot.mouseClick(picker.swatches[3], Qt.MouseButton.LeftButton)
    assert picker.new_colour == DEFAULT_TAG_COLOURS[3] and picker.swatches[3].isChecked()
    picker.accept_current()
    assert any(t.name == "brand new tag" and t.colour == DEFAULT_TAG_COLOURS[3] for t in window.store.list_tags())


def test_the_palette_matches_fuzzily_and_by_synonyms(window, qtbot) -> None:
    from inbox.ui.application import EXTENSIONS_WITHOUT_DIALOGS, install_extensions

    install_extensions(window, EXTENSIONS_WITHOUT_DIALOGS)
    table = window.commands

    def first(text: str) -> str:
        found = table.matching(text)
        assert found, text
        return found[0].id

    assert first("export csv") == "file.export"
    assert first("dark") == "view.theme_dark"
    assert first("settings") == "app.settings"
    assert first("preferences") == "app.settings"
    assert first("setings") == "app.settings"  # a typo still finds it
    assert first("snoz") == "item.snooze"
    assert first("archive") == "item.done"
    assert table.matching("zzzz qqq") == []
    palette = window.show_palette()
    qtbot.keyClicks(palette.filter, "dark")
    assert palette.shown_ids()[0] == "view.theme_dark"
    palette.close()
