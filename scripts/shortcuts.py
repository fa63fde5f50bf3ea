"""Print the keyboard shortcuts of the whole app (every feature installed) as a Markdown
table, menu by menu: the README's table is this output, and a test keeps them in step.

Run: QT_QPA_PLATFORM=offscreen python scripts/shortcuts.py [--write]
(--write replaces the table in README.md.)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
HEADER = "| key | command |"


def replace_table(text: str, table: str) -> str:
    """`text` with its Markdown table that starts with HEADER replaced by `table`."""
    lines = text.splitlines(keepends=True)
    start = next(n for n, line in enumerate(lines) if line.strip() == HEADER)
    end = start
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    return "".join(lines[:start]) + table + "".join(lines[end:])


def main() -> int:
    from PySide6.QtCore import QSettings

    from inbox.store import Store
    from inbox.ui.application import EXTENSIONS_WITHOUT_DIALOGS, install_extensions, make_app
    from inbox.ui.commands import shortcut_rows
    from inbox.ui.main_window import MainWindow

    make_app()
    tmp = Path(tempfile.mkdtemp())
    store = Store(tmp / "s.db")
    window = MainWindow(store, is_demo=True, settings=QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat))
    install_extensions(window, EXTENSIONS_WITHOUT_DIALOGS)
    table = f"{HEADER}\n| --- | --- |\n" + "".join(
        f"| `{key}` | {title} |\n" for key, title in shortcut_rows(window.commands))
    if "--write" in sys.argv[1:]:
        readme = ROOT / "README.md"
        readme.write_text(replace_table(readme.read_text(encoding="utf-8"), table), encoding="utf-8")
    else:
        print(table, end="")
    window.shutdown()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
