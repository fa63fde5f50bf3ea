"""Google Play Developer API: reviews of an app (those created or edited in the last week),
with the developer's reply as an owner-reply item.

Auth is a service account: its JSON key (kept in the keyring) signs an RS256 JWT with PyJWT,
exchanged at the key's own `token_uri` for a one-hour bearer token (OAuth2 JWT-bearer grant).
An owner who prefers to sign in with their Google account instead keeps an OAuth client and
a refresh token (scope androidpublisher, the browser flow of `google_oauth.py`).
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any, ClassVar

import jwt

from inbox.domain import Author, Item, ItemKind, parse_time
from inbox.domain.models import normalise_rating
from inbox.domain.reply_length import ReplyLimit
from inbox.sources.base import Connector, CredentialsRejected, Page, Setting, SourceError
from inbox.sources.payload import parse_json
from inbox.sources.tolerant import counted, dig, error_body, listed, require_dict, text
from inbox.sources.watermark import Watermark

SCOPE = "https://www.googleapis.com/auth/androidpublisher"
DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token"
OVERLAP_S = 86400
MAX_PAGES = 50


def owner_reply_id(review_id: str) -> str:
    """The external id of the developer's reply to a review (also used by the reply half)."""
    return f"{review_id}:reply"


def split_text(value: str) -> tuple[str, str]:
    """Google joins a review's title and body with a tab (a leading tab: no title)."""
    if "\t" in value:
        title, body = value.split("\t", 1)
        return title.strip(), body.strip()
    return "", value.strip()


def parse_reviews(payload: Any, package: str) -> tuple[list[Item], int]:
    """A `reviews.list` body → (items, skipped): each review, then the developer's reply."""
    payload = require_dict(payload, "Google Play")
    items: list[Item] = []
    skipped = 0
    for review in listed(payload.get("reviews")):
        rid = text(dig(review, "reviewId"))
        comments = [c for c in listed(dig(review, "comments")) if isinstance(c, dict)]
        user = next((c["userComment"] for c in comments if isinstance(c.get("userComment"), dict)), None)
        if not rid or user is None:
            skipped += 1
            continue
        title, body = split_text(text(user.get("text")))
        rating = normalise_rating(user.get("starRating"))
        if not (body or title or rating):
            skipped += 1
            continue
        name = text(review.get("authorName"))
        when = parse_time(user.get("lastModified"))
        url = f"https://play.google.com/store/apps/details?id={package}&reviewId={rid}"
        items.append(Item(
            external_id=rid, kind=ItemKind.REVIEW, title=title, text=body, rating=rating,
            author=Author(external_id=name, display_name=name) if name else None, url=url,
            language=text(user.get("reviewerLanguage")), created_at=when, updated_at=when, raw=review))
        dev = next((c["developerComment"] for c in comments
                    if isinstance(c.get("developerComment"), dict)), None)
        if dev and text(dev.get("text")):
            when = parse_time(dev.get("lastModified"))
            items.append(Item(
                external_id=owner_reply_id(rid), kind=ItemKind.REPLY, text=text(dev.get("text")),
                url=url, is_owner_reply=True, parent_external_id=rid, created_at=when,
                updated_at=when, raw=dev))
    return items, skipped


def load_service_account(blob: str | None) -> dict[str, Any]:
    """The service-account key as saved; errors never echo its content."""
    if not blob:
        raise CredentialsRejected("no Google Play service account JSON saved for this source")
    try:
        key = json.loads(blob)
    except ValueError:
        raise CredentialsRejected("the saved service account key is not valid JSON") from None
    if not isinstance(key, dict) or not key.get("client_email") or not key.get("private_key"):
        raise CredentialsRejected("the saved service account key lacks client_email or private_key "
                                  "(download a JSON key for the service account)")
    return key


def signed_assertion(key: dict[str, Any], now: int | None = None) -> str:
    """The RS256-signed JWT of the JWT-bearer grant."""
    now = int(time.time()) if now is None else now
    token_uri = key.get("token_uri") or DEFAULT_TOKEN_URI
    claims = {"iss": key["client_email"], "scope": SCOPE, "aud": token_uri,
              "iat": now, "exp": now + 3600}
    headers = {"kid": key["private_key_id"]} if key.get("private_key_id") else None
    try:
        return jwt.encode(claims, key["private_key"], algorithm="RS256", headers=headers)
    except (ValueError, TypeError, jwt.PyJWTError):
        raise CredentialsRejected("the service account's private key cannot be read") from None


class GooglePlayConnector(Connector):
    kind = "googleplay"
    title = "Google Play"
    default_base_url = "https://androidpublisher.googleapis.com/androidpublisher/v3"
    settings: ClassVar[list[Setting]] = [
        Setting("package_name", "The app's package name, e.g. com.example.app (the id= in its "
                "Play Store address)", required=True),
        Setting("base_url", "API address (for testing)", default=default_base_url),
        Setting("token_url", "OAuth token endpoint (a Google sign-in)", default=DEFAULT_TOKEN_URI),
    ]
    secrets: ClassVar[list[str]] = ["service_account_json"]
    can_reply = True
    reply_limits = (ReplyLimit(350, "chars"),)

    _token: str | None = None
    _token_expires: float = 0.0

    @property
    def package(self) -> str:
        package = self.setting("package_name")
        if not package:
            raise SourceError("the Google Play source needs a package_name")
        return package

    async def access_token(self) -> str:
        """A bearer token, fetched once per hour per connector."""
        if self._token and time.time() < self._token_expires - 60:
            return self._token
        if self.secret_values.get("refresh_token") and not self.secret_values.get("service_account_json"):
            return await self._refreshed()
        key = load_service_account(self.secret_values.get("service_account_json"))
        response = await self.http.request(
            "POST", key.get("token_uri") or DEFAULT_TOKEN_URI,
            data={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
                  "assertion": signed_assertion(key)}, ok_statuses=(400, 401, 403))
        return self._keep_token(response, "Google refused the service account ({reason})")

    async def _refreshed(self) -> str:
        """A bearer token from the kept Google sign-in (refresh-token grant)."""
        values = self.secret_values
        if not values.get("client_id") or not values.get("client_secret"):
            raise CredentialsRejected("the Google sign-in has no OAuth client saved; add the source again")
        response = await self.http.request(
            "POST", self.setting("token_url", DEFAULT_TOKEN_URI) or DEFAULT_TOKEN_URI, ok_statuses=(400, 401),
            data={"grant_type": "refresh_token", "refresh_token": values["refresh_token"],
                  "client_id": values["client_id"], "client_secret": values["client_secret"]})
        return self._keep_token(response, "Google refused the saved sign-in ({reason}); sign in again")

    def _keep_token(self, response: Any, refused: str) -> str:
        """The access token of a token endpoint's answer, kept with its expiry time;
        CredentialsRejected (`refused`, with the reason filled in) when there is none."""
        payload = parse_json(response) if response.status_code < 400 else error_body(response)
        token = dig(payload, "access_token")
        if response.status_code >= 400 or not isinstance(token, str):
            reason = text(dig(payload, "error")) or f"HTTP {response.status_code}"
            raise CredentialsRejected(refused.format(reason=reason))
        expires = dig(payload, "expires_in")
        self._token = token
        self._token_expires = time.time() + (float(expires) if str(expires or "").isdigit() else 3600)
        return token

    async def authorized(self, method: str, url: str, **kwargs: Any) -> Any:
        """A request with the bearer token; a 401 gets one fresh token and one retry."""
        for attempt in (1, 2):
            token = await self.access_token()
            response = await self.http.request(
                method, url, headers={"Authorization": f"Bearer {token}"},
                ok_statuses=(400, 401, 403, 404), **kwargs)
            if response.status_code == 401 and attempt == 1:
                self._token = None
                continue
            payload = parse_json(response) if response.status_code < 400 else error_body(response)
            if response.status_code in (401, 403):
                who = "the service account has" if self.secret_values.get("service_account_json") \
                    else "your Google account has"
                raise CredentialsRejected(f"{who} no access to this app: in Play Console → Users and "
                                          "permissions, invite its e-mail with 'Reply to reviews'")
            if response.status_code == 404:
                raise SourceError(f"Google Play does not know the package {self.package!r}")
            if response.status_code >= 400:
                raise SourceError(f"Google Play refused the request: "
                                  f"{text(dig(payload, 'error', 'message'))[:200]}")
            return payload
        raise AssertionError("unreachable")

    async def pages(self, cursor: dict[str, Any]) -> AsyncIterator[Page]:
        mark = Watermark(cursor, key="newest", overlap_s=OVERLAP_S)
        token: str | None = None
        for number in range(1, MAX_PAGES + 1):
            params: dict[str, Any] = {"maxResults": 100}
            if token:
                params["token"] = token
            payload = require_dict(await self.authorized(
                "GET", f"{self.base_url}/applications/{self.package}/reviews", params=params),
                "Google Play")
            items, skipped = parse_reviews(payload, self.package)
            reached = [mark.reached(i.updated_at) for i in items if not i.is_owner_reply]
            token = text(dig(payload, "tokenPagination", "nextPageToken")) or None
            last = not token or not items or any(reached) or number == MAX_PAGES
            yield Page(items=items, cursor=mark.done() if last else mark.during(), skipped=skipped)
            if last:
                return

    async def test(self) -> str:
        payload = await self.authorized(
            "GET", f"{self.base_url}/applications/{self.package}/reviews", params={"maxResults": 10})
        items, _ = parse_reviews(require_dict(payload, "Google Play"), self.package)
        reviews = sum(1 for i in items if not i.is_owner_reply)
        return f"OK: {counted(reviews, 'review')} from the last week on the first page"


CONNECTOR = GooglePlayConnector
