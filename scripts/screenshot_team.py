"""Screenshots of a team inbox in the window, against a real PostgreSQL (tests/pg.py starts
one in a temporary folder): the demo café moved into a team inbox owned by Maria, with Sam
and Ana as members; Maria's window on her copy; Ana and Sam work from their own
connections, so the assignments, the history and "Sam is replying…" arrive as they would.

    QT_QPA_PLATFORM=offscreen python scripts/screenshot.py OUT.png --team [--small] [--dark] [--offline]

(--offline: the server is stopped after the window opened, and Maria tags the open
conversation: the status bar's offline state with a change waiting. --connect: the Connect
to a team inbox dialog after a wrong password, alone.)
"""

from __future__ import annotations

import secrets as random
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from inbox.domain import InboxFilter, View  # noqa: E402
from inbox.secrets import MemorySecrets  # noqa: E402
from inbox.services import team  # noqa: E402
from inbox.services.demo import build_demo  # noqa: E402
from inbox.services.team_link import connect_replica  # noqa: E402
from inbox.store import Store  # noqa: E402
from inbox.store.team import TeamStore, secret_name  # noqa: E402
from inbox.ui.appearance import Appearance  # noqa: E402
from inbox.ui.application import EXTENSIONS_WITHOUT_DIALOGS, install_extensions, make_app  # noqa: E402
from inbox.ui.main_window import MainWindow  # noqa: E402
from tests.pg import start_server  # noqa: E402

PEOPLE = ("maria", "sam", "ana")


def connect_dialog(app, out: Path, url: str, tmp: Path, server) -> int:
    """The dialog as Sam fills it in on a new laptop, with a mistyped password."""
    from inbox.ui.team_connect import ConnectTeamDialog, TeamAddress

    dialog = ConnectTeamDialog(MemorySecrets(), tmp / "sam")
    dialog.fill(TeamAddress.from_url(url))
    dialog.password.setText("not-my-password")
    dialog.show()
    dialog.start()

    def shoot() -> None:
        if dialog.busy:
            QTimer.singleShot(200, shoot)
            return
        app.processEvents()
        dialog.grab().save(str(out))
        print(f"saved {out} ({dialog.width()}x{dialog.height()}): {dialog.status.text()}")
        dialog.calls.close()
        app.quit()
    QTimer.singleShot(300, shoot)
    app.exec()
    server.stop()
    return 0


def main(out: Path, size: tuple[int, int], dark: bool, offline: bool) -> int:
    app = make_app()
    tmp = Path(tempfile.mkdtemp())
    server = start_server()
    passwords = {p: random.token_urlsafe(12) for p in PEOPLE}
    with server.connect() as conn:
        for person, password in passwords.items():
            conn.execute(f"CREATE ROLE {person} LOGIN PASSWORD '{password}'")
        conn.execute("CREATE DATABASE inbox OWNER maria TEMPLATE template0")
    urls = {p: server.url("inbox", user=p) for p in PEOPLE}
    keyring = MemorySecrets({secret_name(urls[p]): {"password": passwords[p]} for p in PEOPLE})
    with Store(tmp / "demo.db") as demo:
        build_demo(demo, seed=7)
    team.import_inbox(tmp / "demo.db", urls["maria"], keyring)
    stores = {"maria": TeamStore(urls["maria"], password=passwords["maria"])}
    for member in ("sam", "ana"):
        stores["maria"].grant_member(member)
        stores[member] = TeamStore(urls[member], password=passwords[member])
    stores["sam"].set_display_name("Sam Brennan")  # each member's own name (inbox team name)
    stores["ana"].set_display_name("Ana López")
    # the morning's assignments, made by the owner on the server
    rows = stores["maria"].list_items(InboxFilter(view=View.INBOX), limit=12)[0]
    for row, member in zip(rows, ["sam", "maria", "ana", "maria", "sam", "ana"], strict=False):
        stores["maria"].assign([row.id], member)

    if "--connect" in sys.argv:
        return connect_dialog(app, out, urls["sam"], tmp, server)
    store = Store(connect_replica(urls["maria"], keyring, tmp / "data"))
    settings = QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(store, settings=settings, background_pages=False)
    install_extensions(window, EXTENSIONS_WITHOUT_DIALOGS)
    from inbox.ui.controllers.team import TeamController
    from inbox.ui.team_connect import TeamConnect

    window.extensions.get(TeamConnect).secrets = keyring  # before the link starts
    window.resize(*size)
    window.show()
    if dark:
        Appearance(app).apply("dark")
    controller = window.extensions.get(TeamController)

    def scene() -> None:
        item = window.current_item()
        if item is None or not controller.online:
            QTimer.singleShot(300, scene)
            return
        # Ana and Sam, from their own apps, on the conversation Maria has open
        stores["ana"].tag_items([item.id], "wifi")
        stores["ana"].assign([item.id], "sam")
        stores["sam"].assign([item.id], "maria")
        if offline:
            QTimer.singleShot(1500, go_offline)
        else:
            stores["sam"].announce(item.id, "replying")
            QTimer.singleShot(1500, shoot)

    def go_offline() -> None:
        for s in stores.values():
            s.close()
        server.stop()
        item = window.current_item()
        window.tag("urgent", ids=[item.id])  # made offline: waits to be sent
        deadline = time.monotonic() + 20

        def wait() -> None:
            if controller.online is False or time.monotonic() > deadline:
                QTimer.singleShot(300, shoot)
            else:
                QTimer.singleShot(300, wait)
        wait()

    def shoot() -> None:
        app.processEvents()
        window.grab().save(str(out))
        print(f"saved {out} ({window.width()}x{window.height()}): {controller.status.text()}")
        window.shutdown()
        app.quit()

    def select() -> None:
        window.list_ctl.move_current(1)
        window.list_ctl.move_current(1)
        QTimer.singleShot(500, scene)

    QTimer.singleShot(800, select)
    app.exec()
    store.close()
    for s in stores.values():
        s.close()
    server.stop()
    return 0
