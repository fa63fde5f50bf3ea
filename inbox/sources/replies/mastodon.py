"""Mastodon: `POST /api/v1/statuses` with `in_reply_to_id` and an `Idempotency-Key`, so that
a retry after a timeout never posts twice (the server keeps keys for about an hour)."""

from __future__ import annotations

from inbox.domain import ItemRow, parse_time
from inbox.sources.base import Connector, Item
from inbox.sources.replies._common import READ_STATUSES, bearer_headers, check, owner_reply
from inbox.sources.replies._html import html_to_text

SITE = "Mastodon"
# Never answer more widely than the post we answer.
VISIBILITY = {"public": "unlisted", "unlisted": "unlisted", "private": "private", "direct": "direct"}


def status_id(item: ItemRow) -> str:
    return item.external_id.rsplit("/", 1)[-1]


def with_mention(text: str, acct: str) -> str:
    """Mentions are what notify: start with the author's @acct unless the reply names it."""
    acct = acct.strip().lstrip("@")
    if not acct or f"@{acct}".casefold() in text.casefold():
        return text
    return f"@{acct} {text}"


async def post_reply(connector: Connector, item: ItemRow, text: str, idempotency_key: str) -> Item:
    headers = await bearer_headers(connector, "access_token", "token")
    parent = check(await connector.http.request(
        "GET", f"{connector.base_url}/api/v1/statuses/{status_id(item)}", headers=headers,
        ok_statuses=READ_STATUSES), SITE) or {}
    status = with_mention(text, item.author_handle)
    response = await connector.http.request(
        "POST", f"{connector.base_url}/api/v1/statuses",
        headers={**headers, "Idempotency-Key": idempotency_key},
        json={"status": status, "in_reply_to_id": status_id(item),
              "visibility": VISIBILITY.get(parent.get("visibility"), "unlisted")},
        ok_statuses=READ_STATUSES)
    posted = check(response, SITE) or {}
    return owner_reply(connector, item, str(posted.get("id") or idempotency_key), status,
                       url=posted.get("url") or "", author_id=str((posted.get("account") or {}).get("id") or ""),
                       created_at=parse_time(posted.get("created_at")))


async def find_owner_reply(connector: Connector, item: ItemRow) -> Item | None:
    headers = await bearer_headers(connector, "access_token", "token")
    me = check(await connector.http.request(
        "GET", f"{connector.base_url}/api/v1/accounts/verify_credentials", headers=headers,
        ok_statuses=READ_STATUSES), SITE) or {}
    context = check(await connector.http.request(
        "GET", f"{connector.base_url}/api/v1/statuses/{status_id(item)}/context", headers=headers,
        ok_statuses=READ_STATUSES), SITE) or {}
    for status in context.get("descendants") or []:
        if (isinstance(status, dict) and status.get("in_reply_to_id") == status_id(item)
                and (status.get("account") or {}).get("id") == me.get("id")):
            return owner_reply(connector, item, str(status["id"]), html_to_text(status.get("content") or ""),
                               url=status.get("url") or "", author_id=str(me.get("id")),
                               created_at=parse_time(status.get("created_at")))
    return None
