"""`inbox insights` on a real database file, as a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from inbox.domain import Author, Item, utcnow
from inbox.services.pipeline import default_pipeline
from inbox.store import Store

ROOT = Path(__file__).resolve().parents[2]


PIPELINE = default_pipeline()


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "inbox", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def test_insights_command_rescores_and_reports(tmp_path: Path) -> None:
    db = tmp_path / "inbox.db"
    now = utcnow()
    with Store(db) as store:
        src = store.add_source("google", "Cafe · Google")
        store.save_page(src.id, [
            Item(f"i{n}", "review", text=text, rating=rating, created_at=now - timedelta(days=n + 1),
                 author=Author(f"a{n}", f"A {n}"))
            for n, (text, rating) in enumerate([("Lovely flat white", 5), ("Great flat white, kind staff", 5),
                                                ("Cold coffee and a long wait", 1)])], pipeline=PIPELINE)
        store.conn.execute("UPDATE items SET sentiment_label = NULL")  # as if from before insights
    result = run("insights", "--db", str(db), "--days", "30", "--rescore", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    own = data["businesses"][0]
    assert own["items"] == 3 and own["rating"] == 3.67
    assert own["sentiment"]["positive"] == 2 and own["sentiment"]["negative"] == 1
    assert [t["phrase"] for t in own["praise"]] == ["flat white"]
    text = run("insights", "--db", str(db), "--days", "30")
    assert "Your business (own): 3 items, rating 3.67★" in text.stdout
    bad = run("insights", "--db", str(db), "--since", "2026-01-01")
    assert bad.returncode == 2 and "both --since and --until" in bad.stderr


def test_insights_command_reads_and_prints_themes_by_aspect(tmp_path: Path) -> None:
    db = tmp_path / "inbox.db"
    now = utcnow()
    texts = [("The flat white was lovely, but the queue was far too long.", 3)] * 4 + [
        ("Friendly staff and a lovely flat white.", 5)] * 4 + [("Le café était froid.", 2)]
    with Store(db) as store:
        src = store.add_source("google", "Cafe · Google")
        store.save_page(src.id, [
            Item(f"i{n}", "review", text=text, rating=rating, created_at=now - timedelta(days=n + 1),
                 author=Author(f"a{n}", f"A {n}"), language="fr" if "café" in text else "")
            for n, (text, rating) in enumerate(texts)], pipeline=PIPELINE)
    result = run("insights", "--db", str(db), "--days", "30", "--aspects", "--json")
    assert result.returncode == 0, result.stderr
    aspects = json.loads(result.stdout)["businesses"][0]["aspects"]
    assert [a["aspect"] for a in aspects["complaints"]] == ["queue"]
    assert aspects["languages_not_read"] == {"fr": 1}
    text = run("insights", "--db", str(db), "--days", "30", "--aspects")
    assert "Complaints that stand out: queue (4 of 4)" in text.stdout
    assert "Wait & speed 4 (100% complaints)" in text.stdout


def test_the_last_days_end_today_where_the_computer_is(tmp_path: Path) -> None:
    """Kiritimati (UTC+14) and Pago Pago (UTC−11): at any hour one of them is on another day
    than UTC, and the period must end on that zone's day."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    db = tmp_path / "inbox.db"
    Store(db).close()
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
        env = {**os.environ, "PYTHONPATH": str(ROOT), "TZ": zone}
        done = subprocess.run([sys.executable, "-m", "inbox", "insights", "--db", str(db), "--days", "7", "--json"],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        today = datetime.now(ZoneInfo(zone)).date()
        assert json.loads(done.stdout)["until"] == today.isoformat(), zone
