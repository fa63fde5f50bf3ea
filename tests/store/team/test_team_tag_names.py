"""Tag names on the team's server (team migration M010): the same rule as the local inbox
(A-Z without case, the first spelling kept), and an upgrade that keeps every tag; read
state's sequence starts for the rows an upgrade finds."""

from __future__ import annotations

import psycopg
import pytest

from inbox.domain import Author, Item, parse_time
from inbox.store.team import TeamStore, init_team, schema
from inbox.store.team.offline import M010_OFFLINE


def test_upgrading_keeps_every_tag_and_then_compares_names_as_the_laptop_does(pg_server, roles, monkeypatch):
    urls, ana, _ben = roles
    before = schema.MIGRATIONS.index(M010_OFFLINE)
    with monkeypatch.context() as older:  # a team inbox set up by the app before M010
        older.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:before])
        older.setattr(schema, "SCHEMA_VERSION", before)
        init_team(*urls[ana])
    with psycopg.connect(urls[ana][0], password=urls[ana][1], autocommit=True) as conn:
        # what the older app wrote: tags, one on an item, and a read
        source = conn.execute("INSERT INTO sources (kind, name, created_at) VALUES ('google', 'Shop', "
                              "'2026-02-01T09:00:00Z') RETURNING id").fetchone()[0]
        tags = [conn.execute("INSERT INTO tags (name) VALUES (%s) RETURNING id", (name,)).fetchone()[0]
                for name in ("Pastry", "Éclair", "Straße")]
        assert conn.execute("SELECT count(*) FROM tags").fetchone()[0] == 3
    with TeamStore(urls[ana][0], password=urls[ana][1]) as owner:  # the owner's app migrates it
        assert owner.schema_version == schema.SCHEMA_VERSION
        owner.save_page(source, [Item("r1", "review", text="Flaky", author=Author("g1", "Guest"),
                                      created_at=parse_time("2026-02-01T09:00:00Z"))])
        item = owner.list_items()[0][0]
        assert sorted((t.id, t.name) for t in owner.list_tags()) == sorted(zip(tags, ("Pastry", "Éclair", "Straße"),
                                                                               strict=True))
        owner.tag_items([item.id], "PASTRY")        # the same tag, its first spelling kept
        owner.tag_items([item.id], "éclair")        # another: only A-Z compare without case
        assert sorted(t[0] for t in owner.get_item(item.id).tags) == ["Pastry", "éclair"]
        assert owner.count_tag("pastry") == 1 and owner.untag_items([item.id], "pAsTrY") == [item.id]
        with pytest.raises(psycopg.errors.UniqueViolation):
            owner.rename_tag(tags[1], "STRAßE")  # "Straße" without case: taken
        owner.set_status([item.id], "read")
        with owner.cursor() as cur:
            assert cur.execute("SELECT count(*) FROM member_reads WHERE seq > 0").fetchone()[0] == 1
