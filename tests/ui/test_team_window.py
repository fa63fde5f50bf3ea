"""The team inbox in the window, on this computer's copy (a replica) while the server does
not answer: the offline state, Assign to… (Shift+A) with undo, the Mine view, the assignee
on the rows and in the reading pane, and the history with what is not sent yet.

The server is a closed port on 127.0.0.1 (refused at once): the link really tries and
really fails, as on a laptop without a network. tests/ui/test_team_server.py has the same
window against a real PostgreSQL."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from inbox.domain import View
from inbox.domain.team import ReplicaBatch
from inbox.domain.wording import plural
from inbox.store import Store
from tests.store.test_team_replica import _item, server_batch
from tests.ui.conftest import settle

OFFLINE_URL = "postgresql://ana@127.0.0.1:1/inbox"


def server_rows(now) -> ReplicaBatch:
    """Twelve reviews as the server sends them (a replica takes no sync of its own), the
    second with the owner's reply."""
    from datetime import timedelta

    from inbox.domain import format_time

    batch = server_batch()
    batch.threads, batch.items, batch.item_tags, batch.changes = [], [], {}, []
    for n in range(12):
        item_id = 200 + n
        created = format_time(now - timedelta(hours=n + 1))
        batch.threads.append({"id": item_id, "source_id": 7, "root_external_id": f"r{item_id}",
                              "root_item_id": item_id, "last_activity_at": created})
        batch.items.append(_item(item_id, item_id, created, text=f"Review {n}: the croissants were lovely"))
    reply_at = format_time(now - timedelta(minutes=30))
    batch.items.append(_item(300, 201, reply_at, is_owner_reply=1, is_head=0, status="read", text="Thank you!"))
    return batch


@pytest.fixture
def replica(tmp_path, clock):
    """A team inbox's copy: Ana's, with Ben in the team, twelve conversations, nothing waiting."""
    store = Store(tmp_path / "team.db")
    store.link_team(OFFLINE_URL, "ana", "team-1")
    store.set_team_members(["ana", "ben"])
    store.apply_team_batch(server_rows(clock()), last_seq=12)
    yield store
    store.close()


@pytest.fixture
def team_window(replica, make_window, qtbot):
    from inbox.ui import replies, team
    from inbox.ui.controllers.team import TeamController

    window = make_window(replica)
    replies.install(window)
    team.install(window)
    controller = window.extensions.require(TeamController)
    qtbot.waitUntil(lambda: controller.started, timeout=3000)
    qtbot.waitUntil(lambda: controller.online is False, timeout=15_000)
    settle(qtbot, window)
    return window, controller


def test_an_ordinary_inbox_shows_nothing_of_the_team(window) -> None:
    from inbox.ui import team
    from inbox.ui.controllers.team import MINE_KEY, TeamController

    assert team.install(window) is None
    assert "team.connect" in window.commands.commands  # File ▸ Connect to a team inbox… is always there
    assert "item.assign" not in window.commands.commands
    assert MINE_KEY not in window.sidebar.entries
    assert window.extensions.get(TeamController) is None


def test_offline_the_status_bar_says_so_and_counts_what_waits(team_window, qtbot) -> None:
    window, controller = team_window
    before = window.store.team_link_info().waiting  # opening the first row read it: queued too
    assert controller.status.text() == (f"Offline · {plural(before, 'change')} waiting to be sent" if before
                                        else "Offline · working on this computer's copy")
    window.list_ctl.select_row(3)
    window.mark_done()
    after = window.store.team_link_info().waiting
    assert after > before
    assert controller.status.text() == f"Offline · {plural(after, 'change')} waiting to be sent"
    assert controller.status.isVisible()


def test_the_members_list_read_from_the_copy_does_not_say_online(team_window, qtbot) -> None:
    """The members come from this computer's copy: when that answer lands after the server
    was found offline (a slow start), the status bar still says offline."""
    window, controller = team_window
    said = controller.status.text()
    assert said.startswith("Offline")
    shown: list[tuple[bool | None, str]] = []

    def got(members) -> None:
        controller._got_members(members)
        shown.append((controller.online, controller.status.text()))
    controller.calls.submit(lambda: controller._link("calls").members(), got, controller._offline)
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    assert controller.members == ["ana", "ben"]
    assert shown == [(False, said)]
    settle(qtbot, window)


def test_assign_with_shift_a_shows_on_the_row_the_pane_and_mine_and_undoes(team_window, qtbot) -> None:
    from inbox.ui.controllers.team import MINE_KEY
    from inbox.ui.team_widgets import AssignChooser

    window, controller = team_window
    window.list_ctl.select_row(1)
    item = window.current_item()
    qtbot.keyClick(window.list_view, Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier)
    chooser = window.active_dialog
    assert isinstance(chooser, AssignChooser) and chooser.isVisible()
    assert chooser.shown() == [None, "ana", "ben"]  # Nobody, you, then the team
    qtbot.keyClicks(chooser.filter, "be")
    assert chooser.shown() == ["ben"]
    qtbot.keyClick(chooser.filter, Qt.Key.Key_Return)
    assert not chooser.isVisible()

    qtbot.waitUntil(lambda: controller.row_assignee(window.model.rows[1]) == "Ben", timeout=3000)
    qtbot.waitUntil(lambda: controller.strip.assignee.text() == "Assigned to Ben", timeout=3000)
    qtbot.waitUntil(lambda: "You assigned it to Ben" in controller.strip.history_text(), timeout=3000)
    assert controller.strip.history_text().endswith("not sent yet")
    assert window.store.assignees([item.id]) == {item.id: "ben"}

    window.undo()
    qtbot.waitUntil(lambda: controller.strip.assignee.text() == "Not assigned", timeout=3000)
    assert window.store.assignees([item.id]) == {}

    controller.assign("ana", [item.id])  # to yourself: Mine lists it, with its count
    qtbot.waitUntil(lambda: window.sidebar.entries[MINE_KEY].count == 1, timeout=3000)
    controller.show_mine()
    settle(qtbot, window)
    assert [r.id for r in window.model.rows] == [item.id]
    assert window.list_title.text() == "Mine"
    assert controller.row_assignee(window.model.rows[0]) == "You"


def test_the_mine_view_sits_under_inbox_and_keeps_to_open_conversations(team_window, qtbot) -> None:
    from inbox.ui.controllers.team import MINE_KEY

    window, controller = team_window
    entry = window.sidebar.entries[MINE_KEY]
    views = entry.item.parent()
    assert views.indexOfChild(entry.item) == 1
    first = window.model.rows[0].id
    controller.assign("ana", [first])
    window.triage_ctl.run("Done", [first], window.ops.mark_done)
    controller.show_mine()
    settle(qtbot, window)
    assert window.model.rows == []  # done: out of Mine, as out of the Inbox
    assert window.list_ctl.flt.view == View.INBOX


def test_presence_heard_shows_in_the_reading_pane_and_goes(team_window, qtbot) -> None:
    from inbox.store.team.changes import Notice

    window, controller = team_window
    window.list_ctl.select_row(0)
    item = window.current_item()
    controller.notice(Notice("presence", who="ben", item_id=item.id, activity="replying"))
    assert controller.strip.presence.text() == "Ben is replying…"
    assert controller.strip.isVisible()
    controller.notice(Notice("presence", who="ana", item_id=item.id, activity="replying"))  # your own: not shown
    assert controller.strip.presence.text() == "Ben is replying…"
    controller.notice(Notice("presence", who="ben", item_id=item.id, activity="left"))
    assert controller.strip.presence.text() == ""


def test_sync_now_in_a_team_inbox_syncs_on_the_server_never_into_the_copy(replica, make_window, qtbot) -> None:
    from inbox.ui import sync_controller, team
    from inbox.ui.controllers.team import TeamController

    window = make_window(replica)
    local = sync_controller.install(window)
    team.install(window)
    controller = window.extensions.require(TeamController)
    assert not local.timer.isActive() and not local.startup_timer.isActive()  # no automatic sync into the copy
    assert window.commands.commands["sync.now"].callback == controller.sync_now
    qtbot.waitUntil(lambda: controller.online is False, timeout=15_000)
    window.run_command("sync.now")
    assert window.statusBar().currentMessage().startswith("Offline: the team's sources are synced on the server")
    assert not local.running


def test_sync_now_says_which_team_replies_it_posted_and_which_wait(team_window) -> None:
    from inbox.services.outbox import SendResult
    from inbox.services.team_sync import TeamSync

    window, controller = team_window
    controller.syncing = True
    controller._synced(TeamSync([], [SendResult(1, "sent"), SendResult(2, "skipped"),
                                     SendResult(3, "queued", "HTTP 500 from the site")]))
    said = window.statusBar().currentMessage()
    assert said.startswith("Synced: nothing new. 1 reply sent. 1 reply could not be sent yet")
    assert "500" not in said and not controller.syncing


def test_closing_the_window_closes_the_copy_even_when_saying_goodbye_fails(team_window, qtbot) -> None:
    """The "left" said as the window closes can fail (the server lost mid-call): the
    presence link's connection to this computer's copy is closed all the same, on its own
    thread, rather than left to the garbage collector (3.13: an "unclosed database" error)."""
    import sqlite3
    import time

    window, controller = team_window
    qtbot.waitUntil(lambda: "presence" in controller._links, timeout=5000)
    link = controller._links["presence"]
    said: list[tuple[int, str]] = []

    def announce(item_id: int, activity: str) -> None:
        said.append((item_id, activity))
        raise RuntimeError("the server went away while we said goodbye")
    link.announce = announce
    window.list_ctl.select_row(0)
    item = window.current_item()
    controller.online = True  # it answered a moment ago
    controller._announced = (item.id, "viewing", time.monotonic())
    window.shutdown()
    controller.calls.pools["presence"].shutdown(wait=True)
    assert said == [(item.id, "left")]
    assert "presence" not in controller._links
    with pytest.raises(sqlite3.ProgrammingError, match="closed database"):
        link.store.conn.execute("SELECT 1")
