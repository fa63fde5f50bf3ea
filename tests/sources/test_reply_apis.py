"""Each reply API over the local replay server: the request as the site documents it (body
field by field, auth headers), and the reply in the thread as the owner's item."""

from __future__ import annotations

import pytest

from inbox.services.outbox import Outbox
from tests.replay import Reply
from tests.replies.support import add_item, factory, reply_http

TEXT = "Hi Jane, sorry the soup was cold. Next time lunch is on us. — Maria"


@pytest.fixture
async def http():
    client = reply_http()
    yield client
    await client.aclose()


async def _send(store, http, item, secrets, *, mark_done=True):
    outbox = Outbox(store, factory(http, secrets))
    entry = outbox.queue(item.id, TEXT, mark_done=mark_done, undo_seconds=0)
    [result] = await outbox.flush()
    assert result.state == "sent", result.error
    thread = store.get_thread(store.get_item(item.id).thread_id)
    owner = [i for i in thread.items if i.is_owner_reply]
    return outbox.get(entry.id), owner


async def test_google_business_profile_put_reply(store, replay, http) -> None:
    name = "accounts/104/locations/817/reviews/AbFv"
    replay.add("PUT", rf"/v4/{name}/reply",
               Reply(json={"comment": TEXT, "updateTime": "2026-03-03T09:14:02.731Z"}))
    item = add_item(store, "google", replay.base_url + "/v4", name)
    entry, owner = await _send(store, http, item, {"access_token": "ya29.token"})
    [req] = replay.requests
    assert req.method == "PUT" and req.headers["authorization"] == "Bearer ya29.token"
    assert req.json() == {"comment": TEXT}
    assert [(o.text, o.created_at) for o in owner] == [(TEXT, "2026-03-03T09:14:02Z")]
    assert entry.remote_id == f"{name}#reply"  # the id the Google connector gives its reply
    assert store.get_item(item.id).status == "done"


async def test_google_builds_the_review_name_from_settings(store, replay, http) -> None:
    replay.add("PUT", r"/v4/accounts/104/locations/817/reviews/AbFv/reply", Reply(json={"comment": TEXT}))
    item = add_item(store, "google", replay.base_url + "/v4", "AbFv",
                    settings={"account_id": "accounts/104", "location_id": "locations/817"})
    await _send(store, http, item, {"access_token": "t"})
    assert replay.count("PUT", r"/v4/accounts/104/locations/817/reviews/AbFv/reply") == 1


async def test_trustpilot_private_reply(store, replay, http) -> None:
    replay.add("POST", r"/v1/private/reviews/6a0f/reply", Reply(status=201))
    item = add_item(store, "trustpilot", replay.base_url + "/v1", "6a0f", settings={"business_user_id": "5f3a"})
    entry, owner = await _send(store, http, item, {"access_token": "tp-token", "api_key": "k"})
    [req] = replay.requests
    assert req.headers["authorization"] == "Bearer tp-token"
    assert req.json() == {"authorBusinessUserId": "5f3a", "message": TEXT}
    assert [o.text for o in owner] == [TEXT] and entry.remote_id == "6a0f:reply"


async def test_facebook_comment_reply(store, replay, http) -> None:
    replay.add("POST", r"/v21.0/9988_1234/comments", Reply(json={"id": "9988_1240"}))
    item = add_item(store, "facebook", replay.base_url + "/v21.0", "9988_1234", settings={"page_id": "1044"})
    entry, owner = await _send(store, http, item, {"page_token": "EAAG"})
    [req] = replay.requests
    assert req.headers["authorization"] == "Bearer EAAG"
    assert req.form() == {"message": [TEXT]}
    assert entry.remote_id == "9988_1240" and [o.text for o in owner] == [TEXT]


async def test_mastodon_status_with_idempotency_key(store, replay, http) -> None:
    replay.add("GET", r"/api/v1/statuses/1140", Reply(json={"id": "1140", "visibility": "public"}))
    replay.add("POST", r"/api/v1/statuses", lambda req: Reply(json={
        "id": "1150", "url": "https://masto.example/@cafe/1150", "content": "<p>x</p>",
        "account": {"id": "77"}, "created_at": "2026-03-14T10:12:40.000Z"}))
    item = add_item(store, "mastodon", replay.base_url, "1140", handle="jon@mastodon.social", name="Jon")
    entry, owner = await _send(store, http, item, {"access_token": "mtoken"})
    post = next(r for r in replay.requests if r.method == "POST")
    assert post.headers["authorization"] == "Bearer mtoken"
    assert post.headers["idempotency-key"] and len(post.headers["idempotency-key"]) == 36
    assert post.json() == {"status": "@jon@mastodon.social " + TEXT, "in_reply_to_id": "1140",
                           "visibility": "unlisted"}
    assert entry.remote_id == "1150"
    assert [(o.text, o.url) for o in owner] == [("@jon@mastodon.social " + TEXT, "https://masto.example/@cafe/1150")]


async def test_mastodon_never_answers_a_private_post_in_public(store, replay, http) -> None:
    replay.add("GET", r"/api/v1/statuses/1140", Reply(json={"id": "1140", "visibility": "direct"}))
    replay.add("POST", r"/api/v1/statuses", Reply(json={"id": "1151"}))
    item = add_item(store, "mastodon", replay.base_url, "1140", handle="jon")
    await _send(store, http, item, {"access_token": "m"})
    assert next(r for r in replay.requests if r.method == "POST").json()["visibility"] == "direct"


async def test_bluesky_create_record_with_root_and_parent(store, replay, http) -> None:
    parent_uri = "at://did:plc:jsjc/app.bsky.feed.post/3lo6"
    root = {"uri": "at://did:plc:dfy/app.bsky.feed.post/3lnn", "cid": "bafyroot"}
    replay.add("POST", r"/xrpc/com.atproto.server.createSession", Reply(json={
        "did": "did:plc:dfy", "handle": "harbourcafe.bsky.social", "accessJwt": "jwt-access", "refreshJwt": "r"}))
    replay.add("GET", r"/xrpc/app.bsky.feed.getPosts", Reply(json={"posts": [{
        "uri": parent_uri, "cid": "bafyparent",
        "record": {"$type": "app.bsky.feed.post", "text": "q", "reply": {"root": root, "parent": root}}}]}))
    replay.add("POST", r"/xrpc/com.atproto.repo.createRecord", Reply(json={
        "uri": "at://did:plc:dfy/app.bsky.feed.post/3lo7", "cid": "bafynew"}))
    item = add_item(store, "bluesky", replay.base_url, parent_uri, handle="jon.bsky.social", name="Jon")
    entry, owner = await _send(store, http, item, {"identifier": "harbourcafe.bsky.social",
                                                   "app_password": "abcd-efgh"})
    login, get, create = replay.requests
    assert login.json() == {"identifier": "harbourcafe.bsky.social", "password": "abcd-efgh"}
    assert get.arg("uris") == parent_uri and get.headers["authorization"] == "Bearer jwt-access"
    body = create.json()
    assert create.headers["authorization"] == "Bearer jwt-access"
    assert body["repo"] == "did:plc:dfy" and body["collection"] == "app.bsky.feed.post"
    record = body["record"]
    assert record["$type"] == "app.bsky.feed.post" and record["text"] == TEXT
    assert record["createdAt"].endswith("Z")
    assert record["reply"] == {"root": root, "parent": {"uri": parent_uri, "cid": "bafyparent"}}
    assert entry.remote_id == "at://did:plc:dfy/app.bsky.feed.post/3lo7"
    assert [o.url for o in owner] == ["https://bsky.app/profile/harbourcafe.bsky.social/post/3lo7"]


async def test_bluesky_top_level_post_is_its_own_root(store, replay, http) -> None:
    uri = "at://did:plc:jsjc/app.bsky.feed.post/3top"
    replay.add("POST", r"/xrpc/com.atproto.server.createSession", Reply(json={"did": "did:plc:me", "accessJwt": "a"}))
    replay.add("GET", r"/xrpc/app.bsky.feed.getPosts", Reply(json={"posts": [
        {"uri": uri, "cid": "c1", "record": {"$type": "app.bsky.feed.post", "text": "hi"}}]}))
    replay.add("POST", r"/xrpc/com.atproto.repo.createRecord", Reply(json={"uri": "at://did:plc:me/x/1", "cid": "c"}))
    item = add_item(store, "bluesky", replay.base_url, uri)
    await _send(store, http, item, {"identifier": "me", "app_password": "p"})
    reply = replay.requests[-1].json()["record"]["reply"]
    assert reply["root"] == reply["parent"] == {"uri": uri, "cid": "c1"}


async def test_reddit_comment(store, replay, http) -> None:
    replay.add("POST", r"/api/comment", Reply(json={"json": {"errors": [], "data": {"things": [{"kind": "t1", "data": {
        "id": "ozk3", "name": "t1_ozk3", "body": TEXT, "author": "harbourcafe_owner",
        "permalink": "/r/brighton/comments/1txb/x/ozk3/", "created_utc": 1773489911.0}}]}}}))
    item = add_item(store, "reddit", replay.base_url, "t3_1txb", settings={"username": "harbourcafe_owner"})
    entry, owner = await _send(store, http, item, {"access_token": "rtoken"})
    [req] = replay.requests
    assert req.headers["authorization"] == "Bearer rtoken"
    assert req.headers["user-agent"].startswith("desktop:feedback-inbox:v") and "harbourcafe_owner" in req.headers["user-agent"]
    assert req.form() == {"api_type": ["json"], "thing_id": ["t3_1txb"], "text": [TEXT]}
    assert entry.remote_id == "t1_ozk3"
    assert [o.url for o in owner] == ["https://www.reddit.com/r/brighton/comments/1txb/x/ozk3/"]


async def test_reddit_errors_in_a_200_fail_the_entry(store, replay, http) -> None:
    replay.add("POST", r"/api/comment", Reply(json={"json": {"errors": [["THREAD_LOCKED", "that thread is locked", None]]}}))
    item = add_item(store, "reddit", replay.base_url, "t3_1txb")
    outbox = Outbox(store, factory(http, {"access_token": "r"}))
    entry = outbox.queue(item.id, TEXT, undo_seconds=0)
    [result] = await outbox.flush()
    assert result.state == "failed" and "locked" in outbox.get(entry.id).last_error


async def test_google_play_reply(store, replay, http) -> None:
    replay.add("POST", r"/androidpublisher/v3/applications/com\.harbour/reviews/gp:AOq:reply",
               Reply(json={"result": {"replyText": TEXT, "lastEdited": {"seconds": "1773489120", "nanos": 0}}}))
    item = add_item(store, "googleplay", replay.base_url + "/androidpublisher/v3", "gp:AOq",
                    settings={"package_name": "com.harbour"})
    entry, owner = await _send(store, http, item, {"access_token": "ya29.play"})
    [req] = replay.requests
    assert req.headers["authorization"] == "Bearer ya29.play"
    assert req.json() == {"replyText": TEXT}
    assert entry.remote_id == "gp:AOq:reply" and [o.text for o in owner] == [TEXT]


async def test_rejected_reply_fails_with_the_sites_reason(store, replay, http) -> None:
    replay.add("GET", r"/api/v1/statuses/1140", Reply(status=404, json={"error": "Record not found"}))
    item = add_item(store, "mastodon", replay.base_url, "1140", handle="jon")
    outbox = Outbox(store, factory(http, {"access_token": "m"}))
    entry = outbox.queue(item.id, TEXT, undo_seconds=0)
    [result] = await outbox.flush()
    assert result.state == "failed"
    assert outbox.get(entry.id).last_error == "Mastodon rejected the reply: Record not found"
    assert replay.count("POST", r"/api/v1/statuses") == 0


async def test_missing_token_is_a_clear_failure_without_a_request(store, replay, http) -> None:
    item = add_item(store, "google", replay.base_url, "accounts/1/locations/2/reviews/3")
    outbox = Outbox(store, factory(http, {}))
    entry = outbox.queue(item.id, TEXT, undo_seconds=0)
    await outbox.flush()
    assert outbox.get(entry.id).state == "failed"
    assert "no access token saved" in outbox.get(entry.id).last_error
    assert replay.requests == []
