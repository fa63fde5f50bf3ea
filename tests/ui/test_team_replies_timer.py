"""The team's replies leave on a timer too (issue 20): the window of a team inbox posts the
replies due in the team's outbox every few seconds while online, on the lane "Sync now"
uses (so never at the same time), says what it sent, and asks nothing of the server
offline. The posting itself (once across laptops) is tested against the real server in
tests/services/test_team_outbox.py. Also: a saved search made on another laptop shows in
the sidebar after the catch-up that brings it."""

from __future__ import annotations

import threading

from inbox.services.outbox import SendResult
from inbox.ui.controllers.team import REPLIES_EVERY_MS
from tests.ui.test_team_window import replica, team_window  # noqa: F401 - Ana's copy, offline


class Link:
    """The link's one call used here, answering as the server's outbox would."""

    def __init__(self, results: list[SendResult]) -> None:
        self.results = results
        self.calls = 0
        self.threads: set[str] = set()

    def send_due(self) -> list[SendResult]:
        self.calls += 1
        self.threads.add(threading.current_thread().name)
        return self.results

    def catch_up(self) -> int:
        return 0

    def close(self) -> None:
        pass


def test_the_teams_due_replies_leave_on_a_timer_while_online(team_window, qtbot) -> None:  # noqa: F811
    window, controller = team_window
    assert controller.replies_timer.isActive() and controller.replies_timer.interval() == REPLIES_EVERY_MS
    link = Link([SendResult(1, "sent"), SendResult(2, "queued", "has no token saved")])
    controller._links["sync"] = link
    controller.send_replies()  # offline: the server is not asked
    assert link.calls == 0
    controller.online = True  # as the server answers (here the copy's server is a closed port,
    controller.send_replies()  # so the link's own retries say offline again soon after)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == "The team's Outbox: 1 reply sent.", timeout=5000)
    assert threading.main_thread().name not in link.threads  # never on the window's thread
    assert link.calls == 1
    controller.online, controller.syncing = True, True  # Sync now posts them itself meanwhile
    controller.send_replies()
    assert link.calls == 1
    controller.shutdown()
    assert not controller.replies_timer.isActive()


def test_a_saved_search_from_another_laptop_shows_in_the_sidebar_after_a_catch_up(team_window) -> None:  # noqa: F811
    from inbox.domain import InboxFilter, View
    from inbox.domain.team import ReplicaBatch

    window, controller = team_window
    # the server's saved searches, as a catch-up writes them (another laptop's, sent there)
    window.store.apply_team_shared(ReplicaBatch(saved_views=[
        {"name": "Angry", "filter": '{"view": "unread", "rating_max": 2}', "created_at": "2026-02-01T09:00:00Z"}],
        shared=True))
    assert "Angry" not in [v.name for v in window.sidebar_ctl.saved_views.values()]
    controller._caught((1, False))  # what the catch-up's result does on the window's thread
    assert [v.name for v in window.sidebar_ctl.saved_views.values()] == ["Angry"]
    assert next(iter(window.sidebar_ctl.saved_views.values())).filter == InboxFilter(view=View.UNREAD, rating_max=2)
    assert [op for op in window.store.queued_ops() if op.op == "view"] == []  # the server's, not sent back
