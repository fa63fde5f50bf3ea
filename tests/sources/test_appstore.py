"""App Store connector over real HTTP against the replay server (source-apis.md §6)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from inbox.sources.appstore import parse_feed
from inbox.sources.base import BadPayload, RateLimited, SourceError
from tests.replay import appstore as fake
from tests.replay.harness import add_source, connector, http_client, ingest, stored
from tests.replay.server import Reply


def source(store, replay, country="gb"):
    return add_source(store, "appstore", {"base_url": replay.base_url, "app_id": fake.APP,
                                          "country": country})


def many(n: int, cc: str = "gb", start: datetime = datetime(2026, 3, 14, 12, tzinfo=UTC)) -> list[dict]:
    """`n` reviews, newest first, one every two hours."""
    return [fake.entry(str(13000000000 - i), 1 + i % 5, f"Title {i}", f"Body {i}",
                       (start - timedelta(hours=2 * i)).isoformat(), name=f"user{i}", user=str(900 + i), cc=cc)
            for i in range(n)]


def test_entries_map_with_storefront_ids_and_pacific_offsets():
    items, skipped = parse_feed(fake.feed("gb", 1, fake.sample()), "gb")
    assert skipped == 0
    sam = items[0]
    assert sam.external_id == "gb:12873344556" and sam.rating == 2
    assert sam.title == "Loyalty stamps vanished" and sam.text.endswith("Had 8 of 10. Please fix!")
    assert "\n" in sam.text
    assert sam.created_at.isoformat() == "2026-03-13T18:42:09+00:00"
    assert sam.author.external_id == "https://itunes.apple.com/gb/reviews/id1188442211"
    assert sam.author.display_name == "seafront_sam"


def test_single_entry_object_app_entry_and_missing_entry_key():
    one = fake.feed("us", 1, fake.sample()[0])  # a bare object
    assert len(parse_feed(one, "us")[0]) == 1
    with_app = fake.feed("us", 1, [fake.APP_ENTRY, *fake.sample()])
    items, skipped = parse_feed(with_app, "us")
    assert len(items) == 2 and skipped == 0  # the app itself is not a review, nor a loss
    assert parse_feed(fake.feed("us", 1, None), "us") == ([], 0)
    with pytest.raises(BadPayload):
        parse_feed({"unexpected": True}, "us")


async def test_pages_until_an_empty_page_and_second_run_reads_one_page(store, replay):
    fake.install(replay, {"gb": many(120)})
    src = source(store, replay)
    async with http_client() as http:
        first = await ingest(store, src.id, {}, http)
        assert [r.match["page"] for r in replay.requests] == ["1", "2", "3", "4"]  # 4 is empty
        second = await ingest(store, src.id, {}, http)
    assert first.new == 120 and second.new == 0 and second.updated == 0
    assert len(replay.requests) == 5  # page 1 reached the re-read window: no more pages
    gb = store.get_source(src.id).cursor["countries"]["gb"]
    assert gb["newest"] == "2026-03-14T12:00:00Z" and len(gb["seen"]) == 100


async def test_a_storefront_without_times_stops_at_what_it_has_and_dates_by_first_seen(store, replay):
    """Some storefronts' entries carry no `updated`: an incremental sync must still stop once
    it reaches stored reviews, and such a review gets the time it was first seen, marked."""
    entries = many(120)
    for e in entries:
        del e["updated"]
    fake.install(replay, {"gb": entries})
    src = source(store, replay)
    async with http_client() as http:
        first = await ingest(store, src.id, {}, http)
        pages_first = len(replay.requests)
        entries.insert(0, {**entries[0], "id": {"label": "13000000001"}, "title": {"label": "New one"}})
        second = await ingest(store, src.id, {}, http)
    assert first.new == 120 and pages_first == 4
    assert second.new == 1 and second.updated == 0
    assert len(replay.requests) - pages_first == 1  # one page, not ten
    rows = stored(store, src.id)
    assert rows["gb:13000000001"].created_at and all(r.created_at for r in rows.values())
    import json

    raw = json.loads(store.conn.execute("SELECT raw FROM items WHERE external_id = 'gb:13000000001'").fetchone()[0])
    assert raw["time_is_first_seen"] is True


async def test_ten_pages_at_most(store, replay):
    fake.install(replay, {"gb": many(520)})
    src = source(store, replay)
    async with http_client() as http:
        result = await ingest(store, src.id, {}, http)
    assert result.new == 500 and replay.requests[-1].match["page"] == "10"


async def test_several_storefronts_keep_separate_ids_and_cursors(store, replay):
    same = fake.sample()
    fake.install(replay, {"gb": same, "us": [fake.entry("12873344556", 4, "Same id, other store", "Fine",
                                                        "2026-03-10T09:00:00-07:00", cc="us")]})
    src = source(store, replay, country="gb, US")
    async with http_client() as http:
        result = await ingest(store, src.id, {}, http)
    rows = stored(store, src.id)
    assert result.new == 3 and {"gb:12873344556", "us:12873344556"} <= set(rows)
    assert set(store.get_source(src.id).cursor["countries"]) == {"gb", "us"}


async def test_single_review_and_app_entry_over_http(store, replay):
    fake.install(replay, {"gb": fake.sample()[:1]}, app_entry=True)
    src = source(store, replay)
    async with http_client() as http:
        result = await ingest(store, src.id, {}, http)
        verdict = await connector(store, src.id, {}, http).test()
    assert result.new == 1 and result.skipped == 0
    assert verdict == "OK: 1 recent review in storefront gb"


async def test_edited_review_updates_in_place_keeping_triage(store, replay):
    entries = fake.sample()
    fake.install(replay, {"gb": entries})
    src = source(store, replay)
    async with http_client() as http:
        await ingest(store, src.id, {}, http)
        row = stored(store, src.id)["gb:12873344556"]
        store.set_status([row.id], "done")
        store.tag_items([row.id], "loyalty")
        entries[0]["im:rating"] = {"label": "4"}
        entries[0]["content"]["label"] = "Stamps are back after 3.8.2, thanks."
        entries[0]["updated"] = {"label": "2026-03-15T08:00:00-07:00"}
        result = await ingest(store, src.id, {}, http)
    after = store.get_item(row.id)
    assert result.updated == 1 and result.new == 0
    assert after.rating == 4 and after.text.startswith("Stamps are back")
    assert after.status == "done" and after.tags[0][0] == "loyalty"


async def test_no_reviews_no_entry_key(store, replay):
    fake.install(replay, {"gb": []})
    src = source(store, replay)
    async with http_client() as http:
        assert (await ingest(store, src.id, {}, http)).new == 0
    assert len(replay.requests) == 1


async def test_non_latin_and_emoji(store, replay):
    text = "とても便利です 👍 Очень удобно"
    fake.install(replay, {"jp": [fake.entry("1", 5, "最高 🎉", text, "2026-03-01T00:00:00-07:00",
                                            name="さくら", cc="jp")]})
    src = source(store, replay, country="jp")
    async with http_client() as http:
        await ingest(store, src.id, {}, http)
    row = stored(store, src.id)["jp:1"]
    assert (row.title, row.text, row.author_name) == ("最高 🎉", text, "さくら")


@pytest.mark.parametrize(("reply", "error"), [
    (Reply(body=b'{"feed": {"entry": [', content_type="application/json"), BadPayload),
    (Reply(status=429, body="", headers={"Retry-After": "0"}), RateLimited),
    (Reply(status=403, body="<html>Forbidden</html>", content_type="text/html"), RateLimited),
    (Reply(status=200, body="<html>Service unavailable</html>", content_type="text/html"), BadPayload),
])
async def test_faults(store, replay, reply, error):
    replay.add("GET", fake.PATH, reply)
    src = source(store, replay)
    async with http_client() as http:
        with pytest.raises(error):
            await ingest(store, src.id, {}, http)
    assert stored(store, src.id) == {} and store.get_source(src.id).cursor == {}


async def test_bad_settings_are_clear(store, replay):
    fake.install(replay, {"gb": []})
    async with http_client() as http:
        with pytest.raises(SourceError, match="two-letter"):
            await ingest(store, source(store, replay, country="Britain").id, {}, http)
        src = add_source(store, "appstore", {"base_url": replay.base_url, "app_id": "999", "country": "gb"},
                         name="wrong app")
        with pytest.raises(SourceError, match="no reviews feed for app 999"):
            await ingest(store, src.id, {}, http)
