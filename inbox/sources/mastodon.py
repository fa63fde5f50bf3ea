"""Mastodon: mentions (notifications) and, optionally, a saved search.

Mentions page forward with `min_id` (gap-free, oldest unseen first), so the cursor after
each page is exactly "everything up to here is stored": a killed sync resumes there.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

from inbox.domain import Author, Item, ItemKind, ItemRow, parse_time
from inbox.domain.reply_length import ReplyLimit
from inbox.sources.base import BadPayload, Connector, CredentialsRejected, Page, Setting
from inbox.sources.payload import parse_json
from inbox.sources.replies.mastodon import with_mention
from inbox.sources.sanitize import sanitize_html, to_text

PAGE_LIMIT = 80
MAX_SEARCH_PAGES = 10
# Conversations (statuses/{id}/context) fetched per sync, newest first; and the share of the
# instance's rate limit (300 calls / 5 min by default) always left for everything else.
MAX_CONTEXTS = 40
RATE_RESERVE = 60
_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="?([a-z]+)"?')


def _link_param(link_header: str, rel: str, name: str) -> str | None:
    """A query parameter of the `rel` URL in an RFC 8288 Link header (we never follow the
    URL itself, so a bearer token is only ever sent to the configured instance)."""
    for url, found_rel in _LINK.findall(link_header or ""):
        if found_rel == rel:
            values = parse_qs(urlsplit(url).query).get(name)
            return values[0] if values else None
    return None


def _id_key(value: str) -> tuple[int, str]:
    """Vanilla Mastodon ids sort by length, then lexically."""
    return (len(value), value)


class MastodonConnector(Connector):
    kind = "mastodon"
    title = "Mastodon"
    settings: ClassVar[list[Setting]] = [
        Setting("base_url", "Your instance, e.g. https://mastodon.social", required=True,
                default="https://mastodon.social"),
        Setting("query", "Also collect posts matching this search (optional)"),
    ]
    secrets: ClassVar[list[str]] = ["token"]
    can_reply = True
    default_base_url = "https://mastodon.social"
    reply_limits = (ReplyLimit(500, "chars", url_chars=23),)  # the default; servers may differ

    @classmethod
    def limits_for(cls, settings: dict[str, Any]) -> tuple[ReplyLimit, ...]:
        """The server's own limit when the source knows it (`max_characters`)."""
        try:
            chars = int(settings.get("max_characters") or 0)
        except (ValueError, TypeError):
            chars = 0
        return (cls.reply_limits[0]._replace(limit=chars),) if chars > 0 else cls.reply_limits

    @classmethod
    def reply_prefix(cls, item: ItemRow) -> str:
        """The author's @acct, which the reply starts with unless it names them."""
        return with_mention("", item.author_handle)

    def _headers(self) -> dict[str, str]:
        token = self.secret_values.get("token", "")
        if not token:
            raise CredentialsRejected("no access token saved; add the source again with --secret token")
        return {"Authorization": f"Bearer {token}"}

    async def test(self) -> str:
        me = await self.http.get_json(f"{self.base_url}/api/v1/accounts/verify_credentials",
                                      headers=self._headers())
        return f"OK: signed in as @{me.get('acct', '?')}" if isinstance(me, dict) else "OK"

    async def pages(self, cursor: dict[str, Any]) -> AsyncIterator[Page]:
        cursor = dict(cursor)
        self._arrived: list[dict[str, Any]] = []
        self._remaining: int | None = None
        if not cursor.get("me"):  # our account, to tell our posts in conversations (first sync only)
            me = await self.http.get_json(f"{self.base_url}/api/v1/accounts/verify_credentials",
                                          headers=self._headers())
            cursor["me"] = str(me.get("id") or "") if isinstance(me, dict) else ""
        async for page in self._mentions(cursor):
            yield page
        if self.setting("query"):
            async for page in self._search(cursor):
                yield page
        async for page in self._conversations(cursor):
            yield page

    # -- whole conversations ---------------------------------------------------------

    def _note_rate(self, response: Any) -> None:
        try:
            self._remaining = int(response.headers.get("x-ratelimit-remaining", ""))
        except ValueError:
            pass

    async def _conversations(self, cursor: dict[str, Any]) -> AsyncIterator[Page]:
        """The post each new mention answers and the replies under it (`/context`), for
        the conversations that changed in this sync (a mention arrived in them), newest
        first, at most MAX_CONTEXTS and never below RATE_RESERVE calls left."""
        arrived = sorted({str(s["id"]): s for s in self._arrived}.values(),
                         key=lambda s: _id_key(str(s["id"])), reverse=True)
        if not arrived:
            return
        covered: set[str] = set()
        calls = 0
        for status in arrived:
            sid = str(status["id"])
            if sid in covered:
                continue  # already in a conversation fetched in this sync
            if calls >= MAX_CONTEXTS or (self._remaining is not None and self._remaining <= RATE_RESERVE):
                return
            calls += 1
            response = await self.http.request("GET", f"{self.base_url}/api/v1/statuses/{sid}/context",
                                               headers=self._headers(), ok_statuses=(404,))
            self._note_rate(response)
            if response.status_code == 404:
                continue  # deleted since, or not visible to us
            data = parse_json(response)
            if not isinstance(data, dict):
                raise BadPayload("Mastodon sent a conversation in an unexpected shape")
            statuses = [x for key in ("ancestors", "descendants") for x in (data.get(key) or [])
                        if isinstance(x, dict)]
            covered.update(str(x.get("id")) for x in statuses)
            items = [i for i in (self._item(x, me=cursor.get("me", "")) for x in statuses) if i]
            if statuses:
                yield Page(items, dict(cursor), skipped=len(statuses) - len(items))

    async def _mentions(self, cursor: dict[str, Any]) -> AsyncIterator[Page]:
        min_id = str(cursor.get("min_id") or "0")
        while True:
            response = await self.http.request(
                "GET", f"{self.base_url}/api/v1/notifications", headers=self._headers(),
                params={"types[]": ["mention"], "limit": PAGE_LIMIT, "min_id": min_id})
            data = parse_json(response)
            if not isinstance(data, list):
                raise BadPayload("Mastodon sent notifications in an unexpected shape")
            if not data:
                return
            self._note_rate(response)
            items, skipped = [], 0
            for note in data:
                status = note.get("status") if isinstance(note, dict) else None
                item = self._item(status)
                if item is not None:
                    self._arrived.append(status)  # type: ignore[arg-type]
                if item is None:
                    skipped += 1
                else:
                    items.append(item)
            ids = [str(n["id"]) for n in data if isinstance(n, dict) and n.get("id")]
            newest = _link_param(response.headers.get("link", ""), "prev", "min_id") or (
                max(ids, key=_id_key) if ids else None)
            if not newest or newest == min_id:
                return
            min_id = newest
            cursor["min_id"] = min_id
            yield Page(items, dict(cursor), skipped=skipped)

    async def _search(self, cursor: dict[str, Any]) -> AsyncIterator[Page]:
        for _ in range(MAX_SEARCH_PAGES):
            params: dict[str, Any] = {"q": self.setting("query"), "type": "statuses", "limit": 40}
            if cursor.get("search_min_id"):
                params["min_id"] = cursor["search_min_id"]
            data = await self.http.get_json(f"{self.base_url}/api/v2/search", params=params,
                                            headers=self._headers())
            statuses = data.get("statuses") if isinstance(data, dict) else None
            if not isinstance(statuses, list):
                raise BadPayload("Mastodon sent search results in an unexpected shape")
            if not statuses:
                return
            items = [i for i in (self._item(s) for s in statuses) if i]
            self._arrived += [s for s in statuses if isinstance(s, dict) and s.get("id")]
            ids = [str(s["id"]) for s in statuses if isinstance(s, dict) and s.get("id")]
            newest = max(ids, key=_id_key) if ids else None
            old = cursor.get("search_min_id")
            if newest is None or (old and _id_key(newest) <= _id_key(str(old))):
                return
            cursor["search_min_id"] = newest
            yield Page(items, dict(cursor), skipped=len(statuses) - len(items))

    def _item(self, status: Any, *, me: str = "") -> Item | None:
        """A status as an item; `me` (our account id) marks the business's own posts."""
        if not isinstance(status, dict) or not status.get("id"):
            return None
        if isinstance(status.get("reblog"), dict):
            status = status["reblog"]
        content = status.get("content") or ""
        text = to_text(content)
        if not text:
            return None
        account = status.get("account") or {}
        author = None
        if isinstance(account, dict) and account.get("id"):
            acct = str(account.get("acct") or account.get("username") or "")
            author = Author(external_id=str(account["id"]), display_name=str(account.get("display_name") or acct),
                            handle=f"@{acct}" if acct else "", profile_url=str(account.get("url") or ""))
        own = bool(me) and isinstance(account, dict) and str(account.get("id")) == me
        return Item(
            external_id=str(status["id"]),
            kind=ItemKind.REPLY if own else ItemKind.MENTION,
            is_owner_reply=own,
            text=text,
            title=str(status.get("spoiler_text") or ""),
            html=sanitize_html(content),
            url=str(status.get("url") or status.get("uri") or ""),
            author=author,
            language=str(status.get("language") or ""),
            created_at=parse_time(status.get("created_at")),
            updated_at=parse_time(status.get("edited_at")),
            parent_external_id=str(status["in_reply_to_id"]) if status.get("in_reply_to_id") else None,
            raw={k: status.get(k) for k in ("id", "uri", "visibility", "in_reply_to_account_id")},
        )


CONNECTOR = MastodonConnector
