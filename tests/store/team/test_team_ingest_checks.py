"""The checks ingest keeps after team migration M009 made them cheaper: an item never names
an author or a thread that does not exist, removing one leaves its items without it, and a
page another app stored while this one was writing it is still stored once."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import psycopg
import pytest

from inbox.domain import Author, Item, parse_time
from inbox.store.team import TeamStore

T0 = parse_time("2026-02-01T09:00:00Z")


def review(n: int) -> Item:
    return Item(f"r{n}", "review", text=f"Cardamom bun number {n}", rating=5, author=Author(f"a{n % 3}", f"Guest {n % 3}"),
                created_at=T0 + timedelta(minutes=n))


def test_an_item_naming_a_missing_author_or_thread_is_refused_and_nothing_is_written(team):
    source = team.add_source("google", "Shop")
    team.save_page(source.id, [review(1)])
    item = team.search("number 1")[0]
    for column in ("author_id", "thread_id"):
        with pytest.raises(psycopg.errors.ForeignKeyViolation), team.cursor() as cur:
            cur.execute(f"INSERT INTO items (source_id, external_id, kind, created_at, fetched_at, {column}) "
                        "VALUES (%s, 'x1', 'review', '2026-02-01T10:00:00Z', '2026-02-01T10:00:00Z', 999999)",
                        (source.id,))
        with pytest.raises(psycopg.errors.ForeignKeyViolation), team.cursor() as cur:
            cur.execute(f"UPDATE items SET {column} = 999999 WHERE id = %s", (item.id,))
    assert team.stats()["items"] == 1
    stored = team.get_item(item.id)
    assert (stored.author_name, stored.thread_id) == ("Guest 1", item.thread_id) and item.thread_id is not None


def test_removing_an_author_or_a_thread_leaves_its_items_without_it(team):
    source = team.add_source("google", "Shop")
    team.save_page(source.id, [review(n) for n in range(3)])
    item = team.search("number 1")[0]
    with team.cursor() as cur:
        cur.execute("DELETE FROM threads WHERE id = %s", (item.thread_id,))
        cur.execute("DELETE FROM authors WHERE external_id = 'a1'")
        author, thread = cur.execute("SELECT author_id, thread_id FROM items WHERE id = %s", (item.id,)).fetchone()
    assert (author, thread) == (None, None)
    assert team.stats()["items"] == 3  # the items stay


def test_a_page_another_app_stores_while_this_one_writes_it_is_stored_once(team, team_url, pg_server):
    """The plain insert meets the other app's rows (it waits for that app to commit, then
    fails); the page is then written row by row, skipping them, in the same transaction."""
    source = team.add_source("google", "Shop")
    page = [review(n) for n in range(40)]
    results = []
    with TeamStore(team_url, password=pg_server.password) as other:
        with other.transaction():
            first = other.save_page(source.id, page, {"page": 1})
            writer = threading.Thread(target=lambda: results.append(team.save_page(source.id, page, {"page": 1})))
            writer.start()
            time.sleep(0.5)  # this app has read the page as new and waits on the other's rows
        writer.join(30)
    assert not writer.is_alive()
    assert (first.new, results[0].new, results[0].unchanged) == (40, 0, 40)
    assert team.stats()["items"] == 40
    assert team.get_source(source.id).cursor == {"page": 1}
    assert team.counts() == team.recounted()
