"""A small, known inbox for the export and author tests, filled through `save_page`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from inbox.domain import Author, Item

HOSTILE = ['=HYPERLINK("http://evil","x")', "+1+1", "-2", "@SUM(A1)", "\t=1", "\r=2", "\n=3"]
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def fill(store) -> dict[str, int]:
    """Two own sources and a competitor; returns ids by name.

    - Café Google: 30 reviews by `g1`..`g30` on 2026-03-01 + n days, ratings 1..5 cycling;
      the owner answered every 3rd review. Review 1 is by Jane (`jane`), who also
      wrote review 2 and has an item on Reddit.
    - Café Reddit: a post by Jane with a comment by someone else and an owner reply to it.
    - Rival Google (competitor): 7 five-star reviews whose texts, titles and author names
      look like formulas; x0's URL is javascript:, the others' are over Excel's URL limit.
    """
    cafe = store.add_source("google", "Café Google")
    reddit = store.add_source("reddit", "Café Reddit")
    rival = store.add_source("google", "Rival Google", whose="competitor")
    jane = Author("jane", display_name="Jane Doe", handle="@jane")
    items = []
    for n in range(1, 31):
        author = jane if n in (1, 2) else Author(f"g{n}", display_name=f"Guest {n}")
        items.append(Item(f"r{n}", kind="review", text=f"Review number {n} about coffee",
                          title=f"Title {n}" if n % 2 else "", author=author, rating=(n - 1) % 5 + 1,
                          url=f"https://maps.example/r{n}", created_at=T0 + timedelta(days=n)))
        if n % 3 == 0 or n == 1:
            items.append(Item(f"r{n}-reply", kind="reply", text=f"Thanks for review {n}!",
                              author=Author("owner", display_name="Café"), is_owner_reply=True,
                              parent_external_id=f"r{n}", created_at=T0 + timedelta(days=n, hours=2)))
    store.save_page(cafe.id, items, {"page": 1})
    store.save_page(reddit.id, [
        Item("p1", kind="mention", title="Zanzibarquux latte", text="Jane's unusual post", author=jane,
             url="https://reddit.example/p1", created_at=T0 + timedelta(days=40)),
        Item("c1", kind="comment", text="I agree", author=Author("bob", display_name="Bob"),
             parent_external_id="p1", created_at=T0 + timedelta(days=40, hours=1)),
        Item("c2", kind="reply", text="Owner says hi to Jane", is_owner_reply=True,
             author=Author("cafe_owner", display_name="Café"), parent_external_id="p1",
             created_at=T0 + timedelta(days=40, hours=3)),
    ])
    rival_items = [Item(f"x{n}", kind="review", text=HOSTILE[n % len(HOSTILE)], title=HOSTILE[n],
                        author=Author(f"h{n}", display_name=HOSTILE[(n + 1) % len(HOSTILE)]),
                        rating=5, url=f"javascript:alert({n})" if n == 0 else "https://rival.example/" + "x" * 3000,
                        created_at=T0 + timedelta(days=50 + n)) for n in range(len(HOSTILE))]
    store.save_page(rival.id, rival_items)
    return {"cafe": cafe.id, "reddit": reddit.id, "rival": rival.id}


def item_id(store, external_id: str) -> int:
    return store.conn.execute("SELECT id FROM items WHERE external_id = ?", (external_id,)).fetchone()[0]
