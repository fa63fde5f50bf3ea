"""Trustpilot: `POST /v1/private/reviews/{id}/reply` with a Business user's OAuth token."""

from __future__ import annotations

from inbox.domain import ItemRow, parse_time
from inbox.sources.base import Connector, Item, SourceError
from inbox.sources.replies._common import (
    READ_STATUSES,
    bearer_headers,
    check,
    embedded_reply_id,
    owner_reply,
)

SITE = "Trustpilot"


async def post_reply(connector: Connector, item: ItemRow, text: str, idempotency_key: str) -> Item:
    user = connector.setting("business_user_id") or connector.secret_values.get("business_user_id")
    if not user:
        raise SourceError("the Trustpilot source needs business_user_id (your Trustpilot Business "
                          "user id, on your profile page) to post replies")
    headers = await bearer_headers(connector, "access_token")
    response = await connector.http.request(
        "POST", f"{connector.base_url}/private/reviews/{item.external_id}/reply", headers=headers,
        json={"authorBusinessUserId": user, "message": text}, ok_statuses=READ_STATUSES)
    check(response, SITE)  # 201, the body may be empty
    return owner_reply(connector, item, embedded_reply_id("trustpilot", item.external_id), text)


async def find_owner_reply(connector: Connector, item: ItemRow) -> Item | None:
    headers = await bearer_headers(connector, "access_token")
    response = await connector.http.request(
        "GET", f"{connector.base_url}/private/reviews/{item.external_id}", headers=headers,
        ok_statuses=READ_STATUSES)
    reply = (check(response, SITE) or {}).get("companyReply")
    if not isinstance(reply, dict) or not reply.get("text"):
        return None
    return owner_reply(connector, item, embedded_reply_id("trustpilot", item.external_id), reply["text"],
                       created_at=parse_time(reply.get("createdAt")))
