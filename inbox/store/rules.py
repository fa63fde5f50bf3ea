"""Rules: saved in the `rules` table as JSON, matched by one SQL statement per rule.

Matching is SQL so that applying rules to a page costs a few queries per rule whatever the
page size, and so that the dialog's preview runs the very statement a rule runs. Case
folding uses Python's `str.casefold` (SQLite's lower() is ASCII-only).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from inbox.domain import ItemRow, format_time, utcnow
from inbox.domain.rules import Actions, Conditions, Rule
from inbox.store.connection import write_transaction
from inbox.store.errors import NotFound
from inbox.store.filter_sql import SQLITE, rule_where
from inbox.store.queries import MATCHING_IDS, ROW_SELECT, check_query, row_to_item


def _from_row(row: sqlite3.Row) -> Rule:
    cond = json.loads(row["conditions"] or "{}")
    act = json.loads(row["actions"] or "{}")
    return Rule(
        id=row["id"], name=row["name"], enabled=bool(row["enabled"]), position=row["position"],
        conditions=Conditions(**{k: v for k, v in cond.items() if k in Conditions.__dataclass_fields__}),
        actions=Actions(**{k: v for k, v in act.items() if k in Actions.__dataclass_fields__}),
    )


def _casefold(value: object) -> str:
    return str(value or "").casefold()


def _ids_json(ids: Sequence[int]) -> str:
    return json.dumps([int(i) for i in ids])


def _values(rule: Rule) -> dict[str, Any]:
    return {"name": rule.name.strip(), "enabled": int(rule.enabled),
            "conditions": json.dumps(asdict(rule.conditions)), "actions": json.dumps(asdict(rule.actions))}


class RulesMixin:
    conn: sqlite3.Connection

    # -- saving ------------------------------------------------------------------------

    def list_rules(self, *, enabled_only: bool = False) -> list[Rule]:
        """Rules in the order the owner arranged them (the order they run in)."""
        sql = "SELECT * FROM rules" + (" WHERE enabled = 1" if enabled_only else "") + " ORDER BY position, id"
        return [_from_row(r) for r in self.conn.execute(sql)]

    def get_rule(self, rule_id: int) -> Rule:
        row = self.conn.execute("SELECT * FROM rules WHERE id = ?", (rule_id,)).fetchone()
        if row is None:
            raise NotFound(f"no rule {rule_id}")
        return _from_row(row)

    def insert_rule(self, rule: Rule) -> Rule:
        """Add a rule after the others; sets its id and position."""
        with write_transaction(self.conn):
            pos = self.conn.execute("SELECT coalesce(max(position), 0) + 1 FROM rules").fetchone()[0]
            rule.id = self.conn.execute(
                "INSERT INTO rules (name, enabled, conditions, actions, position, created_at) "
                "VALUES (:name, :enabled, :conditions, :actions, :position, :created_at) RETURNING id",
                {**_values(rule), "position": pos, "created_at": format_time(utcnow())}).fetchone()[0]
            rule.position = pos
        return rule

    def update_rule(self, rule: Rule) -> None:
        """Save a rule's name, switch, conditions and actions (not its position)."""
        with write_transaction(self.conn):
            self.conn.execute("UPDATE rules SET name = :name, enabled = :enabled, "
                              "conditions = :conditions, actions = :actions WHERE id = :id",
                              {**_values(rule), "id": rule.id})

    def delete_rule(self, rule_id: int) -> None:
        with write_transaction(self.conn):
            self.conn.execute("DELETE FROM rules WHERE id = ?", (rule_id,))

    # -- matching ----------------------------------------------------------------------

    def _rule_where(self, c: Conditions) -> tuple[str, list[Any]]:
        """WHERE clause over `items i` and its parameters; raises BadQuery for a full-text
        keyword that cannot run. Owner replies and items deleted at the source never match:
        rules are about what customers say."""
        self.conn.create_function("inbox_casefold", 1, _casefold, deterministic=True)
        return rule_where(SQLITE, c, self._rule_match)

    def _rule_match(self, keyword: str) -> tuple[str, list[Any]] | None:
        expr = check_query(self.conn, keyword)
        # Reading the match list beats one index seek per item of a page
        # (docs/benchmarks-rules.md).
        return (f"i.id IN ({MATCHING_IDS})", [expr]) if expr else None

    def check_rule_conditions(self, c: Conditions) -> None:
        """Raise BadQuery (with a clear message) when the conditions cannot run."""
        self._rule_where(c)

    def rule_matching_ids(self, c: Conditions, among: Sequence[int] | None = None) -> list[int]:
        """Ids of items matching `c`, newest first (only among `among` when given)."""
        where, args = self._rule_where(c)
        if among is not None:
            where += " AND i.id IN (SELECT value FROM json_each(?))"
            args.append(_ids_json(among))
        return [r[0] for r in self.conn.execute(
            f"SELECT i.id FROM items i WHERE {where} ORDER BY i.created_at DESC, i.id DESC", args)]

    def count_rule_matches(self, c: Conditions) -> int:
        where, args = self._rule_where(c)
        return self.conn.execute(f"SELECT count(*) FROM items i WHERE {where}", args).fetchone()[0]

    def rule_matching_rows(self, c: Conditions, limit: int) -> list[ItemRow]:
        """The newest items matching `c`, with their tags (the dialog's preview)."""
        where, args = self._rule_where(c)
        rows = [row_to_item(r) for r in self.conn.execute(
            f"{ROW_SELECT} WHERE {where} ORDER BY i.created_at DESC, i.id DESC LIMIT ?", (*args, limit))]
        self.attach_tags(rows)
        return rows

    # -- actions -----------------------------------------------------------------------

    def apply_rule_actions(self, actions: Actions, ids: Sequence[int]) -> tuple[list[int], list[int]]:
        """Run a rule's actions on `ids` (inside the caller's transaction, if any); return
        the ids whose status changed and the ids that got the tag."""
        if not ids:
            return [], []
        status = actions.status()
        changed: list[int] = []
        with write_transaction(self.conn):
            if status:
                # Only items whose state changes: mark-read must not bring a done item back.
                changed = [r[0] for r in self.conn.execute(
                    "UPDATE items SET status = ?, snoozed_until = CASE WHEN ? = 'done' THEN NULL "
                    "ELSE snoozed_until END WHERE id IN (SELECT value FROM json_each(?)) "
                    "AND status != 'done' AND status != ? RETURNING id",
                    (status, status, _ids_json(ids), status))]
            tag = actions.tag.strip()
            tagged = self.tag_items(ids, tag) if tag else []
        return changed, tagged
