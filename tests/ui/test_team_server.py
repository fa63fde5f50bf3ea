"""The team inbox in the window against a real PostgreSQL (tests/pg.py): File ▸ Connect to
a team inbox… end to end, presence within a second both ways, lists and counts redrawn
from the server's notices, assignment reaching the server, the warning before a second
answer, and the offline state with what waits sent on reconnect.

Ana owns the team inbox (tests/services/test_team_link.py's `shop`: 40 reviews, one
conversation with the owner's reply); Ben is the member at the window."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt

from inbox.domain import InboxFilter, View, format_time, utcnow
from inbox.secrets import MemorySecrets
from inbox.services.team_link import connect_replica
from inbox.store import Store
from inbox.store.team import secret_name
from tests.services.test_team_link import Proxy, shop, with_password  # noqa: F401 - fixtures
from tests.store.team.conftest import roles  # noqa: F401 - the ana/ben fixture
from tests.ui.conftest import settle


def without_password(url: str) -> tuple[str, str]:
    user, rest = url.removeprefix("postgresql://").split("@", 1)
    name, password = user.split(":", 1)
    return f"postgresql://{name}@{rest}", password


@pytest.fixture
def bens_window(shop, make_window, tmp_path, qtbot):  # noqa: F811
    """Ben's window on his copy of the shop's team inbox, listening."""
    from inbox.ui import replies, team
    from inbox.ui.controllers.team import TeamController

    owner, _ana_url, ben_url, ana, ben = shop
    url, password = without_password(ben_url)
    secrets = MemorySecrets({secret_name(url): {"password": password}})
    path = connect_replica(url, secrets, tmp_path / "data")
    store = Store(path)
    window = make_window(store)
    replies.install(window)
    connect = team.install(window) and window.extensions.get(team.team_connect.TeamConnect)
    connect.secrets = secrets
    controller = window.extensions.require(TeamController)
    qtbot.waitUntil(lambda: controller.started and controller.online, timeout=15_000)
    qtbot.waitUntil(lambda: "listen" in controller._links and "presence" in controller._links, timeout=5000)
    settle(qtbot, window)
    yield window, controller, owner, ana, ben
    window.shutdown()
    store.close()


def test_connect_to_a_team_inbox_from_the_file_menu_end_to_end(shop, window, qtbot, tmp_path) -> None:  # noqa: F811
    from inbox.ui import replies, team, workspace_switch
    from inbox.ui.controllers.team import TeamController
    from inbox.ui.team_connect import TeamAddress, TeamConnect

    owner, _ana_url, ben_url, _ana, ben = shop
    url, password = without_password(ben_url)
    replies.install(window)
    team.install(window)
    window.installed_extensions = [replies.__name__, team.__name__]
    connect = window.extensions.require(TeamConnect)
    connect.secrets, connect.data_dir = MemorySecrets(), tmp_path / "data"

    dialog = window.run_command("team.connect")
    assert dialog.isVisible() and dialog.windowTitle() == "Connect to a team inbox"
    dialog.fill(TeamAddress.from_url(url))
    dialog.password.setText(password)
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    assert dialog.busy  # the window is not waiting for the server
    said: list[str] = []
    from shiboken6 import isValid

    def sample() -> bool:  # what the dialog says while it works (it is deleted once connected)
        if isValid(dialog.status):
            said.append(dialog.status.text())
        return connect.opened is not None
    qtbot.waitUntil(sample, timeout=30_000)
    assert any(s.startswith("Copying the team inbox to this computer") for s in said), said
    new = connect.opened
    try:
        assert connect.secrets.get(secret_name(url)) == {"password": password}  # the keyring, not a file
        assert new.store.team_link_info().member == ben
        controller = new.extensions.require(TeamController)
        qtbot.waitUntil(lambda: controller.status.text() == "Team inbox · online", timeout=15_000)
        settle(qtbot, new)
        server_inbox = owner.count_items(InboxFilter(view=View.INBOX), format_time(utcnow()))
        qtbot.waitUntil(lambda: new.list_ctl.total_count == server_inbox, timeout=5000)
        assert not window.isVisible()  # the window moved to the team inbox
    finally:
        new.shutdown()
        workspace_switch._close_all()


def test_presence_shows_within_a_second_both_ways(bens_window, qtbot) -> None:
    window, controller, owner, ana, ben = bens_window
    window.list_ctl.select_row(0)
    item = window.current_item()
    with owner.listener() as heard:  # Ana's app: Ben opening it is heard
        window.list_ctl.select_row(1)
        window.list_ctl.select_row(0)
        deadline = time.monotonic() + 1.0
        notices = []
        while time.monotonic() < deadline and not any(n.who == ben and n.item_id == item.id for n in notices):
            qtbot.wait(20)
            notices += heard.wait(0.05)
        assert any(n.who == ben and n.item_id == item.id and n.activity == "viewing" for n in notices)

        # Ben starts typing a reply: Ana hears "replying"
        from inbox.ui.replies import RepliesController

        editor = window.extensions.require(RepliesController).editor.editor
        editor.setFocus()
        qtbot.waitUntil(editor.hasFocus, timeout=2000)
        qtbot.keyClicks(editor, "Thank")
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline and not any(n.activity == "replying" for n in notices):
            qtbot.wait(20)
            notices += heard.wait(0.05)
        assert any(n.who == ben and n.item_id == item.id and n.activity == "replying" for n in notices)

    start = time.monotonic()
    owner.announce(item.id, "replying")  # Ana starts answering it
    qtbot.waitUntil(lambda: controller.strip.presence.text() == f"{ana.capitalize()} is replying…"
                    if ana.isalpha() else ana in controller.strip.presence.text(), timeout=1000)
    assert time.monotonic() - start < 1.0
    assert controller.strip.isVisible()
    owner.announce(item.id, "left")
    qtbot.waitUntil(lambda: controller.strip.presence.text() == "", timeout=1000)


def test_the_list_and_counts_follow_the_servers_notices(bens_window, qtbot) -> None:
    from inbox.ui.controllers.team import MINE_KEY

    window, controller, owner, ana, ben = bens_window
    controller.catch_up = _counting(controller.catch_up)
    before = window.list_ctl.total_count
    first = window.model.rows[0]
    owner.set_status(owner.conversation_item_ids([first.id]), "done")  # Ana, elsewhere
    # the count and the list redraw from the same notice; the list's page loads on a worker
    qtbot.waitUntil(lambda: window.list_ctl.total_count == before - 1 and first.id not in window.model.row_of,
                    timeout=5000)
    mine = window.store.count_items(controller.mine_filter(), window.list_ctl.now_text())
    assigned = window.store.assignees([r.id for r in window.model.rows])
    row = next(n for n, r in enumerate(window.model.rows) if r.id not in assigned)
    target = window.model.rows[row].id
    owner.assign([target], ben)
    qtbot.waitUntil(lambda: (window.sidebar.entries[MINE_KEY].count or 0) == mine + 1, timeout=5000)
    assert controller.catch_up.calls >= 2  # each from a notice: nothing polls the server
    settle(qtbot, window)
    window.open_item(target)
    qtbot.waitUntil(lambda: controller.strip.assignee.text() == "Assigned to you", timeout=5000)
    # the history is read on a worker after the pane shows the assignee
    qtbot.waitUntil(lambda: f"{ana} assigned it to you · " in controller.strip.history_text(), timeout=5000)
    assert controller.strip.history_text().endswith(f"{ana} assigned it to you · " + controller.strip.history_text()
                                                    .rsplit(" · ", 1)[-1])


def _counting(fn):
    def wrapper(*args, **kwargs):
        wrapper.calls += 1
        return fn(*args, **kwargs)
    wrapper.calls = 0
    return wrapper


def test_assigning_in_the_window_reaches_the_server_and_undo_too(bens_window, qtbot) -> None:
    window, controller, owner, ana, ben = bens_window
    window.list_ctl.select_row(2)
    item = window.current_item()
    controller.assign(ana, [item.id])
    head = window.store.assign([item.id], ana)[0][0]  # already Ana's: nothing changes
    qtbot.waitUntil(lambda: head in owner.assigned_to(ana), timeout=5000)
    qtbot.waitUntil(lambda: controller.waiting == 0 and controller.status.text() == "Team inbox · online",
                    timeout=5000)
    window.undo()
    qtbot.waitUntil(lambda: head not in owner.assigned_to(ana), timeout=5000)
    history = [(c.who, c.what, c.detail) for c in owner.conversation_history(item.thread_id)]
    assert (ben, "assigned", ana) in history and history[-1] == (ben, "assigned", "")


def test_a_reply_someone_else_sent_meanwhile_is_asked_about(bens_window, qtbot, answers) -> None:
    from inbox.ui.replies import RepliesController

    window, _controller, owner, ana, _ben = bens_window
    replies = window.extensions.require(RepliesController)
    window.list_ctl.select_row(4)
    item = window.current_item()
    qtbot.waitUntil(lambda: replies.editor.item is not None and replies.editor.item.id == item.id, timeout=3000)
    # Ana answers it from her app while Ben writes
    owner.queue_reply(item.id, item.source_id, "Thanks, see you soon!", idempotency_key=str(uuid.uuid4()),
                      not_before=format_time(utcnow() + timedelta(minutes=5)), mark_done=False,
                      created_at=format_time(utcnow()))
    replies.editor.set_text("Thank you for coming in!")
    answers.confirm = False
    replies.send(mark_done=False)
    qtbot.waitUntil(lambda: any(t == "Someone answered meanwhile" for t, _ in answers.asked), timeout=5000)
    question = next(q for t, q in answers.asked if t == "Someone answered meanwhile")
    assert question.removeprefix("<qt>").startswith(f"{ana} answered this conversation ")  # ana_xxxxxx: as written
    assert question.endswith(", while you were writing. Send your reply as well?</qt>")
    assert window.store.outbox_entry_for(item.id, ["queued"]) is None  # not sent: still Ben's draft
    assert replies.editor.text() == "Thank you for coming in!"

    answers.confirm = True  # asked again, and this time Ben sends his as well
    replies.send(mark_done=False)
    qtbot.waitUntil(lambda: window.store.outbox_entry_for(item.id, ["queued"]) is not None, timeout=5000)


def test_offline_the_window_works_and_what_waits_is_sent_on_reconnect(shop, make_window, tmp_path,  # noqa: F811
                                                                       qtbot, pg_server) -> None:
    from inbox.ui import team
    from inbox.ui.controllers.team import TeamController

    owner, _ana_url, ben_url, _ana, _ben = shop
    url, password = without_password(ben_url)
    proxy = Proxy(pg_server.port)
    proxy.start()
    url = url.replace(f":{pg_server.port}/", f":{proxy.port}/")
    secrets = MemorySecrets({secret_name(url): {"password": password}})
    store = Store(connect_replica(url, secrets, tmp_path / "data"))
    window = None
    try:
        window = make_window(store)
        team.install(window)
        window.extensions.require(team.team_connect.TeamConnect).secrets = secrets
        controller = window.extensions.require(TeamController)
        qtbot.waitUntil(lambda: controller.online is True, timeout=15_000)
        settle(qtbot, window)
        proxy.stop()  # the laptop loses its network
        window.list_ctl.select_row(3)
        item = window.current_item()
        window.mark_done()
        qtbot.waitUntil(lambda: controller.status.text().startswith("Offline · ")
                        and "waiting to be sent" in controller.status.text(), timeout=10_000)
        assert owner.get_item(item.id).status != "done"
        proxy.start()  # back: the link reconnects by itself
        qtbot.waitUntil(lambda: controller.status.text() == "Team inbox · online", timeout=40_000)
        # "online" shows as the listener reconnects; what waited is sent a moment later
        qtbot.waitUntil(lambda: owner.get_item(item.id).status == "done", timeout=20_000)
        qtbot.waitUntil(lambda: controller.status.text() == "Team inbox · online", timeout=20_000)
    finally:  # the window first: its calls still use the copy
        if window is not None:
            window.shutdown()
        proxy.stop()
        store.close()


def test_inbox_db_postgresql_opens_the_window_on_this_computers_copy(shop, tmp_path) -> None:  # noqa: F811
    import json
    import os
    import re
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    _owner, _ana_url, ben_url, _ana, _ben = shop
    url, password = without_password(ben_url)
    keyring = tmp_path / "keyring.json"
    keyring.write_text(json.dumps({secret_name(url): {"password": password}}))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(root),
           "XDG_DATA_HOME": str(tmp_path / "xdg"), "INBOX_TEST_SECRETS_FILE": str(keyring)}
    env.pop("INBOX_DB", None)
    for first in (True, False):  # the first time makes the copy; the second opens it at once
        done = subprocess.run([sys.executable, "-m", "inbox", "--db", url, "--smoke-test"], cwd=root, env=env,
                              capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stderr[-3000:]
        match = re.search(r"smoke test: (\d+) rows painted in 'Inbox' \((.*)\)", done.stdout)
        assert match, (first, done.stdout, done.stderr[-2000:])
        assert int(match.group(1)) > 20
        assert "/team/" in match.group(2) and match.group(2).endswith(".db")
        assert password not in done.stdout + done.stderr
    assert len(list((tmp_path / "xdg").rglob("team/*.db"))) == 1
