"""A tag renamed or deleted on the team inbox is in the history of each conversation that
carries it, with who did it and the tag's names (team migration M014); a deletion is not
also said as a nameless removal. Real PostgreSQL (tests/pg.py)."""

from __future__ import annotations

from inbox.domain import Author, Item, parse_time
from inbox.services.operations import Operations
from inbox.services.tags import TagAdmin, find_tag, plan_rename


def test_renaming_and_deleting_a_tag_is_in_each_tagged_conversations_history(team) -> None:
    source = team.add_source("google", "Shop")
    team.save_page(source.id, [Item(f"r{k}", "review", text=f"Visit {k}", author=Author(f"g{k}", "Guest"),
                                    created_at=parse_time("2026-02-01T09:00:00Z")) for k in range(3)])
    rows = sorted(team.list_items()[0], key=lambda r: r.id)
    team.tag_items([rows[0].id, rows[1].id], "late")
    admin = TagAdmin(Operations(team))
    admin.rename(plan_rename(team.list_tags(), find_tag(team.list_tags(), "late"), "Running late"))
    admin.delete(find_tag(team.list_tags(), "running late"))
    with team.cursor() as cur:
        me = cur.execute("SELECT session_user").fetchone()[0]
    for row in rows[:2]:
        history = [(c.who, c.what, c.detail) for c in team.conversation_history(row.thread_id)
                   if c.what != "new"]
        assert history == [(me, "tag", "late"), (me, "tag_renamed", '["late", "Running late"]'),
                           (me, "tag_deleted", "Running late")]
    assert [c.what for c in team.conversation_history(rows[2].thread_id)] == ["new"]  # untagged: nothing
    team.tag_items([rows[2].id], "vip")
    team.untag_items([rows[2].id], "vip")  # an ordinary removal still says which tag
    assert [(c.what, c.detail) for c in team.conversation_history(rows[2].thread_id)][-1] == ("untag", "vip")
