"""Facebook Page (Graph API): the Page's ratings where the API version still serves them,
public posts that tag the Page (mentions), and comments on the Page's recent posts and on
older posts whose `updated_time` shows new comments since the last sync. Replies to
comments are the reply half's job.

Ratings were removed in Graph API v22 (error code 12): the source then syncs comments only
and says so in its cursor's `note`, rather than failing. Errors are read from the error
body's `code`, not the HTTP status (Facebook answers 400/403 for most of them). The page
token travels in the Authorization header, never in a URL that could end up in a log, so
`paging.next` (which embeds it) is never followed; the `after` cursor is used instead.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any, ClassVar

from inbox.domain import Author, Item, ItemKind, ItemRow, format_time, parse_time
from inbox.domain.models import normalise_rating
from inbox.sources.base import (
    BadPayload,
    Connector,
    CredentialsRejected,
    Page,
    RateLimited,
    Setting,
    SourceError,
)
from inbox.sources.choices import Choice
from inbox.sources.payload import parse_json
from inbox.sources.tolerant import dig, error_body, listed, require_dict, stable_id, text
from inbox.sources.watermark import Watermark

RATE_LIMIT_CODES = {4, 17, 32, 613, 80001, 80004}
TOKEN_CODES = {190, 102}
RATINGS_GONE_CODE = 12
MAX_POSTS = 100                  # recent posts whose comments are read on each sync
POST_WINDOW = timedelta(days=30)  # posts older than the last sync minus this are not re-read
OVERLAP_S = 2 * 86400
PERMISSION_CODES = {10, *range(200, 300)}
# Older posts with new comments: how many of the newest posts' `updated_time` are read per
# sync (the feed lists by creation, newest first), and the most whose comments are re-read.
UPDATED_SCAN = 300
MAX_UPDATED = 25
RATING_FIELDS = ("created_time,recommendation_type,review_text,reviewer,open_graph_story,"
                 "has_rating,has_review,rating")
TAGGED_FIELDS = "id,message,created_time,permalink_url,from"
COMMENT_FIELDS = "id,from,message,created_time,permalink_url,parent{id},comment_count"
TAGGED_NOTE = ("posts that tag the Page were skipped: reading them needs the "
               "pages_read_user_content permission on the page token")
RATINGS_NOTE = ("Facebook ratings are not available on this Graph API version (v22 and later "
                "removed them); syncing comments only")


Parser = Callable[[dict[str, Any]], tuple[list[Item], int]]


class GraphError(SourceError):
    def __init__(self, code: int | None, message: str) -> None:
        super().__init__(f"Facebook error {code}: {message[:200]}")
        self.code = code


def graph_error(payload: Any, headers: Any = None, status: int = 400) -> SourceError:
    """The Graph API error envelope → the matching SourceError."""
    error = payload.get("error") if isinstance(payload, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    code = code if isinstance(code, int) else None
    message = text(dig(error, "message"))
    if code in TOKEN_CODES or (code is None and status in (401, 403)):
        return CredentialsRejected("Facebook refused the page token (expired or revoked): "
                                   "create a new one and save it for this source")
    if code in RATE_LIMIT_CODES:
        return RateLimited(_regain_seconds(headers), f"Facebook rate limit (code {code})")
    return GraphError(code, message or "unknown error")


def _regain_seconds(headers: Any) -> float | None:
    """`estimated_time_to_regain_access` (minutes) from X-Business-Use-Case-Usage."""
    raw = headers.get("x-business-use-case-usage") if headers is not None else None
    try:
        usage = json.loads(raw) if raw else {}
        minutes = max((entry.get("estimated_time_to_regain_access") or 0)
                      for entries in usage.values() for entry in entries)
    except (ValueError, TypeError, AttributeError):
        return None
    return float(minutes) * 60 if minutes else None


def _author(obj: Any) -> Author | None:
    if not isinstance(obj, dict) or not (obj.get("id") or obj.get("name")):
        return None
    uid = text(obj.get("id"))
    return Author(external_id=uid or text(obj.get("name")), display_name=text(obj.get("name")),
                  profile_url=f"https://www.facebook.com/{uid}" if uid else "")


def parse_ratings(payload: Any) -> tuple[list[Item], int]:
    """A `/{page}/ratings` body → (items, skipped). Recommendations carry no id of their own:
    the id of the story behind them is used, else a hash of what they say."""
    payload = require_dict(payload, "Facebook")
    items: list[Item] = []
    skipped = 0
    for entry in listed(payload.get("data")):
        if not isinstance(entry, dict):
            skipped += 1
            continue
        # Older ratings (the "places.rates" stories) carry their text and stars only inside
        # the story, as recorded responses show (tests/fixtures/recorded/facebook-ratings.json).
        story_data = dig(entry, "open_graph_story", "data")
        story_data = story_data if isinstance(story_data, dict) else {}
        body = text(entry.get("review_text")) or text(story_data.get("review_text"))
        kind = text(entry.get("recommendation_type")) or text(story_data.get("recommendation_type"))
        title = {"positive": "Recommends", "negative": "Doesn't recommend"}.get(kind, "")
        rating = normalise_rating(entry.get("rating") if entry.get("rating") is not None
                                  else dig(story_data, "rating", "value"))
        story = text(dig(entry, "open_graph_story", "id"))
        rid = story or stable_id(entry.get("created_time"), dig(entry, "reviewer", "id"), body, kind)
        if not (body or title or rating):
            skipped += 1
            continue
        items.append(Item(
            external_id=f"rating:{rid}", kind=ItemKind.REVIEW, title=title, text=body, rating=rating,
            url=f"https://www.facebook.com/{story}" if story else "",
            author=_author(entry.get("reviewer")),
            created_at=parse_time(entry.get("created_time")), raw=entry))
    return items, skipped


def parse_comments(payload: Any, page_id: str) -> tuple[list[Item], int]:
    """A `/{object}/comments?filter=stream` body → (items, skipped). Comments by the Page
    itself are owner replies; `parent.id` threads a reply under the comment it answers."""
    payload = require_dict(payload, "Facebook")
    items: list[Item] = []
    skipped = 0
    for entry in listed(payload.get("data")):
        if not isinstance(entry, dict):
            skipped += 1
            continue
        cid, body = text(entry.get("id")), text(entry.get("message"))
        if not cid or not body:  # sticker- or photo-only comments have no message
            skipped += 1
            continue
        author = _author(entry.get("from"))
        own = bool(author and page_id and author.external_id == page_id)
        items.append(Item(
            external_id=cid, kind=ItemKind.REPLY if own else ItemKind.COMMENT, text=body,
            url=text(entry.get("permalink_url")), author=author, is_owner_reply=own,
            parent_external_id=text(dig(entry, "parent", "id")) or None,
            created_at=parse_time(entry.get("created_time")), raw=entry))
    return items, skipped


def parse_tagged(payload: Any) -> tuple[list[Item], int]:
    """A `/{page}/tagged` body → (mentions, skipped). Posts without text (photos) are skipped."""
    payload = require_dict(payload, "Facebook")
    items: list[Item] = []
    skipped = 0
    for entry in listed(payload.get("data")):
        pid = text(dig(entry, "id"))
        body = text(dig(entry, "message"))
        if not pid or not body:
            skipped += 1
            continue
        items.append(Item(
            external_id=pid, kind=ItemKind.MENTION, text=body, url=text(entry.get("permalink_url")),
            author=_author(entry.get("from")), created_at=parse_time(entry.get("created_time")),
            raw=entry))
    return items, skipped


def next_after(payload: dict[str, Any]) -> str | None:
    """The `after` cursor, only when the API says there is a next page."""
    if not dig(payload, "paging", "next"):
        return None
    return text(dig(payload, "paging", "cursors", "after")) or None


class FacebookConnector(Connector):
    kind = "facebook"
    title = "Facebook Page"
    default_base_url = "https://graph.facebook.com/v21.0"
    settings: ClassVar[list[Setting]] = [
        Setting("page_id", "The Page's numeric id (Page → About → Page transparency, or "
                "GET /me/accounts)", required=True),
        Setting("base_url", "Graph API address including the pinned version; ratings need a "
                "version before v22.0", default=default_base_url),
    ]
    secrets: ClassVar[list[str]] = ["page_token"]
    can_reply = True

    @classmethod
    def can_reply_to(cls, item: ItemRow) -> bool:
        """Ratings (recommendations) take no comments through the Graph API."""
        return cls.can_reply and not item.external_id.startswith("rating:")

    @property
    def page_id(self) -> str:
        page = self.setting("page_id")
        if not page:
            raise SourceError("the Facebook source needs a page_id")
        return page

    async def graph(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        token = self.secret_values.get("page_token")
        if not token:
            raise CredentialsRejected("no Facebook page token saved for this source")
        response = await self.http.request(
            "GET", f"{self.base_url}/{path}", params=params,
            headers={"Authorization": f"Bearer {token}"}, ok_statuses=(400, 401, 403, 404))
        payload = parse_json(response) if response.status_code < 400 else error_body(response)
        if response.status_code >= 400 or (isinstance(payload, dict) and "error" in payload):
            raise graph_error(payload, response.headers, response.status_code)
        if not isinstance(payload, dict):
            raise BadPayload("Facebook answered with JSON of an unexpected shape")
        return payload

    async def list_pages(self) -> list[Choice]:
        """The Pages a user token manages (`GET /me/accounts`), each with its own Page token,
        so the owner picks one instead of copying ids and tokens (the set-up flow)."""
        token = self.secret_values.get("user_token")
        if not token:
            raise CredentialsRejected("paste your Facebook access token first")
        response = await self.http.request(
            "GET", f"{self.base_url}/me/accounts", params={"fields": "id,name,access_token,category"},
            headers={"Authorization": f"Bearer {token}"}, ok_statuses=(400, 401, 403))
        payload = parse_json(response) if response.status_code < 400 else error_body(response)
        if response.status_code >= 400 or (isinstance(payload, dict) and "error" in payload):
            raise graph_error(payload, response.headers, response.status_code)
        pages = payload.get("data") if isinstance(payload, dict) else None
        return [Choice(str(p.get("name") or p["id"]), {"page_id": str(p["id"])}, str(p.get("category") or ""),
                       {"page_token": str(p["access_token"])})
                for p in pages if isinstance(p, dict) and p.get("id") and p.get("access_token")] \
            if isinstance(pages, list) else []

    async def _edge(self, path: str, params: dict[str, Any], parse: Parser,
                    mark: Watermark) -> AsyncIterator[tuple[list[Item], int]]:
        """A newest-first edge, page by page (`after` cursors), until it reaches the
        re-read window or its end."""
        after: str | None = None
        while True:
            payload = await self.graph(path, {**params, "after": after} if after else params)
            items, skipped = parse(payload)
            reached = [mark.reached(i.created_at) for i in items]
            yield items, skipped
            after = next_after(payload)
            if not after or not items or any(reached):
                return

    async def _posts(self, since: int | None) -> list[str]:
        posts: list[str] = []
        after: str | None = None
        while len(posts) < MAX_POSTS:
            params: dict[str, Any] = {"fields": "id,created_time,permalink_url", "limit": 25}
            if since:
                params["since"] = since
            if after:
                params["after"] = after
            payload = await self.graph(f"{self.page_id}/feed", params)
            found = [text(p.get("id")) for p in listed(payload.get("data")) if isinstance(p, dict)]
            posts += [p for p in found if p]
            after = next_after(payload)
            if not after or not found:
                break
        return posts[:MAX_POSTS]

    async def _older_with_new_comments(self, since: str | None, recent: list[str]) -> list[str]:
        """Posts older than the re-read window whose `updated_time` (a new comment moves it)
        is past the last sync: the newest UPDATED_SCAN posts are looked at, at most
        MAX_UPDATED returned, most recently updated first. Nothing on a first sync (the
        window covers it)."""
        if not since:
            return []
        seen, found = set(recent), []
        after: str | None = None
        scanned = 0
        while scanned < UPDATED_SCAN:
            params: dict[str, Any] = {"fields": "id,created_time,updated_time", "limit": 100}
            if after:
                params["after"] = after
            payload = await self.graph(f"{self.page_id}/feed", params)
            posts = [p for p in listed(payload.get("data")) if isinstance(p, dict)]
            scanned += len(posts)
            for p in posts:
                pid, updated = text(p.get("id")), format_time(parse_time(p.get("updated_time")))
                if pid and pid not in seen and updated and updated >= since:
                    found.append((updated, pid))
                    seen.add(pid)
            after = next_after(payload)
            if not after or not posts:
                break
        return [pid for _, pid in sorted(found, reverse=True)[:MAX_UPDATED]]

    async def pages(self, cursor: dict[str, Any]) -> AsyncIterator[Page]:
        """Ratings, then posts that tag the Page, then comments on its recent posts; each
        part keeps its own watermark, moved only once that part is read to the end."""
        marks = {part: Watermark(cursor.get(part) or {}, key="newest", overlap_s=OVERLAP_S)
                 for part in ("ratings", "tagged", "comments")}
        state = {part: dict(cursor.get(part) or {}) for part in marks}
        notes: list[str] = []
        page = self.page_id
        optional = [
            ("ratings", f"{page}/ratings", {"fields": RATING_FIELDS, "limit": 100}, parse_ratings,
             {RATINGS_GONE_CODE}, RATINGS_NOTE),
            ("tagged", f"{page}/tagged", {"fields": TAGGED_FIELDS, "limit": 50}, parse_tagged,
             PERMISSION_CODES, TAGGED_NOTE),
        ]
        for part, path, params, parse, soft_codes, note in optional:
            try:
                async for items, skipped in self._edge(path, params, parse, marks[part]):
                    yield Page(items=items, cursor=dict(state), skipped=skipped)
            except GraphError as exc:
                if exc.code not in soft_codes:
                    raise
                notes.append(note)
            state[part] = marks[part].done()
        comments = marks["comments"]
        old = parse_time(comments.old)
        since = int((old - POST_WINDOW).timestamp()) if old else None
        params = {"filter": "stream", "order": "reverse_chronological", "limit": 100,
                  "fields": COMMENT_FIELDS}
        recent = await self._posts(since)
        for post in recent + await self._older_with_new_comments(comments.stop_below, recent):
            async for items, skipped in self._edge(
                    f"{post}/comments", params, lambda p: parse_comments(p, page), comments):
                yield Page(items=items, cursor=dict(state), skipped=skipped)
        state["comments"] = comments.done()
        final: dict[str, Any] = dict(state)
        if notes:
            final["note"] = "; ".join(notes)
        yield Page(items=[], cursor=final)

    async def test(self) -> str:
        page = await self.graph(self.page_id, {"fields": "id,name"})
        name = text(page.get("name")) or self.page_id
        try:
            await self.graph(f"{self.page_id}/ratings", {"fields": "created_time", "limit": 1})
        except GraphError as exc:
            if exc.code != RATINGS_GONE_CODE:
                raise
            return f"OK: Page {name}. {RATINGS_NOTE}"
        return f"OK: Page {name}, ratings and comments"


CONNECTOR = FacebookConnector
