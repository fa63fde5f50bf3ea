"""Rules sent from a laptop's copy and taken from the server (issue 20): each rule has an
identity of its own (`rules.uid`, team migration M014), made where the rule is made (on the
server by default, on a laptop by its copy), so a rule edited or deleted on one laptop is
the same rule on the server and on every other laptop whatever its id there.

Why not the name: two rules may share a name, and a rename would look like a new rule.
Conflicts: the later arrival holds (as for saved searches); a rule deleted on the server
and edited on a laptop comes back with the laptop's edit."""

from __future__ import annotations

import json
from typing import Any

from inbox.domain.team import QueuedOp

# Team migration M014 (with M014_MEMBER_COUNTS): the rules' identity and their notice, so
# the other laptops catch up at once. Safe to run twice.
M014_RULES = """
ALTER TABLE rules ADD COLUMN IF NOT EXISTS uid TEXT;
UPDATE rules SET uid = gen_random_uuid()::text WHERE uid IS NULL;
ALTER TABLE rules ALTER COLUMN uid SET DEFAULT gen_random_uuid()::text;
ALTER TABLE rules ALTER COLUMN uid SET NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS rules_by_uid ON rules (uid);
DROP TRIGGER IF EXISTS rules_notify ON rules;
CREATE TRIGGER rules_notify AFTER INSERT OR UPDATE OR DELETE ON rules
    FOR EACH ROW EXECUTE FUNCTION shared_notify();
"""

RULE_FIELDS = ("name", "enabled", "conditions", "actions", "position", "created_at")


class TeamRulesSharedMixin:
    def cursor(self) -> Any: ...  # TeamStore

    def replica_rules(self) -> list[dict[str, Any]]:
        """Every rule, by its identity, as a laptop's copy writes it."""
        with self.cursor() as cur:
            return [{"uid": r[0], **dict(zip(RULE_FIELDS, r[1:], strict=True))} for r in cur.execute(
                f"SELECT uid, {', '.join(RULE_FIELDS)} FROM rules ORDER BY position, id")]

    @staticmethod
    def _apply_rule(cur: Any, op: QueuedOp) -> str:
        """A rule made, changed or deleted on a laptop (`detail`: its identity; `args.rule`:
        its fields, or None when deleted)."""
        rule = op.args.get("rule")
        if rule is None:
            cur.execute("DELETE FROM rules WHERE uid = %s", (op.detail,))
            return "sent"
        if isinstance(rule, str):
            rule = json.loads(rule)
        values = {k: rule.get(k) for k in RULE_FIELDS}
        values["enabled"] = bool(values["enabled"])
        values["position"] = int(values["position"] or 0)
        for key in ("conditions", "actions"):
            if not isinstance(values[key], str):
                values[key] = json.dumps(values[key] or {})
        values["created_at"] = values["created_at"] or op.at
        cur.execute(
            f"INSERT INTO rules (uid, {', '.join(RULE_FIELDS)}) VALUES (%(uid)s, "
            f"{', '.join(f'%({k})s' for k in RULE_FIELDS)}) ON CONFLICT (uid) DO UPDATE SET "
            "name = excluded.name, enabled = excluded.enabled, conditions = excluded.conditions, "
            "actions = excluded.actions, position = excluded.position "
            "WHERE (rules.name, rules.enabled, rules.conditions, rules.actions, rules.position) IS DISTINCT FROM "
            "(excluded.name, excluded.enabled, excluded.conditions, excluded.actions, excluded.position)",
            {**values, "uid": op.detail})
        return "sent"
