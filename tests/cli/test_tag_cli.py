"""`inbox tag list|rename|colour|delete` on a local inbox and on a team inbox (real
PostgreSQL, the command run as a member runs it): the merge and the deletion are said, with
their conversations, before anything changes, and a "no" changes nothing."""

from __future__ import annotations

import json
from datetime import timedelta

from click.testing import CliRunner

from inbox.cli import main
from inbox.domain import Author, InboxFilter, Item, parse_time
from inbox.secrets import JsonFileSecrets
from inbox.services.team import save_password
from inbox.store import Store
from inbox.store.team import TeamStore
from tests.cli.test_team_reads import _plain, inbox
from tests.services.test_team_link import shop  # noqa: F401 - the team inbox of ana and ben
from tests.store.team.conftest import roles  # noqa: F401 - the ana/ben fixture

T0 = parse_time("2026-03-02T09:00:00Z")


def run(*args: str, answer: str | None = None):
    return CliRunner().invoke(main, ["tag", *args], input=answer, catch_exceptions=False)


def _inbox(path) -> list[int]:
    with Store(path) as store:
        source = store.add_source("google", "Café")
        store.save_page(source.id, [Item(f"r{k}", "review", text=f"Visit {k}", author=Author(f"a{k}", "A"),
                                         created_at=T0 + timedelta(minutes=k)) for k in range(5)])
        ids = sorted(r.id for r in store.list_items()[0])
        store.tag_items(ids[:2], "late")
        store.tag_items(ids[1:4], "Delivery")
    return ids


def test_list_rename_colour_and_delete_on_a_local_inbox(tmp_path):
    db = str(tmp_path / "w.db")
    ids = _inbox(db)
    assert [(t["name"], t["conversations"]) for t in json.loads(run("list", "--json", "--db", db).output)] == [
        ("Delivery", 3), ("late", 2)]
    assert run("rename", "LATE", "Running late", "--db", db).output == "Renamed “late” to “Running late”.\n"
    assert run("colour", "running LATE", "#AA2200", "--db", db).output == "“Running late” is now #aa2200.\n"
    said = run("delete", "delivery", "--db", db, answer="n\n")
    assert said.exit_code == 1 and "3 conversations carry it" in said.output and "Nothing was changed." in said.output
    said = run("delete", "delivery", "--db", db, answer="y\n")
    assert said.exit_code == 0 and "Deleted the tag “Delivery” (3 conversations)." in said.output
    text = run("list", "--db", db).output
    assert text.split() == ["Running", "late", "#aa2200", "2", "conversations"]
    with Store(db) as store:
        assert sorted(r.id for r in store.list_items(InboxFilter(tags=["Running late"]))[0]) == ids[:2]
    refused = CliRunner().invoke(main, ["tag", "delete", "urgent", "--db", db])
    assert refused.exit_code == 2 and "no tag named “urgent” (tags: “Running late”)" in refused.output
    refused = CliRunner().invoke(main, ["tag", "colour", "running late", "red", "--db", db])
    assert refused.exit_code == 2 and "looks like #3366cc" in refused.output


def test_renaming_onto_another_tag_asks_before_merging(tmp_path):
    db = str(tmp_path / "w.db")
    ids = _inbox(db)
    said = run("rename", "late", "delivery", "--db", db, answer="n\n")
    assert said.exit_code == 1 and "There is already a tag “Delivery” (3 conversations)" in said.output
    with Store(db) as store:
        assert [t.name for t in store.list_tags()] == ["Delivery", "late"]  # a "no" changed nothing
    said = run("rename", "late", "delivery", "--db", db, "--yes")
    assert said.exit_code == 0 and said.output.endswith("Merged “late” into “Delivery”.\n")
    with Store(db) as store:
        assert [(t.name, t.count) for t in store.list_tags()] == [("Delivery", 4)]
        assert sorted(r.id for r in store.list_items(InboxFilter(tags=["Delivery"]))[0]) == ids[:4]


def test_a_member_renames_merges_and_deletes_the_teams_tags(shop, tmp_path):  # noqa: F811
    owner, _ana_url, ben_url, _ana, _ben = shop
    url, password = _plain(ben_url)
    secrets_file = tmp_path / "secrets.json"
    save_password(url, password, JsonFileSecrets(secrets_file))
    pastry = sorted(r.id for r in owner.list_items(InboxFilter(tags=["Pastry"]))[0])
    owner.tag_items(pastry[-1:], "Cakes")
    assert inbox(secrets_file, "--db", url, "tag", "rename", "pastry", "Baking") == "Renamed “Pastry” to “Baking”.\n"
    said = inbox(secrets_file, "--db", url, "tag", "rename", "cakes", "baking", "--yes")
    assert "Renaming “Cakes” (1 conversation) to it merges the two" in said
    assert [t.name for t in owner.list_tags()] == ["Baking"]
    assert sorted(r.id for r in owner.list_items(InboxFilter(tags=["Baking"]))[0]) == pastry
    said = inbox(secrets_file, "--db", url, "tag", "delete", "Baking", "--yes")
    assert f"Deleted the tag “Baking” ({len(pastry)} conversations)." in said
    with TeamStore(url, password=password) as ben:
        assert ben.list_tags() == [] and ben.counts()["tags"] == {}
