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


# -- Reddit --------------------------------------------------------------------------------
# Recorded by PRAW's integration tests against reddit.com (praw-dev/praw,
# tests/integration/cassettes/TestComment.test_parent__chain.json, 2017-07-22): the answer
# to GET /comments/6otocc/_/dkk4qjd?context=100 — the post "Comment Chain" and the chain of
# comments "24" … "32" above comment dkk4qjd (Reddit sends at most 8 parents: the top one's
# own parent, t1_dkk4q9z, is not in it). The fields below are the recorded ones; PRAW's
# cassette masks the author as <USERNAME> and the subreddit as <TEST_SUBREDDIT>.
REDDIT_POST = {
    "id": "6otocc", "name": "t3_6otocc", "title": "Comment Chain", "selftext": "", "selftext_html": None,
    "author": "<USERNAME>", "subreddit": "<TEST_SUBREDDIT>", "subreddit_name_prefixed": "r/<TEST_SUBREDDIT>",
    "subreddit_id": "t5_2t5o6", "num_comments": 32, "score": 1, "ups": 1, "downs": 0, "edited": False,
    "is_self": True, "created": 1500735394.0, "created_utc": 1500706594.0, "domain": "self.<TEST_SUBREDDIT>",
    "permalink": "/r/<TEST_SUBREDDIT>/comments/6otocc/comment_chain/",
    "url": "https://www.reddit.com/r/<TEST_SUBREDDIT>/comments/6otocc/comment_chain/"}
# (id, body, created_utc, parent) from the top of the chain down
REDDIT_CHAIN = [("dkk4qc2", "24", 1500706654.0, "t1_dkk4q9z"), ("dkk4qd0", "25", 1500706656.0, "t1_dkk4qc2"),
                ("dkk4qe9", "26", 1500706658.0, "t1_dkk4qd0"), ("dkk4qfj", "27", 1500706660.0, "t1_dkk4qe9"),
                ("dkk4qg2", "28", 1500706661.0, "t1_dkk4qfj"), ("dkk4qgv", "29", 1500706663.0, "t1_dkk4qg2"),
                ("dkk4qhx", "30", 1500706665.0, "t1_dkk4qgv"), ("dkk4qin", "31", 1500706666.0, "t1_dkk4qhx"),
                ("dkk4qjd", "32", 1500706668.0, "t1_dkk4qin")]


def reddit_comment(cid: str, body: str, created: float, parent: str, depth: int,
                   author: str = "<USERNAME>") -> dict[str, Any]:
    """One recorded comment's `data` (its `replies` filled in by the caller)."""
    return {"subreddit_id": "t5_2t5o6", "link_id": "t3_6otocc", "replies": "", "id": cid, "gilded": 0,
            "archived": False, "score": 1, "author": author, "created_utc": created, "parent_id": parent,
            "subreddit_name_prefixed": "r/<TEST_SUBREDDIT>", "controversiality": 0, "body": body,
            "edited": False, "downs": 0, "body_html": f'<div class="md"><p>{body}</p>\n</div>',
            "stickied": False, "subreddit": "<TEST_SUBREDDIT>", "score_hidden": False,
            "subreddit_type": "public", "name": f"t1_{cid}", "created": created + 28800.0, "collapsed": False,
            "ups": 1, "depth": depth, "distinguished": None}


# -- Facebook ------------------------------------------------------------------------------
# Recorded by python-facebook's tests against the Graph API (sns-sdks/python-facebook,
# testdata/facebook/apidata/posts/feed_fields_p1.json: a Page's posts with
# fields=id,message,created_time; testdata/facebook/apidata/comments/comments_p1.json:
# comments on a post with filter=stream). That recording asked for no `id` or `from` on the
# comments, so each comment's id is the `comment_id` of its recorded permalink_url.
FACEBOOK_PAGE = "4"
FACEBOOK_POSTS = [
    {"id": "4_10113477241177441", "message": "Happy July 4th! 🇺🇸", "created_time": "2021-07-04T19:50:58+0000"},
    {"id": "4_10113400535556121",
     "message": "I'm grateful to get to build things that so many people find meaningful in their lives.",
     "created_time": "2021-06-29T01:34:06+0000"},
    {"id": "4_10113319652002411",
     "message": "New commerce features coming to support businesses and make shopping easier: Shops on "
                "WhatsApp and Marketplace, Instagram Visual Search and Shops Ads. More detail in the comments.",
     "created_time": "2021-06-22T18:06:08+0000"},
]
FACEBOOK_COMMENTS = [
    {"comment_count": 1, "created_time": "2021-08-10T18:45:03+0000", "like_count": 0,
     "message": "Boa noite peço ajuda  Como faço para usar a minha página como meu perfil?",
     "permalink_url": "https://www.facebook.com/19292868552/posts/10158407654328553/?comment_id=10158407835073553"},
    {"comment_count": 2, "created_time": "2021-08-10T19:38:44+0000", "like_count": 0,
     "message": "Can someone from Instagram please assist me in getting my business Instagram back? It’s been "
                "5 months since I’ve submitted my verification and have yet to receive a response. This is my "
                "business account and it’s effecting my livelihood 😕 Facebook for Developers",
     "permalink_url": "https://www.facebook.com/19292868552/posts/10158407654328553/?comment_id=10158407903973553"},
]


def facebook_comment(entry: dict[str, Any], post: str) -> dict[str, Any]:
    """A recorded comment with the id its permalink names, on `post`."""
    cid = entry["permalink_url"].rsplit("comment_id=", 1)[-1]
    return {**entry, "id": f"{post.split('_')[-1]}_{cid}"}
