"""Reading a response body as JSON, failing with a clear `BadPayload` (for connectors that
need the response's headers too, e.g. Mastodon's `Link`)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import httpx

from inbox.sources.base import BadPayload


def where(url: str) -> str:
    """Host and path only: query strings may hold tokens."""
    parts = urlsplit(url)
    return f"{parts.netloc}{parts.path}"


def web_link(url: str) -> str:
    """`url` when it is a web page's address (http or https), else "": a feed's link is the
    item's "Open in browser" and its export hyperlink, never a script or a local file."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return ""
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else ""


def looks_like_html(body: bytes, content_type: str = "") -> bool:
    head = body[:512].lstrip().lower()
    return "html" in content_type.lower() or head.startswith((b"<!doctype", b"<html", b"<head", b"<body"))


def parse_json(response: httpx.Response) -> Any:
    """The body as JSON, or BadPayload saying why not (HTML page, bad UTF-8, truncated)."""
    body = response.content
    place = where(str(response.request.url)) if response.request else "the source"
    if looks_like_html(body, response.headers.get("content-type", "")):
        raise BadPayload(f"{place} sent an HTML page instead of data (status {response.status_code})")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadPayload(f"{place} sent text that is not valid UTF-8") from None
    try:
        return json.loads(text)
    except ValueError:
        raise BadPayload(f"{place} sent invalid or truncated JSON ({len(body)} bytes)") from None
