"""Bluesky: mentions, replies and quotes (listNotifications) and post search (searchPosts),
signed in with an app password, and the thread around each of them (getPostThread).
Every call goes to the PDS (`base_url`) with the session token. The session is kept in the
keyring between syncs (`secret_updates`, saved by the engine): createSession is limited per
day, so a sync refreshes the kept session and signs in again only when that fails."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any, ClassVar

from inbox.domain import Author, Item, ItemKind, format_time, parse_time
from inbox.domain.reply_length import ReplyLimit
from inbox.sources.base import BadPayload, Connector, CredentialsRejected, Page, Setting, SourceError
from inbox.sources.payload import parse_json
from inbox.sources.watermark import Watermark

MAX_PAGES = 200  # a first sync keeps at most the newest 20,000 notifications
REASONS = ("mention", "reply", "quote")
# Threads fetched per sync (newest first), and how far around each post: replies below
# (`depth`) and posts above (`parentHeight`).
MAX_THREADS = 25
THREAD_DEPTH = 6
PARENT_HEIGHT = 20
SESSION_SECRET = "session"   # the kept session (JSON), beside the app password


OVERLAP_S = 120  # posts indexed late by up to this much are still fetched

class BlueskyConnector(Connector):
    kind = "bluesky"
    title = "Bluesky"
    settings: ClassVar[list[Setting]] = [
        Setting("handle", "Your handle, e.g. harbourcafe.bsky.social", required=True),
        Setting("query", "Also collect posts matching this search (optional)"),
        Setting("base_url", "Your PDS", default="https://bsky.social"),
    ]
    secrets: ClassVar[list[str]] = ["app_password"]
    can_reply = True
    default_base_url = "https://bsky.social"
    reply_limits = (ReplyLimit(300, "graphemes"), ReplyLimit(3000, "bytes"))

    session: dict[str, Any] | None = None

    # -- the kept session ------------------------------------------------------------

    def _kept_session(self) -> dict[str, Any] | None:
        """The session saved by an earlier sync, if it is this account's."""
        try:
            kept = json.loads(self.secret_values.get(SESSION_SECRET) or "null")
        except ValueError:
            return None
        handle = (self.setting("handle") or "").lstrip("@").lower()
        if not isinstance(kept, dict) or not kept.get("accessJwt") or not kept.get("refreshJwt") \
                or str(kept.get("handle", "")).lower() != handle:
            return None
        return kept

    def _keep(self, session: dict[str, Any]) -> None:
        """Ask the engine to save the session in the keyring after this sync."""
        kept = {k: session.get(k) for k in ("did", "handle", "accessJwt", "refreshJwt")}
        self.secret_updates = {SESSION_SECRET: json.dumps(kept)}
        add_secrets = getattr(self.http, "add_secrets", None)
        if callable(add_secrets):  # never shown in an error message
            add_secrets([str(kept["accessJwt"] or ""), str(kept["refreshJwt"] or "")])

    async def login(self) -> dict[str, Any]:
        handle, password = self.setting("handle"), self.secret_values.get("app_password")
        if not handle or not password:
            raise CredentialsRejected("set handle=... and the app_password secret")
        response = await self.http.request(
            "POST", f"{self.base_url}/xrpc/com.atproto.server.createSession",
            json={"identifier": handle, "password": password}, ok_statuses=(400,))
        data = parse_json(response)
        if response.status_code == 400 or not isinstance(data, dict) or not data.get("accessJwt"):
            code = data.get("error") if isinstance(data, dict) else None
            raise CredentialsRejected(f"Bluesky refused the sign-in ({code or 'no session'})")
        self.session = data
        self._keep(data)
        return data

    async def _refresh(self) -> None:
        assert self.session is not None
        response = await self.http.request(
            "POST", f"{self.base_url}/xrpc/com.atproto.server.refreshSession",
            headers={"Authorization": f"Bearer {self.session.get('refreshJwt', '')}"},
            ok_statuses=(400, 401))
        data = parse_json(response) if response.content else {}
        if response.status_code in (400, 401) or not isinstance(data, dict) or not data.get("accessJwt"):
            await self.login()
        else:
            self.session = data
            self._keep(data)

    async def xrpc(self, nsid: str, params: Any, *, missing_ok: bool = False) -> Any:
        """GET an XRPC query; `ExpiredToken` refreshes the session once. With `missing_ok`,
        a `NotFound` answer (a deleted post) is None."""
        if self.session is None:
            self.session = self._kept_session()
        if self.session is None:
            await self.login()
        for attempt in (0, 1):
            assert self.session is not None
            response = await self.http.request(
                "GET", f"{self.base_url}/xrpc/{nsid}", params=params,
                headers={"Authorization": f"Bearer {self.session['accessJwt']}"}, ok_statuses=(400,))
            data = parse_json(response)
            if response.status_code != 400:
                return data
            error = data.get("error") if isinstance(data, dict) else None
            if missing_ok and error == "NotFound":
                return None
            if error in ("ExpiredToken", "InvalidToken") and attempt == 0:
                await self._refresh()
                continue
            raise SourceError(f"Bluesky refused {nsid} ({error or 'status 400'})")
        raise AssertionError

    async def test(self) -> str:
        session = await self.login()
        return f"OK: signed in as @{session.get('handle', '?')}"

    async def pages(self, cursor: dict[str, Any]) -> AsyncIterator[Page]:
        state = dict(cursor)
        self._arrived: list[Item] = []
        async for page in self._walk(state, "notifications", "app.bsky.notification.listNotifications",
                                     {"limit": 100, "reasons": list(REASONS)}):
            yield page
        query = self.setting("query")
        if query:
            params: dict[str, Any] = {"q": query, "sort": "latest", "limit": 100}
            if state.get("search"):
                # `since` is compared with the server's sortAt (the earlier of createdAt and
                # indexedAt), not the indexedAt the watermark holds: the overlap catches a post
                # written before the watermark but indexed after it
                params["since"] = Watermark(state, key="search", overlap_s=OVERLAP_S).stop_below
            async for page in self._walk(state, "search", "app.bsky.feed.searchPosts", params):
                yield page
        async for page in self._threads(state):
            yield page

    # -- whole threads ---------------------------------------------------------------

    async def _threads(self, state: dict[str, Any]) -> AsyncIterator[Page]:
        """The thread around each post that arrived in this sync: the posts above it (up to
        PARENT_HEIGHT) and the replies below (THREAD_DEPTH levels), newest posts first, at
        most MAX_THREADS calls; a post already seen in a fetched thread is not asked again."""
        arrived = sorted({i.external_id: i for i in self._arrived}.values(),
                         key=lambda i: i.created_at.isoformat() if i.created_at else "", reverse=True)
        covered: set[str] = set()
        calls = 0
        for post in arrived:
            if post.external_id in covered:
                continue
            if calls >= MAX_THREADS:
                return
            calls += 1
            data = await self.xrpc("app.bsky.feed.getPostThread",
                                   {"uri": post.external_id, "depth": THREAD_DEPTH, "parentHeight": PARENT_HEIGHT},
                                   missing_ok=True)
            views = list(_thread_posts(data.get("thread") if isinstance(data, dict) else None))
            covered.update(str(v.get("uri")) for v in views)
            items = [i for i in (self._item(v) for v in views) if i is not None]
            if views:
                yield Page(items, dict(state), skipped=len(views) - len(items))

    async def _walk(self, state: dict[str, Any], key: str, nsid: str,
                    params: dict[str, Any]) -> AsyncIterator[Page]:
        mark = Watermark(state, key=key, overlap_s=OVERLAP_S)
        page_cursor: str | None = None
        for _ in range(MAX_PAGES):
            data = await self.xrpc(nsid, {**params, **({"cursor": page_cursor} if page_cursor else {})})
            entries = data.get("notifications" if key == "notifications" else "posts") \
                if isinstance(data, dict) else None
            if not isinstance(entries, list):
                raise BadPayload(f"Bluesky sent {nsid} in an unexpected shape")
            items, skipped, reached = [], 0, False
            for entry in entries:
                if not isinstance(entry, dict):
                    skipped += 1
                    continue
                if key == "notifications" and entry.get("reason") not in REASONS:
                    continue  # likes, follows, ...: not feedback
                item = self._item(entry)
                if item is None:
                    skipped += 1
                    continue
                items.append(item)
                seen = format_time(parse_time(entry.get("indexedAt")))
                if mark.old is None or (seen is not None and seen > mark.old):
                    self._arrived.append(item)  # new since the last sync: its thread changed
                reached = mark.reached(parse_time(entry.get("indexedAt"))) or reached
            page_cursor = data.get("cursor")
            if reached or not page_cursor or not entries:
                state.update(mark.done())
                yield Page(items, dict(state), skipped=skipped)
                return
            yield Page(items, {**state, **mark.during()}, skipped=skipped)
        state.update(mark.done())
        yield Page([], dict(state))

    def _item(self, entry: dict[str, Any]) -> Item | None:
        record = entry.get("record")
        uri = entry.get("uri")
        if not uri or not isinstance(record, dict) or record.get("$type", "app.bsky.feed.post") != "app.bsky.feed.post":
            return None
        text = str(record.get("text") or "").strip()
        if not text:
            return None
        who = entry.get("author") if isinstance(entry.get("author"), dict) else {}
        handle = str(who.get("handle") or "")
        author = Author(external_id=str(who["did"]), display_name=str(who.get("displayName") or handle),
                        handle=f"@{handle}" if handle else "",
                        profile_url=f"https://bsky.app/profile/{handle or who['did']}") if who.get("did") else None
        reply = record.get("reply") if isinstance(record.get("reply"), dict) else {}
        parent = (reply.get("parent") or {}).get("uri") if reply else None
        root = (reply.get("root") or {}).get("uri") if reply else None
        rkey = str(uri).rsplit("/", 1)[-1]
        own = bool(self.session and who.get("did") == self.session.get("did"))
        langs = record.get("langs") or []
        return Item(
            external_id=str(uri), kind=ItemKind.REPLY if parent else ItemKind.MENTION, text=text,
            url=f"https://bsky.app/profile/{handle or who.get('did', '')}/post/{rkey}",
            author=author, language=str(langs[0]) if langs else "",
            created_at=parse_time(record.get("createdAt")) or parse_time(entry.get("indexedAt")),
            is_owner_reply=own,  # the business's own posts, in threads or search, are never feedback
            parent_external_id=str(parent) if parent else None,
            root_external_id=str(root) if root and root != uri else None,
            raw={"cid": entry.get("cid"), "reason": entry.get("reason"),
                 "reply": reply or None},
        )


def _thread_posts(node: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """The post views of a getPostThread answer: the post, its parents, every reply below
    (blocked and deleted posts, `#notFoundPost` / `#blockedPost`, have none)."""
    if not isinstance(node, dict) or depth > 100:
        return
    post = node.get("post")
    if isinstance(post, dict):
        yield post
    parent = node.get("parent")
    while isinstance(parent, dict) and depth < 100:
        if isinstance(parent.get("post"), dict):
            yield parent["post"]
        parent = parent.get("parent")
        depth += 1
    for reply in node.get("replies") or []:
        yield from _thread_posts({k: v for k, v in reply.items() if k != "parent"}, depth + 1) \
            if isinstance(reply, dict) else ()


CONNECTOR = BlueskyConnector
