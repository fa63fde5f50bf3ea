"""Google Business Profile: `PUT …/reviews/{id}/reply` creates or replaces the reply."""

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

SITE = "Google"


def review_name(connector: Connector, item: ItemRow) -> str:
    """`accounts/{a}/locations/{l}/reviews/{r}`: the item's id when it is the full name,
    else built from the source's account and location settings."""
    if item.external_id.startswith("accounts/"):
        return item.external_id
    account, location = connector.setting("account_id"), connector.setting("location_id")
    if not (account and location):
        raise SourceError("the Google source needs account_id and location_id to post replies")
    return f"accounts/{account.removeprefix('accounts/')}/locations/{location.removeprefix('locations/')}" \
           f"/reviews/{item.external_id.rsplit('/', 1)[-1]}"


async def post_reply(connector: Connector, item: ItemRow, text: str, idempotency_key: str) -> Item:
    headers = await bearer_headers(connector, "access_token")
    response = await connector.http.request(
        "PUT", f"{connector.base_url}/{review_name(connector, item)}/reply", headers=headers,
        json={"comment": text}, ok_statuses=READ_STATUSES)
    payload = check(response, SITE) or {}
    return owner_reply(connector, item, embedded_reply_id("google", item.external_id),
                       payload.get("comment") or text, created_at=parse_time(payload.get("updateTime")))


async def find_owner_reply(connector: Connector, item: ItemRow) -> Item | None:
    headers = await bearer_headers(connector, "access_token")
    response = await connector.http.request(
        "GET", f"{connector.base_url}/{review_name(connector, item)}", headers=headers,
        ok_statuses=READ_STATUSES)
    reply = (check(response, SITE) or {}).get("reviewReply")
    if not isinstance(reply, dict) or not reply.get("comment"):
        return None
    return owner_reply(connector, item, embedded_reply_id("google", item.external_id), reply["comment"],
                       created_at=parse_time(reply.get("updateTime")))
