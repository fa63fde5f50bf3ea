"""What the reply modules share: auth from the connector, reading error answers, and the
owner-reply item they hand back.

Auth: a connector may offer `auth_headers()` or `access_token()` (coroutines); otherwise the
token is read from the source's secrets under the names each module lists.
"""

from __future__ import annotations

import importlib
import json
from typing import Any

from inbox.domain import Author, Item, ItemKind, ItemRow, utcnow
from inbox.sources.base import Connector, CredentialsRejected, SourceError

# Statuses a reply module reads itself (the HTTP client raises for the rest).
READ_STATUSES = (400, 401, 403, 404, 409, 410, 422)


class ReplyRejected(SourceError):
    """The site refused this reply for a reason a retry won't fix (deleted post, locked
    thread, text rejected); the outbox marks it failed and shows the reason."""


async def bearer_headers(connector: Connector, *secret_names: str) -> dict[str, str]:
    hook = getattr(connector, "auth_headers", None)
    if callable(hook):
        return dict(await hook())
    for name in ("access_token", "token"):  # the connector's own (refreshing) token
        hook = getattr(connector, name, None)
        if callable(hook):
            return {"Authorization": f"Bearer {await hook()}"}
    for name in secret_names:
        token = connector.secret_values.get(name)
        if token:
            return {"Authorization": f"Bearer {token}"}
    raise CredentialsRejected(f"no access token saved for {connector.source.name} "
                              f"(needed to post replies)")


def body_of(response: Any) -> Any:
    try:
        return response.json()
    except (json.JSONDecodeError, ValueError):
        return None


def error_text(payload: Any) -> str:
    """The human part of an error body in any of the sources' shapes."""
    if isinstance(payload, dict):
        err = payload.get("error")
        if isinstance(err, dict):
            return str(err.get("message") or err.get("status") or "")[:300]
        for key in ("message", "error_description", "error"):
            if isinstance(payload.get(key), str):
                return payload[key][:300]
    return ""


def check(response: Any, site: str) -> Any:
    """The JSON body of a successful answer, or the right error for a failed one."""
    payload = body_of(response)
    status = response.status_code
    if status < 400:
        return payload
    detail = error_text(payload) or f"HTTP {status}"
    if status in (401, 403):
        raise CredentialsRejected(f"{site} refused the reply: {detail}")
    if status in (400, 404, 409, 410, 422):
        raise ReplyRejected(f"{site} rejected the reply: {detail}")
    raise SourceError(f"{site} answered HTTP {status}: {detail}")


def owner_reply(connector: Connector, item: ItemRow, external_id: str, text: str, *,
                url: str = "", author_id: str = "", created_at: Any = None) -> Item:
    """The reply as the thread shows it: the owner's item under the one it answers."""
    return Item(
        external_id=external_id, kind=ItemKind.REPLY, text=text, url=url or item.url,
        author=Author(external_id=author_id or f"owner:{connector.source.id}",
                      display_name=connector.source.name),
        created_at=created_at or utcnow(), is_owner_reply=True,
        parent_external_id=item.external_id)


def embedded_reply_id(kind: str, review_id: str) -> str:
    """The id the connector gives a reply embedded in a review (Google, Trustpilot, Play), so
    that the next sync updates the reply we posted instead of adding a second one."""
    try:
        module = importlib.import_module(f"inbox.sources.{kind}")
    except ImportError:
        return f"{review_id}:reply"
    if hasattr(module, "owner_reply_id"):
        return module.owner_reply_id(review_id)
    return review_id + getattr(module, "REPLY_SUFFIX", ":reply")
