"""What the app imports at start (inbox/ui/prewarm.py), so that no module is first imported
while the window is busy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, sys
from inbox.ui.prewarm import prewarm
prewarm()
before = set(sys.modules)
from inbox.sync.child import sync_in_child  # what the window's sync imports when it starts
from inbox.ui.scoring import backfill_for  # and the analysis pass after it
print(json.dumps(sorted(set(sys.modules) - before)))
"""


def test_a_sync_and_the_analysis_pass_start_without_importing_on_the_gui_thread() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True, timeout=120)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
