"""The team's rules: the SQLite store's `RulesMixin` operations on PostgreSQL, so a team
sync runs the pipeline's page steps (`services/rules.on_ingest`) as a local sync does.

Why the matching is one statement per rule here too: a page of 1,000 items costs a few
statements per rule whatever its size. Words compare without case with `lower()` (the
server's Unicode lower case; the local store folds with Python's `casefold`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from inbox.domain import ItemRow, format_time, utcnow
from inbox.domain.rules import Actions, Conditions, Rule
from inbox.store.errors import NotFound
from inbox.store.filter_sql import POSTGRES
from inbox.store.filter_sql import rule_where as shared_rule_where
from inbox.store.team.queries import MATCHES, ROW_SELECT, row_to_item
from inbox.store.team.search import tsquery_text

_COLUMNS = "id, name, enabled, position, conditions, actions"


def _from_row(row: tuple) -> Rule:
    rule_id, name, enabled, position, conditions, actions = row
    cond = json.loads(conditions or "{}")
    act = json.loads(actions or "{}")
    return Rule(id=rule_id, name=name, enabled=bool(enabled), position=position,
                conditions=Conditions(**{k: v for k, v in cond.items() if k in Conditions.__dataclass_fields__}),
                actions=Actions(**{k: v for k, v in act.items() if k in Actions.__dataclass_fields__}))


def _values(rule: Rule) -> dict[str, Any]:
    return {"name": rule.name.strip(), "enabled": bool(rule.enabled),
            "conditions": json.dumps(asdict(rule.conditions)), "actions": json.dumps(asdict(rule.actions))}


def rule_where(c: Conditions) -> tuple[str, list[Any]]:
    """WHERE clause over `items i` and its parameters, as locally (`filter_sql.rule_where`)."""
    return shared_rule_where(POSTGRES, c, _match)


def _match(keyword: str) -> tuple[str, list[Any]] | None:
    expr = tsquery_text(keyword)
    return (MATCHES, [expr, expr]) if expr else None


class TeamRulesMixin:
    def cursor(self) -> Any: ...  # TeamStore
    def transaction(self) -> Any: ...  # TeamStore
    def tag_items(self, ids: Sequence[int], tag_name: str) -> list[int]: ...  # TeamTriageMixin
    def attach_tags(self, items: list[ItemRow]) -> None: ...  # TeamQueryMixin

    def list_rules(self, *, enabled_only: bool = False) -> list[Rule]:
        """Rules in the order the owner arranged them (the order they run in)."""
        with self.cursor() as cur:
            return [_from_row(r) for r in cur.execute(
                f"SELECT {_COLUMNS} FROM rules" + (" WHERE enabled" if enabled_only else "") +
                " ORDER BY position, id")]

    def get_rule(self, rule_id: int) -> Rule:
        with self.cursor() as cur:
            row = cur.execute(f"SELECT {_COLUMNS} FROM rules WHERE id = %s", (rule_id,)).fetchone()
        if row is None:
            raise NotFound(f"no rule {rule_id}")
        return _from_row(row)

    def insert_rule(self, rule: Rule) -> Rule:
        """Add a rule after the others; sets its id and position."""
        with self.transaction(), self.cursor() as cur:
            cur.execute("LOCK TABLE rules IN SHARE ROW EXCLUSIVE MODE")  # two members adding: distinct positions
            pos = cur.execute("SELECT coalesce(max(position), 0) + 1 FROM rules").fetchone()[0]
            rule.id = cur.execute(
                "INSERT INTO rules (name, enabled, conditions, actions, position, created_at) "
                "VALUES (%(name)s, %(enabled)s, %(conditions)s, %(actions)s, %(position)s, %(created_at)s) "
                "RETURNING id", {**_values(rule), "position": pos, "created_at": format_time(utcnow())}).fetchone()[0]
            rule.position = pos
        return rule

    def update_rule(self, rule: Rule) -> None:
        """Save a rule's name, switch, conditions and actions (not its position)."""
        with self.cursor() as cur:
            cur.execute("UPDATE rules SET name = %(name)s, enabled = %(enabled)s, conditions = %(conditions)s, "
                        "actions = %(actions)s WHERE id = %(id)s", {**_values(rule), "id": rule.id})

    def delete_rule(self, rule_id: int) -> None:
        with self.cursor() as cur:
            cur.execute("DELETE FROM rules WHERE id = %s", (rule_id,))

    def check_rule_conditions(self, c: Conditions) -> None:
        """Raise BadQuery (with a clear message) when the conditions cannot run."""
        rule_where(c)

    def rule_matching_ids(self, c: Conditions, among: Sequence[int] | None = None) -> list[int]:
        """Ids of items matching `c`, newest first (only among `among` when given)."""
        where, args = rule_where(c)
        if among is not None:
            where += " AND i.id = ANY(%s)"
            args.append([int(i) for i in among])
        with self.cursor() as cur:
            return [r[0] for r in cur.execute(
                f"SELECT i.id FROM items i WHERE {where} ORDER BY i.created_at DESC, i.id DESC", args)]

    def count_rule_matches(self, c: Conditions) -> int:
        where, args = rule_where(c)
        with self.cursor() as cur:
            return cur.execute(f"SELECT count(*) FROM items i WHERE {where}", args).fetchone()[0]

    def rule_matching_rows(self, c: Conditions, limit: int) -> list[ItemRow]:
        """The newest items matching `c`, with their tags (the dialog's preview)."""
        where, args = rule_where(c)
        with self.cursor() as cur:
            rows = [row_to_item(r) for r in cur.execute(
                f"{ROW_SELECT} WHERE {where} ORDER BY i.created_at DESC, i.id DESC LIMIT %s", (*args, limit))]
        self.attach_tags(rows)
        return rows

    def apply_rule_actions(self, actions: Actions, ids: Sequence[int]) -> tuple[list[int], list[int]]:
        """Run a rule's actions on `ids` (inside the caller's transaction, if any); return
        the ids whose status changed and the ids that got the tag. Rows are locked in id
        order, as triage locks them, so a member's triage and a sync take turns."""
        if not ids:
            return [], []
        status = actions.status()
        changed: list[int] = []
        with self.transaction(), self.cursor() as cur:
            if status:
                # Only items whose state changes: mark-read must not bring a done item back.
                changed = sorted(r[0] for r in cur.execute(
                    "UPDATE items SET status = %s, snoozed_until = CASE WHEN %s = 'done' THEN NULL "
                    "ELSE snoozed_until END WHERE id IN (SELECT id FROM items WHERE id = ANY(%s) "
                    "AND status <> 'done' AND status <> %s ORDER BY id FOR UPDATE) RETURNING id",
                    (status, status, [int(i) for i in ids], status)))
            tag = actions.tag.strip()
            tagged = self.tag_items(ids, tag) if tag else []
        return changed, tagged
