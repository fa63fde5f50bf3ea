"""Rules on a team inbox's copy (issue 20): made, changed or deleted here (offline too) they
queue as operations for the server, as tags and saved searches do
(inbox/store/team_replica_shared.py); each catch-up takes the server's complete set.

A rule travels by an identity of its own (`rules.team_uid`, the server's `rules.uid`),
given here when the rule is made here, so the server and every laptop know it as one rule
whatever its id and name (local migration M022; triggers silent in an ordinary inbox)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from inbox.store.team_replica_shared import _LINKED, _NOW, _SEEN

_UID = "(SELECT team_uid FROM rules WHERE id = new.id)"
_FIELDS = ("json_object('rule', json_object('name', new.name, 'enabled', new.enabled, 'conditions', new.conditions, "
           "'actions', new.actions, 'position', new.position, 'created_at', new.created_at))")


def _queue_rule(uid: str, args: str) -> str:
    """Only the latest state of a rule waits to be sent (each carries all its fields)."""
    return (f"DELETE FROM team_queue WHERE op = 'rule' AND state = 'waiting' AND detail = {uid};"
            f"INSERT INTO team_queue (at, seen, op, detail, args) VALUES ({_NOW}, {_SEEN}, 'rule', {uid}, {args});")


SCHEMA = [
    "CREATE UNIQUE INDEX IF NOT EXISTS rules_by_team_uid ON rules (team_uid)",
    f"""CREATE TRIGGER IF NOT EXISTS team_queue_rule_new AFTER INSERT ON rules WHEN {_LINKED} BEGIN
        UPDATE rules SET team_uid = lower(hex(randomblob(16))) WHERE id = new.id AND team_uid IS NULL;
        {_queue_rule(_UID, _FIELDS)}
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS team_queue_rule_edit AFTER UPDATE OF name, enabled, conditions, actions, position
    ON rules WHEN {_LINKED} BEGIN
        UPDATE rules SET team_uid = lower(hex(randomblob(16))) WHERE id = new.id AND team_uid IS NULL;
        {_queue_rule(_UID, _FIELDS)}
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS team_queue_rule_gone AFTER DELETE ON rules
    WHEN {_LINKED} AND old.team_uid IS NOT NULL BEGIN
        {_queue_rule('old.team_uid', "json_object('rule', NULL)")}
    END""",
]


def migrate(conn: sqlite3.Connection) -> None:
    """M022: the column, its index and the triggers. Run again on a file that has them (a
    test rewinding the version), it changes nothing."""
    if "team_uid" not in {r[1] for r in conn.execute("PRAGMA table_info(rules)")}:
        conn.execute("ALTER TABLE rules ADD COLUMN team_uid TEXT")
    for statement in SCHEMA:
        conn.execute(statement)


class TeamReplicaRulesMixin:
    conn: sqlite3.Connection

    def merge_team_rules(self, rules: Sequence[dict]) -> None:
        """Write the server's rules (its complete set; inside the caller's transaction, with
        the triggers silent): a rule whose change made here waits to be sent keeps this
        copy's; one the server no longer has is deleted."""
        c = self.conn
        waiting = {r[0] for r in c.execute("SELECT detail FROM team_queue WHERE state = 'waiting' AND op = 'rule'")}
        on_server = [r for r in rules if r["uid"] not in waiting]
        c.execute("DELETE FROM rules WHERE team_uid IS NOT NULL AND team_uid NOT IN (SELECT value FROM json_each(?)) "
                  "AND team_uid NOT IN (SELECT value FROM json_each(?))",
                  (json.dumps([r["uid"] for r in rules]), json.dumps(sorted(waiting))))
        c.executemany(
            "INSERT INTO rules (team_uid, name, enabled, conditions, actions, position, created_at) "
            "VALUES (:uid, :name, :enabled, :conditions, :actions, :position, :created_at) "
            "ON CONFLICT (team_uid) DO UPDATE SET name = excluded.name, enabled = excluded.enabled, "
            "conditions = excluded.conditions, actions = excluded.actions, position = excluded.position "
            "WHERE (name, enabled, conditions, actions, position) IS NOT "
            "(excluded.name, excluded.enabled, excluded.conditions, excluded.actions, excluded.position)",
            [{**r, "enabled": int(bool(r["enabled"]))} for r in on_server])
