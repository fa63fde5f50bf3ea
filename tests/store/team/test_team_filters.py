"""Every filter of the list means the same on both backends (one filter builder,
inbox/store/filter_sql.py): the same rows in the same order, and the same count."""

from __future__ import annotations

from datetime import timedelta

import pytest

from inbox.domain import Author, InboxFilter, Item, View, format_time, parse_time
from inbox.store import Store
from inbox.store.team import TeamStore, init_team

T0 = parse_time("2026-02-01T09:00:00Z")
NOW = format_time(T0 + timedelta(days=30))


def items() -> list[Item]:
    out = [Item(f"r{n}", "review", text=f"Review {n} of the harbour café", rating=n % 5 + 1,
                created_at=T0 + timedelta(hours=n), author=Author(f"a{n % 4}", f"Guest {n % 4}"))
           for n in range(24)]
    out += [Item(f"x{n}", "reply", text="Thanks for coming", created_at=T0 + timedelta(hours=n, minutes=30),
                 parent_external_id=f"r{n}", is_owner_reply=True, author=Author("owner", "Owner")) for n in range(0, 24, 5)]
    out += [Item(f"c{n}", "reply", text="Agreed, lovely", created_at=T0 + timedelta(hours=n + 40),
                 parent_external_id=f"r{n}", author=Author("a9", "Nine")) for n in (2, 7)]
    return out


@pytest.fixture(scope="module")
def both(pg_server, tmp_path_factory):
    name = pg_server.create_database()
    url = pg_server.url(name)
    init_team(url, pg_server.password)
    local = Store(tmp_path_factory.mktemp("local") / "inbox.db")
    team = TeamStore(url, password=pg_server.password)
    for store in (local, team):
        own, rival = store.add_source("google", "Own"), store.add_source("yelp", "Rival", whose="competitor")
        store.save_page(own.id, items()[::2])
        store.save_page(rival.id, items()[1::2])
        by_ext = {r.external_id: r.id for r in store.list_items(InboxFilter(include_owner_replies=True), limit=1000)[0]}
        store.set_status([by_ext[f"r{n}"] for n in range(0, 24, 3)], "done")
        store.set_status([by_ext[f"r{n}"] for n in range(1, 24, 4)], "read")
        store.snooze([by_ext["r5"], by_ext["r10"]], T0 + timedelta(days=60))
        store.tag_items([by_ext[f"r{n}"] for n in range(0, 24, 2)], "Praise")
        store.tag_items([by_ext[f"r{n}"] for n in range(0, 24, 3)], "follow up")
    yield local, team
    local.close()
    team.close()


def _filters(local: Store) -> list[InboxFilter]:
    own, rival = (s.id for s in local.list_sources())
    author = local.list_items(InboxFilter(query="harbour"), limit=1, now=NOW)[0][0].author_id
    some = [r.id for r in local.list_items(InboxFilter(include_owner_replies=True), limit=1000, now=NOW)[0]][3:17]
    return [
        InboxFilter(), *(InboxFilter(view=v) for v in View.ALL_VIEWS),
        InboxFilter(source_ids=[own]), InboxFilter(source_ids=[own, rival], view=View.INBOX),
        InboxFilter(whose="competitor"), InboxFilter(tags=["praise"]), InboxFilter(tags=["Praise", "follow up"]),
        InboxFilter(rating_min=4), InboxFilter(rating_max=2, view=View.UNREAD),
        InboxFilter(since="2026-02-01", until="2026-02-01"), InboxFilter(author_id=author),
        InboxFilter(item_ids=some, conversations=False), InboxFilter(include_owner_replies=True),
        InboxFilter(sentiment="unknown", whose="own"), InboxFilter(query="harbour", rating_min=3, tags=["praise"]),
    ]


def test_every_filter_lists_the_same_rows_and_count_on_both_backends(both) -> None:
    local, team = both
    for flt in _filters(local):
        mine = [r.external_id for r in local.list_items(flt, limit=1000, now=NOW)[0]]
        theirs = [r.external_id for r in team.list_items(flt, limit=1000, now=NOW)[0]]
        assert theirs == mine, flt
        assert team.count_items(flt, NOW) == local.count_items(flt, NOW) == len(mine), flt
    assert local.list_items(InboxFilter(tags=["praise"]), now=NOW)[0]  # the filters are not all empty
