"""Bluesky: `com.atproto.repo.createRecord` of an `app.bsky.feed.post` whose `reply` names
the thread's root and the post we answer (both as {uri, cid} strong refs)."""

from __future__ import annotations

from typing import Any

from inbox.domain import ItemRow, utcnow
from inbox.sources.base import Connector, CredentialsRejected, Item
from inbox.sources.replies._common import READ_STATUSES, ReplyRejected, check, owner_reply

SITE = "Bluesky"


async def session(connector: Connector) -> dict[str, Any]:
    """{accessJwt, did, handle}: the connector's own session when it keeps one (it should —
    createSession is limited to 30 per 5 minutes), else a fresh login with the app password."""
    current = getattr(connector, "session", None)
    if isinstance(current, dict) and current.get("accessJwt"):
        return current
    login = getattr(connector, "login", None)
    if callable(login):
        return dict(await login())
    identifier = connector.setting("handle") or connector.secret_values.get("identifier")
    password = connector.secret_values.get("app_password") or connector.secret_values.get("password")
    if not (identifier and password):
        raise CredentialsRejected(f"no Bluesky handle and app password saved for {connector.source.name}")
    response = await connector.http.request(
        "POST", f"{connector.base_url}/xrpc/com.atproto.server.createSession",
        json={"identifier": identifier, "password": password}, ok_statuses=READ_STATUSES)
    if response.status_code in (400, 401):
        raise CredentialsRejected("Bluesky refused the handle or app password")
    return check(response, SITE) or {}


def _auth(sess: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {sess.get('accessJwt', '')}"}


def web_url(uri: str, handle: str) -> str:
    return f"https://bsky.app/profile/{handle}/post/{uri.rsplit('/', 1)[-1]}"


async def post_reply(connector: Connector, item: ItemRow, text: str, idempotency_key: str) -> Item:
    sess = await session(connector)
    found = check(await connector.http.request(
        "GET", f"{connector.base_url}/xrpc/app.bsky.feed.getPosts", params={"uris": item.external_id},
        headers=_auth(sess), ok_statuses=READ_STATUSES), SITE) or {}
    posts = found.get("posts") or []
    if not posts:
        raise ReplyRejected("Bluesky no longer has this post (deleted or blocked)")
    parent = {"uri": posts[0]["uri"], "cid": posts[0]["cid"]}
    root = ((posts[0].get("record") or {}).get("reply") or {}).get("root") or parent
    created = utcnow()
    record = {"$type": "app.bsky.feed.post", "text": text,
              "createdAt": created.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
              "reply": {"root": {"uri": root["uri"], "cid": root["cid"]}, "parent": parent}}
    if item.language:
        record["langs"] = [item.language]
    response = await connector.http.request(
        "POST", f"{connector.base_url}/xrpc/com.atproto.repo.createRecord", headers=_auth(sess),
        json={"repo": sess.get("did"), "collection": "app.bsky.feed.post", "record": record},
        ok_statuses=READ_STATUSES)
    made = check(response, SITE) or {}
    uri = made.get("uri") or ""
    return owner_reply(connector, item, uri, text, url=web_url(uri, sess.get("handle") or sess.get("did", "")),
                       author_id=sess.get("did", ""), created_at=created)


async def find_owner_reply(connector: Connector, item: ItemRow) -> Item | None:
    sess = await session(connector)
    thread = (check(await connector.http.request(
        "GET", f"{connector.base_url}/xrpc/app.bsky.feed.getPostThread",
        params={"uri": item.external_id, "depth": 1, "parentHeight": 0}, headers=_auth(sess),
        ok_statuses=READ_STATUSES), SITE) or {}).get("thread") or {}
    for reply in thread.get("replies") or []:
        post = reply.get("post") if isinstance(reply, dict) else None
        if isinstance(post, dict) and (post.get("author") or {}).get("did") == sess.get("did"):
            uri = post.get("uri") or ""
            return owner_reply(connector, item, uri, (post.get("record") or {}).get("text") or "",
                               url=web_url(uri, sess.get("handle") or ""), author_id=sess.get("did", ""),
                               created_at=None)
    return None


