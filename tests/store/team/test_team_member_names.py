"""Members' display names (team migration M011): stored on the server, read by everyone;
each member sets their own, the owner anyone's; a member let in before the upgrade can use
them at once."""

from __future__ import annotations

import psycopg
import pytest

from inbox.store import NotFound, StoreError
from inbox.store.team import TeamStore, init_team
from inbox.store.team.schema import M011_NAMES_AND_ANALYSIS, MIGRATIONS


def test_each_member_names_themselves_and_the_owner_names_anyone(pg_server, roles):
    urls, ana, ben = roles
    init_team(*urls[ana])
    with TeamStore(urls[ana][0], password=urls[ana][1]) as owner:
        owner.grant_member(ben)
        owner.set_display_name("  Ana   López ")
        assert owner.display_names() == {ana: "Ana López"}
    with TeamStore(urls[ben][0], password=urls[ben][1]) as member:
        member.set_display_name("Ben")
        with pytest.raises(StoreError, match="Only the team inbox's owner"):
            member.set_display_name("Boss", ana)  # Ben cannot rename Ana
        with pytest.raises(StoreError, match="Only the team inbox's owner"):
            member.set_display_name(None, ana)
        with pytest.raises(StoreError, match="at most 60"):
            member.set_display_name("x" * 61)
        assert member.display_names() == {ana: "Ana López", ben: "Ben"}
    with TeamStore(urls[ana][0], password=urls[ana][1]) as owner:
        owner.set_display_name("Ben Ortiz", ben)
        with pytest.raises(NotFound):
            owner.set_display_name("Someone", "not_a_member")
        assert {m.role: m.name for m in owner.members() if not m.superuser} == {ana: "Ana López", ben: "Ben Ortiz"}
        owner.set_display_name("", ana)  # back to the user name
        assert owner.display_names() == {ben: "Ben Ortiz"}


def test_a_member_let_in_before_the_upgrade_can_name_themselves(pg_server, roles):
    urls, ana, ben = roles
    init_team(*urls[ana])
    with TeamStore(urls[ana][0], password=urls[ana][1]) as owner:
        owner.grant_member(ben)
    with psycopg.connect(urls[ana][0], password=urls[ana][1], autocommit=True) as conn:
        # as if Ben had been let in by the app before M011: the table is new to him
        conn.execute("DROP TABLE member_names")
        conn.execute("DROP INDEX items_pending_analysis")
        conn.execute("UPDATE team_schema SET version = %s", (MIGRATIONS.index(M011_NAMES_AND_ANALYSIS),))
    init_team(*urls[ana])  # the upgrade, after Ben's grant
    with TeamStore(urls[ben][0], password=urls[ben][1]) as member:
        member.set_display_name("Ben")
        assert member.display_names() == {ben: "Ben"}
