"""The team store reads like the SQLite store: the same search language (stemmed, accents
ignored), the same rows newest first, keyset pages that hold every item once."""

from __future__ import annotations

import csv
from datetime import timedelta

import pytest

from inbox.domain import Author, InboxFilter, Item, View, parse_time
from inbox.services.export import COLUMNS, export_view
from inbox.store import BadQuery, Store
from inbox.store.team import TeamStore, init_team

T0 = parse_time("2026-01-01T12:00:00Z")
TEXTS = ["The almond croissant was warm", "Queue at the drive-thru was slow", "Café crème parfait",
         "Rude staff, cold latte", "Cardamom buns are amazing 😍", "The croissants were baked fresh",
         "Crossed the harbour for this croissant", "Baking smells all morning; lovely baker"]


def page_items(n0: int, n1: int) -> list[Item]:
    return [Item(f"i{n}", "review", text=TEXTS[n % len(TEXTS)], title="Coffee" if n % 4 == 0 else "",
                 rating=n % 5 + 1, author=Author(f"u{n % 9}", f"User{n % 9} Nadia" if n % 9 == 3 else f"User{n % 9}"),
                 created_at=T0 + timedelta(hours=n // 3))  # threes share a time: ties on created_at
            for n in range(n0, n1)]


@pytest.fixture(scope="module")
def both(pg_server, tmp_path_factory):
    """The same items in a local (SQLite) inbox and in a team inbox (read only: shared by
    the module's tests)."""
    name = pg_server.create_database()
    url = pg_server.url(name)
    init_team(url, pg_server.password)
    store = Store(tmp_path_factory.mktemp("local") / "inbox.db")
    team = TeamStore(url, password=pg_server.password)
    for target in (store, team):
        own = target.add_source("google", "Own")
        rival = target.add_source("yelp", "Rival", whose="competitor")
        target.save_page(own.id, page_items(0, 50))
        target.save_page(rival.id, page_items(50, 80))
    yield store, team
    store.close()
    team.close()
    pg_server.drop_database(name)


def ids(rows) -> list[str]:
    return [r.external_id for r in rows]


@pytest.mark.parametrize("query", [
    "croissant", "croissants", "crois*", '"almond croissant"', "creme", "café", "drive-thru",
    "croissant OR latte", "croissant NOT almond", "title:coffee", "author:nadia", "text:coffee",
    "bake", "(warm OR cold) AND croissant", "cardamom buns", "croissant -almond",
])
def test_search_finds_what_the_local_inbox_finds_newest_first(both, query):
    local, team = both
    expected = ids(local.search(query, limit=200))
    assert ids(team.search(query, limit=200)) == expected
    assert team.count_items(InboxFilter(query=query)) == len(expected)


def test_search_is_stemmed_for_english(both):
    _, team = both
    assert {r.text for r in team.search("croissants", limit=200)} >= {TEXTS[0], TEXTS[5], TEXTS[6]}
    assert {r.text for r in team.search("baking", limit=200)} >= {TEXTS[5], TEXTS[7]}


@pytest.mark.parametrize("query", ['"almond', "title:(", "colour:red", "AND", "OR croissant", "*"])
def test_a_query_that_cannot_be_parsed_is_said_in_words(both, query):
    _, team = both
    with pytest.raises(BadQuery, match=r"^Can't search for"):
        team.search(query)


@pytest.mark.parametrize("flt", [
    InboxFilter(), InboxFilter(view=View.INBOX), InboxFilter(query="croissant"),
    InboxFilter(rating_min=4), InboxFilter(whose="competitor", query="latte OR buns"),
])
def test_keyset_pages_hold_every_item_once_in_the_local_order(both, flt):
    local, team = both
    seen, cursor = [], None
    while True:
        page, cursor = team.list_items(flt, after=cursor, limit=7)
        seen += page
        if cursor is None:
            break
    keys = [(r.created_at, r.id) for r in seen]
    assert len(keys) == len(set(keys)) == team.count_items(flt) > 7
    assert keys == sorted(keys, reverse=True)
    assert ids(seen) == ids(local.iter_items(flt, page=7))


def test_rows_carry_the_same_fields_as_the_local_inbox(both):
    local, team = both
    mine, theirs = local.list_items(limit=5)[0], team.list_items(limit=5)[0]
    for a, b in zip(mine, theirs, strict=True):
        assert (a.source_name, a.whose, a.kind, a.author_name, a.rating, a.title, a.text, a.created_at,
                a.status, a.is_owner_reply, a.deleted, a.messages) == \
               (b.source_name, b.whose, b.kind, b.author_name, b.rating, b.title, b.text, b.created_at,
                b.status, b.is_owner_reply, b.deleted, b.messages)


def test_stats_and_export_read_a_team_inbox(both, tmp_path):
    local, team = both
    mine, theirs = local.stats(), team.stats()
    for key in ("items", "threads", "authors", "tags", "drafts", "sources"):
        assert theirs[key] == mine[key]
    flt = InboxFilter(query="croissant")
    a = export_view(local, flt, "csv", tmp_path / "local.csv")
    b = export_view(team, flt, "csv", tmp_path / "team.csv")
    assert a.rows == b.rows > 0
    thread = COLUMNS.index("thread id")  # the two inboxes number their threads apart

    def cells(name: str) -> list[list[str]]:
        with (tmp_path / name).open(newline="", encoding="utf-8") as fh:
            return [row[:thread] + row[thread + 1:] for row in csv.reader(fh)]
    assert cells("local.csv") == cells("team.csv")
