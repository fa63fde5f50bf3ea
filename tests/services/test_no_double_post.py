"""For every reply API: the site stored our reply but its answer was lost (502). The retry
asks the site first, finds the reply, and records it — one POST, one owner reply."""

from __future__ import annotations

from datetime import timedelta

import pytest

from inbox.domain import utcnow
from inbox.services.outbox import Outbox
from tests.replay import Reply
from tests.replies.support import add_item, factory, reply_http

TEXT = "Hi Jane, sorry the soup was cold. Lunch is on us next time."
URI = "at://did:plc:jane/app.bsky.feed.post/3abc"


def bluesky(server):
    server.add("POST", r"/xrpc/com.atproto.server.createSession", Reply(json={"did": "did:plc:me", "accessJwt": "a"}))
    server.add("GET", r"/xrpc/app.bsky.feed.getPosts", Reply(json={"posts": [{"uri": URI, "cid": "c"}]}))
    server.add("GET", r"/xrpc/app.bsky.feed.getPostThread", Reply(json={"thread": {"post": {"uri": URI}, "replies": [
        {"post": {"uri": "at://did:plc:other/app.bsky.feed.post/1", "author": {"did": "did:plc:other"},
                  "record": {"text": TEXT}}},
        {"post": {"uri": "at://did:plc:me/app.bsky.feed.post/9", "author": {"did": "did:plc:me"},
                  "record": {"text": TEXT}}}]}}))
    return "POST", r"/xrpc/com.atproto.repo.createRecord", URI, {}, {"identifier": "me", "app_password": "p"}, \
        "at://did:plc:me/app.bsky.feed.post/9"


def reddit(server):
    server.add("GET", r"/user/owner/comments", Reply(json={"data": {"children": [
        {"kind": "t1", "data": {"name": "t1_other", "parent_id": "t3_zzz", "body": TEXT}},
        {"kind": "t1", "data": {"name": "t1_mine", "parent_id": "t3_abc", "body": TEXT,
                                "permalink": "/r/x/comments/abc/t/mine/"}}]}}))
    return "POST", r"/api/comment", "t3_abc", {"username": "owner"}, {"access_token": "r"}, "t1_mine"


def facebook(server):
    server.add("GET", r"/1_2/comments", Reply(json={"data": [
        {"id": "1_3", "from": {"id": "999"}, "message": "me too"},
        {"id": "1_4", "from": {"id": "77"}, "message": TEXT}]}))
    return "POST", r"/1_2/comments", "1_2", {"page_id": "77"}, {"page_token": "t"}, "1_4"


def trustpilot(server):
    # the public GET /v1/reviews/{id} (API key), which carries companyReply
    server.add("GET", r"/reviews/tp1$", Reply(json={"id": "tp1", "companyReply": {"text": TEXT}}))
    return "POST", r"/private/reviews/tp1/reply", "tp1", {"business_user_id": "u"}, \
        {"access_token": "t", "api_key": "k"}, "tp1:reply"


def googleplay(server):
    server.add("GET", r"/applications/com\.x/reviews/gp1", Reply(json={"reviewId": "gp1", "comments": [
        {"userComment": {"text": "crash", "starRating": 2}}, {"developerComment": {"text": TEXT}}]}))
    return "POST", r"/applications/com\.x/reviews/gp1:reply", "gp1", {"package_name": "com.x"}, \
        {"access_token": "t"}, "gp1:reply"


@pytest.mark.parametrize("site", [bluesky, reddit, facebook, trustpilot, googleplay], ids=lambda f: f.__name__)
async def test_lost_answer_is_not_posted_twice(store, replay, site) -> None:
    method, path, external_id, settings, secrets, remote_id = site(replay)
    replay.add(method, path, Reply(status=502, body="Bad Gateway"))
    item = add_item(store, site.__name__, replay.base_url, external_id, settings=settings)
    http = reply_http()
    try:
        outbox = Outbox(store, factory(http, secrets))
        entry = outbox.queue(item.id, TEXT, undo_seconds=0)
        [first] = await outbox.flush()
        assert first.state == "queued"
        [second] = await outbox.flush(utcnow() + timedelta(minutes=1))
    finally:
        await http.aclose()
    assert second.state == "sent" and second.already_there
    assert replay.count(method, path) == 1
    assert outbox.get(entry.id).remote_id == remote_id
    owner = [i for i in store.get_thread(item.thread_id).items if i.is_owner_reply]
    assert [o.text for o in owner] == [TEXT]


async def test_a_different_earlier_reply_is_not_taken_for_ours(store, replay) -> None:
    """An owner reply with other words (written elsewhere) doesn't stop ours going out."""
    replay.add("GET", r"/1_2/comments", Reply(json={"data": [{"id": "1_4", "from": {"id": "77"}, "message": "Old one"}]}))
    replay.add("POST", r"/1_2/comments", [Reply(status=502), Reply(json={"id": "1_5"})])
    item = add_item(store, "facebook", replay.base_url, "1_2", settings={"page_id": "77"})
    http = reply_http()
    try:
        outbox = Outbox(store, factory(http, {"page_token": "t"}))
        entry = outbox.queue(item.id, TEXT, undo_seconds=0)
        await outbox.flush()
        [second] = await outbox.flush(utcnow() + timedelta(minutes=1))
    finally:
        await http.aclose()
    assert second.state == "sent" and not second.already_there
    assert outbox.get(entry.id).remote_id == "1_5" and replay.count("POST", r"/1_2/comments") == 2


async def test_trustpilot_a_404_from_the_reply_check_does_not_stop_the_reply(store, replay) -> None:
    """The public review read answers 404 (a review it does not serve): the reply still goes."""
    replay.add("GET", r"/reviews/tp2$", Reply(status=404, json={"message": "Not found"}))
    replay.add("POST", r"/private/reviews/tp2/reply", [Reply(status=502), Reply(status=201)])
    item = add_item(store, "trustpilot", replay.base_url, "tp2", settings={"business_user_id": "u"})
    http = reply_http()
    try:
        outbox = Outbox(store, factory(http, {"access_token": "t", "api_key": "k"}))
        entry = outbox.queue(item.id, TEXT, undo_seconds=0)
        await outbox.flush()
        [second] = await outbox.flush(utcnow() + timedelta(minutes=1))
    finally:
        await http.aclose()
    assert second.state == "sent" and not second.already_there
    assert replay.count("GET", r"/reviews/tp2$") == 1 and outbox.get(entry.id).state == "sent"
