"""Rules, saved replies, saved views, the outbox and the replies UI ask the store by name:
none of them executes SQL or reaches for the store's connection."""

from __future__ import annotations

from pathlib import Path

import pytest

import inbox

ROOT = Path(inbox.__file__).parent
MODULES = ["services/rules.py", "services/saved_replies.py", "services/saved_views.py", "services/outbox.py",
           "services/replies.py", "ui/replies.py", "ui/reply_editor.py", "ui/rules_dialog.py",
           "ui/saved_replies_dialog.py"]


@pytest.mark.parametrize("module", MODULES)
def test_no_sql_outside_the_store(module: str) -> None:
    source = (ROOT / module).read_text(encoding="utf-8")
    for needle in (".execute(", ".executemany(", "store.conn", ".conn.", "store.db", "import sqlite3"):
        assert needle not in source, f"{module} uses {needle}"
