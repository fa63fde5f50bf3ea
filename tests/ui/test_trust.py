"""Everyday trust: About, the first-run screen, the crash dialog, restore from the window,
and one running instance per database."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer, QUrl
from PySide6.QtGui import QGuiApplication

from inbox import __version__
from inbox.logging_setup import setup_logging, shutdown_logging
from inbox.paths import log_dir
from inbox.services import backup as backups
from inbox.ui import about, first_run
from inbox.ui import backups as backup_ui
from inbox.ui.crash import CrashHandler

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "ya29.secret-bearer-token-value"
SHOTS = os.environ.get("INBOX_SHOTS")  # a folder: save the dialogs as PNGs to look at


def _shot(widget, name: str) -> None:
    image = widget.grab()
    assert not image.isNull() and image.width() > 200 and image.height() > 100
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        image.save(str(Path(SHOTS) / f"{name}.png"))


# -- About -----------------------------------------------------------------------------

def test_about_shows_version_and_where_things_live(window, qtbot) -> None:
    about.install(window)
    dialog = window.run_command("help.about")
    qtbot.waitUntil(dialog.isVisible)
    assert f"Version: {__version__}" in dialog.text
    assert str(window.db_path) in dialog.text
    assert str(log_dir()) in dialog.text and "Data folder" in dialog.text
    assert "Qt: 6." in dialog.text and "Python: 3." in dialog.text
    qtbot.waitUntil(lambda: "Keyring:" in dialog.text)  # filled in from a worker thread
    assert dialog.keyring_label.text() != "checking…"
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == dialog.text
    _shot(dialog, "about")
    dialog.close()


# -- first run -------------------------------------------------------------------------

def test_first_run_is_shown_once_and_explains_the_demo(workspace_store, make_window, qtbot) -> None:
    window = make_window(workspace_store, is_demo=True)
    dialog = first_run.maybe_show_first_run(window)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    text = dialog.findChild(object, "first_run_text").text()
    assert "demo" in text and "File ▸ Sources…" in text
    _shot(dialog, "first-run")
    dialog.accept()
    assert first_run.maybe_show_first_run(window) is None  # remembered
    first_run.install(window)
    again = window.run_command("help.getting_started")  # but always reachable from Help
    qtbot.waitUntil(again.isVisible)
    again.accept()


def test_first_run_add_source_runs_the_sources_command(window, qtbot) -> None:
    opened = []
    window.register_command("sources.manage", "Sources…", lambda: opened.append(True), menu="Tools")
    dialog = first_run.show_first_run(window)
    assert "Tools ▸ Sources…" in dialog.findChild(object, "first_run_text").text()  # where it really is
    add = next(b for b in dialog.findChildren(first_run.QPushButton) if b.text() == "Add a source…")
    add.click()
    assert opened == [True]


def test_guide_is_shown_safely(window, qtbot, tmp_path: Path, monkeypatch, answers) -> None:
    guide = tmp_path / "sources.md"
    guide.write_text("# Setting up sources\n\n## Google\n\nGet a key at "
                     "[the console](https://console.example.test/).\n\n"
                     "[local file](file:///etc/hostname) ![img](/home/x.png)\n", encoding="utf-8")
    monkeypatch.setattr(first_run, "guide_path", lambda: guide)
    dialog = first_run.show_first_run(window)
    browser = dialog.show_guide()
    qtbot.waitUntil(browser.isVisible)
    assert "Setting up sources" in browser.browser.toPlainText()
    _shot(browser, "guide")
    browser.browser.link_requested.emit(QUrl("file:///etc/hostname"))
    assert answers.opened_urls == []  # never opened, not even asked
    answers.confirm = True
    browser.browser.link_requested.emit(QUrl("https://console.example.test/"))
    assert answers.opened_urls == ["https://console.example.test/"]
    assert browser.browser.loaded_resources == [] or all(
        u.scheme() != "file" for u in browser.browser.loaded_resources)


def test_the_real_set_up_guide_is_found_when_present() -> None:
    path = first_run.guide_path()
    assert path is None or path.name == "sources.md"


# -- crash dialog ----------------------------------------------------------------------

@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_slot_is_logged_scrubbed_and_shown(qtbot, tmp_path: Path) -> None:
    log_path = setup_logging(tmp_path / "logs")
    handler = CrashHandler(log_path).install()
    try:
        def broken_slot() -> None:
            raise RuntimeError(f"sync failed: Authorization: Bearer {TOKEN}")

        QTimer.singleShot(0, broken_slot)
        qtbot.waitUntil(lambda: bool(handler.dialogs), timeout=3000)
        dialog = handler.dialogs[0]
        assert dialog.isVisible()
        assert "RuntimeError" in dialog.details and "broken_slot" in dialog.details
        assert TOKEN not in dialog.details
        assert TOKEN not in dialog.findChild(object, "crash_summary").text()
        _shot(dialog, "crash")
        for h in logging.getLogger().handlers:
            h.flush()
        text = log_path.read_text(encoding="utf-8")
        assert "unhandled error" in text and "broken_slot" in text
        assert TOKEN not in text
        dialog.copy_details()
        assert TOKEN not in QGuiApplication.clipboard().text()
        dialog.close()
    finally:
        handler.uninstall()
        shutdown_logging()


def test_qt_warnings_go_to_the_log(qtbot, tmp_path: Path) -> None:
    from PySide6.QtCore import qWarning

    log_path = setup_logging(tmp_path / "logs")
    handler = CrashHandler(log_path).install()
    try:
        qWarning(f"something odd with access_token={TOKEN}")
    finally:
        handler.uninstall()
        for h in logging.getLogger().handlers:
            h.flush()
        shutdown_logging()
    text = log_path.read_text(encoding="utf-8")
    assert "WARNING qt [MainThread] something odd with access_token=[redacted]" in text


def test_an_exception_in_an_asyncio_task_is_shown(qtbot, qloop, tmp_path: Path) -> None:
    handler = CrashHandler(tmp_path / "inbox.log")
    try:
        raise ValueError("bad page")
    except ValueError as exc:
        handler.loop_exception(qloop, {"message": "Task exception was never retrieved", "exception": exc})
    assert handler.dialogs and "ValueError: bad page" in handler.dialogs[0].details
    handler.dialogs[0].close()


# -- backups from the window -----------------------------------------------------------

def test_restore_from_the_window_reloads_and_keeps_the_previous_state(window, qtbot, answers) -> None:
    from tests.ui.conftest import settle

    backup_ui.install(window)
    before = window.store.count_items()
    assert before > 0
    saved = window.run_command("file.backup_now")
    assert saved is not None and saved.exists()
    window.store.conn.execute("DELETE FROM items")
    window.data_changed()
    settle(qtbot, window)
    assert len(window.model.rows) == 0

    answers.confirm = False
    assert backup_ui.restore_backup(window, saved) is False  # said no: nothing changes
    assert window.store.count_items() == 0

    answers.confirm = True
    assert backup_ui.restore_backup(window, saved) is True
    settle(qtbot, window)
    assert window.store.count_items() == before
    assert len(window.model.rows) > 0
    safety = [b for b in backups.list_backups(window.db_path) if "before-restore" in b.path.name]
    assert len(safety) == 1
    assert any(title == "Restore backup?" for title, _ in answers.asked)


def test_restore_from_the_window_reapplies_later_erasures_and_says_so(window, qtbot, answers) -> None:
    from inbox.services.authors import erase_author
    from tests.ui.conftest import settle

    backup_ui.install(window)
    saved = window.run_command("file.backup_now")
    author_id, name = window.store.conn.execute(
        "SELECT a.id, a.display_name FROM authors a JOIN items i ON i.author_id = a.id "
        "WHERE i.is_owner_reply = 0 LIMIT 1").fetchone()
    before = window.store.count_items()
    erased = erase_author(window.store, author_id).report.items
    answers.confirm = True
    assert backup_ui.restore_backup(window, saved) is True
    settle(qtbot, window)
    assert window.store.count_items() == before - erased
    assert "re-applied the erasure of" in window.statusBar().currentMessage()
    assert window.store.conn.execute("SELECT count(*) FROM authors WHERE display_name = ?", (name,)
                                     ).fetchone()[0] == 0


def test_restore_refuses_a_file_that_is_not_a_backup(window, tmp_path: Path, answers) -> None:
    junk = tmp_path / "holiday.jpg"
    junk.write_bytes(b"\xff\xd8\xff\xe0 not a database" * 10)
    before = window.store.count_items()
    assert backup_ui.restore_backup(window, junk) is False
    title, text = answers.asked[-1]
    assert title == "Cannot restore this file"
    assert "not a Feedback Inbox database" in text and "Nothing was changed" in text
    assert window.store.count_items() == before


def test_daily_backup_runs_off_the_gui_thread(window) -> None:
    thread = backup_ui.start_daily_backup(window.db_path)
    thread.join(timeout=30)
    assert len(backups.list_backups(window.db_path)) == 1


# -- one instance ----------------------------------------------------------------------

def _wait_for(path: Path, needle: str, proc: subprocess.Popen, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        if needle in text:
            return text
        if proc.poll() is not None:
            raise AssertionError(f"the app exited early ({proc.returncode})")
        time.sleep(0.1)
    raise AssertionError(f"{needle!r} not in the log after {timeout}s")


@pytest.mark.slow
def test_a_second_launch_raises_the_first_and_exits_0(tmp_path: Path) -> None:
    db = tmp_path / "mine.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    cmd = [sys.executable, "-m", "inbox", "--db", str(db)]
    log_file = log_dir() / "inbox.log"
    first = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(log_file, "single instance: listening", first)
        second = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert second.returncode == 0, second.stderr
        assert "already running" in second.stdout
        _wait_for(log_file, "another launch asked for the window", first, timeout=10)
        assert first.poll() is None  # the first one is still there, raised
        # another database is another instance: it is not swallowed by the first
        other = subprocess.Popen([*cmd[:-1], str(tmp_path / "other.db")], cwd=ROOT, env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(0.5)
            deadline = time.monotonic() + 30
            while log_file.read_text(encoding="utf-8").count("single instance: listening") < 2:
                assert other.poll() is None, "a launch on another database was refused"
                assert time.monotonic() < deadline
                time.sleep(0.1)
        finally:
            other.terminate()
            other.wait(timeout=10)
    finally:
        first.terminate()
        first.wait(timeout=10)


@pytest.mark.slow
def test_the_app_starts_after_a_crash_left_its_socket_behind(tmp_path: Path) -> None:
    """A killed instance leaves its socket file; the next launch must not think it is running."""
    db = tmp_path / "mine.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    cmd = [sys.executable, "-m", "inbox", "--db", str(db)]
    log_file = log_dir() / "inbox.log"
    first = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_for(log_file, "single instance: listening", first)
    first.kill()  # no clean-up: the socket file stays
    first.wait(timeout=10)
    second = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while log_file.read_text(encoding="utf-8").count("single instance: listening") < 2:
            assert second.poll() is None, "the launch after a crash exited instead of opening"
            assert time.monotonic() < deadline, "the launch after a crash never opened"
            time.sleep(0.1)
    finally:
        second.terminate()
        second.wait(timeout=10)


def test_crash_summary_is_plain_text(qtbot, tmp_path: Path) -> None:
    """An error quoting untrusted input cannot turn into markup (or load a local image)."""
    handler = CrashHandler(tmp_path / "inbox.log")
    try:
        raise ValueError("<img src='/etc/passwd'><b>bold</b>")
    except ValueError as exc:
        handler.report(exc, exc.__traceback__)
    label = handler.dialogs[0].findChild(object, "crash_summary")
    assert label.textFormat() == label.textFormat().PlainText
    assert "<b>bold</b>" in label.text()
    handler.dialogs[0].close()


# -- a database that cannot be opened ---------------------------------------------------

def test_a_file_that_is_not_a_database_gets_a_message_not_a_vanishing_app(qapp, tmp_path: Path, answers) -> None:
    import sys as _sys

    from inbox.ui.application import run

    junk = tmp_path / "inbox.db"
    junk.write_text("my shopping list\n" * 50)
    hook = _sys.excepthook
    try:
        assert run(db_path=junk) == 1
    finally:
        shutdown_logging()
    assert _sys.excepthook is hook  # nothing left installed
    title, text = answers.asked[-1]
    assert title == "Feedback Inbox cannot start"
    assert "not a Feedback Inbox database" in text and "inbox backup restore" in text
    assert junk.read_text() == "my shopping list\n" * 50  # untouched
    assert "cannot start" in (log_dir() / "inbox.log").read_text(encoding="utf-8")


def test_smoke_test_on_a_bad_database_exits_1_with_the_reason(tmp_path: Path) -> None:
    junk = tmp_path / "inbox.db"
    junk.write_bytes(b"\x00\x01 not sqlite" * 100)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    res = subprocess.run([sys.executable, "-m", "inbox", "--db", str(junk), "--smoke-test"], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=60)
    assert res.returncode == 1
    assert "cannot open" in res.stderr and "not a Feedback Inbox database" in res.stderr
    assert "Traceback" not in res.stderr
