"""Responses recorded from real servers by public client libraries' test suites, kept as
they were sent (whitespace aside), for the conversation tests. Each block names where it
was recorded; the fake servers in this package serve them next to their generated data.
"""

from __future__ import annotations

import copy
from typing import Any

# -- Mastodon ------------------------------------------------------------------------------
# Recorded by Mastodon.py's test suite against a Mastodon 4.0 server on localhost:3000
# (halcy/Mastodon.py, tests/cassettes/test_id_hook_in_reply_to.yaml: a status "Toot!" and a
# reply to it; tests/cassettes/test_status_context.yaml: GET /api/v1/statuses/{id}/context
# answering {"ancestors":[],"descendants":[]} for a status with no conversation).
_MASTODON_ACCOUNT = {
    "id": "109440137734600341", "username": "mastodonpy_test", "acct": "mastodonpy_test",
    "display_name": "John Lennon", "locked": True, "bot": False, "discoverable": None, "group": False,
    "created_at": "2022-12-01T00:00:00.000Z", "note": "<p>I walk funny</p>",
    "url": "http://localhost:3000/@mastodonpy_test",
    "avatar": "http://localhost:3000/system/accounts/avatars/109/440/137/734/600/341/original/1fa6adb0173e410e.jpg",
    "avatar_static": "http://localhost:3000/system/accounts/avatars/109/440/137/734/600/341/original/1fa6adb0173e410e.jpg",
    "header": "http://localhost:3000/system/accounts/headers/109/440/137/734/600/341/original/96de51cc44c4a5d9.jpg",
    "header_static": "http://localhost:3000/system/accounts/headers/109/440/137/734/600/341/original/96de51cc44c4a5d9.jpg",
    "followers_count": 0, "following_count": 0, "statuses_count": 3, "last_status_at": "2022-12-01",
    "noindex": False, "emojis": [],
    "fields": [{"name": "bread", "value": "toasty.", "verified_at": None},
               {"name": "lasagna", "value": "no!!!", "verified_at": None}]}


def _mastodon_status(sid: str, created: str, reply_to: str | None, content: str) -> dict[str, Any]:
    return {
        "id": sid, "created_at": created, "in_reply_to_id": reply_to,
        "in_reply_to_account_id": _MASTODON_ACCOUNT["id"] if reply_to else None,
        "sensitive": False, "spoiler_text": "", "visibility": "public", "language": "ja",
        "uri": f"http://localhost:3000/users/mastodonpy_test/statuses/{sid}",
        "url": f"http://localhost:3000/@mastodonpy_test/{sid}", "replies_count": 0, "reblogs_count": 0,
        "favourites_count": 0, "edited_at": None, "favourited": False, "reblogged": False, "muted": False,
        "bookmarked": False, "pinned": False, "content": content, "filtered": [], "reblog": None,
        "application": {"name": "Mastodon.py test suite", "website": None}, "account": _MASTODON_ACCOUNT,
        "media_attachments": [], "mentions": [], "tags": [], "emojis": [], "card": None, "poll": None}


MASTODON_TOOT = _mastodon_status("109440142472665266", "2022-12-01T19:47:28.961Z", None, "<p>Toot!</p>")
MASTODON_REPLY = _mastodon_status("109440142475488149", "2022-12-01T19:47:29.004Z", "109440142472665266",
                                  "<p>Reply!</p>")
MASTODON_EMPTY_CONTEXT: dict[str, Any] = {"ancestors": [], "descendants": []}


def recorded(value: Any) -> Any:
    """A copy to hand out, so that no test changes the recording."""
    return copy.deepcopy(value)


# -- Bluesky -------------------------------------------------------------------------------
# Recorded by the atproto reference implementation's AppView tests (bluesky-social/atproto,
# packages/bsky/tests/views/__snapshots__/thread.test.ts.snap, "pds thread views fetches
# ancestors 1" and "fetches deep post thread 1"): getPostThread answers. The snapshot masks
# ids as `user(n)`, `record(n)` and `cids(n)`; they are given back here as real-shaped DIDs,
# at:// URIs and CIDs (`BSKY_IDS`), and the avatars and embeds are left out.
BSKY_ALICE = "did:plc:dfyspsc5lkr4aqxvupctnwla"   # user(0): in our tests, the business
BSKY_BOB = "did:plc:a2bobbobbobbobbobbobbob"      # user(2) / user(3)
BSKY_CAROL = "did:plc:c3carolcarolcarolcarol"     # user(2) in the deep thread
BSKY_IDS = {
    "again": f"at://{BSKY_ALICE}/app.bsky.feed.post/3kagain00001",
    "hear that": f"at://{BSKY_BOB}/app.bsky.feed.post/3khearthat01",
    "thanks bob": f"at://{BSKY_ALICE}/app.bsky.feed.post/3kthanksbob1",
    "of course": f"at://{BSKY_CAROL}/app.bsky.feed.post/3kofcourse01",
}


def _bsky_author(did: str, handle: str, name: str | None) -> dict[str, Any]:
    author: dict[str, Any] = {"did": did, "handle": handle, "viewer": {}}
    if name:
        author["displayName"] = name
    return author


def _bsky_post(text: str, author: dict[str, Any], cid: str, parent: str | None, root: str | None,
               counts: tuple[int, int, int]) -> dict[str, Any]:
    record: dict[str, Any] = {"$type": "app.bsky.feed.post", "createdAt": "1970-01-01T00:00:00.000Z", "text": text}
    if parent:
        record["reply"] = {"parent": {"cid": "bafyreiparent", "uri": BSKY_IDS[parent]},
                           "root": {"cid": "bafyreiroot", "uri": BSKY_IDS[root or parent]}}
    likes, replies, reposts = counts
    return {"author": author, "cid": cid, "indexedAt": "1970-01-01T00:00:00.000Z", "likeCount": likes,
            "record": record, "replyCount": replies, "repostCount": reposts, "uri": BSKY_IDS[text], "viewer": {}}


_ALICE = _bsky_author(BSKY_ALICE, "alice.test", "ali")
_BOB = _bsky_author(BSKY_BOB, "bob.test", "bobby")
_CAROL = _bsky_author(BSKY_CAROL, "carol.test", None)
BSKY_POSTS = {
    "again": _bsky_post("again", _ALICE, "bafyreiagain", None, None, (3, 2, 1)),
    "hear that": _bsky_post("hear that", _BOB, "bafyreihear", "again", None, (0, 1, 0)),
    "thanks bob": _bsky_post("thanks bob", _ALICE, "bafyreithanks", "hear that", "again", (0, 0, 1)),
    "of course": _bsky_post("of course", _CAROL, "bafyreicourse", "again", None, (0, 0, 0)),
}
