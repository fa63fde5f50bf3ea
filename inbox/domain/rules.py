"""Rules as data: conditions (all must hold) and actions. The store saves and matches them;
inbox.services.rules validates and runs them."""

from __future__ import annotations

from dataclasses import dataclass, field

KEYWORD_MODES = ("substring", "fts")


@dataclass(slots=True)
class Conditions:
    source_ids: list[int] = field(default_factory=list)   # empty: any source
    whose: str | None = None                              # "own" | "competitor" | None
    rating_min: int | None = None
    rating_max: int | None = None
    keyword: str = ""
    keyword_mode: str = "substring"                       # "substring" | "fts"
    author: str = ""

    def is_empty(self) -> bool:
        return not (self.source_ids or self.whose or self.rating_min or self.rating_max
                    or self.keyword.strip() or self.author.strip())


@dataclass(slots=True)
class Actions:
    tag: str = ""
    mark_read: bool = False
    mute: bool = False            # mark done: out of the inbox

    def is_empty(self) -> bool:
        return not (self.tag.strip() or self.mark_read or self.mute)

    def describe(self) -> str:
        parts = []
        if self.tag.strip():
            parts.append(f"tag “{self.tag.strip()}”")
        if self.mute:
            parts.append("mute")
        elif self.mark_read:
            parts.append("mark read")
        return ", ".join(parts) or "nothing"

    def status(self) -> str | None:
        """The triage status the rule sets: mute wins over mark read."""
        return "done" if self.mute else "read" if self.mark_read else None


@dataclass(slots=True)
class Rule:
    name: str
    conditions: Conditions = field(default_factory=Conditions)
    actions: Actions = field(default_factory=Actions)
    enabled: bool = True
    id: int | None = None
    position: int = 0
