"""Commands and the one shortcut table.

Every user action is a command with an id. Keys live in ONE data table (`DEFAULT_BINDINGS`,
as qutebrowser's `bindings.default`) that the menus, the shortcuts and the command palette
all read, so a key can never be bound in one place and shown differently in another.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# command id -> key sequence (QKeySequence text). Commands other features register add
# their own entries when they pass `shortcut=`.
DEFAULT_BINDINGS: dict[str, str] = {
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
    "view.refresh": "",            # F5 belongs to "Sync now" (the sync controller)
    "view.save_search": "Ctrl+S",
    "view.clear_filters": "Ctrl+Shift+X",
}

MENUS = ("File", "Edit", "View", "Item", "Tools", "Help")


@dataclass(slots=True)
class Command:
    id: str
    title: str
    callback: Callable[[], object]
    menu: str = "Tools"
    context: str = "window"


class CommandTable:
    """The registered commands and the shortcut table they share (no Qt here)."""

    def __init__(self, bindings: dict[str, str] | None = None) -> None:
        self.bindings: dict[str, str] = dict(DEFAULT_BINDINGS if bindings is None else bindings)
        self.commands: dict[str, Command] = {}

    def register(self, command: Command, shortcut: str | None = None) -> tuple[str | None, list[str]]:
        """Add or replace a command. Returns the key bound to it (the table wins over a
        caller's suggestion for the same id, so a user's remap survives) and the ids of
        other commands that lost that key: a key opens one command, never two (Qt would
        call an ambiguous shortcut and run neither)."""
        self.commands[command.id] = command
        if shortcut and not self.bindings.get(command.id):
            self.bindings[command.id] = shortcut
        key = self.bindings.get(command.id) or None
        unbound = []
        if key:
            for other, other_key in self.bindings.items():
                if other != command.id and other_key and other_key.lower() == key.lower():
                    self.bindings[other] = ""
                    unbound.append(other)
        return key, unbound

    def key_for(self, command_id: str) -> str:
        return self.bindings.get(command_id, "")

    def matching(self, text: str) -> list[Command]:
        """Commands whose title or id contains every word of `text`, by title."""
        words = text.lower().split()
        found = [c for c in self.commands.values()
                 if all(w in (c.title + " " + c.id).lower() for w in words)]
        return sorted(found, key=lambda c: c.title.lower())

    def conflicts(self) -> dict[str, list[str]]:
        """Keys bound to more than one command (tests keep this empty)."""
        by_key: dict[str, list[str]] = {}
        for cid, key in self.bindings.items():
            if key:
                by_key.setdefault(key.lower(), []).append(cid)
        return {k: v for k, v in by_key.items() if len(v) > 1}


def shortcut_rows(table: CommandTable) -> list[tuple[str, str]]:
    """(key, title) of every registered command that has a key, menu by menu: the source of
    the README's shortcut table."""
    order = {menu: n for n, menu in enumerate(MENUS)}
    bound = [c for c in table.commands.values() if table.key_for(c.id)]
    bound.sort(key=lambda c: (order.get(c.menu, len(MENUS)), c.title.lower()))
    return [(table.key_for(c.id), c.title.replace("&", "").rstrip(".…")) for c in bound]
