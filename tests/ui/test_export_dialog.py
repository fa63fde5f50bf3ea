"""File ▸ Export… and the author commands, driven offscreen as a user would."""

from __future__ import annotations

import csv
import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtWidgets import QMessageBox

from inbox.domain import Author, InboxFilter, Item, View
from inbox.services import export as export_service
from inbox.store import Store
from inbox.ui import author_data, export_dialog
from inbox.ui.export_dialog import ExportDialog

N = 2_000


@pytest.fixture
def big_db(tmp_path: Path) -> Path:
    path = tmp_path / "big.db"
    with Store(path) as store:
        src = store.add_source("rss", "Alerts")
        t0 = datetime(2025, 1, 1, tzinfo=UTC)
        store.save_page(src.id, [Item(f"m{i}", kind="mention", text=f"mention {i}", title="=1+1" if i == 0 else "",
                                      author=Author(f"a{i % 40}", display_name=f"Person {i % 40}"),
                                      created_at=t0 + timedelta(minutes=i)) for i in range(N)])
    return path


def make_dialog(qtbot, db: Path, tmp_path: Path, selected: list[int] | None = None, **kw) -> ExportDialog:
    dialog = ExportDialog(db, InboxFilter(view=View.ALL), selected or [], folder=tmp_path, **kw)
    qtbot.addWidget(dialog)
    dialog.open()
    return dialog


def test_export_shows_progress_and_a_done_message(qtbot, big_db, tmp_path):
    dialog = make_dialog(qtbot, big_db, tmp_path, view_label="All")
    told: list[str] = []
    dialog.on_finished.append(told.append)
    target = tmp_path / "out.csv"
    dialog.target_edit.setText(str(target))
    dialog.bom_box.setChecked(True)
    dialog.export_button.click()
    assert not dialog.format_box.isEnabled() and dialog.progress.isVisible()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=20_000)
    assert dialog.message.text() == f"Exported {N:,} items to {target}"
    assert (dialog.progress.value(), dialog.progress.maximum()) == (N, N)
    assert dialog.cancel_button.text() == "Close" and dialog.open_folder_button.isVisible()
    assert told == [f"Exported {N:,} items to {target}"]
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    with open(target, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == N and rows[-1]["title"] == "'=1+1"


def test_cancel_midway_stops_and_leaves_no_file(qtbot, big_db, tmp_path, monkeypatch):
    gate = threading.Event()
    real = export_service.export_view

    def gated(*args, progress=None, **kw):
        def slow(done: int, total: int) -> None:
            progress(done, total)
            if done:
                gate.wait(10)   # hold the worker after its first batch until Cancel is pressed
        return real(*args, progress=slow, **kw)

    monkeypatch.setattr(export_dialog, "export_view", gated)
    dialog = make_dialog(qtbot, big_db, tmp_path)
    dialog.set_format("xlsx")
    target = tmp_path / "big.xlsx"
    dialog.target_edit.setText(str(target))
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.progress.value() == export_service.BATCH, timeout=10_000)
    assert dialog.message.text() == f"Writing {export_service.BATCH:,} of {N:,} items…"
    dialog.cancel_button.click()                       # Cancel while running: stop, then close
    assert dialog.message.text() == "Cancelling…" and dialog.isVisible()
    gate.set()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    assert dialog.message.text() == "Export cancelled; no file was written."
    assert not [p for p in tmp_path.iterdir() if "big.xlsx" in p.name]


def test_a_bad_folder_is_reported_and_the_dialog_stays_usable(qtbot, big_db, tmp_path):
    dialog = make_dialog(qtbot, big_db, tmp_path)
    dialog.target_edit.setText(str(tmp_path / "gone" / "x.csv"))
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.export_button.isEnabled(), timeout=10_000)
    assert "does not exist" in dialog.message.text() and "Nothing was written" in dialog.message.text()
    assert dialog.format_box.isEnabled() and not dialog.progress.isVisible()


def test_format_choice_changes_the_file_name_and_the_bom_option(qtbot, big_db, tmp_path):
    dialog = make_dialog(qtbot, big_db, tmp_path, selected=[1, 2, 3])
    assert dialog.selected_choice.isChecked() and dialog.selected_choice.text() == "The 3 selected items"
    dialog.set_format("xlsx")
    assert dialog.target_edit.text().endswith(".xlsx") and not dialog.bom_box.isEnabled()
    dialog.set_format("csv")
    assert dialog.target_edit.text().endswith(".csv") and dialog.bom_box.isEnabled()


def test_the_window_command_exports_the_current_view(window, qtbot, tmp_path):
    export_dialog.install(window)
    action = window.actions_by_id["file.export"]
    assert action.shortcut().toString() == "Ctrl+E"
    assert action in window.menus["File"].actions()
    window.show_items(InboxFilter(view=View.ALL, whose="competitor"), "Competitors")
    qtbot.waitUntil(lambda: not window.model.loading)
    action.trigger()
    dialog = window.extensions.get(export_dialog.ExportDialog)
    assert dialog.isVisible() and dialog.view_choice.text() == "The current view: Competitors"
    dialog.grab().save(str(tmp_path / "export-dialog.png"))
    dialog.set_format("xlsx")
    target = tmp_path / "rivals.xlsx"
    dialog.target_edit.setText(str(target))
    dialog.view_choice.setChecked(True)
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=10_000)
    assert window.statusBar().currentMessage() == f"Exported 5 items to {target}"
    rows = list(openpyxl.load_workbook(target)["Feedback"].iter_rows(min_row=2, values_only=True))
    assert {r[1] for r in rows} == {"Rival · Google"} and len(rows) == 5
    dialog.close()
    window.actions_by_id["file.export"].trigger()          # the next export remembers the choices
    again = window.extensions.get(export_dialog.ExportDialog)
    assert again is not dialog and again.fmt == "xlsx"
    assert Path(again.target_edit.text()).parent == tmp_path and again.target_edit.text().endswith(".xlsx")


def test_author_commands_export_and_erase_the_open_items_author(window, qtbot, tmp_path, answers):
    author_data.install(window)
    assert {"author.export", "author.erase"} <= set(window.actions_by_id)
    window.show_items(InboxFilter(view=View.ALL, query="Ana"), "Ana")
    qtbot.waitUntil(lambda: not window.model.loading and window.current_item() is not None)
    item = window.current_item()
    assert item.author_name == "Ana"

    author_data.start_author_export(window, item.author_id, tmp_path / "ana.json")
    qtbot.waitUntil(lambda: (tmp_path / "ana.csv").exists(), timeout=10_000)
    data = json.loads((tmp_path / "ana.json").read_text(encoding="utf-8"))
    assert [i["text"] for i in data["items"]] == ["Anyone tried the new flat white at the café?"]
    qtbot.waitUntil(lambda: "Wrote" in window.statusBar().currentMessage())

    answers.confirm = False
    window.actions_by_id["author.erase"].trigger()
    assert "Erase Ana (Mastodon) for good?" in answers.asked[-1][1] and "id " not in answers.asked[-1][1]
    assert "1 item they wrote" in answers.asked[-1][1] and "keep out" in answers.asked[-1][1]
    assert (tmp_path / "ana.html").exists()
    assert window.store.count_items(InboxFilter(author_id=item.author_id)) == 1

    answers.confirm = True
    window.actions_by_id["author.erase"].trigger()
    assert window.store.count_items(InboxFilter(query="flat white")) == 0
    qtbot.waitUntil(lambda: not window.model.loading)
    assert "Erased Ana (Mastodon)" in window.statusBar().currentMessage()
    assert window.store.conn.execute("SELECT count(*) FROM erasures").fetchone()[0] == 1
    notice = window.findChild(QMessageBox, "erased_notice")
    assert notice is not None and notice.isVisible()
    assert "1 item they wrote" in notice.text() and "0 draft replies" in notice.text()
    assert "From now on" in notice.text()
    notice.close()


def test_author_commands_need_an_open_item(window, qtbot):
    author_data.install(window)
    window.show_items(InboxFilter(query="nothingmatchesthis"), "Nothing")
    qtbot.waitUntil(lambda: not window.model.loading)
    assert window.current_item() is None
    assert author_data.erase_author_data(window) is False
    assert window.statusBar().currentMessage() == "Open an item by the author first."


def test_export_author_data_asks_for_a_file_then_writes_both(window, qtbot, tmp_path):
    author_data.install(window)
    window.show_items(InboxFilter(view=View.ALL, query="Ana"), "Ana")
    qtbot.waitUntil(lambda: not window.model.loading and window.current_item() is not None)
    dialog = author_data.export_author_data(window, folder=tmp_path)
    assert dialog is not None and dialog.isVisible()
    assert Path(dialog.selectedFiles()[0]).name == f"ana-{window.current_item().author_id}.json"
    dialog.selectFile(str(tmp_path / "for-ana.json"))
    dialog.accept()
    qtbot.waitUntil(lambda: (tmp_path / "for-ana.csv").exists(), timeout=10_000)
    assert json.loads((tmp_path / "for-ana.json").read_text(encoding="utf-8"))["author"]["display_name"] == "Ana"


def test_file_dialogs_are_the_platforms_own(qtbot, big_db, tmp_path, window):
    """No DontUseNativeDialog: on a desktop the user gets the system's file chooser."""
    from PySide6.QtWidgets import QFileDialog

    export = make_dialog(qtbot, big_db, tmp_path)
    chooser = export.choose_file()
    assert not chooser.testOption(QFileDialog.Option.DontUseNativeDialog)
    chooser.reject()
    author_data.install(window)
    window.list_ctl.select_row(0)
    qtbot.waitUntil(lambda: window.current_item() is not None)
    dialog = author_data.export_author_data(window, folder=tmp_path)
    assert dialog is not None and not dialog.testOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.reject()
