"""Rules: tag, mute (mark done) or mark read items as they arrive.

A rule is a set of conditions (all must hold) and a set of actions, stored in the `rules`
table as JSON. Matching is one SQL statement per rule, so applying rules to a page of new
items costs a few queries per rule whatever the page size (`on_ingest` runs inside the
page's ingest transaction). The same SQL drives the dialog's live preview and "Apply to
existing items", so what the preview shows is exactly what a rule does.

Keyword matching is either full-text (FTS5, word-based: `crois*`, `"cold coffee"`) or a
case-insensitive substring; author matching is a case-insensitive substring of the name
or handle. Case folding uses Python's `str.casefold` (SQLite's lower() is ASCII-only).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from inbox.domain import ItemRow, format_time, utcnow
from inbox.store import BadQuery, NotFound, write_transaction
from inbox.store.queries import MATCHING_IDS, ROW_SELECT, check_query, row_to_item

if TYPE_CHECKING:
    from inbox.store import IngestResult, Store

KEYWORD_MODES = ("substring", "fts")


class RuleError(ValueError):
    """A rule that cannot be saved or run, worded for the user."""


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


@dataclass(slots=True)
class Rule:
    name: str
    conditions: Conditions = field(default_factory=Conditions)
    actions: Actions = field(default_factory=Actions)
    enabled: bool = True
    id: int | None = None
    position: int = 0


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

def _from_row(row: sqlite3.Row) -> Rule:
    cond = json.loads(row["conditions"] or "{}")
    act = json.loads(row["actions"] or "{}")
    return Rule(
        id=row["id"], name=row["name"], enabled=bool(row["enabled"]), position=row["position"],
        conditions=Conditions(**{k: v for k, v in cond.items() if k in Conditions.__dataclass_fields__}),
        actions=Actions(**{k: v for k, v in act.items() if k in Actions.__dataclass_fields__}),
    )


def list_rules(store: Store, *, enabled_only: bool = False) -> list[Rule]:
    sql = "SELECT * FROM rules" + (" WHERE enabled = 1" if enabled_only else "") + " ORDER BY position, id"
    return [_from_row(r) for r in store.conn.execute(sql)]


def get_rule(store: Store, rule_id: int) -> Rule:
    row = store.conn.execute("SELECT * FROM rules WHERE id = ?", (rule_id,)).fetchone()
    if row is None:
        raise NotFound(f"no rule {rule_id}")
    return _from_row(row)


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
    match_sql(store.conn, c)  # a bad full-text query raises here, with a clear message


def save_rule(store: Store, rule: Rule) -> Rule:
    """Insert (id None) or update a rule; returns it with its id."""
    validate(store, rule)
    values = {"name": rule.name.strip(), "enabled": int(rule.enabled),
              "conditions": json.dumps(asdict(rule.conditions)),
              "actions": json.dumps(asdict(rule.actions))}
    with write_transaction(store.conn):
        if rule.id is None:
            pos = store.conn.execute("SELECT coalesce(max(position), 0) + 1 FROM rules").fetchone()[0]
            rule.id = store.conn.execute(
                "INSERT INTO rules (name, enabled, conditions, actions, position, created_at) "
                "VALUES (:name, :enabled, :conditions, :actions, :position, :created_at) RETURNING id",
                {**values, "position": pos, "created_at": format_time(utcnow())}).fetchone()[0]
            rule.position = pos
        else:
            store.conn.execute("UPDATE rules SET name = :name, enabled = :enabled, "
                               "conditions = :conditions, actions = :actions WHERE id = :id",
                               {**values, "id": rule.id})
    return rule


def delete_rule(store: Store, rule_id: int) -> None:
    with write_transaction(store.conn):
        store.conn.execute("DELETE FROM rules WHERE id = ?", (rule_id,))


# -- matching -----------------------------------------------------------------------------

def _casefold(value: object) -> str:
    return str(value or "").casefold()


def _ensure_functions(conn: sqlite3.Connection) -> None:
    conn.create_function("inbox_casefold", 1, _casefold, deterministic=True)


def match_sql(conn: sqlite3.Connection, c: Conditions) -> tuple[str, list[Any]]:
    """WHERE clause over `items i` (without the keyword) and its parameters.

    Owner replies and items deleted at the source never match: rules are about what
    customers say."""
    _ensure_functions(conn)
    where = ["i.deleted_at IS NULL", "i.is_owner_reply = 0"]
    args: list[Any] = []
    if c.source_ids:
        where.append("i.source_id IN (SELECT value FROM json_each(?))")
        args.append(json.dumps([int(s) for s in c.source_ids]))
    if c.whose:
        where.append("i.source_id IN (SELECT id FROM sources WHERE whose = ?)")
        args.append(c.whose)
    if c.rating_min:
        where.append("i.rating >= ?")
        args.append(int(c.rating_min))
    if c.rating_max:
        where.append("i.rating <= ?")
        args.append(int(c.rating_max))
    keyword = c.keyword.strip()
    if keyword and c.keyword_mode == "fts":
        try:
            expr = check_query(conn, keyword)
        except BadQuery as exc:
            raise RuleError(str(exc)) from None
        if expr:
            where.append(f"i.id IN ({MATCHING_IDS})")
            args.append(expr)
    elif keyword:
        where.append("instr(inbox_casefold(i.title || ' ' || i.text), ?) > 0")
        args.append(keyword.casefold())
    author = c.author.strip()
    if author:
        where.append("EXISTS (SELECT 1 FROM authors a WHERE a.id = i.author_id AND "
                     "instr(inbox_casefold(a.display_name || ' ' || a.handle), ?) > 0)")
        args.append(author.casefold())
    return " AND ".join(where), args


def _ids_json(ids: Sequence[int]) -> str:
    return json.dumps([int(i) for i in ids])


def matching_ids(store: Store, c: Conditions, among: Sequence[int] | None = None) -> list[int]:
    """Ids of items matching `c`, newest first (only among `among` when given)."""
    where, args = match_sql(store.conn, c)
    if among is not None:
        where += " AND i.id IN (SELECT value FROM json_each(?))"
        args.append(_ids_json(among))
    return [r[0] for r in store.conn.execute(
        f"SELECT i.id FROM items i WHERE {where} ORDER BY i.created_at DESC, i.id DESC", args)]


@dataclass(slots=True)
class Preview:
    count: int
    rows: list[ItemRow]


def preview(store: Store, c: Conditions, limit: int = 20) -> Preview:
    """How many existing items a rule's conditions match, and the newest of them.

    Safe on a read-only connection (Store.open_reader) in a worker thread."""
    where, args = match_sql(store.conn, c)
    count = store.conn.execute(f"SELECT count(*) FROM items i WHERE {where}", args).fetchone()[0]
    rows = [row_to_item(r) for r in store.conn.execute(
        f"{ROW_SELECT} WHERE {where} ORDER BY i.created_at DESC, i.id DESC LIMIT ?", (*args, limit))]
    store.attach_tags(rows)
    return Preview(count, rows)


# -- actions ------------------------------------------------------------------------------

def _apply(store: Store, actions: Actions, ids: list[int]) -> tuple[list[int], list[int]]:
    """Run a rule's actions on `ids` (inside the caller's transaction); return the ids
    whose status changed and the ids that got the tag."""
    if not ids:
        return [], []
    status = "done" if actions.mute else "read" if actions.mark_read else None
    changed: list[int] = []
    if status:
        # Only items whose state changes: mark-read must not bring a done item back.
        changed = [r[0] for r in store.conn.execute(
            "UPDATE items SET status = ?, snoozed_until = CASE WHEN ? = 'done' THEN NULL "
            "ELSE snoozed_until END WHERE id IN (SELECT value FROM json_each(?)) "
            "AND status != 'done' AND status != ? RETURNING id",
            (status, status, _ids_json(ids), status))]
    tag = actions.tag.strip()
    tagged = store.tag_items(ids, tag) if tag else []
    return changed, tagged


def apply_to_existing(store: Store, rule: Rule) -> ApplyResult:
    """Run a rule on every existing item it matches, in one transaction."""
    validate(store, rule)
    with write_transaction(store.conn):
        ids = matching_ids(store, rule.conditions)
        before = store.snapshot_triage(ids) if (rule.actions.mute or rule.actions.mark_read) else []
        changed, tagged = _apply(store, rule.actions, ids)
    changed_set = set(changed)
    undo = RuleUndo(triage=[row for row in before if row[0] in changed_set],
                    tag=rule.actions.tag.strip(), tagged_ids=tagged)
    return ApplyResult(matched=len(ids), changed=len(changed_set | set(tagged)), undo=undo)


def undo_apply(store: Store, undo: RuleUndo) -> None:
    with write_transaction(store.conn):
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
    for rule in list_rules(store, enabled_only=True):
        c = rule.conditions
        if c.source_ids and source_id not in c.source_ids:
            continue
        if rule.actions.is_empty():
            continue
        try:
            ids = matching_ids(store, c, among=result.new_ids)
        except RuleError:
            continue  # a rule saved before its query went bad must not stop a sync
        _apply(store, rule.actions, ids)
