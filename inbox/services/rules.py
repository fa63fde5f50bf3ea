"""Rules: tag, mute (mark done) or mark read items as they arrive.

A rule is a set of conditions (all must hold) and a set of actions (inbox.domain.rules),
saved and matched by the store (inbox.store.rules). `on_ingest` runs inside the page's
ingest transaction. The same matching drives the dialog's live preview and "Apply to
existing items", so what the preview shows is exactly what a rule does.

Keyword matching is either full-text (FTS5, word-based: `crois*`, `"cold coffee"`) or a
case-insensitive substring; author matching is a case-insensitive substring of the name
or handle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from inbox.domain import ItemRow
from inbox.domain.rules import KEYWORD_MODES, Actions, Conditions, Rule
from inbox.store import BadQuery

if TYPE_CHECKING:
    from inbox.store import IngestResult, Store

__all__ = [
    "KEYWORD_MODES", "Actions", "ApplyResult", "Conditions", "Preview", "Rule", "RuleError", "RuleUndo",
    "apply_to_existing", "delete_rule", "get_rule", "list_rules", "matching_ids", "on_ingest", "preview",
    "save_rule", "undo_apply", "validate",
]


class RuleError(ValueError):
    """A rule that cannot be saved or run, worded for the user."""


@dataclass(slots=True)
class RuleUndo:
    """What "Apply to existing items" changed, so that it can be taken back."""

    triage: list[tuple[int, str, str | None]] = field(default_factory=list)
    tag: str = ""
    tagged_ids: list[int] = field(default_factory=list)


@dataclass(slots=True)
class ApplyResult:
    matched: int
    changed: int
    undo: RuleUndo


# -- storage ------------------------------------------------------------------------------

def list_rules(store: Store, *, enabled_only: bool = False) -> list[Rule]:
    return store.list_rules(enabled_only=enabled_only)


def get_rule(store: Store, rule_id: int) -> Rule:
    return store.get_rule(rule_id)


def validate(store: Store, rule: Rule) -> None:
    """Raise RuleError when a rule would do nothing or could not run."""
    if not rule.name.strip():
        raise RuleError("a rule needs a name")
    if rule.actions.is_empty():
        raise RuleError("choose what the rule does: a tag, mute or mark read")
    c = rule.conditions
    if c.keyword_mode not in KEYWORD_MODES:
        raise RuleError(f"unknown keyword mode {c.keyword_mode!r}")
    for r in (c.rating_min, c.rating_max):
        if r is not None and not 1 <= r <= 5:
            raise RuleError("ratings go from 1 to 5")
    if c.rating_min and c.rating_max and c.rating_min > c.rating_max:
        raise RuleError("the lowest rating is above the highest")
    if c.whose not in (None, "own", "competitor"):
        raise RuleError("whose must be own or competitor")
    if len(rule.actions.tag.strip()) > 60:
        raise RuleError("a tag name can be at most 60 characters")
    try:
        store.check_rule_conditions(c)  # a bad full-text query raises here, with a clear message
    except BadQuery as exc:
        raise RuleError(str(exc)) from None


def save_rule(store: Store, rule: Rule) -> Rule:
    """Insert (id None) or update a rule; returns it with its id."""
    validate(store, rule)
    if rule.id is None:
        return store.insert_rule(rule)
    store.update_rule(rule)
    return rule


def delete_rule(store: Store, rule_id: int) -> None:
    store.delete_rule(rule_id)


# -- matching -----------------------------------------------------------------------------

def matching_ids(store: Store, c: Conditions, among: Sequence[int] | None = None) -> list[int]:
    """Ids of items matching `c`, newest first (only among `among` when given)."""
    try:
        return store.rule_matching_ids(c, among)
    except BadQuery as exc:
        raise RuleError(str(exc)) from None


@dataclass(slots=True)
class Preview:
    count: int
    rows: list[ItemRow]


def preview(store: Store, c: Conditions, limit: int = 20) -> Preview:
    """How many existing items a rule's conditions match, and the newest of them.

    Safe on a read-only connection (Store.open_reader) in a worker thread."""
    try:
        return Preview(store.count_rule_matches(c), store.rule_matching_rows(c, limit))
    except BadQuery as exc:
        raise RuleError(str(exc)) from None


# -- actions ------------------------------------------------------------------------------

def apply_to_existing(store: Store, rule: Rule) -> ApplyResult:
    """Run a rule on every existing item it matches, in one transaction."""
    validate(store, rule)
    with store.transaction():
        ids = matching_ids(store, rule.conditions)
        before = store.snapshot_triage(ids) if rule.actions.status() else []
        changed, tagged = store.apply_rule_actions(rule.actions, ids)
    changed_set = set(changed)
    undo = RuleUndo(triage=[row for row in before if row[0] in changed_set],
                    tag=rule.actions.tag.strip(), tagged_ids=tagged)
    return ApplyResult(matched=len(ids), changed=len(changed_set | set(tagged)), undo=undo)


def undo_apply(store: Store, undo: RuleUndo) -> None:
    with store.transaction():
        if undo.triage:
            store.restore_triage(undo.triage)
        if undo.tag and undo.tagged_ids:
            store.untag_items(undo.tagged_ids, undo.tag)


def on_ingest(store: Store, source_id: int, result: IngestResult) -> None:
    """Apply enabled rules to the items this page added (inside its transaction).

    One query loads the rules, then each rule costs one matching query plus one write per
    action, whatever the number of items."""
    if not result.new_ids:
        return
    for rule in store.list_rules(enabled_only=True):
        c = rule.conditions
        if c.source_ids and source_id not in c.source_ids:
            continue
        if rule.actions.is_empty():
            continue
        try:
            ids = store.rule_matching_ids(c, among=result.new_ids)
        except BadQuery:
            continue  # a rule saved before its query went bad must not stop a sync
        store.apply_rule_actions(rule.actions, ids)
