"""Trustpilot: `POST /v1/private/reviews/{id}/reply` with a Business user's OAuth token; an
existing reply is read first from the public `GET /v1/reviews/{id}` (`companyReply`)."""

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
    """Whether the review already has our reply, read with the public `GET /v1/reviews/{id}`
    (API key only), whose answer carries `companyReply`. A 404 there (a review the public
    API does not serve, e.g. one under moderation) says nothing about a reply, so it is not
    an error: the reply is sent."""
    key = connector.secret_values.get("api_key")
    headers = {"apikey": key} if key else await bearer_headers(connector, "access_token")
    response = await connector.http.request(
        "GET", f"{connector.base_url}/reviews/{item.external_id}", headers=headers,
        ok_statuses=READ_STATUSES)
    if response.status_code == 404:
        return None
    reply = (check(response, SITE) or {}).get("companyReply")
    if not isinstance(reply, dict) or not reply.get("text"):
        return None
    return owner_reply(connector, item, embedded_reply_id("trustpilot", item.external_id), reply["text"],
                       created_at=parse_time(reply.get("createdAt")))
