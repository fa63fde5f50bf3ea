"""The tagger's lexicon loads without leaving files to the garbage collector: Pattern's own
reader did, and the warning that followed surfaced as an error in whatever ran next
(the app loads the tagger on a worker thread while the window works)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent("""
    import gc, sys, threading, warnings
    seen = []
    sys.unraisablehook = lambda u: seen.append(repr(u.exc_value))
    from inbox.services import pos_tags
    done = threading.Event()
    def load():
        tags = pos_tags.tag(["The", "coffee", "was", "cold"])
        assert tags == ["DT", "NN", "VBD", "JJ"], tags
        assert "coffee" in pos_tags.spelling()
        done.set()
    threading.Thread(target=load).start()
    while not done.is_set():  # the main thread sets and restores its own filters meanwhile
        with warnings.catch_warnings():
            warnings.simplefilter("error")
    gc.collect()
    print(len(seen), seen[:1])
""")


def test_loading_the_tagger_on_a_thread_leaves_no_file_open() -> None:
    out = subprocess.run([sys.executable, "-W", "error::ResourceWarning", "-c", SCRIPT], cwd=ROOT,
                         capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "0 []", out.stdout + out.stderr
