"""Facebook Page: a reply is a comment, `POST /{comment-id}/comments` with `message`."""

from __future__ import annotations

from inbox.domain import ItemRow, parse_time
from inbox.sources.base import Connector, Item, ReplyNotSupported
from inbox.sources.replies._common import (
    READ_STATUSES,
    ReplyRejected,
    bearer_headers,
    check,
    error_text,
    owner_reply,
)

SITE = "Facebook"


def _target(item: ItemRow) -> str:
    if item.external_id.startswith("rating:"):  # ratings are deprecated and can't be answered here
        raise ReplyNotSupported("Facebook recommendations can't be answered through the API: "
                                "copy the reply and open the page")
    return item.external_id


async def post_reply(connector: Connector, item: ItemRow, text: str, idempotency_key: str) -> Item:
    headers = await bearer_headers(connector, "page_token", "access_token")
    response = await connector.http.request(
        "POST", f"{connector.base_url}/{_target(item)}/comments", headers=headers,
        data={"message": text}, ok_statuses=READ_STATUSES)
    payload = check(response, SITE) or {}
    if not payload.get("id"):
        raise ReplyRejected(f"{SITE} did not confirm the comment: {error_text(payload) or 'no id returned'}")
    return owner_reply(connector, item, str(payload["id"]), text, author_id=connector.setting("page_id") or "")


async def find_owner_reply(connector: Connector, item: ItemRow) -> Item | None:
    page_id = connector.setting("page_id")
    headers = await bearer_headers(connector, "page_token", "access_token")
    response = await connector.http.request(
        "GET", f"{connector.base_url}/{_target(item)}/comments", headers=headers,
        params={"fields": "id,from,message,created_time,permalink_url", "limit": 100},
        ok_statuses=READ_STATUSES)
    for comment in (check(response, SITE) or {}).get("data") or []:
        who = (comment.get("from") or {}).get("id") if isinstance(comment, dict) else None
        if page_id and who == page_id:
            return owner_reply(connector, item, str(comment["id"]), comment.get("message") or "",
                               url=comment.get("permalink_url") or "", author_id=page_id,
                               created_at=parse_time(comment.get("created_time")))
    return None
