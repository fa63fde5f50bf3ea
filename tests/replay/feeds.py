"""Canned RSS / Atom feeds (Google Alerts shape) for the replay server, with ETag support."""

from __future__ import annotations

import hashlib
from html import escape

from tests.replay.server import ReplayServer, Reply, Request


def alerts_entry(i: int, title: str | None = None, content: str | None = None, link: str | None = None) -> str:
    real = f"https://www.coastal-news.example/food/story-{i}%3Fref%3Drss"
    link = link if link is not None else f"https://www.google.com/url?rct=j&sa=t&url={real}&ct=ga&usg=AOvVaw{i}"
    title = title if title is not None else f"Story {i}: <b>Harbour Street Café</b> makes the list"
    content = content if content is not None else f"... the cinnamon buns at <b>Harbour Street Café</b> sell out&nbsp;{i} ..."
    return (f"<entry><id>tag:google.com,2013:googlealerts/feed:{9000 + i}</id>"
            f'<title type="html">{escape(title)}</title>'
            f'<link href="{escape(link)}"></link>'
            f"<published>2026-03-{1 + i % 28:02d}T06:48:10Z</published>"
            f"<updated>2026-03-{1 + i % 28:02d}T06:48:10Z</updated>"
            f'<content type="html">{escape(content)}</content><author><name></name></author></entry>')


def atom(entries: list[str]) -> str:
    return ('<?xml version="1.0" encoding="utf-8"?>'
            '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:idx="urn:atom-extension:indexing">'
            "<id>tag:google.com,2005:reader/user/1/state/com.google/alerts/2</id>"
            '<title>Google Alert - "Harbour Street Café"</title>'
            "<updated>2026-03-14T07:02:41Z</updated>" + "".join(entries) + "</feed>")


class FakeFeed:
    """A feed at `path` that honours If-None-Match with 304."""

    def __init__(self, n: int = 10, path: str = "/alerts/feed") -> None:
        self.entries = [alerts_entry(i) for i in range(n)]
        self.path = path
        self.body: str | bytes | None = None  # override with a broken body

    def handle(self, req: Request) -> Reply:
        body = self.body if self.body is not None else atom(self.entries)
        data = body.encode() if isinstance(body, str) else body
        etag = '"' + hashlib.sha1(data).hexdigest()[:16] + '"'
        if req.headers.get("if-none-match") == etag:
            return Reply(status=304, headers={"ETag": etag})
        return Reply(body=data, content_type="application/atom+xml; charset=utf-8", headers={"ETag": etag})

    def install(self, server: ReplayServer) -> FakeFeed:
        server.add("GET", self.path, self.handle)
        return self
