"""What the window says about a team inbox, in the owner's words: a member's name, a
conversation's history ("Ana marked done · 14:02", in local time), who is looking at or
answering a conversation ("Ana is replying…"), and the link's state for the status bar.

Pure functions of the store's records (no Qt), so each sentence is tested on its own."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from inbox.domain.times import parse_time
from inbox.domain.wording import plural
from inbox.ui import local_time

# What the window shows of each activity another member announces.
ACTIVITY_WORDS = {"replying": "is replying…", "viewing": "is reading this"}
STATUS_WORDS = {"done": "marked it done"}


# The team's display names ({role: name}), set by the window's team controller: one team
# inbox per window, and every sentence about a member goes through `member_name`.
_names: dict[str, str] = {}


def set_member_names(names: Mapping[str, str]) -> None:
    """The display names members chose (`inbox team name`, File ▸ Your name in the team…)."""
    _names.clear()
    _names.update({k: v for k, v in names.items() if v and v.strip()})


def member_name(role: str, me: str | None = None) -> str:
    """A member as people say them: "You" for yourself; the name they chose ("Ana López");
    else "Ana" for the role `ana`, and a role with capitals, digits or dots (`ana.smith`,
    `Ben2`) as it is written."""
    if me is not None and role == me:
        return "You"
    if role in _names:
        return _names[role]
    return role.capitalize() if role.isalpha() and role.islower() else role


def short_member_name(role: str, me: str | None = None) -> str:
    """A member on a list row, where room is short: the first word of their name ("Ana"
    for "Ana López"), "You" for yourself."""
    name = member_name(role, me)
    return name.split()[0] if role in _names and name != "You" and name.split() else name


def _pending(change: Any) -> bool:
    return bool(getattr(change, "pending", False)) or getattr(change, "seq", 1) == 0


def history_text(change: Any, me: str | None, now: datetime, *, reopened: bool = False) -> str | None:
    """One change as a sentence without its time ("Ana marked it done"); None for changes
    that say nothing to the team: a message arriving (the conversation shows it, with the
    time it was written, not when the team's server stored it) and reading (each member's
    own, unless it takes the conversation out of Done: `reopened`)."""
    who = member_name(change.who, me) if change.who else "Someone"
    what, detail = change.what, change.detail or ""
    if what == "new":  # the conversation shows its messages with their own times
        return None
    if what == "status":
        if detail in ("read", "unread"):
            return f"{who} opened it again" if reopened else None
        return f"{who} {STATUS_WORDS.get(detail, f'marked it {detail}')}"
    if what == "snooze":
        until = parse_time(detail) if detail else None
        if until is None:
            return f"{who} woke it up"
        return f"{who} snoozed it until {local_time.when(until, now)}"
    if what == "edited":
        return "The message was edited at the source"
    if what == "deleted":
        return "The message was deleted at the source"
    if what == "tag":
        return f"{who} tagged it “{detail}”"
    if what == "untag":
        return f"{who} removed the tag “{detail}”"
    if what == "tag_renamed":  # detail: ["old name", "new name"]
        try:
            before, after = json.loads(detail)
        except (ValueError, TypeError):
            return f"{who} renamed a tag"
        return f"{who} renamed the tag “{before}” to “{after}”"
    if what == "tag_deleted":
        return f"{who} deleted the tag “{detail}”"
    if what == "assigned":
        if not detail:
            return f"{who} unassigned it"
        if detail == change.who:
            return f"{who} took it" if who != "You" else "You took it"
        return f"{who} assigned it to {member_name(detail, me).replace('You', 'you')}"
    if what == "reply":
        return f"{who} replied"
    return None


def history_line(change: Any, me: str | None, now: datetime, *, reopened: bool = False) -> str | None:
    """"Ana marked it done · 14:02" (local time); "· not sent yet" for a change made here
    that waits for the server, "· a later change holds" for one someone else's overruled."""
    text = history_text(change, me, now, reopened=reopened)
    if text is None:
        return None
    then = parse_time(change.at)
    when = local_time.when(then, now) if then is not None else ""
    line = f"{text} · {when}" if when else text
    if _pending(change):
        return line + " · not sent yet"
    if not getattr(change, "kept", True):  # made offline, overruled by a later change
        return line + " · a later change holds"
    return line


def history_lines(changes: Iterable[Any], me: str | None, now: datetime) -> list[str]:
    """The conversation's history as lines, oldest first, without repeating a line (two
    messages of one conversation marked done at once are one thing to a reader)."""
    lines: list[str] = []
    done = False
    for change in changes:
        reopened = change.what == "status" and done and change.detail != "done"
        if change.what == "status":
            done = change.detail == "done"
        line = history_line(change, me, now, reopened=reopened)
        if line is not None and (not lines or lines[-1] != line):
            lines.append(line)
    return lines


def assignee_of(changes: Iterable[Any]) -> str | None:
    """Who the conversation is assigned to now, from its history (the last assignment)."""
    member: str | None = None
    for change in changes:
        if change.what == "assigned":
            member = change.detail or None
    return member


def presence_line(activities: Mapping[str, str]) -> str:
    """Who else is in this conversation: "Ana is replying…", "Ana is replying… · Ben is
    reading this"; replying first."""
    order = sorted(activities.items(), key=lambda kv: (kv[1] != "replying", kv[0]))
    return " · ".join(f"{member_name(who)} {ACTIVITY_WORDS[act]}" for who, act in order if act in ACTIVITY_WORDS)


def link_state(online: bool | None, waiting: int) -> str:
    """The status bar's words: "Team inbox · online", "Offline · 3 changes waiting to be sent"."""
    queued = plural(waiting, "change") + " waiting to be sent"
    if online is None:
        return "Team inbox · connecting…"
    if online:
        return "Team inbox · online" + (f" · sending {plural(waiting, 'change')}…" if waiting else "")
    return f"Offline · {queued}" if waiting else "Offline · working on this computer's copy"


def _at(when: str) -> str:
    """ "today 14:05" as " at 14:05", "yesterday 14:05" as " yesterday at 14:05", "Mon 14:05" as
    " on Mon at 14:05": a time inside a sentence."""
    day, _, clock = when.rpartition(" ")
    if day == "today" or not day:
        return f" at {clock}"
    if day == "yesterday":
        return f" yesterday at {clock}"
    return f" on {day.rstrip(',')} at {clock}"


def answered_warning(changes: list[Any], me: str | None, now: datetime) -> str:
    """The question before sending a reply to a conversation someone answered meanwhile
    (another member's reply, or the business's own reply fetched from the platform)."""
    last = changes[-1]
    then = parse_time(last.at)
    when = _at(local_time.when(then, now)) if then is not None else ""
    if last.what == "reply":
        subject = f"{member_name(last.who, me)} answered this conversation{when}"
    else:
        subject = f"A reply from your business arrived in this conversation{when}"
    more = f" ({plural(len(changes), 'answer')} since you opened it)" if len(changes) > 1 else ""
    return f"{subject}{more}, while you were writing. Send your reply as well?"


def synced_words(new: int, sent: int, not_sent: int, outbox_unreachable: bool = False) -> str:
    """What "Sync now" in a team inbox did: new items, and the team's replies it posted.
    Why no reason here: a site's refusal is a detail, kept with the reply in the Outbox."""
    words = "Synced: nothing new." if not new else f"Synced: {plural(new, 'new item')}."
    if sent:
        words += f" {plural(sent, 'reply', 'replies')} sent."
    if not_sent:
        words += (f" {plural(not_sent, 'reply', 'replies')} could not be sent yet; "
                  f"{'it stays' if not_sent == 1 else 'they stay'} in the Outbox (the reason is there) "
                  "and will be tried again.")
    elif outbox_unreachable:
        words += " The team's Outbox could not be reached; its replies go at the next sync."
    return words


def replies_sent_words(sent: int) -> str:
    """The team's replies this app posted on its own, their time to take back over. Why
    nothing about those that wait: the timer tries every few seconds, and a reply that
    waits (for a member with the site's sign-in, or a site's Retry-After) has its reason
    in the Outbox; saying so each time would only repeat it."""
    return f"The team's Outbox: {plural(sent, 'reply', 'replies')} sent."


__all__ = ["answered_warning", "assignee_of", "history_line", "history_lines", "history_text", "link_state",
           "member_name", "presence_line", "replies_sent_words", "set_member_names", "short_member_name",
           "synced_words"]
