"""Import on the GUI thread what worker threads would otherwise import lazily.

shiboken6 replaces `__import__` with a hook that inspects each newly loaded module's
source; doing that on a worker thread while the GUI thread runs Qt can crash the process
(docs/engineering-notes.md). Loading these modules first, here, leaves workers nothing new
to import.
"""

from __future__ import annotations

import importlib
import linecache

from inbox.sources.registry import CONNECTOR_MODULES
from inbox.sources.replies import REPLY_MODULES

MODULES = [
    "csv", "json", "sqlite3", "tempfile", "xlsxwriter", "regex", "feedparser", "nh3", "httpx", "jwt",
    "keyring", "vaderSentiment.vaderSentiment",
    "inbox.secrets", "inbox.services.export", "inbox.services.authors", "inbox.services.sentiment",
    "inbox.services.themes", "inbox.services.insights", "inbox.services.people", "inbox.services.rules",
    "inbox.services.backup", "inbox.services.diagnostics", "inbox.services.pipeline",
    "inbox.services.outbox", "inbox.sync.engine", "inbox.sync.http",
    # imported by the window when a sync or the analysis pass starts: on the GUI thread, in
    # that turn (~3 ms with shiboken's import hook, more without bytecode)
    "inbox.sync.child", "inbox.ui.scoring",
]
# The sync engine and the outbox import connectors with asyncio.to_thread, i.e. on a worker.
MODULES += [*CONNECTOR_MODULES.values(), *REPLY_MODULES.values()]


def prewarm() -> None:
    for name in MODULES:
        try:
            importlib.import_module(name)
        except ImportError:  # an optional part missing must not stop the app
            continue
    import keyring

    try:
        keyring.get_keyring()  # loads the backend plugins, which import more modules
    except Exception:
        pass


def forget_sources() -> None:
    """Drop the source lines shiboken's import hook has read: it reads each module imported
    after PySide6 (`inspect.getsource`, to look for "PySide6" in it) and linecache keeps
    them all, ~8 MB of strings once the window is built (16 MB of the peak with 100,000
    rows: docs/benchmarks.md, Memory). Only tracebacks read that cache; they read the file
    again when its lines are gone. Call once the start's imports are done."""
    linecache.clearcache()
