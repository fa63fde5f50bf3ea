"""What a laptop's replica sends and receives besides items' triage (issue 20), against a
real PostgreSQL (tests/pg.py): tag renames, colours and deletions, the team's settings, saved
searches and saved replies made on one laptop reach the server and the other laptops, and
the server's come back; a later edit holds; a member's read state made on one of their
laptops reaches their other laptop (with a notice) and no one else's; tag names are the
same tag on the laptop and the server whatever their case."""

from __future__ import annotations

import threading
import time

from inbox.domain import InboxFilter, View
from inbox.services.team_link import TeamLink, connect_replica
from inbox.store import Store
from inbox.store.team.changes import Listener
from inbox.store.team.connection import connect
from tests.services.test_team_link import shop  # noqa: F401 - the team inbox of ana and ben
from tests.store.team.conftest import roles  # noqa: F401 - the ana/ben fixture


def _tags(store) -> dict[str, str]:
    return {t.name: t.colour for t in store.list_tags()}


def _tagged(store, name: str) -> set[int]:
    return {r.id for r in store.iter_items(InboxFilter(tags=(name,), include_owner_replies=True,
                                                           conversations=False))}


def test_tags_settings_saved_searches_and_replies_made_offline_reach_the_team(shop, tmp_path):  # noqa: F811
    owner, ana_url, ben_url, _ana, _ben = shop
    pastry = _tagged(owner, "Pastry")
    owner.tag_items(sorted(pastry)[:2], "Old")
    ana_path = connect_replica(ana_url, None, tmp_path / "ana")
    ben_path = connect_replica(ben_url, None, tmp_path / "ben")
    with Store(ana_path) as anas, Store(ben_path) as bens, \
            TeamLink(anas, ana_url, None) as ana_link, TeamLink(bens, ben_url, None) as ben_link:
        # Ben, offline (nothing pushed yet): a rename with a colour, a deletion, settings,
        # a saved search and saved replies
        tag = {t.name: t for t in bens.list_tags()}
        bens.rename_tag(tag["Pastry"].id, "Pastries", "#aa0000")
        bens.delete_tag(tag["Old"].id)
        bens.set_setting("business_name", "Café on Main")
        bens.set_setting("replies.undo_seconds", "9")
        bens.set_setting("owner_name", "Ben")  # his own name: not the team's
        bens.put_saved_view("Angry", InboxFilter(view=View.UNREAD, rating_max=2).to_dict())
        bens.put_saved_reply("Thanks", "Thank you, {author_name}!")
        welcome = bens.put_saved_reply("Welcome", "Welcome in!")
        bens.put_saved_reply("Welcome back", "Welcome back in!", welcome.id)  # renamed
        assert [op.op for op in bens.queued_ops()] == ["tag_edit", "tag_delete", "setting", "setting", "view",
                                                        "saved_reply", "saved_reply", "saved_reply"]
        assert _tagged(bens, "Pastries") == pastry
        ben_link.catch_up()  # the server's old names do not come back while Ben's wait
        assert "Pastry" not in _tags(bens) and "Old" not in _tags(bens) and _tagged(bens, "Pastries") == pastry
        assert bens.get_setting("business_name") == "Café on Main"

        assert ben_link.push().sent == 8
        assert _tags(owner).get("Pastries") == "#aa0000" and "Pastry" not in _tags(owner)
        assert "Old" not in _tags(owner) and _tagged(owner, "Pastries") == pastry
        assert owner.get_setting("business_name") == "Café on Main"
        assert owner.get_setting("replies.undo_seconds") == "9" and owner.get_setting("owner_name") is None
        assert [v.name for v in owner.list_saved_views()] == ["Angry"]
        assert owner.list_saved_views()[0].filter.rating_max == 2
        assert sorted((r.name, r.body) for r in owner.list_saved_replies()) == [
            ("Thanks", "Thank you, {author_name}!"), ("Welcome back", "Welcome back in!")]

        # Ana's laptop takes it all on its next catch-up: her items keep their tag
        assert ana_link.catch_up() > 0
        assert _tags(anas).get("Pastries") == "#aa0000" and "Pastry" not in _tags(anas) and "Old" not in _tags(anas)
        assert _tagged(anas, "Pastries") == pastry
        assert anas.get_setting("business_name") == "Café on Main" and anas.get_setting("owner_name") is None
        assert [v.name for v in anas.list_saved_views()] == ["Angry"]
        assert sorted(r.name for r in anas.list_saved_replies()) == ["Thanks", "Welcome back"]
        assert anas.counts() == anas.recounted()
        assert anas.queued_ops() == []  # what the link wrote is not sent back

        # and the other way: made on the server (another member's app), seen by Ben
        server_tag = {t.name: t for t in owner.list_tags()}["Pastries"]
        owner.rename_tag(server_tag.id, "Baked goods", "#00aa00")
        owner.delete_saved_view(owner.list_saved_views()[0].id)
        owner.set_setting("business_name", "Café on Main Street")
        assert ben_link.catch_up() > 0
        assert _tags(bens).get("Baked goods") == "#00aa00" and _tagged(bens, "Baked goods") == pastry
        assert bens.list_saved_views() == [] and bens.get_setting("business_name") == "Café on Main Street"
        assert bens.get_setting("owner_name") == "Ben"  # his own stays
        assert bens.queued_ops() == [] and bens.counts() == bens.recounted()
        assert ben_link.catch_up() == 0  # nothing new: nothing written twice


def test_a_saved_reply_edited_later_on_the_server_holds_and_the_laptops_text_is_kept(shop, tmp_path):  # noqa: F811
    owner, _ana_url, ben_url, _ana, _ben = shop
    owner.put_saved_reply("Sorry", "We are sorry.")
    path = connect_replica(ben_url, None, tmp_path)
    with Store(path) as bens, TeamLink(bens, ben_url, None) as link:
        mine = next(r for r in bens.list_saved_replies() if r.name == "Sorry")
        bens.put_saved_reply("Sorry", "Ben's apology, typed on the train.", mine.id)
        time.sleep(1.1)  # times are to the second
        theirs = next(r for r in owner.list_saved_replies() if r.name == "Sorry")
        owner.put_saved_reply("Sorry", "Ana's apology, written later.", theirs.id)
        result = link.push()
        assert (result.sent, result.lost) == (1, 1)
        assert [r.body for r in owner.list_saved_replies() if r.name == "Sorry"] == ["Ana's apology, written later."]
        link.catch_up()
        assert [r.body for r in bens.list_saved_replies() if r.name == "Sorry"] == ["Ana's apology, written later."]
        assert [op.args["body"] for op in bens.lost_ops()] == ["Ben's apology, typed on the train."]  # kept here


def test_reading_on_one_laptop_reaches_the_same_members_other_laptop_at_once(shop, tmp_path):  # noqa: F811
    _owner, ana_url, ben_url, _ana, _ben = shop
    office = connect_replica(ben_url, None, tmp_path / "office")
    home = connect_replica(ben_url, None, tmp_path / "home")
    anas_path = connect_replica(ana_url, None, tmp_path / "ana")
    heard: list = []
    stop = threading.Event()

    def listen() -> None:
        with Listener(connect(ben_url, None)) as listener:
            heard.append("ready")
            while not stop.is_set():
                heard.extend(listener.wait(0.2))

    worker = threading.Thread(target=listen, daemon=True)
    worker.start()
    try:
        with Store(office) as at_office, Store(home) as at_home, Store(anas_path) as anas, \
                TeamLink(at_office, ben_url, None) as office_link, TeamLink(at_home, ben_url, None) as home_link, \
                TeamLink(anas, ana_url, None) as ana_link:
            assert _wait_for(lambda: "ready" in heard)
            unread = [r.id for r in at_office.list_items(InboxFilter(view=View.UNREAD))[0][:3]]
            # Ana reads one: not Ben's business, and no notice for Ben's laptops
            anas.set_status([unread[2]], "read")
            ana_link.push()
            time.sleep(0.6)
            assert not [n for n in heard if n != "ready"]
            # Ben reads two at the office, then marks one unread again
            at_office.set_status(unread[:2], "read")
            office_link.push()
            assert _wait_for(lambda: any(getattr(n, "kind", "") == "changes" for n in heard), timeout=3)
            assert home_link.catch_up() == 2  # no change of the items themselves: only his reading
            assert [at_home.get_item(i).status for i in unread] == ["read", "read", "unread"]
            at_office.set_status([unread[0]], "unread")
            office_link.push()
            home_link.catch_up()
            assert [at_home.get_item(i).status for i in unread] == ["unread", "read", "unread"]
            assert at_home.counts() == at_home.recounted() and at_home.queued_ops() == []
            # what waits to be sent at home is not overwritten by the office's
            at_home.set_status([unread[1]], "unread")
            at_office.set_status([unread[1]], "done")
            office_link.push()
            home_link.catch_up()
            assert at_home.get_item(unread[1]).status == "unread"
            assert home_link.catch_up() == 0
    finally:
        stop.set()
        worker.join(5)


def test_a_tag_is_the_same_tag_on_the_laptop_and_the_server_whatever_its_case(shop, tmp_path):  # noqa: F811
    owner, _ana_url, ben_url, _ana, _ben = shop
    owner.tag_items([owner.list_items()[0][0].id], "Éclair")
    path = connect_replica(ben_url, None, tmp_path)
    with Store(path) as bens, TeamLink(bens, ben_url, None) as link:
        ids = [r.id for r in bens.list_items()[0][:3]]
        bens.tag_items(ids[:1], "pastry")        # the team's "Pastry", spelt otherwise
        bens.tag_items(ids[1:2], "éclair")       # not "Éclair": only A-Z are the same without case
        bens.untag_items(ids[2:3], "PASTRY")
        link.push()
        link.catch_up()
        for store in (owner, bens):
            names = sorted(_tags(store))
            assert [n for n in names if n.lower() == "pastry"] == ["Pastry"]  # one tag, its first spelling
            assert {"Éclair", "éclair"} <= set(names)
            assert ids[0] in _tagged(store, "PASTRY") and ids[2] not in _tagged(store, "pastry")
        assert sorted(_tags(bens)) == sorted(_tags(owner))
        assert bens.counts() == bens.recounted()


def _wait_for(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()


def test_erasing_a_customer_on_a_laptop_erases_them_on_the_server_and_every_laptop(shop, tmp_path):  # noqa: F811
    from datetime import timedelta

    from inbox.domain import Author, Item
    from tests.services.test_team_link import T0

    owner, ana_url, ben_url, _ana, _ben = shop
    ana_path = connect_replica(ana_url, None, tmp_path / "ana")
    ben_path = connect_replica(ben_url, None, tmp_path / "ben")
    with Store(ana_path) as anas, Store(ben_path) as bens, \
            TeamLink(anas, ana_url, None) as ana_link, TeamLink(bens, ben_url, None) as ben_link:
        guest = next(r for r in bens.list_items()[0] if r.author_name == "Guest 3")
        theirs = {r.id for r in owner.iter_items(InboxFilter(include_owner_replies=True, conversations=False))
                  if r.author_id == guest.author_id}
        assert len(theirs) > 3
        bens.erase_author(guest.author_id)  # on Ben's laptop, offline for now
        assert [op.op for op in bens.queued_ops()] == ["erase"]
        op = bens.queued_ops()[0]
        assert set(op.args["items"]) >= theirs and op.args["authors"] == [guest.author_id] and op.args["digests"]
        assert ben_link.push().sent == 1
        on_server = {r.id for r in owner.iter_items(InboxFilter(include_owner_replies=True, conversations=False))}
        assert not on_server & theirs
        assert owner.search("Guest 3", limit=10) == []
        # the next sync does not bring them back: the digests keep them out on the server
        source = owner.list_sources()[0]
        owner.save_page(source.id, [Item("r3", "review", text="Back again", author=Author("g3", "Guest 3"),
                                         created_at=T0 + timedelta(minutes=3))])
        assert owner.search("Back again", limit=10) == []
        # Ana's laptop lets them go too, their name with them
        assert ana_link.catch_up() > 0
        assert not {r.id for r in anas.iter_items(InboxFilter(include_owner_replies=True,
                                                                conversations=False))} & theirs
        assert anas.conn.execute("SELECT count(*) FROM authors WHERE id = ?", (guest.author_id,)).fetchone()[0] == 0
        assert anas.search("Guest 3", limit=10) == [] and anas.counts() == anas.recounted()
        assert ben_link.push().sent == 0 and ben_link.catch_up() >= 0 and bens.queued_ops() == []


def test_a_copy_made_before_tags_kept_the_servers_id_keeps_every_items_tags(shop, tmp_path):  # noqa: F811
    owner, _ana_url, ben_url, _ana, _ben = shop
    pastry = _tagged(owner, "Pastry")
    path = connect_replica(ben_url, None, tmp_path)
    with Store(path) as bens, TeamLink(bens, ben_url, None) as link:
        with bens.conn:  # as a copy made by the app before migration M020 has them
            bens.conn.execute("UPDATE tags SET team_id = NULL")
        server_tag = {t.name: t for t in owner.list_tags()}["Pastry"]
        owner.rename_tag(server_tag.id, "pastry")  # the same tag, spelt otherwise
        assert link.catch_up() > 0
        assert sorted(_tags(bens)) == sorted(_tags(owner)) == ["pastry"]
        assert _tagged(bens, "pastry") == pastry and bens.queued_ops() == []
        assert [r[0] for r in bens.conn.execute("SELECT team_id FROM tags")] == [server_tag.id]
