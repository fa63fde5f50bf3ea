"""Take docs/screenshot.png: the main window on the demo workspace at 1280x800.

Run: QT_QPA_PLATFORM=offscreen python scripts/screenshot.py [out.png] [--dark] [--small] [--thread]
(--thread opens a conversation of several messages)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QColor, QPalette

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from inbox.services.demo import build_demo
from inbox.store import Store
from inbox.ui.application import EXTENSIONS_WITHOUT_DIALOGS, install_extensions, make_app
from inbox.ui.main_window import MainWindow

SIZE = (1024, 640) if "--small" in sys.argv else (1280, 800)


def dark_palette() -> QPalette:
    p = QPalette()
    for role, colour in ((QPalette.ColorRole.Window, "#202124"), (QPalette.ColorRole.WindowText, "#e8eaed"),
                         (QPalette.ColorRole.Base, "#1b1b1d"), (QPalette.ColorRole.AlternateBase, "#26272a"),
                         (QPalette.ColorRole.Text, "#e8eaed"), (QPalette.ColorRole.Button, "#2c2d30"),
                         (QPalette.ColorRole.ButtonText, "#e8eaed"), (QPalette.ColorRole.Highlight, "#3b6fd6"),
                         (QPalette.ColorRole.HighlightedText, "#ffffff"),
                         (QPalette.ColorRole.PlaceholderText, "#9aa0a6"), (QPalette.ColorRole.ToolTipBase, "#2c2d30"),
                         (QPalette.ColorRole.ToolTipText, "#e8eaed"), (QPalette.ColorRole.Link, "#8ab4f8")):
        p.setColor(role, QColor(colour))
    return p


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    out = Path(args[0] if args else "docs/screenshot.png")
    app = make_app()
    if "--dark" in sys.argv:
        app.setStyle("Fusion")
        app.setPalette(dark_palette())
    tmp = Path(tempfile.mkdtemp())
    store = Store(tmp / "demo.db")
    build_demo(store, seed=7)
    settings = QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(store, is_demo=True, settings=settings, background_pages=False)
    if "--bare" not in sys.argv:
        install_extensions(window, EXTENSIONS_WITHOUT_DIALOGS)
    window.resize(*SIZE)
    window.show()

    def select() -> None:
        window.list_ctl.move_current(1)
        window.list_ctl.move_current(1)
        if "--thread" in sys.argv:  # open a conversation of several messages
            rows = window.model.rows
            row = next((n for n, r in enumerate(rows) if r.messages > 2), None)
            if row is not None:
                window.list_ctl.select_row(row)
        QTimer.singleShot(400, shoot)  # the opened item's view arrives from a worker

    def shoot() -> None:
        app.processEvents()
        window.grab().save(str(out))
        print(f"saved {out} ({window.width()}x{window.height()})")
        window.shutdown()
        app.quit()

    QTimer.singleShot(600, select)
    app.exec()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
