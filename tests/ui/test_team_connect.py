"""File ▸ Connect to a team inbox…: the form, its address, and each failure said in the
owner's words with the detail one click away, against a real PostgreSQL (tests/pg.py).
The whole way to a connected window is in tests/ui/test_team_server.py."""

from __future__ import annotations

import socket

import pytest

from inbox.secrets import MemorySecrets
from inbox.ui.team_connect import ConnectTeamDialog, TeamAddress


def test_the_address_is_a_url_without_the_password_and_reads_back() -> None:
    plain = TeamAddress("shop-server", "inbox", "ana")
    assert plain.url() == "postgresql://ana@shop-server/inbox"
    tls = TeamAddress("db.example.com", "café inbox", "ana.m", port=6432, verify_tls=True, ca_file="/etc/ca.pem")
    assert tls.url() == ("postgresql://ana.m@db.example.com:6432/caf%C3%A9%20inbox"
                         "?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem")
    assert TeamAddress.from_url(tls.url()) == tls
    system = TeamAddress("db.example.com", "inbox", "ana", verify_tls=True)
    assert "sslrootcert=system" in system.url()  # the system's authorities, as a browser
    assert TeamAddress.from_url(system.url()) == system
    assert TeamAddress("", "inbox", "ana").missing() == "Fill in the server."


@pytest.fixture
def dialog(qtbot, tmp_path):
    d = ConnectTeamDialog(MemorySecrets(), tmp_path)
    qtbot.addWidget(d)
    d.show()
    yield d
    d.calls.close()


def _fill(dialog: ConnectTeamDialog, address: TeamAddress, password: str) -> None:
    dialog.fill(address)
    dialog.password.setText(password)


def _failed(qtbot, dialog: ConnectTeamDialog) -> str:
    dialog.start()
    assert dialog.busy and not dialog.connect_button.isEnabled()  # the window does not wait
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20_000)
    assert dialog.connect_button.isEnabled()
    return dialog.status.text()


def test_empty_fields_are_named_before_anything_is_tried(dialog) -> None:
    dialog.start()
    assert dialog.status.text() == "Fill in the server."
    _fill(dialog, TeamAddress("127.0.0.1", "inbox", "ana"), "")
    dialog.start()
    assert dialog.status.text() == "Fill in your password."
    assert not dialog.busy


def test_a_wrong_password_is_said_plainly_and_not_kept(dialog, qtbot, pg_server, team_url) -> None:
    address = TeamAddress.from_url(team_url)
    _fill(dialog, address, "not-the-password")
    said = _failed(qtbot, dialog)
    assert said == "The server did not accept this user name and password. Check both (they are case-sensitive) " \
                   "and try again."
    assert dialog.details.isVisible()
    box = dialog.show_details()
    assert "refused the password" in box.text()
    assert "not-the-password" not in box.text()
    box.close()
    assert dialog.secrets.entries == {}  # a refused password is not kept


def test_a_database_that_is_not_a_team_inbox_is_refused_in_words(dialog, qtbot, pg_server, team_url) -> None:
    _fill(dialog, TeamAddress.from_url(team_url), pg_server.password)
    said = _failed(qtbot, dialog)
    assert "is empty: it is not a team inbox yet" in said
    assert pg_server.password not in said


def test_a_server_that_does_not_answer_is_said_with_the_next_step(dialog, qtbot) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    _fill(dialog, TeamAddress("127.0.0.1", "inbox", "ana", port=port), "secret")
    said = _failed(qtbot, dialog)
    assert said.startswith("Can't reach the team inbox at postgresql://ana@127.0.0.1:")
    assert "Check the address and your network" in said
