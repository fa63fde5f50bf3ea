"""Members' display names in the window: chosen on the server (`inbox team name`, File ▸
Your Name in the Team…), remembered in this computer's copy, and shown wherever the window
names a member: the rows' assignee, Assign to…, the reading pane's "Assigned to", presence
and the history. Against a real PostgreSQL (tests/ui/test_team_server.py's `bens_window`)."""

from __future__ import annotations

from datetime import datetime

import pytest

from inbox.domain.team import Change
from inbox.services import team_names
from inbox.ui import team_words
from tests.services.test_team_link import shop  # noqa: F401 - the shop's team inbox (fixture)
from tests.store.team.conftest import roles  # noqa: F401 - the ana/ben fixture
from tests.ui.test_team_server import bens_window  # noqa: F401 - Ben's window on a real team inbox


@pytest.fixture(autouse=True)
def _no_names_left_behind():
    yield
    team_words.set_member_names({})


def test_sentences_use_the_names_members_chose() -> None:
    team_words.set_member_names({"ana": "Ana López", "ben": ""})
    now = datetime(2026, 12, 3, 10, 0)
    change = Change(seq=5, at="2026-12-03T09:30:00Z", who="ana", item_id=1, thread_id=1, what="assigned",
                    detail="ben")
    assert team_words.member_name("ana") == "Ana López"
    assert team_words.member_name("ana", me="ana") == "You"
    assert team_words.member_name("ben") == "Ben"  # no name chosen: the user name, capitalised
    assert team_words.short_member_name("ana") == "Ana" and team_words.short_member_name("ana", "ana") == "You"
    assert team_words.history_text(change, "sam", now) == "Ana López assigned it to Ben"
    assert team_words.presence_line({"ana": "replying"}) == "Ana López is replying…"


def test_names_set_on_the_server_show_in_bens_window_and_he_names_himself(bens_window, qtbot) -> None:  # noqa: F811
    window, controller, owner, ana, ben = bens_window
    owner.set_display_name("Ana López")
    controller.refresh_names()
    qtbot.waitUntil(lambda: team_words.member_name(ana) == "Ana López", timeout=5000)
    assert team_names.saved_names(window.store) == {ana: "Ana López"}  # for the window offline

    window.list_ctl.select_row(2)
    item = window.current_item()
    controller.assign(ana, [item.id])
    qtbot.waitUntil(lambda: controller.strip.assignee.text() == "Assigned to Ana López", timeout=5000)
    qtbot.waitUntil(lambda: controller.row_assignee(item) == "Ana", timeout=5000)  # a row: the first name
    chooser = controller.assign_dialog()
    labels = [chooser.list.item(i).text() for i in range(chooser.list.count())]
    assert any(label.startswith("Ana López") for label in labels)
    chooser.filter.setText("lóp")  # typing part of the name finds her
    assert chooser.shown() == [ana]
    chooser.reject()
    owner.announce(item.id, "replying")
    qtbot.waitUntil(lambda: controller.strip.presence.text() == "Ana López is replying…", timeout=2000)
    owner.announce(item.id, "left")

    dialog = controller.name_dialog()
    dialog.field.setText("  Ben   Ortiz ")
    dialog.accept_name()
    qtbot.waitUntil(lambda: owner.display_names().get(ben) == "Ben Ortiz", timeout=5000)
    qtbot.waitUntil(lambda: "Ben Ortiz" in window.statusBar().currentMessage(), timeout=5000)
    assert team_names.saved_names(window.store)[ben] == "Ben Ortiz"
    owner.assign([item.id], ben)
    history = [c for c in owner.conversation_history(item.thread_id) if c.what == "assigned"]
    assert team_words.history_text(history[-1], ana, datetime.now()) == "You assigned it to Ben Ortiz"


def test_a_name_changed_elsewhere_reaches_the_open_window(bens_window, qtbot) -> None:  # noqa: F811
    window, _controller, owner, ana, _ben = bens_window
    owner.set_display_name("Ana Live")  # on her own laptop, while Ben's window is open
    qtbot.waitUntil(lambda: team_words.member_name(ana) == "Ana Live", timeout=5000)
    assert team_names.saved_names(window.store)[ana] == "Ana Live"
