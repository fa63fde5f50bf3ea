"""Take docs/screenshot.png: the main window on the demo workspace at 1280x800.

Run: QT_QPA_PLATFORM=offscreen python scripts/screenshot.py [out.png] [--dark] [--small] [--thread] [--insights] [--reply]
     [--font=18] [--team [--offline]]
(--thread opens a conversation of several messages; --font=N: the system font at N points;
--team: a team inbox against a real PostgreSQL, with assignments, a history and someone
replying: see scripts/screenshot_team.py)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from inbox.services.demo import build_demo
from inbox.store import Store
from inbox.ui.appearance import Appearance
from inbox.ui.application import EXTENSIONS_WITHOUT_DIALOGS, install_extensions, make_app
from inbox.ui.main_window import MainWindow

SIZE = (1024, 640) if "--small" in sys.argv else (1280, 800)


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    out = Path(args[0] if args else "docs/screenshot.png")
    if "--team" in sys.argv:
        from screenshot_team import main as team_main  # scripts/ is on the path when run

        return team_main(out, SIZE, "--dark" in sys.argv, "--offline" in sys.argv)
    app = make_app()
    for arg in sys.argv[1:]:
        if arg.startswith("--font="):  # a larger system font, as set in the desktop's settings
            font = app.font()
            font.setPointSizeF(float(arg.split("=", 1)[1]))
            app.setFont(font)
    tmp = Path(tempfile.mkdtemp())
    store = Store(tmp / "demo.db")
    build_demo(store, seed=7)
    settings = QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(store, is_demo=True, settings=settings, background_pages=False)
    if "--bare" not in sys.argv:
        install_extensions(window, EXTENSIONS_WITHOUT_DIALOGS)
    window.resize(*SIZE)
    window.show()
    if "--dark" in sys.argv:  # switched while the window is up: the runtime switch is what's shown
        Appearance(app).apply("dark")

    def select() -> None:
        window.list_ctl.move_current(1)
        window.list_ctl.move_current(1)
        if "--thread" in sys.argv:  # open a conversation of several messages
            rows = window.model.rows
            row = next((n for n, r in enumerate(rows) if r.messages > 2), None)
            if row is not None:
                window.list_ctl.select_row(row)
        if "--insights" in sys.argv:  # Insights in the window, a theme's items beside the charts
            window.run_command("insights.dashboard")
            QTimer.singleShot(1500, drill)
            return
        if "--reply" in sys.argv:  # a draft with a saved reply appended: the tone check speaks
            QTimer.singleShot(400, write)
            return
        QTimer.singleShot(400, shoot)  # the opened item's view arrives from a worker

    def write() -> None:
        from inbox.ui.replies import RepliesController
        editor = window.extensions.get(RepliesController).editor
        name = (editor.item.author_name.split() or ["there"])[0] if editor.item else "there"
        editor.set_text(f"Hi {name}, the wifi password is on the chalkboard by the till.\n\n"
                        f"Hi {name}, thank you! It made our day to read that. — Maria")
        editor.run_tone_check()
        QTimer.singleShot(300, shoot)

    def drill() -> None:
        from inbox.ui.dashboard import DashboardWindow
        panel = getattr(window.extensions.get(DashboardWindow).dashboard, "aspects_panel", None)
        if panel is None or panel.figures is None:  # the themes are still being read
            QTimer.singleShot(500, drill)
            return
        if panel.figures.complaints:
            panel.open_aspect(term=panel.figures.complaints[0].term, polarity="negative")
        elif panel.figures.categories:
            panel.open_aspect(category=panel.figures.categories[0].key, polarity="negative")
        QTimer.singleShot(1200, shoot)

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
