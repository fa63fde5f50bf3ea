"""Trustpilot connector over real HTTP against the replay server (source-apis.md §8)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from inbox.sources.base import BadPayload, CredentialsRejected, RateLimited, SourceError
from inbox.sources.trustpilot import owner_reply_id, parse_reviews
from tests.replay import trustpilot as fake
from tests.replay.harness import add_source, connector, http_client, ingest, stored, thread_ids
from tests.replay.server import Reply

SECRETS = {"api_key": fake.API_KEY}
FIRST, SECOND = "6a11c0de93f2bb0012e4a7f1", "6a0fd2e187bc4d0012a9e001"


def source(store, replay):
    return add_source(store, "trustpilot", {"base_url": replay.base_url + "/v1",
                                            "business_unit_id": fake.UNIT})


def many(n: int, start_day: int = 28) -> list[dict]:
    """`n` reviews, newest first, one every six hours going back from March `start_day`."""
    top = datetime(2026, 3, start_day, 23, tzinfo=UTC)
    return [fake.review(f"r{i:04d}", 1 + i % 5, f"Visit {i}", f"Review number {i}",
                        (top - timedelta(hours=6 * i)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                        consumer_id=f"c{i}", name=f"N{i}") for i in range(n)]


def test_company_reply_becomes_an_owner_reply_under_its_review():
    items, skipped = parse_reviews({"reviews": fake.sample()})
    assert skipped == 0
    assert [i.external_id for i in items] == [FIRST, owner_reply_id(FIRST), SECOND]
    reply = items[1]
    assert reply.is_owner_reply and reply.parent_external_id == FIRST
    assert reply.author.display_name == "Harbour Street Café"
    assert reply.created_at.isoformat() == "2026-03-13T08:30:12+00:00"
    assert items[2].updated_at.isoformat() == "2026-03-09T07:15:40+00:00"
    assert items[0].url == f"https://www.trustpilot.com/reviews/{FIRST}"


def test_times_without_offset_are_utc_and_unusable_reviews_are_counted():
    review = fake.review("x1", 4, "t", "body", "2013-09-07T13:37:00")
    items, skipped = parse_reviews({"reviews": [review, {"id": "x2", "title": None, "text": None},
                                                {"stars": 5, "text": "no id"}, None]})
    assert items[0].created_at.isoformat() == "2013-09-07T13:37:00+00:00"
    assert len(items) == 1 and skipped == 3


async def test_pages_follow_next_page_links_and_second_run_adds_nothing(store, replay):
    reviews = many(250)
    fake.install(replay, reviews)
    src = source(store, replay)
    async with http_client() as http:
        first = await ingest(store, src.id, SECRETS, http)
        calls = replay.count("GET", fake.PATH)
        second = await ingest(store, src.id, SECRETS, http)
    assert first.new == 250 and calls == 3  # 100 + 100 + 50, the last without a next-page link
    assert second.new == 0 and second.updated == 0
    # incremental: the second run stops once it reaches the re-read window
    assert replay.count("GET", fake.PATH) - calls == 1
    pages = [r.arg("page") for r in replay.requests]
    assert pages == ["1", "2", "3", "1"] and replay.requests[0].arg("perPage") == "100"
    assert replay.requests[0].headers["apikey"] == fake.API_KEY
    assert store.get_source(src.id).cursor["newest"] == "2026-03-28T23:00:00Z"


async def test_new_reviews_on_top_arrive_on_the_next_sync(store, replay):
    reviews = many(150)
    fake.install(replay, reviews)
    src = source(store, replay)
    async with http_client() as http:
        await ingest(store, src.id, SECRETS, http)
        reviews.insert(0, fake.review("new1", 1, "Cold", "Coffee was cold", "2026-03-29T09:00:00Z"))
        result = await ingest(store, src.id, SECRETS, http)
    assert result.new == 1 and "new1" in stored(store, src.id)


async def test_owner_reply_threads_and_edits_update_in_place(store, replay):
    reviews = fake.sample()
    fake.install(replay, reviews)
    src = source(store, replay)
    async with http_client() as http:
        await ingest(store, src.id, SECRETS, http)
        rows = stored(store, src.id)
        assert thread_ids(store, rows[owner_reply_id(FIRST)]) == [FIRST, owner_reply_id(FIRST)]
        assert rows[owner_reply_id(FIRST)].is_owner_reply
        second = rows[SECOND]
        store.set_status([second.id], "done")
        store.tag_items([second.id], "gift cards")
        # the customer edits the review and the company replies later
        reviews[1]["text"] = "Refunded within a day - thanks for sorting it."
        reviews[1]["stars"] = 4
        reviews[1]["updatedAt"] = "2026-03-10T10:00:00"
        reviews[1]["companyReply"] = {"text": "Glad it's sorted!", "createdAt": "2026-03-10T11:00:00Z",
                                      "updatedAt": None}
        result = await ingest(store, src.id, SECRETS, http)
    assert result.updated == 1 and result.new == 1
    after = store.get_item(second.id)
    assert after.text.startswith("Refunded") and after.rating == 4
    assert after.status == "done" and after.tags == [("gift cards", after.tags[0][1])]
    assert thread_ids(store, after) == [SECOND, owner_reply_id(SECOND)]


async def test_no_reviews_yet(store, replay):
    fake.install(replay, [])
    src = source(store, replay)
    async with http_client() as http:
        assert (await ingest(store, src.id, SECRETS, http)).new == 0
        assert await connector(store, src.id, SECRETS, http).test() == "OK: 0 reviews on the first page"


async def test_non_latin_and_emoji(store, replay):
    text = "Sehr lecker! Größe passt 👌 — 非常好吃 😋"
    fake.install(replay, [fake.review("u1", 5, "Ünïcödé ✨", text, "2026-03-01T10:00:00.123Z", name="Zoë")])
    src = source(store, replay)
    async with http_client() as http:
        await ingest(store, src.id, SECRETS, http)
    row = stored(store, src.id)["u1"]
    assert (row.title, row.text, row.author_name) == ("Ünïcödé ✨", text, "Zoë")


@pytest.mark.parametrize(("reply", "error"), [
    (Reply(status=401, json={"fault": {"faultstring": "Invalid ApiKey"}}), CredentialsRejected),
    (Reply(status=429, body="", headers={"Retry-After": "0"}), RateLimited),
    (Reply(body=b'{"reviews": [', content_type="application/json"), BadPayload),
])
async def test_faults(store, replay, reply, error):
    replay.add("GET", fake.PATH, reply)
    src = source(store, replay)
    async with http_client() as http:
        with pytest.raises(error) as caught:
            await ingest(store, src.id, SECRETS, http)
    assert fake.API_KEY not in str(caught.value) and stored(store, src.id) == {}


async def test_fault_on_a_later_page_keeps_earlier_pages_and_the_old_cursor(store, replay):
    fake.install(replay, many(150))
    src = source(store, replay)
    truncated = Reply(body=b'{"reviews": [', content_type="application/json")
    top = Reply(json={"links": [{"rel": "next-page", "href": "x", "method": "GET"}],
                      "reviews": [fake.review("top", 5, "t", "new on top", "2026-03-30T00:00:00Z"),
                                  *many(20, start_day=29)]})
    async with http_client() as http:
        await ingest(store, src.id, SECRETS, http)
        before = store.get_source(src.id).cursor
        replay.add("GET", fake.PATH, lambda req: truncated if req.arg("page") == "2" else top)
        with pytest.raises(BadPayload):
            await ingest(store, src.id, SECRETS, http)
    # page 1 was saved, but the watermark did not move past the unread page 2
    assert "top" in stored(store, src.id)
    assert store.get_source(src.id).cursor == before


async def test_wrong_key(store, replay):
    fake.install(replay, fake.sample())
    src = source(store, replay)
    async with http_client() as http:
        with pytest.raises(CredentialsRejected):
            await ingest(store, src.id, {"api_key": "nope"}, http)


async def test_business_token_for_replies_from_key_and_secret(store, replay):
    fake.install_token(replay)
    src = source(store, replay)
    async with http_client() as http:
        conn = connector(store, src.id, {**SECRETS, "api_secret": fake.API_SECRET}, http)
        assert await conn.access_token() == fake.BUSINESS_TOKEN
        assert await conn.access_token() == fake.BUSINESS_TOKEN  # kept, not fetched again
        assert replay.count("POST", r"/v1/oauth/.*") == 1
        with pytest.raises(CredentialsRejected, match="api_secret"):
            await connector(store, src.id, SECRETS, http).access_token()
        with pytest.raises(CredentialsRejected) as caught:
            await connector(store, src.id, {**SECRETS, "api_secret": "wrong-secret"}, http).access_token()
    assert "wrong-secret" not in str(caught.value)


async def test_unknown_business_unit(store, replay):
    replay.add("GET", r"/v1/business-units/.*/reviews", Reply(status=404, body="<html>Not found</html>",
                                                             content_type="text/html"))
    src = source(store, replay)
    async with http_client() as http:
        with pytest.raises(SourceError, match="does not know this business_unit_id"):
            await ingest(store, src.id, SECRETS, http)


async def test_find_lists_the_business_of_a_website(store, replay):
    """The set-up flow finds the business unit from the website instead of a typed id
    (GET /v1/business-units/find?name=…, as Trustpilot documents it)."""
    def find(req):
        if req.arg("name") != "harbourstreetcafe.co.uk" or req.headers.get("apikey") != fake.API_KEY:
            return Reply(404, json={"message": "Not found"})
        return Reply(json={
            "id": "5f2b8c1d9e0a1b0012345678", "displayName": "Harbour Street Café",
            "name": {"identifying": "harbourstreetcafe.co.uk", "referring": ["harbourstreetcafe.co.uk"]},
            "websiteUrl": "https://harbourstreetcafe.co.uk", "numberOfReviews": {"total": 212, "oneStar": 4},
            "trustScore": 4.6})
    replay.add("GET", r"/v1/business-units/find", find)
    src = source(store, replay)
    async with http_client() as http:
        conn = connector(store, src.id, SECRETS, http)
        [found] = await conn.find("harbourstreetcafe.co.uk")
        assert await conn.find("nobody.example") == []
    assert found.label == "Harbour Street Café"
    assert found.settings == {"business_unit_id": "5f2b8c1d9e0a1b0012345678"}
    assert found.detail == "https://harbourstreetcafe.co.uk · 212 reviews"
