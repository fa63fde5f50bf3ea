"""Google Play connector over real HTTP against the replay server (source-apis.md §10): the
service-account JWT is really signed and really verified by the replay token endpoint."""

from __future__ import annotations

import json

import pytest

from inbox.sources.base import BadPayload, CredentialsRejected, RateLimited
from inbox.sources.googleplay import owner_reply_id, parse_reviews, split_text
from tests.replay import googleplay as fake
from tests.replay.harness import add_source, connector, http_client, ingest, stored, thread_ids
from tests.replay.server import Reply

SAM = "gp:AOqpTOGexampleReviewId1-qL0sX9v"
LENA = "gp:AOqpTOHexampleReviewId2-Zz81kPq"


def secrets(replay) -> dict[str, str]:
    return {"service_account_json": fake.service_account_json(f"{replay.base_url}/token")}


def source(store, replay):
    return add_source(store, "googleplay", {"base_url": f"{replay.base_url}/androidpublisher/v3",
                                            "package_name": fake.PACKAGE})


def many(n: int) -> list[dict]:
    return [fake.review(f"gp:r{i}", f"User {i}", f"Title {i}\tBody {i}", 1 + i % 5, 1773402210 - 3600 * i)
            for i in range(n)]


def test_title_and_body_split_on_the_tab():
    assert split_text("Great\tWorks well") == ("Great", "Works well")
    assert split_text("\tNo title here") == ("", "No title here")
    assert split_text("Just text") == ("", "Just text")


def test_review_and_developer_reply():
    items, skipped = parse_reviews({"reviews": fake.sample()}, fake.PACKAGE)
    assert skipped == 0
    sam, reply, lena = items
    assert sam.external_id == SAM and sam.title == "" and sam.text.startswith("App crashes")
    assert sam.rating == 2 and sam.created_at.isoformat() == "2026-03-13T11:43:30+00:00"
    assert sam.author.display_name == "Sam Patel"
    assert reply.external_id == owner_reply_id(SAM) and reply.is_owner_reply
    assert reply.parent_external_id == SAM and reply.text.startswith("Thanks Sam")
    assert lena.language == "de" and lena.rating == 5


def test_reviews_without_user_comment_are_skipped():
    items, skipped = parse_reviews({"reviews": [{"reviewId": "x", "comments": []}, {"comments": [
        {"userComment": {"text": "hi", "starRating": 3}}]}, "junk"]}, fake.PACKAGE)
    assert items == [] and skipped == 3


async def test_sync_signs_in_pages_and_threads_replies(store, replay):
    reviews = many(250)
    reviews[0] = fake.sample()[0]
    fake.install(replay, reviews)
    src = source(store, replay)
    async with http_client() as http:
        first = await ingest(store, src.id, secrets(replay), http)
        second = await ingest(store, src.id, secrets(replay), http)
    assert first.new == 251 and second.new == 0 and second.updated == 0
    gets = [r for r in replay.requests if r.method == "GET"]
    assert [r.arg("token") for r in gets[:3]] == [None, "100", "200"]
    assert replay.count("POST", r"/token") == 2  # one token per sync run (per connector)
    rows = stored(store, src.id)
    assert thread_ids(store, rows[SAM]) == [SAM, owner_reply_id(SAM)]
    assert rows["gp:r5"].title == "Title 5" and rows["gp:r5"].text == "Body 5"
    # the secret never leaves in a URL or a body other than the signed grant
    key = json.loads(secrets(replay)["service_account_json"])["private_key"]
    assert all(key.encode() not in r.body for r in replay.requests)


async def test_edited_review_and_new_reply_update_in_place(store, replay):
    reviews = fake.sample()
    fake.install(replay, reviews)
    src = source(store, replay)
    async with http_client() as http:
        await ingest(store, src.id, secrets(replay), http)
        row = stored(store, src.id)[LENA]
        store.set_status([row.id], "done")
        store.tag_items([row.id], "praise")
        comment = reviews[1]["comments"][0]["userComment"]
        comment["text"] = "Schnell, einfach, und jetzt mit Apple Pay!"
        comment["starRating"] = 4
        comment["lastModified"] = {"seconds": "1773500000", "nanos": 0}
        reviews[1]["comments"].append({"developerComment": {
            "text": "Danke, Lena!", "lastModified": {"seconds": "1773500100", "nanos": 0}}})
        result = await ingest(store, src.id, secrets(replay), http)
    after = store.get_item(row.id)
    assert result.updated == 1 and result.new == 1
    assert after.rating == 4 and after.text.endswith("Apple Pay!")
    assert after.status == "done" and after.tags[0][0] == "praise"
    assert thread_ids(store, after) == [LENA, owner_reply_id(LENA)]


async def test_no_reviews_this_week(store, replay):
    fake.install(replay, [])
    src = source(store, replay)
    async with http_client() as http:
        assert (await ingest(store, src.id, secrets(replay), http)).new == 0
        assert (await connector(store, src.id, secrets(replay), http).test()).startswith("OK: 0 reviews")


async def test_non_latin_and_emoji(store, replay):
    text = "非常好用\t下单很快 🚀 — отлично"
    fake.install(replay, [fake.review("gp:u1", "李雷", text, 5, 1773402210, language="zh")])
    src = source(store, replay)
    async with http_client() as http:
        await ingest(store, src.id, secrets(replay), http)
    row = stored(store, src.id)["gp:u1"]
    assert (row.title, row.text, row.author_name) == ("非常好用", "下单很快 🚀 — отлично", "李雷")


async def test_wrong_key_is_refused_by_the_token_endpoint(store, replay):
    fake.install(replay, fake.sample())
    src = source(store, replay)
    other = json.loads(secrets(replay)["service_account_json"])
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    other["private_key"] = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    async with http_client() as http:
        with pytest.raises(CredentialsRejected, match="invalid_grant") as caught:
            await ingest(store, src.id, {"service_account_json": json.dumps(other)}, http)
    assert "PRIVATE KEY" not in str(caught.value)


@pytest.mark.parametrize(("blob", "match"), [
    ("", "no Google Play service account"),
    ("{not json", "not valid JSON"),
    ('{"client_email": "x@y"}', "lacks client_email or private_key"),
    ('{"client_email": "x@y", "private_key": "-----BEGIN PRIVATE KEY-----\\nAAAA\\n-----END PRIVATE KEY-----"}',
     "private key cannot be read"),
])
async def test_unusable_service_account_json_is_a_clear_error(store, replay, blob, match):
    fake.install(replay, fake.sample())
    src = source(store, replay)
    async with http_client() as http:
        with pytest.raises(CredentialsRejected, match=match) as caught:
            await ingest(store, src.id, {"service_account_json": blob}, http)
    assert "AAAA" not in str(caught.value)
    assert len(replay.requests) == 0


@pytest.mark.parametrize(("reply", "error", "match"), [
    (fake.QUOTA, RateLimited, None),
    (fake.NO_ACCESS, CredentialsRejected, "Play Console"),
    (Reply(status=403, body="<html>Forbidden</html>", content_type="text/html"), CredentialsRejected, "Play Console"),
    (fake.TRUNCATED, BadPayload, "truncated JSON"),
])
async def test_faults(store, replay, reply, error, match):
    fake.install(replay, fake.sample())
    replay.add("GET", fake.PATH, reply)
    src = source(store, replay)
    async with http_client() as http:
        with pytest.raises(error, match=match):
            await ingest(store, src.id, secrets(replay), http)
    assert stored(store, src.id) == {}


async def test_expired_token_is_renewed_once(store, replay):
    fake.install(replay, fake.sample())
    src = source(store, replay)
    async with http_client() as http:
        conn = connector(store, src.id, secrets(replay), http)
        await conn.access_token()
        conn._token = "ya29.expired"  # what an hour-old token looks like to the API
        pages = [p async for p in conn.pages({})]
    assert sum(len(p.items) for p in pages) == 3
    assert replay.count("POST", r"/token") == 2
