"""The owner's writes as operations: each returns a `ChangeSet` saying what changed, and
pushes its inverse onto an `UndoStack`, so that the window, the command line and tests
all triage, tag, snooze and undo the same way, without Qt.

The window redraws from the ChangeSet (which rows, which counts, which sidebar sections)
instead of reloading everything after each write.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from inbox.domain import Status
from inbox.store import Store

UNDO_LIMIT = 50


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """What a write changed, for the views that show it.

    `items` and `threads` are the rows and conversations to redraw; `counts` means the
    per-view counts moved; `sources`, `tags`, `drafts` and `outbox` name the sidebar
    sections to refresh; `everything` (a sync, a restore, a rule applied to old items)
    means reload the list as well.
    """

    items: frozenset[int] = frozenset()
    threads: frozenset[int] = frozenset()
    counts: bool = False
    sources: bool = False
    tags: bool = False
    drafts: bool = False
    outbox: bool = False
    everything: bool = False

    @classmethod
    def all(cls) -> ChangeSet:
        """Anything may have changed (the default for writes that say no more)."""
        return cls(counts=True, sources=True, tags=True, drafts=True, outbox=True, everything=True)

    def __or__(self, other: ChangeSet) -> ChangeSet:
        return ChangeSet(
            items=self.items | other.items, threads=self.threads | other.threads,
            counts=self.counts or other.counts, sources=self.sources or other.sources,
            tags=self.tags or other.tags, drafts=self.drafts or other.drafts,
            outbox=self.outbox or other.outbox, everything=self.everything or other.everything)

    def __bool__(self) -> bool:
        return bool(self.items or self.threads or self.counts or self.sources or self.tags
                    or self.drafts or self.outbox or self.everything)


NO_CHANGES = ChangeSet()


@dataclass(slots=True)
class UndoEntry:
    """One undoable operation: its label ("Done", "Tagged “x”"), the items it touched
    (to select them again) and the inverse, which returns what it changed in turn."""

    label: str
    ids: list[int]
    inverse: Callable[[], ChangeSet | None]


@dataclass
class UndoStack:
    """The last operations' inverses, newest last; bounded so a long session stays small."""

    limit: int = UNDO_LIMIT
    entries: list[UndoEntry] = field(default_factory=list)

    def push(self, label: str, inverse: Callable[[], ChangeSet | None], ids: Iterable[int] = ()) -> UndoEntry:
        entry = UndoEntry(label, list(ids), inverse)
        self.entries.append(entry)
        del self.entries[:-self.limit]
        return entry

    def pop(self) -> UndoEntry | None:
        return self.entries.pop() if self.entries else None

    def undo(self) -> tuple[UndoEntry, ChangeSet] | None:
        """Run the newest inverse; None when there is nothing to undo. A failing inverse
        (StoreError) propagates and the entry is gone: it can't be retried blindly."""
        entry = self.pop()
        if entry is None:
            return None
        changes = entry.inverse()
        return entry, changes if changes is not None else ChangeSet(items=frozenset(entry.ids))

    @property
    def labels(self) -> list[str]:
        return [e.label for e in self.entries]

    def __len__(self) -> int:
        return len(self.entries)


class Operations:
    """Triage, tags, snooze and drafts on one store, each undoable through `undo`."""

    def __init__(self, store: Store, undo: UndoStack | None = None) -> None:
        self.store = store
        self.undo_stack = undo if undo is not None else UndoStack()

    # -- helpers --------------------------------------------------------------------------

    def _whole(self, ids: Sequence[int]) -> list[int]:
        """The selection grown to whole conversations: triage acts on every message of a
        conversation (a list row stands for all of them), and undo restores each one."""
        return self.store.conversation_item_ids(list(ids))

    def _triage_changes(self, ids: Sequence[int]) -> ChangeSet:
        return ChangeSet(items=frozenset(ids), threads=frozenset(self.store.thread_ids_of(ids)), counts=True)

    def _restore(self, before, ids: Sequence[int]) -> Callable[[], ChangeSet]:
        def inverse() -> ChangeSet:
            self.store.restore_triage(before)
            return self._triage_changes(ids)
        return inverse

    # -- triage ---------------------------------------------------------------------------

    def set_status(self, ids: Sequence[int], status: str, *, label: str | None = None,
                   undoable: bool = True) -> ChangeSet:
        """Mark items unread, read or done (done and unread end a snooze)."""
        ids = list(ids)
        if not ids:
            return NO_CHANGES
        status = Status(status).value
        ids = self._whole(ids)
        before = self.store.set_status(ids, status)
        if undoable:
            default = "Done" if status == Status.DONE else f"Marked {status}"
            self.undo_stack.push(label or default, self._restore(before, ids), ids)
        return self._triage_changes(ids)

    def mark_done(self, ids: Sequence[int]) -> ChangeSet:
        return self.set_status(ids, Status.DONE, label="Done")

    def mark_read_on_open(self, item_id: int) -> ChangeSet:
        """Opening an unread item reads it: not an undo step (the user did not ask for it)."""
        return self.set_status([item_id], Status.READ, undoable=False)

    def snooze(self, ids: Sequence[int], until: datetime) -> ChangeSet:
        """Hide items until a time; a done item snoozed comes back as read."""
        ids = list(ids)
        if not ids:
            return NO_CHANGES
        ids = self._whole(ids)
        before = self.store.snooze(ids, until)
        self.undo_stack.push(f"Snoozed until {until.astimezone():%a %d %b %H:%M}", self._restore(before, ids), ids)
        return self._triage_changes(ids)

    def wake_due(self, now: datetime) -> ChangeSet:
        """Snoozes whose time has come end; not undoable (time moved on, not the user)."""
        ids = self.store.wake_due(now)
        return self._triage_changes(ids) if ids else NO_CHANGES

    # -- tags -----------------------------------------------------------------------------

    def applied_tags(self, ids: Sequence[int]) -> set[str]:
        """Tags every one of the items has."""
        per_item = [{name for name, _ in self.store.get_item(i).tags} for i in ids]
        return set.intersection(*per_item) if per_item else set()

    def toggle_tag(self, ids: Sequence[int], name: str, colour: str | None = None, *,
                   applied: set[str] | None = None) -> ChangeSet:
        """Add a tag to the items; if they all have it already, remove it. `applied` saves
        a query when the caller already knows the items' common tags."""
        ids = list(ids)
        if not ids:
            return NO_CHANGES
        applied = self.applied_tags(ids) if applied is None else applied
        if name in applied:
            return self.untag(ids, name, colour)
        return self.tag(ids, name, colour)

    def tag(self, ids: Sequence[int], name: str, colour: str | None = None) -> ChangeSet:
        """Add a tag (created, with a colour, if new); undo removes it from the items that
        did not have it."""
        ids = self._whole(ids)
        with self.store.transaction():
            tag_name = self.store.ensure_tag(name, colour).name
            added = self.store.tag_items(ids, tag_name)

        def inverse() -> ChangeSet:
            self.store.untag_items(added, tag_name)
            return self._tag_changes(ids)
        self.undo_stack.push(f"Tagged “{name}”", inverse, ids)
        return self._tag_changes(ids)

    def untag(self, ids: Sequence[int], name: str, colour: str | None = None) -> ChangeSet:
        """Remove a tag; undo puts it back on the items that had it."""
        ids = self._whole(ids)
        with self.store.transaction():
            if colour:
                self.store.ensure_tag(name, colour)
            removed = self.store.untag_items(ids, name)

        def inverse() -> ChangeSet:
            self.store.tag_items(removed, name)
            return self._tag_changes(ids)
        self.undo_stack.push(f"Untagged “{name}”", inverse, ids)
        return self._tag_changes(ids)

    def _tag_changes(self, ids: Sequence[int]) -> ChangeSet:
        return ChangeSet(items=frozenset(ids), threads=frozenset(self.store.thread_ids_of(ids)),
                         counts=True, tags=True)

    # -- drafts ---------------------------------------------------------------------------

    def discard_draft(self, item_id: int) -> ChangeSet:
        """Throw a draft reply away; undo brings the text back."""
        draft = self.store.delete_draft(item_id)
        if draft is None:
            return NO_CHANGES

        def inverse() -> ChangeSet:
            self.store.save_draft(draft.item_id, draft.text)
            return ChangeSet(items=frozenset([item_id]), drafts=True)
        self.undo_stack.push("Discard draft", inverse, [item_id])
        return ChangeSet(items=frozenset([item_id]), drafts=True)

    # -- undo -----------------------------------------------------------------------------

    def undo(self) -> tuple[UndoEntry, ChangeSet] | None:
        """Undo the newest operation: its entry and what the undo changed, or None."""
        return self.undo_stack.undo()
