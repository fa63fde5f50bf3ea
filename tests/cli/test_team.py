"""`inbox team` and `inbox --db postgresql://...`, run as a user runs them (subprocesses),
against a real PostgreSQL server (tests/pg.py). The password is given once on stdin, kept
in the (test) keyring, and found nowhere in the database or the log afterwards."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.pg import find_bindir

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def run(tmp_path):
    secrets_file = tmp_path / "secrets.json"

    def inbox(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "INBOX_TEST_SECRETS_FILE": str(secrets_file)}
        return subprocess.run([sys.executable, "-m", "inbox", *args], cwd=ROOT, env=env, input=stdin,
                              capture_output=True, text=True, timeout=120)
    return inbox


def test_a_local_inbox_moves_to_a_team_inbox_and_is_read_from_there(run, pg_server, team_url, team_db,
                                                                     tmp_path):
    local = tmp_path / "local.db"
    assert run("demo", "--db", str(local)).returncode == 0
    done = run("team", "init", team_url, "--password-stdin", stdin=pg_server.password + "\n")
    assert done.returncode == 0, done.stderr
    assert "Team inbox ready" in done.stdout
    moved = run("team", "import", team_url, "--from", str(local))
    assert moved.returncode == 0, moved.stderr
    assert "items compared" in moved.stdout

    mine = json.loads(run("stats", "--json", "--db", str(local)).stdout)
    theirs = run("--db", team_url, "stats", "--json")
    assert theirs.returncode == 0, theirs.stderr
    theirs_data = json.loads(theirs.stdout)
    assert {k: theirs_data[k] for k in ("items", "threads", "authors", "tags", "drafts", "sources")} == \
           {k: mine[k] for k in ("items", "threads", "authors", "tags", "drafts", "sources")}
    assert theirs_data["database"] == team_url  # the address, never the password

    found = json.loads(run("--db", team_url, "search", "croissants", "--json", "--limit", "500").stdout)
    assert found and all("croissant" in (r["title"] + r["text"]).lower() for r in found)
    assert [r["id"] for r in found] == [r["id"] for r in json.loads(
        run("--db", str(local), "search", "croissants", "--json", "--limit", "500").stdout)]
    assert len(json.loads(run("--db", team_url, "sources", "list", "--json").stdout)) == len(mine["sources"])
    exported = run("--db", team_url, "export", "-o", str(tmp_path / "team.csv"), "--query", "coffee")
    assert exported.returncode == 0, exported.stderr
    assert (tmp_path / "team.csv").read_text(encoding="utf-8").count("\n") > 10

    dump = subprocess.run([str(find_bindir() / "pg_dump"), "-h", "127.0.0.1", "-p", str(pg_server.port),
                           "-U", "postgres", team_db], capture_output=True, text=True, check=True,
                          env={**os.environ, "PGPASSWORD": pg_server.password})
    assert "CREATE TABLE public.items" in dump.stdout and pg_server.password not in dump.stdout
    logs = [p.read_text(errors="replace") for p in Path(os.environ["XDG_STATE_HOME"]).parent.rglob("*.log*")]
    assert logs and all(pg_server.password not in text for text in logs)


def test_init_refuses_another_programs_database_and_says_so(run, pg_server, team_url, team_db):
    with pg_server.connect(team_db) as conn:
        conn.execute("CREATE TABLE invoices (id int)")
    done = run("team", "init", team_url, "--password-stdin", stdin=pg_server.password + "\n")
    assert done.returncode == 2
    assert "not a Feedback Inbox team inbox" in done.stderr and "Nothing was changed" in done.stderr
    assert "Traceback" not in done.stderr
    opened = run("--db", team_url, "stats")
    assert opened.returncode == 2 and "not a Feedback Inbox team inbox" in opened.stderr


def test_a_missing_password_is_said_with_the_next_step(run, team_url):
    done = run("--db", team_url, "stats")
    assert done.returncode == 2
    assert "inbox team password" in done.stderr and "Traceback" not in done.stderr


def test_sources_are_added_and_synced_once_for_the_team(run, pg_server, team_url, tmp_path):
    assert run("team", "init", team_url, "--password-stdin", stdin=pg_server.password + "\n").returncode == 0
    cards = tmp_path / "cards.csv"
    cards.write_text("Review ID,Comment,Stars,Date\nc1,Lovely scones,5,2026-03-01\nc2,Cold tea,2,2026-03-02\n",
                     encoding="utf-8")
    added = run("--db", team_url, "sources", "add", "file", "--name", "Comment cards", "--set", f"path={cards}",
                "--set", "mapping=id=Review ID,text=Comment,rating=Stars,created_at=Date")
    assert added.returncode == 0, added.stderr
    first, again = (run("--db", team_url, "sync", "--json") for _ in range(2))
    assert first.returncode == 0, first.stderr
    [run1], [run2] = json.loads(first.stdout), json.loads(again.stdout)
    assert (run1["new"], run1["ok"], run2["new"], run2["ok"]) == (2, True, 0, True)
    found = json.loads(run("--db", team_url, "search", "scone", "--json").stdout)
    assert [r["text"] for r in found] == ["Lovely scones"]
    [source] = json.loads(run("--db", team_url, "sources", "list", "--json").stdout)
    assert (source["items"], source["last_error"]) == (2, None) and source["last_synced_at"]


def test_what_does_not_work_on_a_team_inbox_yet_says_so_and_creates_nothing(run, pg_server, team_url, tmp_path):
    assert run("team", "init", team_url, "--password-stdin", stdin=pg_server.password + "\n").returncode == 0
    # (`--db URL` alone opens the window on a copy: tests/ui/test_team_server.py)
    for args in (("--db", team_url, "about"), ("--db", team_url, "demo")):
        done = run(*args)
        assert done.returncode == 2, done.stderr
        assert "team inbox yet" in done.stderr and "Traceback" not in done.stderr
    assert not list(Path(ROOT).glob("postgresql:*")) and not list(tmp_path.glob("postgresql:*"))
