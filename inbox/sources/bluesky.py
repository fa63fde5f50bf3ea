"""Bluesky: mentions, replies and quotes (listNotifications) and post search (searchPosts),
signed in with an app password. Every call goes to the PDS (`base_url`) with the session
token; an expired token is refreshed once, then we sign in again."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, ClassVar

from inbox.domain import Author, Item, ItemKind, parse_time
from inbox.domain.reply_length import ReplyLimit
from inbox.sources.base import BadPayload, Connector, CredentialsRejected, Page, Setting, SourceError
from inbox.sources.payload import parse_json
from inbox.sources.watermark import Watermark

MAX_PAGES = 200  # a first sync keeps at most the newest 20,000 notifications
REASONS = ("mention", "reply", "quote")


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
        return data

    async def _refresh(self) -> None:
        assert self.session is not None
        response = await self.http.request(
            "POST", f"{self.base_url}/xrpc/com.atproto.server.refreshSession",
            headers={"Authorization": f"Bearer {self.session.get('refreshJwt', '')}"},
            ok_statuses=(400,))
        data = parse_json(response) if response.content else {}
        if response.status_code == 400 or not isinstance(data, dict) or not data.get("accessJwt"):
            await self.login()
        else:
            self.session = data

    async def xrpc(self, nsid: str, params: Any) -> Any:
        """GET an XRPC query; `ExpiredToken` refreshes the session once."""
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
            is_owner_reply=own and bool(parent),
            parent_external_id=str(parent) if parent else None,
            root_external_id=str(root) if root and root != uri else None,
            raw={"cid": entry.get("cid"), "reason": entry.get("reason"),
                 "reply": reply or None},
        )


CONNECTOR = BlueskyConnector
