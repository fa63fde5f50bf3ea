"""The README's keyboard table is what the app really binds, once every feature is installed."""

from __future__ import annotations

from pathlib import Path

from inbox.ui.application import EXTENSIONS_WITHOUT_DIALOGS, install_extensions
from inbox.ui.commands import shortcut_rows

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_lists_every_shortcut_of_the_whole_app(workspace_store, make_window):
    window = make_window(workspace_store)
    install_extensions(window, EXTENSIONS_WITHOUT_DIALOGS)
    rows = shortcut_rows(window.commands)
    assert window.commands.conflicts() == {}
    assert len(rows) > 20
    text = README.read_text(encoding="utf-8")
    wanted = [f"| `{key}` | {title} |" for key, title in rows]
    start = text.index("| key | command |\n| --- | --- |\n")
    table = text[start:].split("\n\n")[0].splitlines()[2:]
    assert table == wanted, "README is stale: run scripts/shortcuts.py --write"
