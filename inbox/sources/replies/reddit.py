"""Reddit: `POST /api/comment` (form: api_type=json, thing_id, text). Failures come back as
HTTP 200 with `json.errors`, so the body is always read."""

from __future__ import annotations

from typing import Any

from inbox import __version__
from inbox.domain import ItemRow, parse_time
from inbox.sources.base import Connector, Item, RateLimited
from inbox.sources.replies._common import READ_STATUSES, ReplyRejected, bearer_headers, check, owner_reply

SITE = "Reddit"


async def _headers(connector: Connector) -> dict[str, str]:
    headers = await bearer_headers(connector, "access_token")
    agent = getattr(connector, "user_agent", None) or (
        f"desktop:feedback-inbox:v{__version__} (by /u/{connector.setting('username') or 'unknown'})")
    return {**headers, "User-Agent": agent}


def _comment(connector: Connector, item: ItemRow, data: dict[str, Any]) -> Item:
    permalink = data.get("permalink") or ""
    return owner_reply(connector, item, str(data.get("name") or f"t1_{data.get('id')}"),
                       data.get("body") or "", url=f"https://www.reddit.com{permalink}" if permalink else "",
                       author_id=str(data.get("author_fullname") or data.get("author") or ""),
                       created_at=parse_time(data.get("created_utc")))


async def post_reply(connector: Connector, item: ItemRow, text: str, idempotency_key: str) -> Item:
    response = await connector.http.request(
        "POST", f"{connector.base_url}/api/comment", headers=await _headers(connector),
        data={"api_type": "json", "thing_id": item.external_id, "text": text}, ok_statuses=READ_STATUSES)
    body = (check(response, SITE) or {}).get("json") or {}
    errors = body.get("errors") or []
    if errors:
        code, message = [*errors[0], "", ""][:2]
        if code == "RATELIMIT":
            raise RateLimited(detail=f"Reddit: {message}")
        raise ReplyRejected(f"Reddit rejected the reply: {message or code}")
    things = (body.get("data") or {}).get("things") or []
    if not things:
        raise ReplyRejected("Reddit did not confirm the comment")
    return _comment(connector, item, {"body": text, **things[0].get("data", {})})


async def find_owner_reply(connector: Connector, item: ItemRow) -> Item | None:
    """Our newest comments, looking for one whose parent is the item (Reddit has no
    "children of X by me" query)."""
    headers = await _headers(connector)
    me = connector.setting("username") or connector.secret_values.get("username") or (check(await connector.http.request(
        "GET", f"{connector.base_url}/api/v1/me", headers=headers, ok_statuses=READ_STATUSES), SITE)
        or {}).get("name")
    listing = check(await connector.http.request(
        "GET", f"{connector.base_url}/user/{me}/comments", headers=headers,
        params={"limit": 100, "sort": "new", "raw_json": 1}, ok_statuses=READ_STATUSES), SITE) or {}
    for child in (listing.get("data") or {}).get("children") or []:
        data = child.get("data") if isinstance(child, dict) else None
        if isinstance(data, dict) and data.get("parent_id") == item.external_id:
            return _comment(connector, item, data)
    return None
