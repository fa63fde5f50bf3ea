"""The commands docs/sources.md tells users to run, run as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.replay import googleplay
from tests.sync_helpers import forget_test_secrets, secrets_env  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]


def inbox(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "inbox", *args], cwd=ROOT, env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)


def test_file_import_from_the_command_line(tmp_path):
    db = str(tmp_path / "inbox.db")
    export = tmp_path / "cards.csv"
    export.write_bytes("\ufeffReview ID,Comment,Stars,Date\nc1,Lovely scones,5,2026-03-01\nc2,,,\n".encode())
    added = inbox("sources", "add", "file", "--name", "Comment cards", "--set", f"path={export}",
                  "--set", "mapping=id=Review ID,text=Comment,rating=Stars,created_at=Date", "--db", db)
    assert added.returncode == 0, added.stderr
    first = inbox("sync", "--source", "Comment cards", "--json", "--db", db)
    again = inbox("sync", "--source", "Comment cards", "--json", "--db", db)
    [run1], [run2] = json.loads(first.stdout), json.loads(again.stdout)
    assert (run1["new"], run1["skipped"], run1["ok"]) == (1, 1, True)
    assert (run2["new"], run2["fetched"]) == (0, 0)


def test_bad_mapping_fails_the_source_with_a_clear_message(tmp_path):
    db = str(tmp_path / "inbox.db")
    export = tmp_path / "cards.csv"
    export.write_text("Review ID,Comment\nc1,Lovely\n", encoding="utf-8")
    inbox("sources", "add", "file", "--name", "cards", "--set", f"path={export}",
          "--set", "mapping=text=Feedback", "--db", db)
    result = inbox("sync", "--json", "--db", db)
    [run] = json.loads(result.stdout)
    assert result.returncode == 1
    assert "no column 'Feedback' (for text)" in run["error"] and "'Review ID'" in run["error"]


def test_google_play_key_file_compacted_on_stdin(tmp_path, replay):
    env = secrets_env(tmp_path)  # the key goes to the test secrets file, as it would to the keyring
    googleplay.install(replay, googleplay.sample())
    key_file = tmp_path / "key.json"
    key_file.write_text(json.dumps(json.loads(googleplay.service_account_json(f"{replay.base_url}/token")),
                                   indent=2), encoding="utf-8")  # as downloaded: several lines
    compact = subprocess.run([sys.executable, "-c", "import json,sys; print(json.dumps(json.load(open(sys.argv[1]))))",
                              str(key_file)], capture_output=True, text=True, check=True).stdout
    db = str(tmp_path / "inbox.db")
    added = inbox("sources", "add", "googleplay", "--name", "Android app", "--set",
                  f"package_name={googleplay.PACKAGE}", "--set", f"base_url={replay.base_url}/androidpublisher/v3",
                  "--secret", "service_account_json", "--db", db, stdin=compact, env=env)
    assert added.returncode == 0, added.stderr
    result = inbox("sync", "--json", "--db", db, env=env)
    [run] = json.loads(result.stdout)
    assert run["ok"] and run["new"] == 3, run
    for part in tmp_path.glob("inbox.db*"):  # the database and its WAL
        assert b"PRIVATE KEY" not in part.read_bytes()
