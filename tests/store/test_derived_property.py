"""Property: whatever pages arrive, in whatever order and split, with edits re-sent and
items deleted at the source, what ingest derives page by page (through the services'
pipeline) equals what `rebuild_derived` recomputes from the same items, and every item's
sentiment and phrases are those a fresh analysis gives."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inbox.domain import Author, Item, parse_time
from inbox.services import sentiment
from inbox.services.pipeline import default_pipeline
from inbox.store import Store

T0 = parse_time("2026-01-05T09:00:00Z")
TEXTS = ["Lovely flat white and friendly staff", "Cold coffee, rude staff, awful wait", "Great croissant",
         "Le café était froid", "", "ok", "The loyalty card is great, lovely people", "Long wait at lunch"]
PIPELINE = default_pipeline()


@st.composite
def conversation(draw: st.DrawFn, t: int) -> list[Item]:
    """A customer's item and up to three replies (customers' or the owner's) under it."""
    start = T0 + timedelta(hours=draw(st.integers(0, 2000)))
    text = draw(st.sampled_from(TEXTS))
    rating = draw(st.one_of(st.none(), st.integers(1, 5)))
    items = [Item(f"t{t}", "review", text=text or "", rating=rating if text or rating else 3,
                  created_at=start, language=draw(st.sampled_from(["", "", "fr"])),
                  author=Author(f"u{draw(st.integers(0, 5))}", f"Guest {t}"))]
    for r in range(draw(st.integers(0, 3))):
        owner = draw(st.booleans())
        parent = f"t{t}" if r == 0 or draw(st.booleans()) else f"t{t}r{r - 1}"
        items.append(Item(f"t{t}r{r}", "reply", text=draw(st.sampled_from(TEXTS)) or "thanks",
                          created_at=start + timedelta(minutes=draw(st.integers(1, 5000))),
                          parent_external_id=parent, is_owner_reply=owner,
                          author=Author("owner" if owner else f"u{draw(st.integers(0, 5))}",
                                        "Owner" if owner else "Guest")))
    return items


@st.composite
def arrivals(draw: st.DrawFn) -> list[tuple[int, list[Item], list[str]]]:
    """Pages as (source index, items, external ids deleted at the source): conversations
    shuffled (replies before their parents), split anywhere, some items re-sent edited."""
    n = draw(st.integers(1, 8))
    items = [i for t in range(n) for i in draw(conversation(t))]
    items = draw(st.permutations(items))
    cuts = sorted(draw(st.sets(st.integers(1, max(1, len(items) - 1)), max_size=4)))
    pages = [items[a:b] for a, b in zip([0, *cuts], [*cuts, len(items)], strict=True) if items[a:b]]
    out = [(draw(st.integers(0, 1)), page, []) for page in pages]
    edited = draw(st.lists(st.sampled_from(items), max_size=4, unique_by=lambda i: i.external_id))
    if edited:
        out.append((draw(st.integers(0, 1)), [
            Item(i.external_id, i.kind, text=draw(st.sampled_from(TEXTS)) or "edited", rating=i.rating,
                 created_at=i.created_at, parent_external_id=i.parent_external_id,
                 is_owner_reply=i.is_owner_reply, author=i.author, deleted=draw(st.booleans()))
            for i in edited], draw(st.lists(st.sampled_from([i.external_id for i in items]), max_size=2))))
    return out


def snapshot(store: Store) -> dict[str, list]:
    q = store.conn.execute
    return {
        "fts": sorted(map(tuple, q("SELECT rowid, title, text, author FROM items_fts"))),
        "days": sorted(map(tuple, q("SELECT source_id, day, rating, label, root, n, answered "
                                    "FROM insight_days WHERE n > 0"))),
        "reply": sorted(map(tuple, q("SELECT id, reply_seconds FROM items"))),
        "threads": sorted(map(tuple, q("SELECT id, thread_id FROM items"))),
    }


def analysis(store: Store) -> tuple[list, list]:
    q = store.conn.execute
    stored = sorted(map(tuple, q("SELECT id, sentiment, sentiment_label FROM items WHERE is_owner_reply = 0")))
    phrases = sorted(map(tuple, q("SELECT item_id, phrase FROM item_phrases")))
    return stored, phrases


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(arrivals())
def test_incremental_ingest_equals_a_rebuild(pages) -> None:
    with Store(":memory:") as store:
        sources = [store.add_source("mastodon", "Mastodon"), store.add_source("google", "Rival", whose="competitor")]
        for k, items, deleted in pages:
            with store.transaction():
                store.save_page(sources[k].id, items, {"page": 1}, pipeline=PIPELINE)
                if deleted:
                    store.mark_deleted(sources[k].id, deleted)
        incremental = snapshot(store)
        stored, phrases = analysis(store)
        assert incremental["reply"]  # something was written

        store.rebuild_derived()
        assert snapshot(store) == incremental

        ids = [row[0] for row in stored]
        scored, found = sentiment.analyse_items(store, ids)
        assert sorted(tuple(s) for s in scored) == stored
        assert sorted(tuple(f) for f in found) == phrases
