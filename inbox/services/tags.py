"""Renaming, recolouring, merging and deleting a tag, for the window's sidebar and `inbox
tag`: the same words and checks in both, each step undoable (through `Operations`' undo
stack), on a local inbox, a team inbox's copy (the copy queues them for the server) or the
team store itself.

Why a rename onto another tag's name merges: tag names are unique (A-Z without case, the
rule of both backends), so the renamed tag's items take the other tag, and the renamed one
goes, as the server does with a rename sent from a laptop (docs/team.md)."""

from __future__ import annotations

from dataclasses import dataclass

from inbox.domain import Tag
from inbox.domain.colours import is_hex_colour
from inbox.domain.team import tag_key
from inbox.domain.wording import plural
from inbox.services.operations import ChangeSet, Operations

MAX_NAME = 60


class TagError(ValueError):
    """A tag that is not there, or a name or colour that cannot be; the text is for the owner."""


@dataclass(frozen=True, slots=True)
class Rename:
    """A rename checked before it is made: `into` is the other tag it merges with, if any."""

    tag: Tag
    name: str
    into: Tag | None = None


def find_tag(tags: list[Tag], name: str) -> Tag:
    """The tag of this name (A-Z without case), or TagError naming the tags there are."""
    key = tag_key(" ".join(name.split()))
    for tag in tags:
        if tag_key(tag.name) == key:
            return tag
    have = ", ".join(f"“{t.name}”" for t in tags) or "none yet"
    raise TagError(f"There is no tag named “{name}” (tags: {have}).")


def plan_rename(tags: list[Tag], tag: Tag, name: str) -> Rename:
    """Check a new name: TagError when empty or too long; `into` when another tag has it."""
    name = " ".join(name.split())
    if not name:
        raise TagError("A tag needs a name.")
    if len(name) > MAX_NAME:
        raise TagError(f"A tag name can be at most {MAX_NAME} characters.")
    into = next((t for t in tags if t.id != tag.id and tag_key(t.name) == tag_key(name)), None)
    return Rename(tag, into.name if into else name, into)


def conversations(tag: Tag) -> str:
    return plural(tag.count, "conversation")


def merge_question(plan: Rename) -> str:
    """What a merge does, said before it is done."""
    assert plan.into is not None
    return (f"There is already a tag “{plan.into.name}” ({conversations(plan.into)}). Renaming “{plan.tag.name}” "
            f"({conversations(plan.tag)}) to it merges the two: its conversations get “{plan.into.name}” "
            f"and “{plan.tag.name}” goes.")


def delete_question(tag: Tag) -> str:
    if not tag.count:
        return f"Delete the tag “{tag.name}”? No conversation carries it."
    return (f"Delete the tag “{tag.name}”? {conversations(tag).capitalize()} carry it; "
            "they keep everything else.")


class TagAdmin:
    """Rename, recolour, merge and delete tags, each undoable with the triage's undo."""

    def __init__(self, ops: Operations) -> None:
        self.ops = ops
        self.store = ops.store

    def _changes(self, ids: list[int]) -> ChangeSet:
        return ChangeSet(items=frozenset(ids), threads=frozenset(self.store.thread_ids_of(ids)),
                         counts=True, tags=True, everything=True)

    def rename(self, plan: Rename) -> ChangeSet:
        """Rename a tag, or merge it into `plan.into`; undo gives it back its name and items."""
        if plan.into is not None:
            return self._merge(plan.tag, plan.into)
        tag = plan.tag
        with self.store.transaction():
            self.store.rename_tag(tag.id, plan.name)
        ids = self.store.tagged_item_ids(tag.id)

        def inverse() -> ChangeSet:
            self.store.rename_tag(tag.id, tag.name)
            return self._changes(ids)
        self.ops.undo_stack.push(f"Renamed tag “{tag.name}”", inverse, [])
        return self._changes(ids)

    def _merge(self, tag: Tag, into: Tag) -> ChangeSet:
        with self.store.transaction():
            ids = self.store.tagged_item_ids(tag.id)
            added = self.store.tag_items(ids, into.name)
            self.store.delete_tag(tag.id)

        def inverse() -> ChangeSet:
            with self.store.transaction():
                self.store.ensure_tag(tag.name, tag.colour)
                self.store.tag_items(ids, tag.name)
                self.store.untag_items(added, into.name)
            return self._changes(ids)
        self.ops.undo_stack.push(f"Merged tag “{tag.name}” into “{into.name}”", inverse, [])
        return self._changes(ids)

    def recolour(self, tag: Tag, colour: str) -> ChangeSet:
        if not is_hex_colour(colour):
            raise TagError("A tag colour looks like #3366cc.")
        with self.store.transaction():
            self.store.rename_tag(tag.id, tag.name, colour)

        def inverse() -> ChangeSet:
            self.store.rename_tag(tag.id, tag.name, tag.colour)
            return ChangeSet(tags=True, everything=True)
        self.ops.undo_stack.push(f"Changed the colour of “{tag.name}”", inverse, [])
        return ChangeSet(tags=True, everything=True)

    def delete(self, tag: Tag) -> ChangeSet:
        """Delete a tag from every conversation; undo makes it again, on the same items."""
        with self.store.transaction():
            ids = self.store.tagged_item_ids(tag.id)
            self.store.delete_tag(tag.id)

        def inverse() -> ChangeSet:
            with self.store.transaction():
                self.store.ensure_tag(tag.name, tag.colour)
                self.store.tag_items(ids, tag.name)
            return self._changes(ids)
        self.ops.undo_stack.push(f"Deleted tag “{tag.name}”", inverse, [])
        return self._changes(ids)
