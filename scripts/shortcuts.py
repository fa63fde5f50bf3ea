"""Print the keyboard shortcuts of the whole app (every feature installed) as a Markdown
table, menu by menu: the README's table is this output, and a test keeps them in step.

Run: QT_QPA_PLATFORM=offscreen python scripts/shortcuts.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))




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
    print("| key | command |\n| --- | --- |")
    for key, title in shortcut_rows(window.commands):
        print(f"| `{key}` | {title} |")
    window.shutdown()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
