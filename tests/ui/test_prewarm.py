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


SOURCES_PROBE = """
import json, linecache, sys, traceback
from PySide6.QtWidgets import QApplication
app = QApplication([])
from inbox.ui.prewarm import forget_sources, prewarm
prewarm()
def held():
    return sum(len(line) for entry in linecache.cache.values() if len(entry) > 2 for line in entry[2])
before = held()
forget_sources()
after = held()
try:
    json.loads("{")
except Exception as exc:
    shown = "".join(traceback.format_exception(exc))
print(json.dumps([before, after, shown]))
"""


def test_the_start_does_not_keep_every_imported_modules_source_in_memory() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", SOURCES_PROBE], cwd=ROOT, env=env, capture_output=True,
                         text=True, check=True, timeout=120)
    before, after, shown = json.loads(out.stdout.strip().splitlines()[-1])
    assert before > 2_000_000  # shiboken's import hook read the sources of what the start imported
    assert after < 100_000
    assert "return _default_decoder.decode(s)" in shown  # a traceback still shows the lines of a module's source
