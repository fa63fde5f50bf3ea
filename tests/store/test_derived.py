"""What ingest derives for a page (search index, per-day figures, reply times) equals what
a recomputation from the items gives, whatever order conversations arrive in."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from inbox.domain import Author, Item, parse_time
from inbox.store import Store
from inbox.store.insights_schema import COUNTED, DELAY, FIRST_REPLY, KEY
from inbox.store.migrations import time_key_sql

T0 = parse_time("2026-01-05T09:00:00Z")
WORDS = ["croissant", "queue", "latte", "vegan", "harbour", "café", "rude", "lovely", "cold", "wifi"]


def conversations(rng: random.Random, n: int) -> list[Item]:
    """Threads of a customer's review, other customers' replies and the owner's answers."""
    items = []
    for t in range(n):
        start = T0 + timedelta(hours=rng.randrange(2000))
        items.append(Item(f"t{t}", "review", text=" ".join(rng.sample(WORDS, 3)), rating=rng.randint(1, 5),
                          created_at=start, author=Author(f"u{rng.randrange(20)}", f"Guest {t % 20}")))
        for r in range(rng.randrange(4)):
            owner = rng.random() < 0.5
            parent = f"t{t}" if r == 0 or rng.random() < 0.5 else f"t{t}r{r - 1}"
            items.append(Item(f"t{t}r{r}", "reply", text=f"{rng.choice(WORDS)} reply {r}",
                              created_at=start + timedelta(minutes=rng.randrange(1, 5000)),
                              parent_external_id=parent, is_owner_reply=owner,
                              author=Author("owner" if owner else f"u{rng.randrange(20)}", "Owner" if owner else "Guest")))
    return items


def derived(store: Store) -> dict[str, list]:
    """The derived data as stored, and as recomputed from the items."""
    q = store.conn.execute
    return {
        "fts": sorted(map(tuple, q("SELECT rowid, title, text, author FROM items_fts"))),
        "fts_expected": sorted(map(tuple, q(
            f"SELECT {time_key_sql('i')}, i.title, i.text, a.display_name || ' ' || a.handle "
            "FROM items i LEFT JOIN authors a ON a.id = i.author_id"))),
        "days": sorted(map(tuple, q("SELECT source_id, day, rating, label, root, n, answered FROM insight_days "
                                    "WHERE n > 0"))),
        "days_expected": sorted(map(tuple, q(
            f"SELECT {KEY.format(r='items')}, count(*), count(reply_seconds) FROM items "
            f"WHERE {COUNTED.format(r='items')} GROUP BY 1, 2, 3, 4, 5"))),
        "reply": sorted(map(tuple, q("SELECT id, reply_seconds FROM items"))),
        "reply_expected": sorted(map(tuple, q(
            f"SELECT id, CASE WHEN is_owner_reply = 0 AND parent_external_id IS NULL "
            f"THEN {DELAY.format(reply=FIRST_REPLY)} END FROM items"))),
    }


@pytest.mark.parametrize("seed", range(6))
def test_derived_data_matches_a_recomputation(store, seed):
    rng = random.Random(seed)
    sources = [store.add_source("mastodon", "Mastodon"), store.add_source("google", "Rival", whose="competitor")]
    items = conversations(rng, 60)
    rng.shuffle(items)  # replies before parents, owner answers before the question
    for start in range(0, len(items), 17):
        store.save_page(rng.choice(sources).id, items[start:start + 17])
    # Edits of some items re-sent later, and one page sent twice.
    edited = [Item(i.external_id, i.kind, text=i.text + " edited", rating=i.rating, created_at=i.created_at,
                   parent_external_id=i.parent_external_id, is_owner_reply=i.is_owner_reply, author=i.author)
              for i in rng.sample(items, 15)]
    for source in sources:
        store.save_page(source.id, edited)
        store.save_page(source.id, edited)
    d = derived(store)
    assert d["fts"] == d["fts_expected"]
    assert d["days"] == d["days_expected"]
    assert d["reply"] == d["reply_expected"]
    assert any(seconds is not None for _, seconds in d["reply"])  # the case is exercised
    assert store.count_items() > 0 and store.search("croissant")


def test_rows_loaded_by_other_means_get_their_derived_data_rebuilt(store):
    src = store.add_source("mastodon", "Mastodon")
    store.save_page(src.id, conversations(random.Random(7), 20))
    store.conn.execute("INSERT INTO items (source_id, external_id, kind, text, created_at, fetched_at) "
                       "VALUES (?, 'bulk', 'review', 'loaded in bulk about croissants', "
                       "'2026-02-01T00:00:00Z', '2026-02-01T00:00:00Z')", (src.id,))
    store.conn.execute("DELETE FROM insight_days")  # a bulk loader skips them too
    store.rebuild_derived()
    d = derived(store)
    assert (d["fts"], d["days"], d["reply"]) == (d["fts_expected"], d["days_expected"], d["reply_expected"])
    assert "bulk" in [r.external_id for r in store.search("croissants")]
