"""`inbox about`: what to paste into a support request — paths, versions, keyring; no secrets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from inbox import __version__, secrets

ROOT = Path(__file__).resolve().parents[2]


def test_about_reports_paths_versions_and_the_keyring(tmp_path: Path) -> None:
    db = tmp_path / "mine.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    res = subprocess.run([sys.executable, "-m", "inbox", "about", "--json", "--db", str(db)], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    info = json.loads(res.stdout)
    assert info["version"] == __version__
    assert info["database"] == str(db)
    assert info["data_folder"] == os.path.join(os.environ["XDG_DATA_HOME"], "feedback-inbox")
    assert info["log_folder"].startswith(os.environ["XDG_STATE_HOME"])
    expected = "(usable)" if secrets.KeyringSecrets().available() else "(not usable: credentials not saved)"
    assert info["keyring"].endswith(expected)
    assert not db.exists()  # asking about a database does not create it
