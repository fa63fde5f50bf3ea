"""Commands and the one shortcut table.

Every user action is a command with an id. Keys live in ONE data table (`DEFAULT_BINDINGS`,
as qutebrowser's `bindings.default`) that the menus, the shortcuts and the command palette
all read, so a key can never be bound in one place and shown differently in another.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass

# command id -> key sequence (QKeySequence text; several keys separated by "; ", the first
# one is the one menus show). Every key of the app is here, whichever module registers the
# command: a `shortcut=` argument only binds a command this table does not know.
DEFAULT_BINDINGS: dict[str, str] = {
    # the window (main_window.py)
    "app.palette": "Ctrl+K",
    "app.quit": "Ctrl+Q",
    "edit.undo": "Ctrl+Z",
    "edit.find": "/",
    "edit.escape": "Esc",
    "edit.select_all": "Ctrl+A",
    "nav.next": "J",
    "nav.previous": "K",
    "nav.open": "Return",
    "item.done": "E",
    "item.snooze": "S",
    "item.tag": "T",
    "item.unread": "U",
    "item.read": "Shift+I",
    "item.open_original": "O",
    "item.author": "A",
    "view.inbox": "G, I",
    "view.unread": "G, U",
    "view.snoozed": "G, S",
    "view.done": "G, D",
    "view.all": "G, A",
    "view.refresh": "",            # F5 belongs to "Sync now"
    "view.save_search": "Ctrl+S",
    "view.clear_filters": "Ctrl+Shift+X",
    # features (their own modules)
    "sync.now": "F5; Ctrl+R",
    "file.export": "Ctrl+E",
    "insights.dashboard": "G, N",
    "insights.profile": "P",
    "reply.picker": "R",
    "reply.focus": "Shift+R",
    "reply.send": "Ctrl+Return",
    "app.settings": "Ctrl+,",
    "item.assign": "Shift+A",      # a team inbox (ui/controllers/team.py)
    "view.mine": "G, M",
}

# Commands only a team inbox's window has (inbox/ui/controllers/team.py).
TEAM_ONLY = frozenset({"item.assign", "view.mine"})

MENUS = ("File", "Edit", "View", "Item", "Tools", "Help")

# Words people type for a command that its title doesn't use ("dark", "export csv",
# "preferences"): the palette matches them as it matches the title.
SYNONYMS: dict[str, str] = {
    "file.export": "csv excel xlsx spreadsheet download save file",
    "view.theme_dark": "dark mode night theme colours",
    "view.theme_light": "light mode day theme colours bright",
    "view.theme_system": "theme system automatic colours mode",
    "app.settings": "settings preferences options configure configuration time zone timezone",
    "app.quit": "exit close leave",
    "item.done": "archive finish complete close",
    "item.snooze": "later remind postpone",
    "item.tag": "label category",
    "item.read": "seen",
    "sync.now": "refresh fetch update download reload check new",
    "insights.dashboard": "charts stats statistics reports analytics graphs insights",
    "insights.profile": "customer person history",
    "reply.picker": "template canned answer respond",
    "reply.focus": "answer respond write",
    "reply.send": "post answer respond",
    "reply.saved_replies": "templates canned answers",
    "sources.manage": "accounts connect add platform google yelp facebook integrations",
    "rules.manage": "automation filters auto",
    "file.backup_now": "backup save copy",
    "file.restore_backup": "restore backup recover",
    "help.shortcuts": "keys keyboard hotkeys help",
    "edit.undo": "revert back",
    "edit.find": "search find look",
    "author.erase": "delete gdpr remove forget",
    "author.export": "gdpr download data",
    "item.assign": "give hand over owner team member delegate",
    "team.connect": "team shared server postgresql colleagues staff",
}


def _words(text: str) -> list[str]:
    return [w for w in "".join(c.lower() if c.isalnum() else " " for c in text).split() if w]


def _word_score(query: str, words: list[str]) -> float:
    """How well one typed word matches: 3 a whole word, 2 a word's start, 1 inside a word,
    a fraction for a near miss (a typo: "setings", "dakr"); 0 none."""
    best = 0.0
    for w in words:
        if w == query:
            return 3.0
        if w.startswith(query):
            best = max(best, 2.0)
        elif query in w:
            best = max(best, 1.0)
    if best or len(query) < 3:
        return best
    close = difflib.get_close_matches(query, words, n=1, cutoff=0.75)
    return difflib.SequenceMatcher(None, query, close[0]).ratio() if close else 0.0


@dataclass(slots=True)
class Command:
    id: str
    title: str
    callback: Callable[[], object]
    menu: str = "Tools"
    context: str = "window"


def split_keys(binding: str) -> list[str]:
    """The keys of one binding ("F5; Ctrl+R" -> ["F5", "Ctrl+R"])."""
    return [k.strip() for k in binding.split(";") if k.strip()]


class CommandTable:
    """The registered commands and the shortcut table they share (no Qt here)."""

    def __init__(self, bindings: dict[str, str] | None = None) -> None:
        self.bindings: dict[str, str] = dict(DEFAULT_BINDINGS if bindings is None else bindings)
        self.commands: dict[str, Command] = {}

    def register(self, command: Command, shortcut: str | None = None) -> tuple[str | None, list[str]]:
        """Add or replace a command. Returns its key (the table wins over a caller's
        `shortcut`, so the defaults and a user's remap live in one place) and the ids of other
        commands that lost that key."""
        self.commands[command.id] = command
        if shortcut and not self.bindings.get(command.id):
            return self.bind(command.id, shortcut)
        return self.bind(command.id, self.bindings.get(command.id, ""))

    def bind(self, command_id: str, binding: str) -> tuple[str | None, list[str]]:
        """Give `command_id` the keys of `binding` ("" unbinds it). A key opens one command,
        never two (Qt would call the shortcut ambiguous and run neither), so other commands
        lose these keys; returns the command's first key and the ids that lost one."""
        keys = split_keys(binding)
        self.bindings[command_id] = "; ".join(keys)
        wanted = {k.lower() for k in keys}
        unbound = []
        for other, other_binding in self.bindings.items():
            if other == command_id or not other_binding:
                continue
            theirs = split_keys(other_binding)
            kept = [k for k in theirs if k.lower() not in wanted]
            if len(kept) != len(theirs):
                self.bindings[other] = "; ".join(kept)
                unbound.append(other)
        return (keys[0] if keys else None), unbound

    def unbind(self, command_id: str) -> None:
        self.bindings[command_id] = ""

    def key_for(self, command_id: str) -> str:
        """The command's first key: the one menus and the README show."""
        keys = split_keys(self.bindings.get(command_id, ""))
        return keys[0] if keys else ""

    def keys_for(self, command_id: str) -> list[str]:
        return split_keys(self.bindings.get(command_id, ""))

    def matching(self, text: str) -> list[Command]:
        """Commands matching every word of `text` in their title, id or synonyms — whole
        words, starts of words, inside words or near misses — best first, then by title."""
        query = _words(text)
        if not query:
            return sorted(self.commands.values(), key=lambda c: c.title.lower())
        scored = []
        for c in self.commands.values():
            title = _words(c.title)
            others = _words(c.id + " " + SYNONYMS.get(c.id, ""))
            total = 0.0
            for q in query:
                score = max(_word_score(q, title) * 1.2, _word_score(q, others))
                if not score:
                    break
                total += score
            else:
                scored.append((-total, c.title.lower(), c))
        return [c for *_, c in sorted(scored, key=lambda t: (t[0], t[1]))]

    def conflicts(self) -> dict[str, list[str]]:
        """Keys bound to more than one command (tests keep this empty)."""
        by_key: dict[str, list[str]] = {}
        for cid, binding in self.bindings.items():
            for key in split_keys(binding):
                by_key.setdefault(key.lower(), []).append(cid)
        return {k: v for k, v in by_key.items() if len(v) > 1}


def shortcut_rows(table: CommandTable) -> list[tuple[str, str]]:
    """(key, title) of every registered command that has a key, menu by menu: the source of
    the README's shortcut table."""
    order = {menu: n for n, menu in enumerate(MENUS)}
    bound = [c for c in table.commands.values() if table.key_for(c.id)]
    bound.sort(key=lambda c: (order.get(c.menu, len(MENUS)), c.title.lower()))
    return [(table.key_for(c.id), c.title.replace("&", "").rstrip(".…")) for c in bound]
