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
