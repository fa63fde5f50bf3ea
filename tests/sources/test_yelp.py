"""Yelp connector over real HTTP against the replay server (source-apis.md §7)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from inbox.domain import format_time, utcnow
from inbox.sources.base import BadPayload, CredentialsRejected, RateLimited, SourceError
from inbox.sources.yelp import clean_url, parse_reviews
from tests.replay import yelp as fake
from tests.replay.harness import add_source, connector, http_client, ingest, stored
from tests.replay.server import Reply

SECRETS = {"api_key": fake.API_KEY}


def source(store, replay, **extra):
    return add_source(store, "yelp", {"base_url": replay.base_url, "business_id": fake.BUSINESS, **extra})


def test_times_are_pacific_not_utc_and_links_lose_tracking():
    items, skipped = parse_reviews(fake.sample(), ZoneInfo("America/Los_Angeles"))
    assert skipped == 0
    dana, marco = items
    assert dana.created_at.isoformat() == "2026-03-09T21:22:31+00:00"   # PDT, UTC-7
    assert marco.created_at.isoformat() == "2026-02-26T17:05:17+00:00"  # PST, UTC-8
    assert dana.url == f"https://www.yelp.com/biz/{fake.BUSINESS}?hrid=xQk3vR8tLmN2pZyW0aB4cD"
    assert clean_url("https://x.example/a?utm_source=q") == "https://x.example/a"
    assert (dana.author.external_id, dana.author.display_name) == ("Zq8pLm2Nb5Vx7Ck1Rt4Wyg", "Dana F.")
    assert dana.rating == 5 and dana.text.endswith("Only downside is...")


def test_reviews_without_id_or_text_are_skipped_and_counted():
    payload = fake.sample()
    payload["reviews"].append({"id": "", "text": "no id", "rating": 3})
    payload["reviews"].append({"id": "abc", "text": "", "rating": None})
    payload["reviews"].append("garbage")
    items, skipped = parse_reviews(payload, ZoneInfo("UTC"))
    assert len(items) == 2 and skipped == 3


async def test_sync_stores_excerpts_and_a_second_run_adds_nothing(store, replay):
    fake.install(replay)
    src = source(store, replay)
    async with http_client() as http:
        first = await ingest(store, src.id, SECRETS, http)
        second = await ingest(store, src.id, SECRETS, http)
    assert first.new == 2 and second.new == 0 and second.updated == 0
    rows = stored(store, src.id)
    assert rows["Tm5cY0gHs2Jd9Ke4Pq7RwA"].created_at == "2026-02-26T17:05:17Z"
    assert rows["Tm5cY0gHs2Jd9Ke4Pq7RwA"].author_name == "Marco T."
    assert store.get_source(src.id).cursor["total"] == 148
    assert replay.requests[0].headers["authorization"] == f"Bearer {fake.API_KEY}"


async def test_timezone_setting_names_the_zone(store, replay):
    fake.install(replay)
    src = source(store, replay, timezone="Europe/London")
    async with http_client() as http:
        await ingest(store, src.id, SECRETS, http)
    assert stored(store, src.id)["xQk3vR8tLmN2pZyW0aB4cD"].created_at == "2026-03-09T14:22:31Z"


async def test_edited_excerpt_updates_in_place_keeping_triage(store, replay):
    payload = fake.sample()
    fake.install(replay, payload)
    src = source(store, replay)
    async with http_client() as http:
        await ingest(store, src.id, SECRETS, http)
        row = stored(store, src.id)["Tm5cY0gHs2Jd9Ke4Pq7RwA"]
        store.set_status([row.id], "done")
        store.tag_items([row.id], "service")
        payload["reviews"][1]["text"] = "Update: they apologised and the manager called me back."
        payload["reviews"][1]["rating"] = 4
        result = await ingest(store, src.id, SECRETS, http)
    after = store.get_item(row.id)
    assert result.updated == 1 and result.new == 0
    assert after.text.startswith("Update:") and after.rating == 4
    assert after.status == "done" and [t[0] for t in after.tags] == ["service"]


async def test_business_without_reviews_is_empty_not_an_error(store, replay):
    fake.install(replay, {"reviews": [], "total": 0, "possible_languages": []})
    src = source(store, replay)
    async with http_client() as http:
        result = await ingest(store, src.id, SECRETS, http)
    assert result.new == 0 and stored(store, src.id) == {}


async def test_non_latin_text_emoji_and_markup_are_kept_as_plain_text(store, replay):
    text = "Кофе отличный ☕️, 店員さんも親切 👍🏽 — مرحبا <script>alert(1)</script> =SUM(A1)"
    fake.install(replay, {"reviews": [fake.review("u1", text, 4, "2026-03-01 08:00:00", "p1", "Łucja Ż.")],
                          "total": 1})
    src = source(store, replay)
    async with http_client() as http:
        await ingest(store, src.id, SECRETS, http)
    row = stored(store, src.id)["u1"]
    assert row.text == text and row.author_name == "Łucja Ż." and row.html is None


@pytest.mark.parametrize(("reply", "error"), [
    (fake.BAD_KEY, CredentialsRejected),
    (fake.TOO_FAST, RateLimited),
    (fake.DAILY_LIMIT, RateLimited),
    (fake.TRUNCATED, BadPayload),
    (fake.NOT_FOUND, SourceError),
])
async def test_faults_raise_clear_errors_and_save_nothing(store, replay, reply, error):
    replay.add("GET", fake.PATH, reply)
    src = source(store, replay)
    async with http_client() as http:
        with pytest.raises(error) as caught:
            await ingest(store, src.id, SECRETS, http)
    assert fake.API_KEY not in str(caught.value)
    assert stored(store, src.id) == {} and store.get_source(src.id).cursor == {}


async def test_wrong_key_is_rejected_by_the_server(store, replay):
    fake.install(replay)
    src = source(store, replay)
    async with http_client() as http:
        with pytest.raises(CredentialsRejected):
            await connector(store, src.id, {"api_key": "wrong"}, http).test()
        verdict = await connector(store, src.id, SECRETS, http).test()
    assert verdict == "OK: 2 review excerpts of 148 reviews (all Yelp shares on this key's plan; paid plans share more)"


async def test_unknown_zone_is_a_clear_error(store, replay):
    fake.install(replay)
    src = source(store, replay, timezone="Mars/Olympus")
    async with http_client() as http:
        with pytest.raises(SourceError, match="Mars/Olympus"):
            await ingest(store, src.id, SECRETS, http)


async def test_daily_budget_is_kept_and_a_spent_one_costs_no_call(store, replay):
    fake.install(replay)
    src = source(store, replay)
    async with http_client() as http:
        await ingest(store, src.id, SECRETS, http)
        assert store.get_source(src.id).cursor["budget"] == {
            "remaining": 297, "limit": 300, "reset": "2026-03-15T00:00:00Z"}
        tomorrow = format_time(utcnow() + timedelta(hours=5))
        store.set_cursor(src.id, {"budget": {"remaining": 0, "limit": 300, "reset": tomorrow}})
        calls = len(replay.requests)
        with pytest.raises(RateLimited, match="budget is used up until") as caught:
            await ingest(store, src.id, SECRETS, http)
        assert len(replay.requests) == calls and 4 * 3600 < caught.value.retry_after <= 5 * 3600
        store.set_cursor(src.id, {"budget": {"remaining": 0, "limit": 300, "reset": "2026-03-15T00:00:00Z"}})
        assert (await ingest(store, src.id, SECRETS, http)).unchanged == 2  # reset has passed


async def test_unknown_business_with_an_html_404(store, replay):
    replay.add("GET", fake.PATH, Reply(status=404, body="<html>Not found</html>", content_type="text/html"))
    src = source(store, replay)
    async with http_client() as http:
        with pytest.raises(SourceError, match="does not know this business_id"):
            await ingest(store, src.id, SECRETS, http)


async def test_a_paid_plan_asks_for_more_reviews_and_the_free_one_never_does(store, replay):
    fake.install(replay)
    free = source(store, replay)
    async with http_client() as http:
        await ingest(store, free.id, SECRETS, http)
    assert replay.requests[-1].arg("limit") is None  # the free plan refuses a bigger limit
    assert store.get_source(free.id).cursor["shared"] == 2
    paid = store.update_source(free.id, settings={**store.get_source(free.id).settings, "reviews_per_request": "20"})
    async with http_client() as http:
        await ingest(store, paid.id, SECRETS, http)
    assert replay.requests[-1].arg("limit") == "20"
