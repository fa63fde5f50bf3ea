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
