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
from inbox.sources.choices import Choice
from inbox.sources.payload import parse_json
from inbox.sources.watermark import Watermark

TOKEN_URL = "https://oauth2.googleapis.com/token"
ACCOUNTS_URL = "https://mybusinessaccountmanagement.googleapis.com/v1"   # accounts.list
LOCATIONS_URL = "https://mybusinessbusinessinformation.googleapis.com/v1"  # locations.list
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
        Setting("accounts_url", "Account Management API address", default=ACCOUNTS_URL),
        Setting("locations_url", "Business Information API address", default=LOCATIONS_URL),
    ]
    secrets: ClassVar[list[str]] = ["client_id", "client_secret", "refresh_token"]
    can_reply = True
    default_base_url = "https://mybusiness.googleapis.com/v4"
    reply_limits = (ReplyLimit(4096, "bytes"),)

    _access: str | None = None
    last_stats: dict[str, Any] = {}  # noqa: RUF012 (replaced per instance, never mutated)

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
            self.last_stats = stats  # what a set-up check reports ("Found 212 reviews")
            token = data.get("nextPageToken")
            if reached or not token or not reviews:
                yield Page(items, mark.done(**stats), skipped=skipped, deleted=gone)
                return
            yield Page(items, mark.during(), skipped=skipped, deleted=gone)
        yield Page([], mark.done())

    async def _listed(self, url: str, key: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Every entry of a Google list call (following nextPageToken)."""
        found: list[dict[str, Any]] = []
        token: str | None = None
        for _ in range(50):
            token_header = {"Authorization": f"Bearer {await self.access_token()}"}
            response = await self.http.request(
                "GET", url, headers=token_header, params={**params, **({"pageToken": token} if token else {})})
            data = parse_json(response)
            if not isinstance(data, dict):
                raise BadPayload("Google sent a list in an unexpected shape")
            found += [e for e in data.get(key) or [] if isinstance(e, dict)]
            token = data.get("nextPageToken")
            if not token:
                break
        return found

    async def list_locations(self) -> list[Choice]:
        """The locations this sign-in manages (accounts.list, then locations.list of each),
        so the owner picks one instead of typing account and location ids."""
        accounts_url = (self.setting("accounts_url") or ACCOUNTS_URL).rstrip("/")
        locations_url = (self.setting("locations_url") or LOCATIONS_URL).rstrip("/")
        choices: list[Choice] = []
        for account in await self._listed(f"{accounts_url}/accounts", "accounts", {"pageSize": 20}):
            account_name = str(account.get("name") or "")  # "accounts/123"
            if not account_name.startswith("accounts/"):
                continue
            locations = await self._listed(f"{locations_url}/{account_name}/locations", "locations",
                                           {"readMask": "name,title,storefrontAddress", "pageSize": 100})
            for location in locations:
                location_id = str(location.get("name") or "").rpartition("/")[2]
                if not location_id:
                    continue
                address = location.get("storefrontAddress") if isinstance(location.get("storefrontAddress"), dict) else {}
                where = ", ".join([*address.get("addressLines", [])[:1], address.get("locality", "")]).strip(", ")
                choices.append(Choice(
                    str(location.get("title") or location_id),
                    {"account_id": account_name.partition("/")[2], "location_id": location_id},
                    " · ".join(x for x in (where, str(account.get("accountName") or "")) if x)))
        return choices

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
