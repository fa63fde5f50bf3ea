"""Source kind → connector class. Each kind's module `inbox.sources.<kind>` exposes
`CONNECTOR`. The modules are named here, once, and imported on first use (the sync engine
imports them off the event loop, and most commands need none of them); a module that is
missing or renamed is an error, never a kind quietly left out."""

from __future__ import annotations

import importlib

from inbox.domain import SourceKind
from inbox.sources.base import Connector, SourceError

CONNECTOR_MODULES: dict[str, str] = {
    SourceKind.GOOGLE: "inbox.sources.google",
    SourceKind.YELP: "inbox.sources.yelp",
    SourceKind.TRUSTPILOT: "inbox.sources.trustpilot",
    SourceKind.FACEBOOK: "inbox.sources.facebook",
    SourceKind.MASTODON: "inbox.sources.mastodon",
    SourceKind.BLUESKY: "inbox.sources.bluesky",
    SourceKind.REDDIT: "inbox.sources.reddit",
    SourceKind.RSS: "inbox.sources.rss",
    SourceKind.APPSTORE: "inbox.sources.appstore",
    SourceKind.GOOGLEPLAY: "inbox.sources.googleplay",
    SourceKind.FILE: "inbox.sources.file",
}

KINDS: list[str] = [k.value for k in SourceKind]


def connector_class(kind: str) -> type[Connector]:
    if kind not in CONNECTOR_MODULES:
        raise SourceError(f"unknown source kind {kind!r}; known kinds: {', '.join(KINDS)}")
    return importlib.import_module(CONNECTOR_MODULES[kind]).CONNECTOR


def available_kinds() -> list[str]:
    """Kinds a user can add: every kind has its connector."""
    return [kind for kind in KINDS if kind in CONNECTOR_MODULES]
