"""Reddit: search for the business's name (newest first), signed in either through the
browser with the owner's "installed app" (a kept refresh token, `reddit_oauth.py`) or with
a "script" app's OAuth2 password grant. Posts are mentions; `*_html` is sanitised, the Markdown kept as text.

Conversations: the comments under a matched post (again whenever its comment count
changes: the counts of the newest TRACKED posts are kept in the cursor and checked with one
/api/info call per sync), and the chain of parents above a matched comment."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Iterator
from typing import Any, ClassVar

from inbox import __version__
from inbox.domain import Author, Item, ItemKind, parse_time
from inbox.domain.reply_length import ReplyLimit
from inbox.sources.base import BadPayload, Connector, CredentialsRejected, Page, Setting, SourceError
from inbox.sources.payload import parse_json
from inbox.sources.sanitize import sanitize_html, to_text
from inbox.sources.watermark import Watermark

TOKEN_URL = "https://www.reddit.com/api/v1/access_token"
MAX_PAGES = 10  # listings end near 1,000 items anyway
TRACKED = 100      # posts whose comment count is watched (one /api/info call holds 100)
MAX_TREES = 10     # comment trees fetched per sync, newest posts first
TREE_DEPTH = 8     # levels of replies under a post
CONTEXT = 8        # parents above a matched comment (Reddit sends at most 8)


class RedditConnector(Connector):
    kind = "reddit"
    title = "Reddit"
    settings: ClassVar[list[Setting]] = [
        Setting("query", "What to search for, e.g. \"Harbour Street Cafe\" (quotes for a phrase)",
                required=True),
        Setting("base_url", "API host", default="https://oauth.reddit.com"),
        Setting("token_url", "Token endpoint", default=TOKEN_URL),
    ]
    secrets: ClassVar[list[str]] = ["client_id", "client_secret", "username", "password"]
    can_reply = True
    default_base_url = "https://oauth.reddit.com"
    reply_limits = (ReplyLimit(10000, "chars"),)

    _token: str | None = None

    @property
    def user_agent(self) -> str:
        user = self.secret_values.get("username") or "unknown"
        return f"desktop:feedback-inbox:v{__version__} (by /u/{user})"

    async def token(self, *, fresh: bool = False) -> str:
        """An access token: from the kept refresh token (a browser sign-in), or from the
        password grant (script apps get no refresh token)."""
        if self._token and not fresh:
            return self._token
        if self.secret_values.get("refresh_token"):
            return await self._refresh()
        missing = [k for k in self.secrets if not self.secret_values.get(k)]
        if missing:
            raise CredentialsRejected(f"missing {', '.join(missing)}; add them with "
                                      f"`inbox sources add reddit ... --secret {missing[0]}`")
        pair = f"{self.secret_values['client_id']}:{self.secret_values['client_secret']}"
        basic = base64.b64encode(pair.encode()).decode()
        response = await self.http.request(
            "POST", self.setting("token_url", TOKEN_URL) or TOKEN_URL,
            data={"grant_type": "password", "username": self.secret_values["username"],
                  "password": self.secret_values["password"]},
            headers={"User-Agent": self.user_agent, "Authorization": f"Basic {basic}"})
        data = parse_json(response)
        if not isinstance(data, dict) or not data.get("access_token"):
            code = data.get("error") if isinstance(data, dict) else None
            raise CredentialsRejected(f"Reddit refused the login ({code or 'no token'})")
        self._token = str(data["access_token"])
        return self._token

    async def _refresh(self) -> str:
        from inbox.sources.reddit_oauth import basic

        if not self.secret_values.get("client_id"):
            raise CredentialsRejected("the Reddit sign-in has no client id saved; sign in again")
        response = await self.http.request(
            "POST", self.setting("token_url", TOKEN_URL) or TOKEN_URL, ok_statuses=(400,),
            data={"grant_type": "refresh_token", "refresh_token": self.secret_values["refresh_token"]},
            headers={"User-Agent": self.user_agent,
                     "Authorization": basic(self.secret_values["client_id"],
                                            self.secret_values.get("client_secret") or "")})
        data = parse_json(response)
        if response.status_code == 400 or not isinstance(data, dict) or not data.get("access_token"):
            code = data.get("error") if isinstance(data, dict) else None
            raise CredentialsRejected(f"Reddit no longer accepts the saved sign-in ({code or 'no token'})")
        self._token = str(data["access_token"])
        return self._token

    async def api(self, path: str, params: dict[str, Any] | None = None) -> Any:
        """GET on the OAuth host; a 401 fetches a new token and retries once."""
        for attempt in (0, 1):
            token = await self.token(fresh=attempt == 1)
            try:
                return await self.http.get_json(
                    f"{self.base_url}{path}", params={**(params or {}), "raw_json": 1},
                    headers={"Authorization": f"bearer {token}", "User-Agent": self.user_agent})
            except CredentialsRejected:
                if attempt == 1:
                    raise
        raise AssertionError

    async def test(self) -> str:
        me = await self.api("/api/v1/me")
        return f"OK: signed in as u/{me.get('name', '?')}" if isinstance(me, dict) else "OK"

    async def pages(self, cursor: dict[str, Any]) -> AsyncIterator[Page]:
        query = self.setting("query")
        if not query:
            raise SourceError("set query=... (what to search Reddit for)")
        mark = Watermark(cursor)
        matched: list[dict[str, Any]] = []
        after: str | None = None
        for _ in range(MAX_PAGES):
            params = {"q": query, "sort": "new", "t": "all", "type": "link", "limit": 100}
            if after:
                params["after"] = after
            listing = await self.api("/search", params)
            data = listing.get("data") if isinstance(listing, dict) else None
            children = data.get("children") if isinstance(data, dict) else None
            if not isinstance(children, list):
                raise BadPayload("Reddit sent a search listing in an unexpected shape")
            items, skipped, reached = [], 0, False
            for child in children:
                thing = child.get("data") if isinstance(child, dict) else None
                item = self._item(thing) if isinstance(thing, dict) else None
                if item is None:
                    skipped += 1
                    continue
                items.append(item)
                matched.append(thing)  # type: ignore[arg-type]
                reached = mark.reached(item.created_at) or reached
            after = data.get("after")
            if reached or not after or not children:
                break
            yield Page(items, mark.during(), skipped=skipped)
        else:
            items, skipped = [], 0
        done = mark.done()
        tracked, trees = await self._changed_posts(cursor.get("threads") or {}, matched)
        done["threads"] = tracked
        yield Page(items, done, skipped=skipped)
        async for page in self._conversations(trees, [m for m in matched if str(m.get("name", "")).startswith("t1_")],
                                              done):
            yield page

    # -- conversations ---------------------------------------------------------------

    async def _changed_posts(self, tracked: dict[str, int], matched: list[dict[str, Any]]
                             ) -> tuple[dict[str, int], list[str]]:
        """(comment counts of the newest TRACKED posts, posts whose comments to fetch): a
        matched post with comments, or a tracked one whose count changed since the last sync."""
        counts = {str(k): int(v) for k, v in tracked.items() if isinstance(v, int)}
        fresh = {str(m["name"]): int(m.get("num_comments") or 0) for m in matched
                 if str(m.get("name", "")).startswith("t3_")}
        older = [name for name in counts if name not in fresh][:TRACKED]
        now: dict[str, int] = {}
        if older:
            try:
                listing = await self.api("/api/info", {"id": ",".join(older)})
            except (BadPayload, SourceError):
                listing = None  # checked again on the next sync; the page found so far is kept
            for child in ((listing.get("data") or {}).get("children") or []) if isinstance(listing, dict) else []:
                d = child.get("data") if isinstance(child, dict) else None
                if isinstance(d, dict) and d.get("name"):
                    now[str(d["name"])] = int(d.get("num_comments") or 0)
        changed = [name for name, n in fresh.items() if n > 0 and counts.get(name) != n]
        changed += [name for name, n in now.items() if counts.get(name) != n]
        merged = {**counts, **now, **fresh}
        newest = sorted(merged, key=lambda name: (name in fresh, name), reverse=True)[:TRACKED]
        return {name: merged[name] for name in newest}, changed

    async def _conversations(self, posts: list[str], comments: list[dict[str, Any]],
                             cursor: dict[str, Any]) -> AsyncIterator[Page]:
        """The comment trees of `posts` (at most MAX_TREES), then each matched comment's
        parents; a tree not fetched now is fetched on a later sync (its count still differs)."""
        tracked = dict(cursor.get("threads") or {})
        for name in posts[MAX_TREES:]:
            tracked[name] = -1  # not fetched now: differs from the real count on the next sync
        for name in posts[:MAX_TREES]:
            data = await self.api(f"/comments/{name[3:]}", {"depth": TREE_DEPTH, "limit": 200, "sort": "new"})
            yield self._tree_page(data, {**cursor, "threads": tracked})
        for comment in comments[:MAX_TREES]:
            link, cid = str(comment.get("link_id") or ""), str(comment.get("id") or "")
            if link.startswith("t3_") and cid:
                data = await self.api(f"/comments/{link[3:]}/_/{cid}", {"context": CONTEXT})
                yield self._tree_page(data, {**cursor, "threads": tracked})

    def _tree_page(self, data: Any, cursor: dict[str, Any]) -> Page:
        """A /comments answer ([post listing, comment listing]) as a page of items."""
        if not (isinstance(data, list) and len(data) == 2):
            raise BadPayload("Reddit sent a comment tree in an unexpected shape")
        things = list(_things(data[0])) + list(_things(data[1]))
        items = [i for i in (self._item(t) for t in things) if i is not None]
        return Page(items, cursor, skipped=len(things) - len(items))

    def _item(self, d: dict[str, Any]) -> Item | None:
        name = d.get("name")
        if not name:
            return None
        is_comment = str(name).startswith("t1_")
        body_html = d.get("body_html" if is_comment else "selftext_html") or ""
        text = str(d.get("body" if is_comment else "selftext") or "") or to_text(body_html)
        title = str(d.get("title") or "")
        if not (text or title):
            return None
        author = None
        if d.get("author") and d.get("author") != "[deleted]":
            author = Author(external_id=str(d.get("author_fullname") or d["author"]),
                            display_name=str(d["author"]), handle=f"u/{d['author']}",
                            profile_url=f"https://www.reddit.com/user/{d['author']}")
        permalink = str(d.get("permalink") or "")
        edited = d.get("edited")
        own = bool(d.get("author")) and str(d.get("author")).lower() == (self.secret_values.get("username") or "").lower()
        link = str(d.get("link_id") or "")
        return Item(
            external_id=str(name), kind=ItemKind.COMMENT if is_comment else ItemKind.MENTION,
            title=title, text=text, html=sanitize_html(body_html) or None,
            url=f"https://www.reddit.com{permalink}" if permalink.startswith("/") else str(d.get("url") or ""),
            author=author, created_at=parse_time(d.get("created_utc")),
            updated_at=parse_time(edited) if edited and edited is not True else None,
            parent_external_id=str(d["parent_id"]) if is_comment and d.get("parent_id") else None,
            root_external_id=link if is_comment and link.startswith("t3_") else None,
            is_owner_reply=own,
            raw={"subreddit": d.get("subreddit_name_prefixed"), "score": d.get("score"),
                 "num_comments": d.get("num_comments")},
        )


def _things(listing: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every post or comment `data` in a listing and the `replies` below each ("more"
    stubs, which would need more calls, are left out)."""
    data = listing.get("data") if isinstance(listing, dict) else None
    for child in (data.get("children") or []) if isinstance(data, dict) and depth < 50 else []:
        if not isinstance(child, dict) or child.get("kind") not in ("t1", "t3"):
            continue
        thing = child.get("data")
        if isinstance(thing, dict):
            yield thing
            if isinstance(thing.get("replies"), dict):
                yield from _things(thing["replies"], depth + 1)


CONNECTOR = RedditConnector
