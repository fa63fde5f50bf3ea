"""The owner's sentiment correction wins in the reply editor's hints too (filters, figures
and exports are tested with their features)."""

from __future__ import annotations

from datetime import UTC, datetime

from inbox.domain import Author, InboxFilter, Item
from inbox.domain.tone import check_tone
from inbox.services import sentiment
from inbox.services.replies import reply_context

REPLY = "Hi Lena, thanks for writing about the coffee and the till."


def _item(store, text: str, score: float, label: str):
    src = store.add_source("mastodon", "Café")
    store.save_page(src.id, [Item("m1", kind="mention", text=text, created_at=datetime(2026, 3, 1, tzinfo=UTC),
                                  author=Author("lena", display_name="Lena"))])
    store.conn.execute("UPDATE items SET sentiment = ?, sentiment_label = ?", (score, label))
    return store.list_items(InboxFilter())[0][0]


def codes(store, item) -> set[str]:
    return {f.code for f in check_tone(REPLY, reply_context(store, item))}


def test_a_correction_to_positive_silences_the_apology_hint(store):
    item = _item(store, "Charged twice for one coffee at the till", -0.7, "negative")
    assert {"no_apology", "no_offer"} <= codes(store, item)
    sentiment.set_override(store, [item.id], "positive")
    assert not {"no_apology", "no_offer"} & codes(store, item)


def test_a_correction_to_negative_brings_the_apology_hint(store):
    item = _item(store, "The coffee and the till were fine I guess", 0.4, "positive")
    assert "no_apology" not in codes(store, item)
    sentiment.set_override(store, [item.id], "negative")
    assert {"no_apology", "no_offer"} <= codes(store, item)
    sentiment.set_override(store, [item.id], None)           # cleared: the score again
    assert "no_apology" not in codes(store, item)
