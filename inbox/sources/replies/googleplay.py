"""Google Play: `POST …/reviews/{id}:reply` (creates or replaces; ~350 characters)."""

from __future__ import annotations

from inbox.domain import ItemRow
from inbox.sources.base import Connector, Item, SourceError
from inbox.sources.replies._common import (
    READ_STATUSES,
    bearer_headers,
    check,
    embedded_reply_id,
    owner_reply,
)

SITE = "Google Play"


def _review_url(connector: Connector, item: ItemRow) -> str:
    package = connector.setting("package_name")
    if not package:
        raise SourceError("the Google Play source needs a package_name")
    return f"{connector.base_url}/applications/{package}/reviews/{item.external_id}"


async def post_reply(connector: Connector, item: ItemRow, text: str, idempotency_key: str) -> Item:
    headers = await bearer_headers(connector, "access_token")
    response = await connector.http.request(
        "POST", _review_url(connector, item) + ":reply", headers=headers, json={"replyText": text},
        ok_statuses=READ_STATUSES)
    result = (check(response, SITE) or {}).get("result") or {}
    return owner_reply(connector, item, embedded_reply_id("googleplay", item.external_id),
                       result.get("replyText") or text)


async def find_owner_reply(connector: Connector, item: ItemRow) -> Item | None:
    headers = await bearer_headers(connector, "access_token")
    response = await connector.http.request("GET", _review_url(connector, item), headers=headers,
                                            ok_statuses=READ_STATUSES)
    for comment in (check(response, SITE) or {}).get("comments") or []:
        dev = comment.get("developerComment") if isinstance(comment, dict) else None
        if isinstance(dev, dict) and dev.get("text"):
            return owner_reply(connector, item, embedded_reply_id("googleplay", item.external_id), dev["text"])
    return None
