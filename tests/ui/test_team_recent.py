"""Going back to a team inbox: File ▸ Open Recent Team Inbox lists this computer's copies,
newest first (an address, never a password), and opens one at once, offline too; the
Connect dialog's "Recent" list fills the form. Offline here: the servers are closed ports
on 127.0.0.1, refused at once, as on a laptop without a network."""

from __future__ import annotations

from inbox.secrets import MemorySecrets
from inbox.services.team_recent import recent_teams
from inbox.store import Store
from inbox.store.team import secret_name
from inbox.ui.team_connect import ConnectTeamDialog

SHOP = "postgresql://ana@127.0.0.1:1/inbox"
BAKERY = "postgresql://ana@127.0.0.1:2/bakery"


def make_copies(data_dir) -> dict[str, str]:
    """Two team inboxes' copies (the bakery's used last) and a file that is not one."""
    from inbox.services.team_link import replica_path

    paths = {}
    for n, url in enumerate((SHOP, BAKERY)):
        path = replica_path(url, data_dir)
        path.parent.mkdir(parents=True, exist_ok=True)
        with Store(path) as store:
            store.link_team(url, "ana", f"team-{n}")
            store.set_team_members(["ana", "ben"])
            store.set_setting("team.last_opened", f"2026-12-0{n + 1}T09:00:00Z")
        paths[url] = str(path)
    Store(data_dir / "team" / "not-a-copy.db").close()
    (data_dir / "team" / "broken.db").write_bytes(b"not a database at all")
    return paths


def test_recent_team_inboxes_are_the_copies_newest_first(tmp_path) -> None:
    make_copies(tmp_path)
    found = recent_teams(tmp_path)
    assert [(r.label, r.member) for r in found] == [("ana@127.0.0.1:2/bakery", "ana"), ("ana@127.0.0.1:1/inbox", "ana")]
    assert recent_teams(tmp_path / "nowhere") == []


def test_open_recent_in_the_file_menu_opens_a_copy_at_once(window, qtbot, tmp_path) -> None:
    from inbox.ui import replies, team, workspace_switch
    from inbox.ui.controllers.team import TeamController
    from inbox.ui.team_connect import TeamConnect

    paths = make_copies(tmp_path / "data")
    replies.install(window)
    team.install(window)
    window.installed_extensions = [replies.__name__, team.__name__]
    connect = window.extensions.require(TeamConnect)
    connect.secrets, connect.data_dir = MemorySecrets(), tmp_path / "data"
    file_menu = window.menus["File"]
    titles = [a.text() for a in file_menu.actions()]
    assert titles.index("Open Recent Team Inbox") == titles.index("Connect to a team inbox…") + 1

    connect.recent_menu.aboutToShow.emit()
    shown = [a.text() for a in connect.recent_menu.actions() if a.text()]
    assert shown[0].startswith("ana@127.0.0.1:2/bakery  ·  ") and shown[1].startswith("ana@127.0.0.1:1/inbox  ·  ")
    assert shown[-1] == "Connect to a team inbox…"
    assert not any("password" in s.lower() for s in shown)

    connect.recent_menu.actions()[1].trigger()  # the shop's copy
    new = connect.opened
    try:
        assert new is not None and str(new.db_path) == paths[SHOP]
        controller = new.extensions.require(TeamController)
        qtbot.waitUntil(lambda: controller.online is False, timeout=15_000)  # offline: the copy opens anyway
        again = new.extensions.require(TeamConnect)
        again.data_dir = tmp_path / "data"
        again.recent_menu.aboutToShow.emit()
        here = [a for a in again.recent_menu.actions() if a.isChecked()]
        assert [a.text().split("  ·  ")[0] for a in here] == ["ana@127.0.0.1:1/inbox"]
        recent = recent_teams(tmp_path / "data")
        assert recent[0].url == SHOP  # opened just now: first in the list
        assert again.open_recent(recent[0]) is None  # already open: said so
        assert "already open" in new.statusBar().currentMessage()
    finally:
        new.shutdown()
        workspace_switch._close_all()


def test_the_connect_dialog_offers_the_recent_servers(qtbot, tmp_path) -> None:
    make_copies(tmp_path)
    secrets = MemorySecrets({secret_name(SHOP): {"password": "kept"}})
    dialog = ConnectTeamDialog(secrets, tmp_path)
    qtbot.addWidget(dialog)
    dialog.show()
    try:
        assert [dialog.recent.itemText(i) for i in range(dialog.recent.count())] == [
            "Choose one…", "ana@127.0.0.1:2/bakery", "ana@127.0.0.1:1/inbox"]
        dialog.recent.setCurrentIndex(2)
        dialog.recent.activated.emit(2)
        assert (dialog.host.text(), dialog.port.value(), dialog.database.text(), dialog.user.text()) == \
               ("127.0.0.1", 1, "inbox", "ana")
        assert dialog.password.text() == "" and dialog.password.placeholderText() == "kept on this computer"
        dialog.recent.activated.emit(1)  # the bakery: no password kept for it
        assert dialog.database.text() == "bakery" and dialog.password.placeholderText() == ""
    finally:
        dialog.calls.close()
    empty = ConnectTeamDialog(MemorySecrets(), tmp_path / "none")
    qtbot.addWidget(empty)
    assert not empty.recent.isEnabled() and empty.recent.currentText() == "None yet"
    empty.calls.close()
