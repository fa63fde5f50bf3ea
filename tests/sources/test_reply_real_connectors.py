"""Replies through the real connectors (their tokens, sessions and ids) and the sync engine's
HTTP client, against the same fakes the connector tests use. The Google round trip checks
that the next sync updates the reply we posted instead of adding a second one."""

from __future__ import annotations

import pytest

from inbox.domain import Author, Item
from inbox.services.outbox import Outbox
from inbox.sources.registry import connector_class
from tests.replay import Reply
from tests.replay import googleplay as fake_play
from tests.replay.bluesky import OWN_DID, FakeBluesky
from tests.replay.google import ACCOUNT, LOCATION, FakeGoogle
from tests.replay.harness import add_source, ingest, stored
from tests.replay.reddit import FakeReddit

TEXT = "Hi there, thanks for the note about the flat white. See you soon. — Maria"


@pytest.fixture
async def http():
    from inbox.sync.http import HttpClient

    async with HttpClient(retries=0, read_timeout=5.0) as client:  # as the outbox uses it
        yield client


def real(http, secrets):
    def make(source):
        return connector_class(source.kind)(source, secrets, http)
    return make


async def _flush(store, http, secrets, item_id):
    outbox = Outbox(store, real(http, secrets))
    entry = outbox.queue(item_id, TEXT, undo_seconds=0)
    [result] = await outbox.flush()
    assert result.state == "sent", result.error
    return outbox.get(entry.id)


async def test_google_round_trip_keeps_one_owner_reply(store, replay, http) -> None:
    google = FakeGoogle(n=3).install(replay)
    secrets = {"client_id": "cid", "client_secret": "cs", "refresh_token": google.refresh_token}
    source = add_source(store, "google", FakeGoogle.settings(replay.base_url))
    await ingest(store, source.id, secrets, http)
    name = f"accounts/{ACCOUNT}/locations/{LOCATION}/reviews/AbFvOq000001"
    review = stored(store, source.id)[name]

    def put(req):
        assert req.headers["authorization"] == f"Bearer {google.access}"
        google.touch(1, reviewReply={"comment": req.json()["comment"], "updateTime": "2026-12-31T23:59:59Z"})
        return Reply(json=google.reviews[1]["reviewReply"])
    replay.add("PUT", rf"/v4/{name}/reply", put)
    entry = await _flush(store, http, secrets, review.id)
    assert entry.remote_id == name + "#reply"
    await ingest(store, source.id, secrets, http)  # the next sync sees our reply on Google
    owner = [i for i in store.get_thread(review.thread_id).items if i.is_owner_reply]
    assert [(o.external_id, o.text) for o in owner] == [(name + "#reply", TEXT)]


async def test_reddit_with_the_connectors_token_and_user_agent(store, replay, http) -> None:
    FakeReddit(n=0).install(replay)
    replay.add("POST", r"/api/comment", Reply(json={"json": {"errors": [], "data": {"things": [
        {"kind": "t1", "data": {"id": "c1", "name": "t1_c1", "body": TEXT, "permalink": "/r/x/comments/p1/t/c1/"}}]}}}))
    source = add_source(store, "reddit", {"query": "harbour", "base_url": replay.base_url,
                                          "token_url": replay.base_url + "/api/v1/access_token"})
    result = store.save_page(source.id, [Item("t3_p1", text="Oat milk surcharge?", author=Author("u", "u"))])
    await _flush(store, http, {"client_id": "cid", "client_secret": "csecret", "username": "owner",
                               "password": "hunter2-pw"}, result.new_ids[0])
    post = next(r for r in replay.requests if r.path == "/api/comment")
    assert post.headers["authorization"] == "Bearer reddit-access-1"
    assert "(by /u/owner)" in post.headers["user-agent"]
    assert post.form() == {"api_type": ["json"], "thing_id": ["t3_p1"], "text": [TEXT]}


async def test_bluesky_with_the_connectors_session(store, replay, http) -> None:
    sky = FakeBluesky(n=0).install(replay)
    uri = "at://did:plc:jsjc/app.bsky.feed.post/3lo6"
    replay.add("GET", r"/xrpc/app.bsky.feed.getPosts", Reply(json={"posts": [
        {"uri": uri, "cid": "bafyp", "record": {"$type": "app.bsky.feed.post", "text": "q"}}]}))
    replay.add("POST", r"/xrpc/com.atproto.repo.createRecord",
               Reply(json={"uri": f"at://{OWN_DID}/app.bsky.feed.post/3new", "cid": "bafyn"}))
    source = add_source(store, "bluesky", {"handle": sky.handle, "base_url": replay.base_url})
    result = store.save_page(source.id, [Item(uri, text="Open on Sunday?", author=Author("did:plc:jsjc", "Jon"))])
    entry = await _flush(store, http, {"app_password": sky.app_password}, result.new_ids[0])
    create = next(r for r in replay.requests if r.path.endswith("createRecord"))
    assert create.headers["authorization"] == "Bearer access-0"
    assert create.json()["repo"] == OWN_DID and create.json()["record"]["reply"]["parent"] == {"uri": uri, "cid": "bafyp"}
    assert entry.remote_id == f"at://{OWN_DID}/app.bsky.feed.post/3new"


async def test_google_play_with_the_service_account_token(store, replay, http) -> None:
    fake_play.install(replay, [])
    rid = "gp:AOqpTOHexampleReviewId2-Zz81kPq"
    replay.add("POST", rf"{fake_play.PATH}/{rid}:reply", lambda req: Reply(json={"result": req.json()}))
    source = add_source(store, "googleplay", {"base_url": f"{replay.base_url}/androidpublisher/v3",
                                              "package_name": fake_play.PACKAGE})
    result = store.save_page(source.id, [Item(rid, text="Schnell und einfach", rating=5, author=Author("Lena", "Lena"))])
    entry = await _flush(store, http, {"service_account_json": fake_play.service_account_json(
        f"{replay.base_url}/token")}, result.new_ids[0])
    post = next(r for r in replay.requests if r.path.endswith(":reply"))
    assert post.headers["authorization"] == f"Bearer {fake_play.ACCESS_TOKEN}"
    assert post.json() == {"replyText": TEXT}
    assert entry.remote_id == rid + ":reply"


async def test_mastodon_and_facebook_with_the_connectors_secret_names(store, replay, http) -> None:
    replay.add("GET", r"/api/v1/statuses/110", Reply(json={"id": "110", "visibility": "public"}))
    replay.add("POST", r"/api/v1/statuses", Reply(json={"id": "111"}))
    replay.add("POST", r"/v21.0/77_88/comments", Reply(json={"id": "77_99"}))
    masto = add_source(store, "mastodon", {"base_url": replay.base_url})
    face = add_source(store, "facebook", {"base_url": replay.base_url + "/v21.0", "page_id": "77"})
    m = store.save_page(masto.id, [Item("110", text="Open?", author=Author("9", "Jon", handle="@jon"))]).new_ids[0]
    f = store.save_page(face.id, [Item("77_88", text="Dogs ok?", author=Author("5", "Amy"))]).new_ids[0]
    await _flush(store, http, {"token": "mast-token"}, m)
    await _flush(store, http, {"page_token": "EAAG-page"}, f)
    by_path = {r.path: r for r in replay.requests if r.method == "POST"}
    assert by_path["/api/v1/statuses"].headers["authorization"] == "Bearer mast-token"
    assert by_path["/v21.0/77_88/comments"].headers["authorization"] == "Bearer EAAG-page"


async def test_trustpilot_with_the_connectors_business_token(store, replay, http) -> None:
    import base64

    def token(req):
        expected = "Basic " + base64.b64encode(b"tp-key:tp-secret").decode()
        if req.headers.get("authorization") != expected or req.form() != {"grant_type": ["client_credentials"]}:
            return Reply(status=401, json={"message": "Unauthorized"})
        return Reply(json={"access_token": "tp-business", "expires_in": "359999"})
    replay.add("POST", r"/v1/oauth/oauth-business-users-for-applications/accesstoken", token)
    replay.add("POST", r"/v1/private/reviews/6a0f/reply", Reply(status=201))
    source = add_source(store, "trustpilot", {"business_unit_id": "b" * 24, "business_user_id": "5f3a",
                                              "base_url": replay.base_url + "/v1"})
    result = store.save_page(source.id, [Item("6a0f", text="Gift card refused", rating=1, author=Author("c", "Ade"))])
    entry = await _flush(store, http, {"api_key": "tp-key", "api_secret": "tp-secret"}, result.new_ids[0])
    post = next(r for r in replay.requests if r.path.endswith("/reply"))
    assert post.headers["authorization"] == "Bearer tp-business"
    assert post.json() == {"authorBusinessUserId": "5f3a", "message": TEXT}
    assert entry.remote_id == "6a0f:reply"
