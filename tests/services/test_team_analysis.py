"""A team sync runs the whole pipeline on the server: its row steps (sentiment of new
items), its page steps (the owner's rules on new items, scores of edited ones), and, for a
sync big enough to defer the analysis, the analysis pass afterwards: the services' one
pass (`sentiment.backfill`), resumable after a kill, each item analysed once even with two
members' apps at it. Real PostgreSQL (tests/pg.py); the file source reads a local CSV."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from inbox.domain import InboxFilter, View
from inbox.domain.rules import Actions, Conditions, Rule
from inbox.secrets import MemorySecrets
from inbox.services import sentiment
from inbox.services.team_sync import analyse_pending
from inbox.store import insights as data
from inbox.store.team import TeamStore
from inbox.sync.engine import DEFER_ANALYSIS_AT, sync
from tests.services.test_analysis_pass import counting_analyses, write_csv
from tests.store.team.conftest import team  # noqa: F401 - a new team inbox on the test server

ROOT = Path(__file__).resolve().parents[2]


def stored(store: TeamStore) -> list[tuple]:
    with store.cursor() as cur:
        return cur.execute("SELECT id, title, text, rating, language, sentiment, sentiment_label FROM items "
                           "WHERE NOT is_owner_reply ORDER BY id").fetchall()


def analysed_as_locally(rows: list[tuple]) -> bool:
    return all((round(r[5], 4) if r[5] is not None else None, r[6]) ==
               (round(v, 4) if v is not None else None, label)
               for r in rows for v, label in [sentiment.score(r[1], r[2], r[3], r[4])])


def test_a_big_team_sync_is_analysed_once_by_the_pass_on_the_server(team, tmp_path, monkeypatch):  # noqa: F811
    path = write_csv(tmp_path / "export.csv", 650)
    team.add_source("file", "export", settings={"path": str(path)})
    made = counting_analyses(monkeypatch)

    [summary] = asyncio.run(sync(team, secrets=MemorySecrets()))
    assert summary.ok and summary.new == 650
    assert 150 < DEFER_ANALYSIS_AT <= 500
    assert sentiment.pending(team) == 500  # the big hand-over was written without its analysis
    assert analyse_pending(team) == 500
    assert sentiment.pending(team) == 0 and sentiment.backfill(team) == 0
    rows = stored(team)
    assert len(rows) == 650 and len(made) == 650 and len(set(made)) == 650  # each item once
    assert analysed_as_locally(rows)
    # what an owner sees: the server's sentiment filter finds the complaints
    negative = team.count_items(InboxFilter(view=View.ALL, sentiment="negative"))
    assert negative == sum(r[6] == "negative" for r in rows) > 0


def test_two_members_passes_store_each_analysis_once(team, team_url, pg_server, tmp_path):  # noqa: F811
    path = write_csv(tmp_path / "export.csv", 700)
    team.add_source("file", "export", settings={"path": str(path)})
    asyncio.run(sync(team, secrets=MemorySecrets()))
    assert sentiment.pending(team) == 700
    with TeamStore(team_url, password=pg_server.password) as other:
        first = sentiment.prepare_backfill(team, 400)    # Ana's app ...
        second = sentiment.prepare_backfill(other, 400)  # ... and Ben's, on the same items
        assert sentiment.finish_backfill(team, first) == 400
        # Ben's batch was written by Ana's pass meanwhile: none of it is written again
        assert data.write_pending_analyses(other, *second) == 0
        assert sentiment.pending(other) == 300
        assert sentiment.backfill_all(other, batch=120) == 300
    assert sentiment.pending(team) == 0
    assert analysed_as_locally(stored(team))


def test_a_killed_pass_resumes_where_it_stopped(team, team_url, pg_server, tmp_path):  # noqa: F811
    path = write_csv(tmp_path / "export.csv", 1200)
    team.add_source("file", "export", settings={"path": str(path)})
    asyncio.run(sync(team, secrets=MemorySecrets()))
    waiting = sentiment.pending(team)
    assert waiting >= 1000
    script = ("import sys, time\n"
              "from inbox.services import sentiment\n"
              "from inbox.store.team import TeamStore\n"
              "store = TeamStore(sys.argv[1], password=sys.argv[2])\n"
              "while sentiment.backfill(store, batch=50):\n"
              "    time.sleep(0.05)\n")
    proc = subprocess.Popen([sys.executable, "-c", script, team_url, pg_server.password], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 60
    while sentiment.pending(team) > waiting - 200 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    left = sentiment.pending(team)
    assert 0 < left < waiting  # killed halfway through
    rows = stored(team)
    assert analysed_as_locally([r for r in rows if r[6] is not None])  # what it wrote is whole
    assert analyse_pending(team) == left  # the next pass does only what is left
    assert sentiment.pending(team) == 0
    assert analysed_as_locally(stored(team))


def test_a_team_sync_runs_the_rules_and_rescores_edited_items(team, tmp_path):  # noqa: F811
    path = write_csv(tmp_path / "export.csv", 40)
    team.add_source("file", "export", settings={"path": str(path)})
    team.insert_rule(Rule("Coffee", Conditions(keyword="cold coffee"), Actions(tag="coffee")))
    team.insert_rule(Rule("Rude", Conditions(keyword="rude", keyword_mode="fts"), Actions(mute=True)))
    [summary] = asyncio.run(sync(team, secrets=MemorySecrets()))
    assert summary.ok and summary.new == 40
    rows = {r.external_id: r for r in team.list_items(InboxFilter(view=View.ALL), limit=100)[0]}
    for ext, row in rows.items():
        assert ([name for name, _ in row.tags] == ["coffee"]) == ("cold coffee" in row.text), ext
        assert (row.status == "done") == ("rude" in row.text), ext
    # an edit at the source: the sync's page step scores the new text
    text = path.read_text(encoding="utf-8").replace('visit 7"', 'visit 7, awful and disgusting"')
    path.write_text(text, encoding="utf-8")
    [summary] = asyncio.run(sync(team, secrets=MemorySecrets()))
    assert summary.updated == 1
    with team.cursor() as cur:
        title, body, rating, language, _score, label = cur.execute(
            "SELECT title, text, rating, language, sentiment, sentiment_label FROM items "
            "WHERE external_id = 'R7'").fetchone()
    assert "awful" in body
    assert label == sentiment.score(title, body, rating, language)[1]
