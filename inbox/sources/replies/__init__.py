"""The reply half of connectors: one module per source kind with a reply API.

The modules are named here, once, and imported when a reply is posted; a kind that is not
listed has no reply API, and a listed module that is missing is an error."""

from __future__ import annotations

REPLY_MODULES: dict[str, str] = {
    "google": "inbox.sources.replies.google",
    "trustpilot": "inbox.sources.replies.trustpilot",
    "facebook": "inbox.sources.replies.facebook",
    "mastodon": "inbox.sources.replies.mastodon",
    "bluesky": "inbox.sources.replies.bluesky",
    "reddit": "inbox.sources.replies.reddit",
    "googleplay": "inbox.sources.replies.googleplay",
}
