"""What the window says about a team inbox: names, the history's lines in local time,
presence, the link's state and the question before a second answer."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from inbox.domain.team import Change
from inbox.ui import local_time
from inbox.ui.team_words import (
    answered_warning,
    assignee_of,
    history_lines,
    link_state,
    member_name,
    presence_line,
    synced_words,
)

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def berlin():
    local_time.set_zone("Europe/Berlin")  # UTC+1 in March: the lines must show 15:02, not 14:02
    yield
    local_time.set_zone("")


def change(seq: int, who: str, what: str, detail: str = "", at: str = "2026-03-02T14:02:00Z", **kw) -> Change:
    return Change(seq, at, who, 5, 5, what, detail, **kw)


def test_names_are_said_as_people_say_them() -> None:
    assert member_name("ana") == "Ana"
    assert member_name("ana", me="ana") == "You"
    assert member_name("ana.smith") == "ana.smith"  # written with dots or capitals: as written
    assert member_name("Ben2") == "Ben2"


def test_the_history_in_local_time_with_what_waits_and_what_was_overruled() -> None:
    history = [
        change(1, "ana", "new"),
        change(2, "ana", "status", "read"),            # reading is each member's own: left out
        change(3, "ana", "assigned", "ben"),
        change(4, "ben", "status", "done", at="2026-03-02T14:30:00Z"),
        change(5, "ben", "status", "unread", at="2026-03-02T14:31:00Z"),  # out of Done: said
        change(6, "ben", "tag", "urgent", at="2026-03-02T14:40:00Z", kept=False),
        change(0, "ben", "assigned", "", at="2026-03-02T14:45:00Z", pending=True),
        change(7, "ben", "reply", at="2026-03-02T14:50:00Z"),
    ]
    assert history_lines(history, "ben", NOW) == [
        "Ana assigned it to you · today 15:02",
        "You marked it done · today 15:30",
        "You opened it again · today 15:31",
        "You tagged it “urgent” · today 15:40 · a later change holds",
        "You unassigned it · today 15:45 · not sent yet",
        "You replied · today 15:50",
    ]
    assert assignee_of(history) is None
    assert assignee_of(history[:3]) == "ben"
    assert history_lines([change(1, "ana", "assigned", "ana")], "ben", NOW) == ["Ana took it · today 15:02"]


def test_presence_puts_replying_first() -> None:
    assert presence_line({"ben": "viewing", "ana": "replying"}) == "Ana is replying… · Ben is reading this"
    assert presence_line({}) == ""


def test_the_status_bar_words() -> None:
    assert link_state(None, 0) == "Team inbox · connecting…"
    assert link_state(True, 0) == "Team inbox · online"
    assert link_state(False, 0) == "Offline · working on this computer's copy"
    assert link_state(False, 1) == "Offline · 1 change waiting to be sent"
    assert link_state(False, 3) == "Offline · 3 changes waiting to be sent"


def test_the_question_before_a_second_answer() -> None:
    ana = change(9, "ana", "reply", at="2026-03-02T14:05:00Z")
    assert answered_warning([ana], "ben", NOW) == (
        "Ana answered this conversation at 15:05, while you were writing. Send your reply as well?")
    synced = change(10, "ana", "new", at="2026-03-02T14:07:00Z")
    assert answered_warning([ana, synced], "ben", NOW).startswith(
        "A reply from your business arrived in this conversation at 15:07 (2 answers since you opened it)")
    earlier = change(8, "ana", "reply", at="2026-03-01T14:05:00Z")
    assert " yesterday at 15:05," in answered_warning([earlier], "ben", NOW)


def test_sync_now_says_what_it_posted_and_what_waits_without_the_sites_error() -> None:
    assert synced_words(0, 0, 0) == "Synced: nothing new."
    assert synced_words(3, 1, 0) == "Synced: 3 new items. 1 reply sent."
    waits = synced_words(0, 2, 1)
    assert waits.startswith("Synced: nothing new. 2 replies sent. 1 reply could not be sent yet; it stays in the Outbox")
    assert "500" not in waits and "429" not in waits
    assert "they stay" in synced_words(1, 0, 2)
    assert "could not be reached" in synced_words(0, 0, 0, outbox_unreachable=True)


def test_a_tag_renamed_or_deleted_is_said_in_the_conversations_history() -> None:
    lines = history_lines([change(1, "ana", "tag", "late"),
                           change(2, "ben", "tag_renamed", '["late", "Running late"]'),
                           change(3, "ana", "tag_deleted", "Running late")], "ana", NOW)
    assert lines == ["You tagged it “late” · today 15:02",
                     "Ben renamed the tag “late” to “Running late” · today 15:02",
                     "You deleted the tag “Running late” · today 15:02"]
