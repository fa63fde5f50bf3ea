"""Who has access to a team inbox, and the grant that lets a member in.

Why a grant of our own: each person connects with their own role; a member needs to read
and write the inbox's rows and nothing more (no DDL: only the owner's `inbox team init`
changes the schema, and `team_schema` stays read-only to members)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from inbox.store.errors import NotFound, StoreError


@dataclass(frozen=True, slots=True)
class Member:
    role: str
    owner: bool      # owns the inbox's tables (set it up)
    superuser: bool  # a server administrator: sees everything anyway
    name: str = ""   # the display name they chose ("Ana López"), or ""


MEMBERS = """
SELECT r.rolname, r.rolname = (SELECT tableowner FROM pg_tables WHERE schemaname = 'public'
                               AND tablename = 'items'), r.rolsuper,
       coalesce((SELECT n.display_name FROM member_names n WHERE n.member = r.rolname), '')
FROM pg_roles r
WHERE r.rolcanlogin AND has_database_privilege(r.oid, current_database(), 'CONNECT')
  AND (r.rolsuper OR has_table_privilege(r.oid, 'public.items', 'SELECT'))
ORDER BY 2 DESC, 1
"""


def grant_to_members(tables: str) -> str:
    """A migration's statement letting every member already let in (who can read `items`)
    read the new `tables` too: `grant_statements` covers only members added later."""
    return f"""DO $$
DECLARE member TEXT;
BEGIN
    FOR member IN SELECT DISTINCT grantee FROM information_schema.role_table_grants
                  WHERE table_schema = 'public' AND table_name = 'items' AND privilege_type = 'SELECT'
                    AND grantee NOT IN ('PUBLIC', current_user) LOOP
        EXECUTE format('GRANT SELECT ON {tables} TO %I', member);
    END LOOP;
END $$;
"""


def grant_statements(role: str, database: str) -> list[Any]:
    """What the owner runs to let `role` use the inbox (names quoted as identifiers)."""
    from psycopg import sql

    r = sql.Identifier(role)
    return [
        # TEMPORARY: ingest stages each page in a table of the session (PUBLIC has it by default)
        sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(sql.Identifier(database), r),
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(r),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(r),
        sql.SQL("REVOKE INSERT, UPDATE, DELETE ON team_schema, changes, conversation_counts, tag_conversations "
                "FROM {}").format(r),
        sql.SQL("GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {}").format(r),
        # M014's counters, written by the server's triggers only (absent from an older schema)
        sql.SQL("DO $$ BEGIN IF to_regclass('public.member_read_counts') IS NOT NULL THEN "
                "REVOKE INSERT, UPDATE, DELETE ON member_read_counts FROM {}; END IF; END $$").format(r),
    ]


class TeamMembersMixin:
    def cursor(self) -> Any: ...  # TeamStore

    def members(self) -> list[Member]:
        """Roles that can log in and read the inbox: the owner first."""
        with self.cursor() as cur:
            return [Member(*r) for r in cur.execute(MEMBERS).fetchall()]

    def display_names(self) -> dict[str, str]:
        """Each member's chosen display name, by role (members who chose none are absent)."""
        with self.cursor() as cur:
            return dict(cur.execute("SELECT member, display_name FROM member_names ORDER BY member").fetchall())

    def set_display_name(self, name: str | None, member: str | None = None) -> None:
        """Set (or with None/empty clear) the display name of `member` (default: oneself).
        A member names only themselves; the inbox's owner anyone. StoreError otherwise."""
        from psycopg import errors

        name = " ".join((name or "").split())
        if len(name) > 60:
            raise StoreError("A display name can be at most 60 characters.")
        with self.cursor() as cur:
            me = cur.execute("SELECT session_user").fetchone()[0]
            member = member or me
            if member != me and member not in {m.role for m in self.members()}:
                raise NotFound(f"{member!r} is not a member of this team inbox.")
            try:
                if name:
                    cur.execute("INSERT INTO member_names (member, display_name) VALUES (%s, %s) "
                                "ON CONFLICT (member) DO UPDATE SET display_name = excluded.display_name",
                                (member, name))
                else:
                    cur.execute("DELETE FROM member_names WHERE member = %s", (member,))
                    if member != me and cur.rowcount == 0 and not self._owns_inbox(cur):
                        raise errors.InsufficientPrivilege()
            except errors.InsufficientPrivilege:
                raise StoreError("Only the team inbox's owner can name another member; each member can "
                                 "set their own name.") from None

    @staticmethod
    def _owns_inbox(cur: Any) -> bool:
        return cur.execute("SELECT pg_has_role(current_user, (SELECT relowner FROM pg_class "
                           "WHERE oid = 'public.member_names'::regclass), 'USAGE')").fetchone()[0]

    def grant_member(self, role: str) -> None:
        """Let an existing role use the inbox (run by the owner). Raises NotFound for a role
        the server does not have (a server administrator creates roles)."""
        from psycopg import errors

        with self.cursor() as cur:
            if cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone() is None:
                raise NotFound(f"The server has no role named {role!r}; ask its administrator to create it "
                               "(CREATE ROLE ... LOGIN PASSWORD ...), then grant it again.")
            database, allowed = cur.execute(
                "SELECT current_database(), pg_has_role(current_user, "
                "(SELECT relowner FROM pg_class WHERE oid = 'public.items'::regclass), 'USAGE')").fetchone()
            if not allowed:  # GRANT by someone else only warns ("no privileges were granted")
                raise StoreError("Only the team inbox's owner (who set it up) can let a member in.")
            try:
                with cur.connection.transaction():
                    for statement in grant_statements(role, database):
                        cur.execute(statement)
            except errors.InsufficientPrivilege:
                raise StoreError("Only the team inbox's owner (who set it up) can let a member in.") from None
