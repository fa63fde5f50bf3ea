"""Take docs/screenshot.png: the main window on the demo workspace at 1280x800.

Run: QT_QPA_PLATFORM=offscreen python scripts/screenshot.py [out.png] [--dark] [--small] [--thread] [--insights] [--reply]
     [--font=18] [--team] [--offline]
(--thread opens a conversation of several messages; --font=N: the system font at N points;
--team: the demo as a team inbox's copy, Maria's, with conversations assigned, a history
and Sam replying in the open one (the server's notices are played in, no server is
reached); --offline with --team: the link's offline state, with changes waiting)
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
    app = make_app()
    for arg in sys.argv[1:]:
        if arg.startswith("--font="):  # a larger system font, as set in the desktop's settings
            font = app.font()
            font.setPointSizeF(float(arg.split("=", 1)[1]))
            app.setFont(font)
    tmp = Path(tempfile.mkdtemp())
    store = Store(tmp / "demo.db")
    team = "--team" in sys.argv
    if team:
        store.link_team("postgresql://maria@shop-server/inbox", "maria", "demo-team")
        store.set_team_members(["maria", "sam", "ana"])
    build_demo(store, seed=7)
    if team:
        team_assignments(store)
    settings = QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(store, is_demo=not team, settings=settings, background_pages=False)
    if "--bare" not in sys.argv:
        install_extensions(window, EXTENSIONS_WITHOUT_DIALOGS)
    if team:
        team_controller(window)
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
        if team:
            from inbox.store.team.changes import Notice
            from inbox.ui.controllers.team import TeamController

            controller = window.extensions.get(TeamController)
            current = window.current_item()
            if current is not None:
                team_history(store, current)
                controller.refresh_info()
                controller.refresh_current()
                if "--offline" not in sys.argv:
                    controller.notice(Notice("presence", who="sam", item_id=current.id, activity="replying"))
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


def team_assignments(store: Store) -> None:
    """A team's morning on the demo: conversations given to Maria, Sam and Ana."""
    from inbox.domain import InboxFilter, View

    store.ops_sent([op.id for op in store.queued_ops(100_000)])  # the demo's own triage: not the team's
    rows, _ = store.list_items(InboxFilter(view=View.INBOX), limit=8)
    for row, member in zip(rows, ["sam", "maria", "maria", "ana", None, None, "sam", "ana"], strict=False):
        if member:
            store.assign([row.id], member)
    store.ops_sent([op.id for op in store.queued_ops(100_000)])


def team_history(store: Store, opened) -> None:
    """The opened conversation's history as the server would have sent it; offline, two
    changes made here wait to be sent."""
    from inbox.domain.team import Change, ReplicaBatch

    store.ops_sent([op.id for op in store.queued_ops(100_000)])  # opening it read it: each member's own
    day = opened.last_activity_at or opened.created_at
    at = [day[:11] + t for t in ("08:12:00Z", "08:40:00Z", "09:05:00Z")]
    t = opened.thread_id
    store.apply_team_batch(ReplicaBatch(changes=[
        Change(41, at[0], "ana", opened.id, t, "tag", "wifi"),
        Change(42, at[1], "ana", opened.id, t, "assigned", "sam"),
        Change(43, at[2], "sam", opened.id, t, "assigned", "maria"),
    ]), last_seq=43)
    if "--offline" in sys.argv:
        store.tag_items([opened.id], "urgent")  # made offline: waits to be sent


def team_controller(window: MainWindow) -> None:
    """The window's team part without a server: its calls stopped, its state set by hand."""
    from inbox.ui.controllers.team import TeamController

    controller = window.extensions.get(TeamController)
    controller.calls.close()
    controller.online = "--offline" not in sys.argv
    controller.refresh_info()
    controller.rows_changed()
    controller.count_mine()


if __name__ == "__main__":
    sys.exit(main())
