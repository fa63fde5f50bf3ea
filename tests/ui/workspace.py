"""A small café workspace for GUI tests, built through the real ingest path (save_page)."""

from __future__ import annotations

from datetime import datetime, timedelta

from inbox.domain import Author, Item, ItemKind
from inbox.store import Store

EVIL_HTML = (
    '<p>Great cake <script>alert("x")</script> but '
    '<img src="http://tracker.example/pixel.png"> see '
    '<a href="file:///etc/passwd">my file</a>, '
    '<a href="javascript:alert(1)">click me</a> and '
    '<a href="https://example.org/photos">my photos</a>.</p>'
)


def build_small_workspace(store: Store, now: datetime) -> dict[str, int]:
    """25 Google reviews (one with an owner reply, one with hostile HTML), a Mastodon
    mention with two replies, and 5 competitor reviews. Returns source ids by key."""
    google = store.add_source("google", "Café · Google")
    masto = store.add_source("mastodon", "Mastodon mentions")
    rival = store.add_source("google", "Rival · Google", whose="competitor")
    items = []
    for n in range(25):
        author = Author(external_id=f"g-author-{n % 20}", display_name=f"Guest {n % 20:02d}")
        items.append(Item(
            external_id=f"g{n}", kind=ItemKind.REVIEW, rating=(n % 5) + 1,
            text=f"Review number {n}: " + ("lovely croissants" if n % 3 == 0 else "slow queue at lunch"),
            url=f"https://maps.google.com/?review=g{n}", author=author,
            created_at=now - timedelta(hours=2 * n + 1)))
    items[3].html = EVIL_HTML
    items[3].text = 'Great cake alert("x") but see my file, click me and my photos.'
    items.append(Item(external_id="g-reply-1", kind=ItemKind.REPLY, is_owner_reply=True,
                      parent_external_id="g1", text="Thank you, see you soon! — Ellie",
                      author=Author(external_id="owner", display_name="Café (owner)"),
                      created_at=now - timedelta(hours=2)))
    store.save_page(google.id, items)
    store.save_page(masto.id, [
        Item(external_id="m1", kind=ItemKind.MENTION, text="Anyone tried the new flat white at the café?",
             url="https://mastodon.social/@ana/1", author=Author(external_id="ana", display_name="Ana", handle="@ana"),
             created_at=now - timedelta(minutes=30)),
        Item(external_id="m2", kind=ItemKind.COMMENT, parent_external_id="m1", root_external_id="m1",
             text="Yes! Best in town.", author=Author(external_id="bo", display_name="Bo", handle="@bo"),
             created_at=now - timedelta(minutes=20)),
        Item(external_id="m3", kind=ItemKind.COMMENT, parent_external_id="m2", root_external_id="m1",
             text="Too milky for me.", author=Author(external_id="cy", display_name="Cy", handle="@cy"),
             created_at=now - timedelta(minutes=10)),
    ])
    store.save_page(rival.id, [
        Item(external_id=f"r{n}", rating=3, text=f"Rival review {n}: decent espresso",
             author=Author(external_id=f"r-author-{n}", display_name=f"Rival fan {n}"),
             created_at=now - timedelta(days=n + 1))
        for n in range(5)])
    return {"google": google.id, "mastodon": masto.id, "rival": rival.id}
