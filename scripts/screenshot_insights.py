"""Screenshots of the insights dashboard and a customer profile on the demo workspace.

    QT_QPA_PLATFORM=offscreen python scripts/screenshot_insights.py [--dark] [--out docs]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def wait(app, condition, timeout: float = 20.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the window did not settle")
        app.processEvents()
        time.sleep(0.01)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dark", action="store_true")
    parser.add_argument("--out", default=str(ROOT / "docs"))
    parser.add_argument("--suffix", default="")
    parser.add_argument("--period", type=int, default=2, help="index in the period picker (2 = 12 months)")
    args = parser.parse_args()

    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

    from inbox.services.demo import build_demo
    from inbox.store import Store
    from inbox.ui import dashboard, profile
    from inbox.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    app.setStyle("Fusion")
    if args.dark:
        pal = QPalette()
        for role, colour in ((QPalette.ColorRole.Window, "#1e1f22"), (QPalette.ColorRole.Base, "#26282c"),
                             (QPalette.ColorRole.Text, "#e6e6e6"), (QPalette.ColorRole.WindowText, "#e6e6e6"),
                             (QPalette.ColorRole.Button, "#2b2d31"), (QPalette.ColorRole.ButtonText, "#e6e6e6"),
                             (QPalette.ColorRole.AlternateBase, "#2b2d31")):
            pal.setColor(role, QColor(colour))
        app.setPalette(pal)
    tmp = Path(tempfile.mkdtemp())
    store = Store(tmp / "demo.db")
    build_demo(store, seed=7)
    window = MainWindow(store, is_demo=True, settings=QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat))
    dashboard.install(window)
    profile.install(window)
    window.resize(1280, 800)
    window.show()
    wait(app, lambda: window.workers.pending == 0)

    # Insights lives inside the main window now; for the docs picture, the same dashboard
    # on its own, tall enough to show every chart.
    dash = QWidget()
    dash.dashboard = dashboard.Dashboard(window, dash)
    QVBoxLayout(dash).addWidget(dash.dashboard)
    dash.resize(1200, 1500)
    dash.show()
    dash.dashboard.refresh()
    dash.dashboard.period_box.setCurrentIndex(args.period)
    wait(app, lambda: dash.dashboard.status.text().endswith("items") and window.workers.pending == 0)
    # Themes by aspect: the demo's reviews are read in the background first.
    wait(app, lambda: getattr(dash.dashboard, "aspects_panel", None) is not None
         and dash.dashboard.aspects_panel.figures is not None, timeout=120)
    for _ in range(20):
        app.processEvents()
    body = dash.dashboard.body
    dash.resize(1200, body.sizeHint().height() + 70)  # the whole dashboard, not a scrolled part
    for _ in range(20):
        app.processEvents()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    dash.grab().save(str(out / f"screenshot-dashboard{args.suffix}.png"))

    # A regular who reviews on Google and posts on social media: link one account, and let
    # the profile suggest the others.
    from inbox.services import people

    candidates = [r[0] for r in store.conn.execute(
        "SELECT a.id FROM authors a JOIN items i ON i.author_id = a.id WHERE i.rating IS NOT NULL "
        "AND a.platform = 'google' AND i.is_owner_reply = 0 GROUP BY a.id HAVING count(*) >= 2 "
        "ORDER BY count(*) DESC, a.id")]
    author = next(a for a in candidates if len(people.suggestions(store, a)) >= 2)
    people.link(store, author, people.suggestions(store, author)[0]["id"])
    win = profile.open_profile(window, author)
    win.resize(1000, 820)
    wait(app, lambda: win.pane.loaded and window.workers.pending == 0)
    for _ in range(20):
        app.processEvents()
    win.grab().save(str(out / f"screenshot-profile{args.suffix}.png"))
    window.shutdown()
    store.close()


if __name__ == "__main__":
    main()
