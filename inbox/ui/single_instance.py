"""One running app per user and database: a second launch raises the first window and exits.

Two processes writing one SQLite file would each cache their own view of it and race on
drafts; and a newcomer who double-clicks the launcher twice expects the window to come
forward, not a second copy. The first instance listens on a QLocalServer named from the
user and the database path; a later launch connects, asks it to show itself, waits for
the answer and exits 0. A server left behind by a crash is detected (nobody answers) and
replaced.
"""

from __future__ import annotations

import getpass
import hashlib
import logging
import re
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_MS = 1000
ANSWER_TIMEOUT_MS = 3000
_REQUEST = b"activate\n"
_ANSWER = b"ok\n"


def server_name(db_path: Path) -> str:
    """Stable per user and database; safe as a socket name on every OS."""
    try:
        user = getpass.getuser()
    except Exception:  # no login name (some containers): the home dir is per user too
        user = str(Path.home())
    digest = hashlib.sha256(f"{user}\0{Path(db_path).resolve()}".encode()).hexdigest()[:16]
    safe_user = re.sub(r"[^A-Za-z0-9_-]", "", user)[:24] or "user"
    return f"feedback-inbox-{safe_user}-{digest}"


class SingleInstance(QObject):
    """`activate_requested` fires in the first instance when another launch asks for it."""

    activate_requested = Signal()

    def __init__(self, db_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(db_path)
        self.server: QLocalServer | None = None

    def ask_running_instance(self) -> bool:
        """True when another instance answered (it is raising its window now)."""
        sock = QLocalSocket()
        sock.connectToServer(self.name)
        if not sock.waitForConnected(CONNECT_TIMEOUT_MS):
            return False
        sock.write(_REQUEST)
        sock.flush()
        answered = False
        while sock.waitForReadyRead(ANSWER_TIMEOUT_MS):
            if _ANSWER in bytes(sock.readAll().data()):
                answered = True
                break
        sock.disconnectFromServer()
        return answered

    def listen(self) -> bool:
        """Become the instance others talk to. False if the name cannot be taken (then the
        app still runs; it just cannot be raised by a second launch)."""
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            QLocalServer.removeServer(self.name)  # a stale socket file from a crashed run
            if not server.listen(self.name):
                log.warning("single instance: cannot listen on %s: %s", self.name, server.errorString())
                return False
        server.newConnection.connect(self._on_connection)
        self.server = server
        log.info("single instance: listening as %s", self.name)
        return True

    def close(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None

    def _on_connection(self) -> None:
        assert self.server is not None
        while (sock := self.server.nextPendingConnection()) is not None:
            sock.readyRead.connect(lambda s=sock: self._on_request(s))
            sock.disconnected.connect(sock.deleteLater)
            if sock.bytesAvailable():
                self._on_request(sock)

    def _on_request(self, sock: QLocalSocket) -> None:
        if _REQUEST.strip() in bytes(sock.readAll().data()):
            log.info("another launch asked for the window; raising it")
            sock.write(_ANSWER)
            sock.flush()
            self.activate_requested.emit()


def acquire(db_path: Path) -> SingleInstance | None:
    """The instance guard for this launch, or None when another instance is running and
    has been asked to show itself (the caller then exits 0). Needs a QApplication."""
    guard = SingleInstance(db_path)
    if guard.ask_running_instance():
        return None
    guard.listen()
    return guard


def raise_window(window: QWidget) -> None:
    """Bring the window forward (un-minimise, raise, focus) as the user asked for it."""
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()
