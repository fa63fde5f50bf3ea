"""PySide6 6.12.0 corrupts a reference count on every Python-side Signal.emit and the
process dies after a few thousand (engineering notes). The app emits signals constantly, so
an upgrade that brings that bug back must fail the suite rather than crash a user's app."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
from PySide6.QtCore import QCoreApplication, QObject, Signal

class Emitter(QObject):
    value = Signal(int)

app = QCoreApplication([])
e = Emitter()
seen = []
e.value.connect(seen.append)
for i in range(20_000):
    e.value.emit(i)
assert len(seen) == 20_000 and seen[-1] == 19_999
print("ok", len(seen))
"""


def test_twenty_thousand_signal_emits_survive():
    # in a subprocess: the bug aborts the interpreter (Fatal Python error: bool_dealloc)
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok 20000"
