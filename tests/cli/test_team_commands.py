"""`inbox --db postgresql://… insights | author | settings | backup`, run as a user runs
them (subprocesses) against a real PostgreSQL server (tests/pg.py): insights and author
read this computer's copy of the team inbox, caught up from the server first; settings are
the team's, on the server; backup is PostgreSQL's pg_dump, run for the owner."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from inbox.store.team import TeamStore
from tests.cli.test_team import run  # noqa: F401 - the `inbox` command with a test keyring
from tests.pg import find_bindir


def _team_with_reviews(run, pg_server, team_url, tmp_path) -> Path:  # noqa: F811
    assert run("team", "init", team_url, "--password-stdin", stdin=pg_server.password + "\n").returncode == 0
    cards = tmp_path / "cards.csv"
    cards.write_text("Review ID,Date,Name,Stars,Comment\n"
                     "c1,2026-03-01 10:00:00,Ann Lee,5,Lovely scones and friendly staff\n"
                     "c2,2026-03-02 10:00:00,Bob Ray,1,Cold tea and a rude waiter\n"
                     "c3,2026-03-03 10:00:00,Ann Lee,4,Great cake again\n", encoding="utf-8")
    added = run("--db", team_url, "sources", "add", "file", "--name", "Comment cards", "--set", f"path={cards}")
    assert added.returncode == 0, added.stderr
    synced = run("--db", team_url, "sync", "--json")
    assert synced.returncode == 0, synced.stderr
    return cards


def test_insights_and_author_read_the_team_inbox(run, pg_server, team_url, tmp_path):  # noqa: F811
    _team_with_reviews(run, pg_server, team_url, tmp_path)
    done = run("--db", team_url, "insights", "--days", "36500", "--json")
    assert done.returncode == 0, done.stderr
    [business] = json.loads(done.stdout)["businesses"]
    assert business["items"] == 3 and business["rating"] == 3.33
    assert (business["sentiment"]["positive"], business["sentiment"]["negative"]) == (2, 1)

    # a review arriving on the server (another member's sync) is in the next figures
    with TeamStore(team_url, password=pg_server.password) as team:
        from inbox.domain import Author, Item, parse_time
        team.save_page(team.list_sources()[0].id, [Item("c4", "review", text="Awful coffee", rating=1,
                       author=Author("Bob Ray", "Bob Ray"), created_at=parse_time("2026-03-04T10:00:00Z"))])
    again = json.loads(run("--db", team_url, "insights", "--days", "36500", "--json").stdout)["businesses"][0]
    assert again["items"] == 4 and again["sentiment"]["negative"] == 2

    listed = run("--db", team_url, "author", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    authors = {a["name"]: a for a in json.loads(listed.stdout)}
    assert {name: a["items"] for name, a in authors.items()} == {"Ann Lee": 2, "Bob Ray": 2}
    out = tmp_path / "bob.json"
    exported = run("--db", team_url, "author", "export", str(authors["Bob Ray"]["id"]), "-o", str(out))
    assert exported.returncode == 0, exported.stderr
    assert "Cold tea" in out.read_text(encoding="utf-8") and "scones" not in out.read_text(encoding="utf-8")
    erased = run("--db", team_url, "author", "erase", str(authors["Bob Ray"]["id"]), "--yes")
    assert erased.returncode == 2 and "not possible yet" in erased.stderr and "Traceback" not in erased.stderr
    with TeamStore(team_url, password=pg_server.password) as team:
        assert team.stats()["items"] == 4  # nothing erased anywhere
    assert all(pg_server.password not in r.stdout + r.stderr for r in (done, listed, exported, erased))


def test_the_teams_settings_are_kept_on_the_server(run, pg_server, team_url):  # noqa: F811
    assert run("team", "init", team_url, "--password-stdin", stdin=pg_server.password + "\n").returncode == 0
    done = run("--db", team_url, "settings", "set", "business_name", "Corner Café")
    assert done.returncode == 0, done.stderr
    assert run("--db", team_url, "settings", "get", "business_name").stdout.strip() == "Corner Café"
    with TeamStore(team_url, password=pg_server.password) as team:
        assert team.get_setting("business_name") == "Corner Café"  # every member's app reads it there
    bad = run("--db", team_url, "settings", "set", "sync.interval_minutes", "lots")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    listed = run("--db", team_url, "settings", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert {r["name"]: r["value"] for r in json.loads(listed.stdout)}["business_name"] == "Corner Café"


def test_a_team_inbox_is_backed_up_with_pg_dump_and_restored_by_hand(run, pg_server, team_url, tmp_path):  # noqa: F811
    _team_with_reviews(run, pg_server, team_url, tmp_path)
    done = run("--db", team_url, "backup")
    assert done.returncode == 0, done.stderr
    dump = Path(done.stdout.split(" to ", 1)[1].split("\n", 1)[0])
    assert dump.exists() and dump.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    assert "pg_restore --clean --if-exists" in done.stdout
    listing = subprocess.run([str(find_bindir() / "pg_restore"), "--list", str(dump)], capture_output=True,
                             text=True, check=True).stdout
    assert "TABLE DATA public items" in listing
    with_data = subprocess.run([str(find_bindir() / "pg_restore"), "--data-only", "--table=items", "-f", "-",
                                str(dump)], capture_output=True, text=True, check=True).stdout
    assert "Cold tea and a rude waiter" in with_data
    assert pg_server.password not in dump.read_bytes().decode("latin-1") + done.stdout + done.stderr
    listed = run("--db", team_url, "backup", "--list")
    assert str(dump) in listed.stdout
    refused = run("--db", team_url, "backup", "restore", str(dump), "--yes")
    assert refused.returncode == 2 and "pg_restore --clean --if-exists" in refused.stderr
    assert pg_server.password not in refused.stderr
    assert os.path.getsize(dump) > 1000
