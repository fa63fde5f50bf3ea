"""Google Business Profile reviews (v4), with the owner's reply embedded in each review.

A review becomes an Item; its `reviewReply` becomes a second Item (is_owner_reply, parent =
the review), so the thread shows review and answer together. The list is ordered by
`updateTime desc`, so we walk down until the watermark (see `watermark.py`).

Auth: the installed-app OAuth flow (`inbox.sources.google_oauth`) stores a refresh token in
the keyring; each run trades it for an access token at `token_url`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, ClassVar

from inbox.domain import Author, Item, ItemKind, parse_time
from inbox.domain.models import normalise_rating
from inbox.domain.reply_length import ReplyLimit
from inbox.sources.base import BadPayload, Connector, CredentialsRejected, Page, Setting, SourceError
from inbox.sources.payload import parse_json
from inbox.sources.watermark import Watermark

TOKEN_URL = "https://oauth2.googleapis.com/token"
MAX_PAGES = 100_000  # effectively all: the watermark must only move after a full walk
REPLY_SUFFIX = "#reply"


class GoogleConnector(Connector):
    kind = "google"
    title = "Google Business Profile"
    settings: ClassVar[list[Setting]] = [
        Setting("account_id", "The numeric account id (accounts/<account_id>)", required=True),
        Setting("location_id", "The numeric location id (locations/<location_id>)", required=True),
        Setting("base_url", "API host", default="https://mybusiness.googleapis.com/v4"),
        Setting("token_url", "OAuth token endpoint", default=TOKEN_URL),
    ]
    secrets: ClassVar[list[str]] = ["client_id", "client_secret", "refresh_token"]
    can_reply = True
    default_base_url = "https://mybusiness.googleapis.com/v4"
    reply_limits = (ReplyLimit(4096, "bytes"),)

    _access: str | None = None

    @property
    def location_path(self) -> str:
        account, location = self.setting("account_id"), self.setting("location_id")
        if not account or not location:
            raise SourceError("set account_id=... and location_id=...")
        return f"accounts/{account}/locations/{location}"

    async def access_token(self, *, fresh: bool = False) -> str:
        if self._access and not fresh:
            return self._access
        missing = [k for k in self.secrets if not self.secret_values.get(k)]
        if missing:
            raise CredentialsRejected(f"missing {', '.join(missing)}; run `inbox sources login "
                                      f"{self.source.name}`")
        response = await self.http.request(
            "POST", self.setting("token_url", TOKEN_URL) or TOKEN_URL, ok_statuses=(400,),
            data={"grant_type": "refresh_token", "refresh_token": self.secret_values["refresh_token"],
                  "client_id": self.secret_values["client_id"],
                  "client_secret": self.secret_values["client_secret"]})
        data = parse_json(response)
        if response.status_code == 400 or not isinstance(data, dict) or not data.get("access_token"):
            code = data.get("error") if isinstance(data, dict) else None
            raise CredentialsRejected(f"Google refused the saved sign-in ({code or 'no token'}); "
                                      f"run `inbox sources login {self.source.name}`")
        self._access = str(data["access_token"])
        return self._access

    async def api(self, method: str, path: str, **kwargs: Any) -> Any:
        """Call the API; a 401 (expired token) refreshes once."""
        for attempt in (0, 1):
            token = await self.access_token(fresh=attempt == 1)
            try:
                response = await self.http.request(
                    method, f"{self.base_url}/{path}", headers={"Authorization": f"Bearer {token}"}, **kwargs)
                return parse_json(response) if response.content else {}
            except CredentialsRejected as exc:
                if attempt == 1 or "403" in str(exc):
                    raise
        raise AssertionError

    async def test(self) -> str:
        data = await self.api("GET", f"{self.location_path}/reviews", params={"pageSize": 1})
        total = data.get("totalReviewCount") if isinstance(data, dict) else None
        return f"OK: {total} reviews" if total is not None else "OK"

    async def pages(self, cursor: dict[str, Any]) -> AsyncIterator[Page]:
        mark = Watermark(cursor, overlap_s=60)
        token: str | None = None
        for _ in range(MAX_PAGES):
            params: dict[str, Any] = {"pageSize": 50, "orderBy": "updateTime desc"}
            if token:
                params["pageToken"] = token
            data = await self.api("GET", f"{self.location_path}/reviews", params=params)
            if not isinstance(data, dict):
                raise BadPayload("Google sent reviews in an unexpected shape")
            reviews = data.get("reviews") or []
            if not isinstance(reviews, list):
                raise BadPayload("Google sent reviews in an unexpected shape")
            items, skipped, reached, gone = [], 0, False, []
            for review in reviews:
                made = self._items(review) if isinstance(review, dict) else []
                if not made:
                    skipped += 1
                    continue
                items += made
                if len(made) == 1:  # no reply (any more): an earlier reply was deleted
                    gone.append(made[0].external_id + REPLY_SUFFIX)
                reached = mark.reached(parse_time(review.get("updateTime"))) or reached
            stats = {k: data[k] for k in ("averageRating", "totalReviewCount") if k in data}
            token = data.get("nextPageToken")
            if reached or not token or not reviews:
                yield Page(items, mark.done(**stats), skipped=skipped, deleted=gone)
                return
            yield Page(items, mark.during(), skipped=skipped, deleted=gone)
        yield Page([], mark.done())

    def _items(self, r: dict[str, Any]) -> list[Item]:
        ext = r.get("name") or r.get("reviewId")
        rating = normalise_rating(r.get("starRating"))
        comment = str(r.get("comment") or "")
        if not ext or not (comment or rating):
            return []
        who = r.get("reviewer") if isinstance(r.get("reviewer"), dict) else {}
        name = "" if who.get("isAnonymous") else str(who.get("displayName") or "")
        author = Author(external_id=name, display_name=name) if name else None
        review = Item(
            external_id=str(ext), kind=ItemKind.REVIEW, text=comment, rating=rating, author=author,
            created_at=parse_time(r.get("createTime")), updated_at=parse_time(r.get("updateTime")),
            raw={"reviewId": r.get("reviewId"), "name": r.get("name")})
        out = [review]
        reply = r.get("reviewReply")
        if isinstance(reply, dict) and reply.get("comment"):
            out.append(Item(
                external_id=f"{ext}{REPLY_SUFFIX}", kind=ItemKind.REPLY, text=str(reply["comment"]),
                created_at=parse_time(reply.get("updateTime")), updated_at=parse_time(reply.get("updateTime")),
                is_owner_reply=True, parent_external_id=str(ext)))
        return out


CONNECTOR = GoogleConnector
