"""What a source kind can do with replies is declared once, on its connector class; the
outbox and the tone check read that declaration (Reddit's limit included)."""

from __future__ import annotations

import pytest

from inbox.domain import Author, Item
from inbox.domain.reply_length import UNITS, ReplyLimit
from inbox.domain.tone import check_tone
from inbox.services.outbox import Outbox
from inbox.services.replies import can_post, reply_context, reply_limits
from inbox.sources.registry import available_kinds, connector_class

KINDS = available_kinds()
LIMITED = [k for k in KINDS if connector_class(k).reply_limits]
FAMILY = "👨‍👩‍👧‍👦"  # one grapheme, 25 bytes


def add_item(store, kind: str, external_id: str = "r1", *, settings: dict | None = None):
    source = store.add_source(kind, f"{kind} source", settings=settings)
    result = store.save_page(source.id, [Item(external_id, text="The soup was cold.", rating=2,
                                               author=Author(external_id="jane", display_name="Jane"))])
    return store.get_item(result.new_ids[0])


def text_of(limit: ReplyLimit, size: int) -> str:
    """A reply `size` units long for this limit that stays within the kind's other limits."""
    if limit.unit == "bytes":
        return FAMILY * (size // 25) + "a" * (size % 25)
    return "a" * size


def test_the_kinds_that_reply_and_their_limits() -> None:
    assert {k for k in KINDS if connector_class(k).can_reply} == {
        "google", "trustpilot", "facebook", "mastodon", "bluesky", "reddit", "googleplay"}
    assert {k: connector_class(k).reply_limits for k in LIMITED} == {
        "google": (ReplyLimit(4096, "bytes"),),
        "googleplay": (ReplyLimit(350, "chars"),),
        "mastodon": (ReplyLimit(500, "chars", url_chars=23),),
        "bluesky": (ReplyLimit(300, "graphemes"), ReplyLimit(3000, "bytes")),
        "reddit": (ReplyLimit(10000, "chars"),),
    }
    for kind in LIMITED:
        cls = connector_class(kind)
        assert cls.can_reply and all(limit.unit in UNITS and limit.limit > 0 for limit in cls.reply_limits)


@pytest.mark.parametrize("kind", KINDS)
def test_the_outbox_posts_exactly_for_the_kinds_that_declare_a_reply_api(store, kind) -> None:
    item = add_item(store, kind)
    assert can_post(item) is connector_class(kind).can_reply
    if not can_post(item):
        with pytest.raises(Exception, match="no reply API"):
            Outbox(store).queue(item.id, "Hi Jane, sorry.")


def test_facebook_ratings_take_no_reply(store) -> None:
    assert not can_post(add_item(store, "facebook", "rating:123"))
    assert can_post(store.get_item(store.save_page(store.get_source("facebook source").id, [
        Item("post_1_comment_2", text="Cold soup", author=Author(external_id="x", display_name="X"))]).new_ids[0]))


@pytest.mark.parametrize("kind", LIMITED)
def test_each_limit_is_enforced_by_the_tone_check_and_the_outbox(store, kind) -> None:
    item = add_item(store, kind)
    ctx = reply_context(store, item)
    assert ctx.limits == connector_class(kind).reply_limits
    outbox = Outbox(store)
    for limit in ctx.limits:
        fits, over = text_of(limit, limit.limit), text_of(limit, limit.limit + 1)
        assert "too_long" not in [f.code for f in check_tone(fits, ctx)]
        [flag] = [f for f in check_tone(over, ctx) if f.code == "too_long"]
        assert f"{limit.limit + 1} of {limit.limit} {limit.unit_word}" in flag.message
        with pytest.raises(ValueError, match="too long"):
            outbox.queue(item.id, over)
        entry = outbox.queue(item.id, fits)
        assert outbox.cancel(entry.id) is not None


def test_a_mastodon_servers_own_limit_and_the_mention_count(store) -> None:
    source = store.add_source("mastodon", "Fediverse", settings={"max_characters": "1000"})
    item = store.get_item(store.save_page(source.id, [Item("m1", text="Terrace open?", author=Author(
        external_id="jon", display_name="Jon", handle="jon@mastodon.social"))]).new_ids[0])
    [limit] = reply_limits(store, item)
    assert limit == ReplyLimit(1000, "chars", url_chars=23)
    ctx = reply_context(store, item)
    assert ctx.prefix == "@jon@mastodon.social "
    mention = len(ctx.prefix)
    Outbox(store).queue(item.id, "x" * (1000 - mention))  # the mention the site adds counts too
    store.conn.execute("UPDATE outbox SET state = 'cancelled'")
    with pytest.raises(ValueError, match="1001 of 1000 characters"):
        Outbox(store).queue(item.id, "x" * (1001 - mention))
    long_link = "see https://example.com/" + "a" * 2000  # a link counts as 23 characters
    assert "too_long" not in [f.code for f in check_tone(long_link, ctx)]
