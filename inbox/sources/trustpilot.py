"""Trustpilot: a business unit's public reviews (`apikey` header), newest first, with the
company's reply embedded in each review.

Trustpilot sends times with `Z` and, in its own examples, without any offset; offset-less
times are read as UTC (`parse_time`'s default), which is what Trustpilot means by them.
"""

from __future__ import annotations

import base64
import time
from collections.abc import AsyncIterator
from typing import Any, ClassVar

from inbox.domain import Author, Item, ItemKind, parse_time
from inbox.domain.models import normalise_rating
from inbox.sources.base import Connector, CredentialsRejected, Page, Setting, SourceError
from inbox.sources.choices import Choice
from inbox.sources.payload import parse_json
from inbox.sources.tolerant import counted, dig, listed, require_dict, text
from inbox.sources.watermark import Watermark

PER_PAGE = 100
MAX_PAGES = 200          # 20,000 reviews on a first sync; a later run resumes from the top
OVERLAP_S = 14 * 86400  # edits and late company replies within this window arrive


def owner_reply_id(review_id: str) -> str:
    """The external id of the company's reply to a review (also used by the reply half)."""
    return f"{review_id}:reply"


def review_url(review_id: str) -> str:
    return f"https://www.trustpilot.com/reviews/{review_id}"


def parse_reviews(payload: Any) -> tuple[list[Item], int]:
    """A `/business-units/{id}/reviews` body → (items, skipped): each review, then the
    company's reply to it as an owner-reply item threaded under it."""
    payload = require_dict(payload, "Trustpilot")
    items: list[Item] = []
    skipped = 0
    for review in listed(payload.get("reviews")):
        if not isinstance(review, dict):
            skipped += 1
            continue
        rid = text(review.get("id"))
        body, title = text(review.get("text")), text(review.get("title"))
        rating = normalise_rating(review.get("stars"))
        if not rid or not (body or title or rating):
            skipped += 1
            continue
        consumer = review.get("consumer") if isinstance(review.get("consumer"), dict) else {}
        author = None
        # the review list says displayName; Trustpilot's review events and links say name
        shown = text(consumer.get("displayName")) or text(consumer.get("name"))
        if consumer.get("id") or shown:
            author = Author(external_id=text(consumer.get("id")) or shown, display_name=shown,
                            profile_url=(f"https://www.trustpilot.com/users/{consumer['id']}"
                                         if consumer.get("id") else ""))
        items.append(Item(
            external_id=rid, kind=ItemKind.REVIEW, title=title, text=body, rating=rating,
            url=review_url(rid), author=author, language=text(review.get("language")),
            created_at=parse_time(review.get("createdAt")),
            updated_at=parse_time(review.get("updatedAt")), raw=review))
        reply = review.get("companyReply")
        if isinstance(reply, dict) and text(reply.get("text")):
            unit = review.get("businessUnit") if isinstance(review.get("businessUnit"), dict) else {}
            owner = (Author(external_id=text(unit.get("id")) or text(unit.get("displayName")),
                            display_name=text(unit.get("displayName")))
                     if unit.get("id") or unit.get("displayName") else None)
            items.append(Item(
                external_id=owner_reply_id(rid), kind=ItemKind.REPLY, text=text(reply.get("text")),
                url=review_url(rid), author=owner, is_owner_reply=True, parent_external_id=rid,
                created_at=parse_time(reply.get("createdAt")),
                updated_at=parse_time(reply.get("updatedAt")), raw=reply))
    return items, skipped


def has_next_page(payload: dict[str, Any]) -> bool:
    return any(isinstance(link, dict) and link.get("rel") == "next-page"
               for link in listed(payload.get("links")))


class TrustpilotConnector(Connector):
    kind = "trustpilot"
    title = "Trustpilot"
    default_base_url = "https://api.trustpilot.com/v1"
    settings: ClassVar[list[Setting]] = [
        Setting("business_unit_id", "Your Trustpilot business unit id (24 hex characters; "
                "GET /v1/business-units/find?name=yourdomain.com shows it)", required=True),
        Setting("business_user_id", "Only to post replies: your Trustpilot Business user id "
                "(on your profile page in Trustpilot Business)"),
        Setting("base_url", "API address (for testing)", default=default_base_url),
    ]
    # `api_secret` is only needed to reply: with the key it buys a business token
    # (client-credentials grant). Reading reviews needs the key alone.
    secrets: ClassVar[list[str]] = ["api_key", "api_secret"]
    can_reply = True

    _token: str | None = None
    _token_expires: float = 0.0

    async def access_token(self) -> str:
        """A private-API bearer token for the reply half (client-credentials grant; these
        tokens cannot be refreshed, so a new one is requested when it runs out)."""
        if self._token and time.time() < self._token_expires - 60:
            return self._token
        key, secret = self.secret_values.get("api_key"), self.secret_values.get("api_secret")
        if not key or not secret:
            raise CredentialsRejected("replying on Trustpilot needs the API key and the API secret "
                                      "saved for this source (secret names api_key, api_secret)")
        basic = base64.b64encode(f"{key}:{secret}".encode()).decode()
        response = await self.http.request(
            "POST", f"{self.base_url}/oauth/oauth-business-users-for-applications/accesstoken",
            headers={"Authorization": f"Basic {basic}"}, data={"grant_type": "client_credentials"},
            ok_statuses=(400,))
        payload = parse_json(response)
        token = dig(payload, "access_token")
        if response.status_code >= 400 or not isinstance(token, str) or not token:
            raise CredentialsRejected("Trustpilot refused the API key and secret")
        expires = str(dig(payload, "expires_in") or "")  # documented as a string
        self._token = token
        self._token_expires = time.time() + (float(expires) if expires.isdigit() else 3600)
        return token

    async def _page(self, number: int) -> dict[str, Any]:
        unit = self.setting("business_unit_id")
        if not unit:
            raise SourceError("the Trustpilot source needs a business_unit_id")
        key = self.secret_values.get("api_key")
        if not key:
            raise CredentialsRejected("no Trustpilot API key saved for this source")
        response = await self.http.request(
            "GET", f"{self.base_url}/business-units/{unit}/reviews",
            params={"page": number, "perPage": PER_PAGE, "orderBy": "createdat.desc"},
            headers={"apikey": key}, ok_statuses=(400, 404))
        if response.status_code == 404:
            raise SourceError("Trustpilot does not know this business_unit_id")
        payload = parse_json(response)
        if response.status_code >= 400:
            raise SourceError(f"Trustpilot refused the request (HTTP {response.status_code}): "
                              f"{text(dig(payload, 'message'))[:200]}")
        return require_dict(payload, "Trustpilot")

    async def pages(self, cursor: dict[str, Any]) -> AsyncIterator[Page]:
        mark = Watermark(cursor, key="newest", overlap_s=OVERLAP_S)
        for number in range(1, MAX_PAGES + 1):
            payload = await self._page(number)
            items, skipped = parse_reviews(payload)
            reached = [mark.reached(i.created_at) for i in items if not i.is_owner_reply]
            last = not items or not has_next_page(payload) or any(reached) or number == MAX_PAGES
            yield Page(items=items, cursor=mark.done() if last else mark.during(), skipped=skipped)
            if last:
                return

    async def find(self, domain: str) -> list[Choice]:
        """The business unit of a website (business-units/find), to pick instead of typing
        its 24-character id."""
        key = self.secret_values.get("api_key")
        if not key:
            raise CredentialsRejected("paste the API key first")
        response = await self.http.request(
            "GET", f"{self.base_url}/business-units/find", params={"name": domain.strip()},
            headers={"apikey": key}, ok_statuses=(404,))
        data = response.json() if response.status_code == 200 and response.content else {}
        if not isinstance(data, dict) or not data.get("id"):
            return []
        total = (data.get("numberOfReviews") or {}).get("total") if isinstance(data.get("numberOfReviews"), dict) else None
        return [Choice(str(data.get("displayName") or domain), {"business_unit_id": str(data["id"])},
                       " · ".join(x for x in (str(data.get("websiteUrl") or ""),
                                              f"{total} reviews" if isinstance(total, int) else "") if x))]

    async def test(self) -> str:
        payload = await self._page(1)
        items, _ = parse_reviews(payload)
        reviews = sum(1 for i in items if not i.is_owner_reply)
        return f"OK: {counted(reviews, 'review')} on the first page" + (" (more pages)" if has_next_page(payload) else "")


CONNECTOR = TrustpilotConnector
