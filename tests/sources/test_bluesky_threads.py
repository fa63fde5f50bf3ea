"""Bluesky: the thread around each mention (getPostThread, bounded), and the session kept
in the keyring between syncs instead of a createSession every run. Over real HTTP against
the fake PDS, with thread posts recorded by the atproto AppView (tests/replay/recorded.py)."""

from __future__ import annotations

import json

from inbox.secrets import key_of
from tests.replay.bluesky import FakeBluesky
from tests.replay.recorded import BSKY_ALICE, BSKY_IDS, BSKY_POSTS, recorded
from tests.replay.server import Reply
from tests.sync_helpers import SECRETS, add_source, forget_test_secrets, item_count, run_sync  # noqa: F401

PASSWORD = "abcd-efgh-ijkl-mnop"


def source(store, replay, handle="alice.test"):
    return add_source(store, "bluesky", "bsky", {"handle": handle, "base_url": replay.base_url},
                      {"app_password": PASSWORD})


def fake_with_thread(replay) -> FakeBluesky:
    fake = FakeBluesky(n=0, handle="alice.test", did=BSKY_ALICE).install(replay)
    fake.others += [recorded(BSKY_POSTS["again"]), recorded(BSKY_POSTS["thanks bob"]),
                    recorded(BSKY_POSTS["of course"])]
    note = recorded(BSKY_POSTS["hear that"])             # bob's reply to us: a notification
    note.update({"reason": "reply", "isRead": False, "indexedAt": "2026-03-01T10:00:00.000Z"})
    fake.notifications.append(note)
    return fake


def test_a_reply_brings_its_whole_thread_with_our_own_posts_marked(store, replay):
    fake_with_thread(replay)
    src = source(store, replay)
    [s] = run_sync(store)
    assert s.ok, s.error
    rows = {r["external_id"]: r for r in store.conn.execute(
        "SELECT external_id, text, is_owner_reply, thread_id FROM items WHERE source_id = ?", (src.id,))}
    # bob's reply, the post it answers and our answer below it; carol's reply to the root is
    # beside bob's post, not above or below it, so not in its thread
    assert set(rows) == {BSKY_IDS["hear that"], BSKY_IDS["again"], BSKY_IDS["thanks bob"]}
    assert rows[BSKY_IDS["thanks bob"]]["is_owner_reply"] == 1 and rows[BSKY_IDS["again"]]["is_owner_reply"] == 1
    assert rows[BSKY_IDS["hear that"]]["is_owner_reply"] == 0
    assert len({r["thread_id"] for r in rows.values()}) == 1
    thread_call = next(r for r in replay.requests if r.path.endswith("getPostThread"))
    assert (thread_call.arg("depth"), thread_call.arg("parentHeight")) == ("6", "20")


def test_the_session_is_kept_in_the_keyring_and_refreshed_not_recreated(store, replay):
    fake = FakeBluesky(n=5).install(replay)
    key = key_of(source(store, replay, handle=fake.handle))
    [first] = run_sync(store)
    assert first.ok and fake.sessions == 1
    kept = json.loads(SECRETS.get(key)["session"])
    assert kept["accessJwt"] == "access-0" and kept["handle"] == fake.handle
    assert SECRETS.get(key)["app_password"] == PASSWORD               # merged, not replaced
    fake.notify("one more")
    [second] = run_sync(store)
    assert second.ok and second.new == 1 and fake.sessions == 1          # no second createSession
    fake.expire_tokens()                                                 # the kept access token expired
    fake.notify("and another")
    [third] = run_sync(store)
    assert third.ok and third.new == 1
    assert fake.sessions == 2 and fake.refreshes == 1    # refreshed (the fake's refresh mints a session)
    assert json.loads(SECRETS.get(key)["session"])["accessJwt"] == "access-1"


def test_a_session_of_another_account_is_not_used(store, replay):
    fake = FakeBluesky(n=2).install(replay)
    key = key_of(source(store, replay, handle=fake.handle))
    SECRETS.set(key, {"session": json.dumps({"handle": "someone.else", "accessJwt": "access-0",
                                                "refreshJwt": "refresh-0", "did": "did:plc:x"})})
    [s] = run_sync(store)
    assert s.ok and fake.sessions == 1


def test_a_deleted_post_has_no_thread_and_fails_nothing(store, replay):
    fake = FakeBluesky(n=1).install(replay)
    replay.add("GET", r"/xrpc/app.bsky.feed.getPostThread",
               Reply(status=400, json={"error": "NotFound", "message": "Post not found"}))
    source(store, replay, handle=fake.handle)
    [s] = run_sync(store)
    assert s.ok and item_count(store) == 1
