"""Text from sources printed by the command line cannot drive the terminal: control
characters, ESC sequences and bidi overrides are shown escaped, on a terminal and in a pipe
alike, and JSON output stays exact. An unexpected error is one line and where the log is."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from inbox.domain import Author, Item
from inbox.store import Store
from tests.faults import ROOT, run_inbox

NASTY_NAME = "Eve\x1b]0;pwned\x07\x1b[2J\x1b[31mRED\u202egnp.exe\x9b31m\rX"
NASTY_TEXT = "coffee review \x1b[8mhidden\x1b[0m \u2066isolate\u2069 bell\x07 nul\x00 end"
RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\u2066", "\r", "\x00")


@pytest.fixture
def nasty_db(tmp_path: Path) -> Path:
    path = tmp_path / "inbox.db"
    with Store(path) as store:
        sid = store.add_source("google", "Café\x1b[5m").id
        store.save_page(sid, [Item(external_id="n1", text=NASTY_TEXT, title="t\u202eitle", rating=4,
                                   author=Author(external_id="eve", display_name=NASTY_NAME),
                                   created_at=datetime(2026, 11, 1, tzinfo=UTC))])
    return path


def test_plain_output_in_a_pipe_shows_controls_escaped(nasty_db: Path) -> None:
    result = run_inbox("search", "coffee", "--db", str(nasty_db))
    assert result.returncode == 0, result.stderr
    assert not any(c in result.stdout for c in RAW), repr(result.stdout)
    assert "\\u001b]0;pwned" in result.stdout and "\\u202e" in result.stdout  # visible, not acted on


def test_plain_output_on_a_terminal_shows_controls_escaped(nasty_db: Path) -> None:
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm"}
    proc = subprocess.Popen([sys.executable, "-m", "inbox", "search", "coffee", "--db", str(nasty_db)],
                            cwd=ROOT, env=env, stdout=follower, stderr=follower, stdin=subprocess.DEVNULL)
    os.close(follower)
    out = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    assert proc.wait(timeout=60) == 0
    os.close(leader)
    text = out.decode("utf-8").replace("\r\n", "\n")  # the terminal's own line endings
    assert not any(c in text for c in RAW), repr(text)
    assert "\\u001b]0;pwned" in text and "\\u202e" in text


def test_json_output_is_exact(nasty_db: Path) -> None:
    result = run_inbox("search", "coffee", "--json", "--db", str(nasty_db))
    assert result.returncode == 0, result.stderr
    assert not any(c in result.stdout for c in RAW)
    [row] = json.loads(result.stdout)
    assert row["author"] == NASTY_NAME and row["text"] == NASTY_TEXT and row["title"] == "t\u202eitle"


def test_an_unexpected_error_is_one_line_and_the_details_are_logged(nasty_db: Path, monkeypatch) -> None:
    from inbox import cli
    from inbox.logging_setup import shutdown_logging
    from inbox.paths import log_dir

    def boom(self, *args, **kwargs):
        raise RuntimeError("something nobody expected")

    monkeypatch.setattr(Store, "search", boom)
    shutdown_logging()  # a log an earlier test set up in this process would keep the records
    try:
        result = CliRunner().invoke(cli.main, ["search", "coffee", "--db", str(nasty_db)])
    finally:
        shutdown_logging()
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "details are in" in lines[0] and "Traceback" not in result.output
    log = (log_dir() / "inbox.log").read_text()
    assert "something nobody expected" in log and "Traceback" in log


def test_times_printed_for_a_person_are_the_computers_local_time(nasty_db: Path) -> None:
    """The item was written 1 Nov 2026 00:00 UTC: on 31 Oct in Pago Pago (UTC−11); the last
    sync 09:30 UTC is 22:30 the day before there. JSON keeps the exact UTC value."""
    with Store(nasty_db) as store:
        store.conn.execute("UPDATE sources SET last_synced_at = '2026-11-02T09:30:00Z'")
    zone = {"TZ": "Pacific/Pago_Pago"}
    found = run_inbox("search", "coffee", "--db", str(nasty_db), env=zone)
    assert found.returncode == 0 and found.stdout.startswith("2026-10-31"), found.stdout
    listed = run_inbox("sources", "list", "--db", str(nasty_db), env=zone)
    assert listed.returncode == 0 and "2026-11-01 22:30" in listed.stdout and "T09:30" not in listed.stdout
    as_json = json.loads(run_inbox("sources", "list", "--json", "--db", str(nasty_db), env=zone).stdout)
    assert as_json[0]["last_synced_at"] == "2026-11-02T09:30:00Z"


def test_a_safe_stream_outliving_the_stream_it_wraps_closes_quietly() -> None:
    import io

    from inbox.cli.guard import SafeStream

    inner = io.StringIO()
    stream = SafeStream(inner)
    stream.write("done\n")
    inner.close()  # a test runner's capture, or a pipe, closed first
    stream.close()  # what collecting it does: must not raise "I/O operation on closed file"
    assert stream.closed
