"""File ▸ Connect to a team inbox…: the server, the database, your user name and password,
checked against the server, the password kept in this computer's keyring, then a copy of
the team inbox made on this computer (the replica) and the window switched to it.

Why a copy: the window always works on a local file (offline too); the team link keeps
it in step with the server (docs/team.md). Everything that talks to the server runs on a
thread of its own (`NetworkCalls`): a server that does not answer never freezes the window."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from inbox.domain.plain_errors import PlainError
from inbox.secrets import Secrets, from_environment
from inbox.services.team_recent import RecentTeam, recent_teams
from inbox.store.errors import NewerSchema, StoreError
from inbox.store.team.connection import PasswordRefused, conninfo, is_team_url, where
from inbox.ui.plain import plain
from inbox.ui.team_calls import NetworkCalls

if TYPE_CHECKING:
    from inbox.ui.main_window import MainWindow

log = logging.getLogger(__name__)
DEFAULT_PORT = 5432
VERIFY_FULL = "verify-full"


@dataclass(frozen=True, slots=True)
class TeamAddress:
    """What the dialog asks for, and the URL it makes (never with the password in it)."""

    host: str
    database: str
    user: str
    port: int = DEFAULT_PORT
    verify_tls: bool = False
    ca_file: str = ""  # the authority that signed the server's certificate; empty: the system's

    def url(self) -> str:
        netloc = f"{quote(self.user, safe='')}@{_host_part(self.host)}"
        if self.port != DEFAULT_PORT:
            netloc += f":{self.port}"
        query = {}
        if self.verify_tls:
            query = {"sslmode": VERIFY_FULL, "sslrootcert": self.ca_file or "system"}
        tail = f"?{urlencode(query)}" if query else ""
        return f"postgresql://{netloc}/{quote(self.database, safe='')}{tail}"

    def missing(self) -> str | None:
        """The first empty field, in words (None when all are there)."""
        for value, name in ((self.host, "the server"), (self.database, "the database"), (self.user, "your user name")):
            if not value.strip():
                return f"Fill in {name}."
        return None

    @classmethod
    def from_url(cls, url: str) -> TeamAddress:
        info = conninfo(url)
        port = info.get("port") or DEFAULT_PORT
        root = str(info.get("sslrootcert") or "")
        return cls(host=str(info.get("host") or ""), database=str(info.get("dbname") or ""),
                   user=str(info.get("user") or ""), port=int(port),
                   verify_tls=info.get("sslmode") == VERIFY_FULL, ca_file="" if root == "system" else root)


def local_time_text(when: Any) -> str:
    """When a copy was last used, in this computer's time ("today 14:02")."""
    from inbox.domain import utcnow
    from inbox.ui import local_time

    return local_time.when(when, utcnow())


def _host_part(host: str) -> str:
    host = host.strip()
    return f"[{host}]" if ":" in host and not host.startswith("[") else host  # an IPv6 address


def plain_connect_error(exc: BaseException, address: str) -> PlainError:
    """Why connecting failed, in the owner's words (by the error's type), with the next step;
    the store's own sentence is the detail, one click away."""
    detail = str(exc)
    if isinstance(exc, PasswordRefused):
        return PlainError("The server did not accept this user name and password.",
                          "Check both (they are case-sensitive) and try again.", detail)
    if isinstance(exc, NewerSchema):
        return PlainError("This team inbox was set up by a newer Feedback Inbox.",
                          "Update the app on this computer, then connect again.", detail)
    if isinstance(exc, StoreError):
        # the store's sentences are written for the owner already: unreachable server, a
        # certificate that does not match, no such database, not a team inbox
        return PlainError(detail, "", detail)
    return PlainError(f"Couldn't connect to the team inbox at {address}.",
                      "Check the address and your network, then try again.", f"{type(exc).__name__}: {exc}")


def check_server(url: str, password: str) -> None:
    """Open the team inbox once (TeamStore checks it is one, at a version this app knows)."""
    from inbox.store.team import TeamStore

    TeamStore(url, password=password or None, pool_size=1).close()


def make_replica(url: str, password: str, secrets: Secrets, data_dir: Path,
                 progress: Callable[[str], None], fraction: Callable[[int, int], None] | None = None) -> Path:
    """Check the server, keep the password, make or refresh this computer's copy."""
    from inbox.services import team

    progress("Checking the server…")
    check_server(url, password)
    if password:
        team.save_password(url, password, secrets)
    progress("Copying the team inbox to this computer…")
    from inbox.services.team_link import connect_replica  # the link (docs/team.md)

    return connect_replica(url, secrets, data_dir, progress=_progress_words(progress, fraction))


def _progress_words(say: Callable[[str], None],
                    fraction: Callable[[int, int], None] | None = None) -> Callable[..., None]:
    """The link's progress (a phrase and a number, or a count of a total) as one sentence,
    and as a fraction for the progress bar."""
    def report(*args: Any) -> None:
        numbers = [a for a in args if isinstance(a, int) and not isinstance(a, bool)]
        if fraction is not None and len(numbers) >= 2 and numbers[1]:
            fraction(numbers[0], numbers[1])
        words = [a for a in args if isinstance(a, str)]
        text = words[0] if words else "Copying the team inbox to this computer"
        if len(numbers) >= 2 and numbers[1]:
            text += f" ({numbers[0]:,} of {numbers[1]:,})"
        elif numbers:
            text += f" ({numbers[0]:,})"
        say(text.rstrip("…. ") + "…")
    return report


class ConnectTeamDialog(QDialog):
    """The form, a progress line while connecting, and the error with its details."""

    connected = Signal(object)  # the replica's Path

    def __init__(self, secrets: Secrets, data_dir: Path, parent: QWidget | None = None,
                 address: TeamAddress | None = None, has_password: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle("Connect to a team inbox")
        self.secrets = secrets
        self.data_dir = Path(data_dir)
        self.calls = NetworkCalls(self)
        self.busy = False
        self.detail = ""
        self.has_password = has_password
        layout = QVBoxLayout(self)
        intro = QLabel("Work in an inbox you share with your team on a PostgreSQL server. This computer keeps "
                       "a copy, so you can read and sort feedback offline too.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        # the team inboxes this computer connected to before: choosing one fills the form
        self.recent = QComboBox()
        self.recent.setObjectName("recent")
        self.recent.setAccessibleName("Recent team inboxes")
        self.recents = recent_teams(self.data_dir)
        self.recent.addItem("Choose one…" if self.recents else "None yet", None)
        for r in self.recents:
            self.recent.addItem(r.label, r.url)
        self.recent.setEnabled(bool(self.recents))
        self.recent.activated.connect(self._recent_chosen)
        form.addRow("Recent", self.recent)
        self.host = self._field("host", "shop-server or db.example.com", "Server")
        self.port = QSpinBox()
        self.port.setObjectName("port")
        self.port.setRange(1, 65535)
        self.port.setValue(DEFAULT_PORT)
        self.port.setAccessibleName("Port")
        server_row = QHBoxLayout()
        server_row.addWidget(self.host, 1)
        server_row.addWidget(QLabel("Port"))
        server_row.addWidget(self.port)
        form.addRow("Server", server_row)
        self.database = self._field("database", "inbox", "Database")
        form.addRow("Database", self.database)
        self.user = self._field("user", "your name on the server", "User name")
        form.addRow("User name", self.user)
        self.password = self._field("password", "", "Password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        if has_password:
            self.password.setPlaceholderText("kept on this computer")
        form.addRow("Password", self.password)
        self.verify = QCheckBox("Check the server's certificate (TLS)")
        self.verify.setObjectName("verify")
        self.verify.setToolTip("Recommended for a server outside the shop: the connection is encrypted and the app "
                               "refuses a server that cannot prove who it is.")
        form.addRow("", self.verify)
        self.ca_file = self._field("ca_file", "the system's authorities", "Certificate authority file")
        self.browse = QPushButton("Choose…")
        self.browse.setAccessibleName("Choose the certificate authority file")
        self.browse.clicked.connect(self._choose_ca)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_file, 1)
        ca_row.addWidget(self.browse)
        self.ca_label = QLabel("Signed by")
        form.addRow(self.ca_label, ca_row)
        self.verify.toggled.connect(self._tls_changed)
        layout.addLayout(form)
        note = QLabel("Your password stays in this computer's keyring; it is never stored on the server.")
        note.setWordWrap(True)
        note.setObjectName("keyringNote")
        layout.addWidget(note)
        self.status = plain(QLabel())
        self.status.setObjectName("connectStatus")
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Connection status")
        layout.addWidget(self.status)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: the link reports phrases more than fractions
        self.progress.setTextVisible(False)
        self.progress.hide()
        layout.addWidget(self.progress)
        self.details = QPushButton("Details…")
        self.details.setObjectName("details")
        self.details.setFlat(True)
        self.details.hide()
        self.details.clicked.connect(self.show_details)
        layout.addWidget(self.details, 0, Qt.AlignmentFlag.AlignLeft)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.connect_button = self.buttons.addButton("Connect", QDialogButtonBox.ButtonRole.AcceptRole)
        self.connect_button.setObjectName("connect")
        self.connect_button.setDefault(True)
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        if address is not None:
            self.fill(address)
        self._tls_changed(self.verify.isChecked())
        self.resize(520, self.sizeHint().height())

    def _field(self, name: str, placeholder: str, accessible: str) -> QLineEdit:
        field = QLineEdit()
        field.setObjectName(name)
        field.setPlaceholderText(placeholder)
        field.setAccessibleName(accessible)
        return field

    def _recent_chosen(self, index: int) -> None:
        url = self.recent.itemData(index)
        if not url:
            return
        from inbox.services.team import password_for

        self.fill(TeamAddress.from_url(url))
        self.password.clear()
        kept = password_for(url, self.secrets) is not None
        self.has_password = kept
        self.password.setPlaceholderText("kept on this computer" if kept else "")
        (self.connect_button if kept else self.password).setFocus()

    def _tls_changed(self, on: bool) -> None:
        for w in (self.ca_file, self.ca_label, self.browse):
            w.setEnabled(on)

    def _choose_ca(self) -> None:
        dialog = QFileDialog(self, "The certificate authority that signed the server's certificate")
        dialog.setNameFilter("Certificates (*.pem *.crt *.cer);;All files (*)")
        dialog.fileSelected.connect(self.ca_file.setText)
        dialog.open()

    def fill(self, address: TeamAddress) -> None:
        self.host.setText(address.host)
        self.port.setValue(address.port)
        self.database.setText(address.database)
        self.user.setText(address.user)
        self.verify.setChecked(address.verify_tls)
        self.ca_file.setText(address.ca_file)

    def address(self) -> TeamAddress:
        return TeamAddress(host=self.host.text().strip(), database=self.database.text().strip(),
                           user=self.user.text().strip(), port=self.port.value(),
                           verify_tls=self.verify.isChecked(), ca_file=self.ca_file.text().strip())

    # -- connecting ----------------------------------------------------------------------

    def start(self) -> None:
        if self.busy:
            return
        address = self.address()
        missing = address.missing()
        if missing:
            self.show_error(PlainError(missing, ""))
            return
        if not self.password.text() and not self.has_password:
            self.show_error(PlainError("Fill in your password.", ""))
            return
        url, password = address.url(), self.password.text()
        self.busy = True
        for w in (self.host, self.port, self.database, self.user, self.password, self.verify, self.ca_file,
                  self.browse, self.connect_button):
            w.setEnabled(False)
        self.details.hide()
        self.progress.setRange(0, 0)
        self.progress.show()
        self.say("Checking the server…")
        secrets, data_dir = self.secrets, self.data_dir
        if not password:  # saved before: the keyring's
            from inbox.services.team import password_for

            def work() -> Path:
                return make_replica(url, password_for(url, secrets) or "", secrets, data_dir, self._said,
                                    self._fraction)
        else:
            def work() -> Path:
                return make_replica(url, password, secrets, data_dir, self._said, self._fraction)
        self.calls.submit(work, self._done, lambda exc: self._failed(exc, url))

    def _said(self, text: str) -> None:  # on the call thread
        self.calls.post(self.say, text)

    def _fraction(self, done: int, total: int) -> None:  # on the call thread
        self.calls.post(self.show_fraction, done, total)

    def show_fraction(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, total))

    def say(self, text: str) -> None:
        self.status.setStyleSheet("")
        self.status.setText(text)

    def _done(self, path: Path) -> None:
        self.busy = False
        self.progress.hide()
        self.say("Connected.")
        self.accept()
        self.connected.emit(Path(path))

    def _failed(self, exc: Exception, url: str) -> None:
        self.busy = False
        self.progress.hide()
        log.warning("connecting to the team inbox %s failed: %s", where(url), exc)
        for w in (self.host, self.port, self.database, self.user, self.password, self.verify,
                  self.connect_button):
            w.setEnabled(True)
        self._tls_changed(self.verify.isChecked())
        self.show_error(plain_connect_error(exc, where(url)))

    def show_error(self, error: PlainError) -> None:
        self.status.setStyleSheet("color: #c62828;")
        self.status.setText(error.text)
        self.detail = error.detail if error.detail and error.detail != error.text else ""
        self.details.setVisible(bool(self.detail))

    def show_details(self) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Information, "Details", self.detail, QMessageBox.StandardButton.Close, self)
        box.setTextFormat(Qt.TextFormat.PlainText)  # the server's words, shown as they are
        box.open()
        return box

    def reject(self) -> None:
        if self.busy:  # the copy keeps going on its thread and is picked up next time
            self.say("Stopping… the copy made so far is kept for the next try.")
        self.calls.close()
        super().reject()


def replica_for_start(url: str, secrets: Secrets | None = None, data_dir: Path | None = None) -> Path | None:
    """`inbox --db postgresql://...`: this computer's copy of that team inbox, opened at once
    (offline too; the window catches up in the background); the first time, the Connect
    dialog filled in from the URL, connecting straight away when the keyring has the
    password. None when the owner closed the dialog."""
    from PySide6.QtCore import QTimer

    from inbox.paths import data_dir as default_data_dir
    from inbox.services.team import password_for
    from inbox.services.team_link import replica_path

    data_dir = Path(data_dir or default_data_dir())
    secrets = secrets or from_environment()
    found = replica_path(url, data_dir)
    if found.exists():
        return found
    typed = str(conninfo(url).get("password") or "")
    saved = bool(typed) or password_for(url, secrets) is not None
    dialog = ConnectTeamDialog(secrets, data_dir, None, address=TeamAddress.from_url(url), has_password=saved)
    dialog.password.setText(typed)
    made: list[Path] = []
    dialog.connected.connect(made.append)
    if saved:
        QTimer.singleShot(0, dialog.start)
    dialog.exec()  # before the window and its event loop exist: a loop of its own is fine here
    return made[0] if made else None


class TeamConnect:
    """The File menu's command; `secrets` and `data_dir` are replaced by tests."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.secrets: Secrets = from_environment()
        self.data_dir: Path | None = None
        self.dialog: ConnectTeamDialog | None = None
        self.opened: MainWindow | None = None  # the window on the team inbox, once connected

    def show(self, address: TeamAddress | None = None) -> ConnectTeamDialog:
        from inbox.paths import data_dir

        dialog = ConnectTeamDialog(self.secrets, self.data_dir or data_dir(), self.window, address=address)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.connected.connect(self.open_replica)
        self.dialog = dialog
        self.window.present(dialog)
        dialog.host.setFocus()
        return dialog

    def add_recent_menu(self, after: QAction) -> QMenu:
        """File ▸ Open Recent Team Inbox, after Connect…: this computer's copies, newest
        first, each opened at once (offline too; the window catches up when it can)."""
        file_menu = self.window.menus["File"]
        menu = QMenu("Open Recent Team Inbox", file_menu)
        menu.setObjectName("recentTeams")
        menu.aboutToShow.connect(self.fill_recent_menu)
        actions = file_menu.actions()
        at = actions.index(after) + 1 if after in actions else len(actions)
        if at < len(actions):
            file_menu.insertMenu(actions[at], menu)
        else:
            file_menu.addMenu(menu)
        self.recent_menu = menu
        return menu

    def fill_recent_menu(self) -> None:
        from inbox.paths import data_dir

        menu = self.recent_menu
        menu.clear()
        current = Path(self.window.db_path).resolve() if getattr(self.window, "db_path", None) else None
        found = recent_teams(self.data_dir or data_dir())
        for recent in found:
            action = menu.addAction(f"{recent.label}  ·  {local_time_text(recent.used)}")
            action.setToolTip(f"This computer's copy: {recent.path}")
            here = current is not None and recent.path.resolve() == current
            action.setCheckable(here)
            action.setChecked(here)
            action.triggered.connect(lambda _=False, r=recent: self.open_recent(r))
        if not found:
            menu.addAction("No team inboxes yet").setEnabled(False)
        menu.addSeparator()
        menu.addAction("Connect to a team inbox…", self.show)

    def open_recent(self, recent: RecentTeam) -> MainWindow | None:
        """Open a team inbox this computer has a copy of (the password is in the keyring)."""
        current = getattr(self.window, "db_path", None)
        if current is not None and Path(current).resolve() == recent.path.resolve():
            self.window.status_message("This team inbox is already open.")
            return None
        return self.open_replica(recent.path)

    def open_replica(self, path: Path) -> MainWindow:
        """Switch the window to the team inbox's copy on this computer."""
        from inbox.services.workspace import Workspace
        from inbox.ui.workspace_switch import switch_to

        new = switch_to(self.window, Workspace(Path(path), is_demo=False))
        new.status_message("Connected to the team inbox.", 10_000)
        self.opened = new
        return new


def install_connect(window: MainWindow) -> TeamConnect:
    feature = window.extensions.add(TeamConnect(window))
    action = window.register_command("team.connect", "Connect to a team inbox…", feature.show, menu="File")
    feature.add_recent_menu(action)
    return feature


__all__ = ["ConnectTeamDialog", "TeamAddress", "TeamConnect", "install_connect", "is_team_url", "plain_connect_error"]
