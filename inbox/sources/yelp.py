"""Yelp Fusion (Places API): up to three review excerpts per business; no reply API.

`time_created` carries no zone. Yelp's Fusion docs give it in Pacific time, so by default it
is read as America/Los_Angeles; the `timezone` setting names another IANA zone (e.g. the
business's own) when that fits better. Never read as UTC.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from inbox.domain import Author, Item, ItemKind, format_time, parse_time, utcnow
from inbox.domain.models import normalise_rating
from inbox.sources.base import Connector, CredentialsRejected, Page, RateLimited, Setting, SourceError
from inbox.sources.choices import Choice
from inbox.sources.payload import parse_json
from inbox.sources.tolerant import counted, dig, error_body, listed, require_dict, text

DEFAULT_ZONE = "America/Los_Angeles"
FREE_PLAN_REVIEWS = 3  # Yelp's free plan shares three review excerpts per business


def clean_url(url: str) -> str:
    """The review link without Yelp's tracking parameters (utm_*, adjust_creative)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.startswith("utm_") and k != "adjust_creative"]
    return urlunsplit(parts._replace(query=urlencode(query)))


def local_time(value: Any, zone: ZoneInfo) -> datetime | None:
    """'YYYY-MM-DD HH:MM:SS' in `zone` → aware UTC (values with an offset keep theirs)."""
    dt = parse_time(value, naive_is_utc=False)
    if dt is not None:
        return dt
    naive = parse_time(value)  # parsed as if UTC; re-read the wall clock in the zone
    if naive is None:
        return None
    return parse_time(naive.replace(tzinfo=zone))


def parse_reviews(payload: Any, zone: ZoneInfo) -> tuple[list[Item], int]:
    """A `/businesses/{id}/reviews` body → (items, skipped)."""
    payload = require_dict(payload, "Yelp")
    items: list[Item] = []
    skipped = 0
    for review in listed(payload.get("reviews")):
        if not isinstance(review, dict):
            skipped += 1
            continue
        rid = text(review.get("id"))
        body = text(review.get("text"))
        rating = normalise_rating(review.get("rating"))
        if not rid or not (body or rating):
            skipped += 1
            continue
        user = review.get("user") if isinstance(review.get("user"), dict) else {}
        author = None
        if user.get("id") or user.get("name"):
            author = Author(external_id=text(user.get("id")) or text(user.get("name")),
                            display_name=text(user.get("name")),
                            profile_url=text(user.get("profile_url")))
        items.append(Item(
            external_id=rid, kind=ItemKind.REVIEW, text=body, rating=rating,
            url=clean_url(text(review.get("url"))), author=author,
            created_at=local_time(review.get("time_created"), zone), raw=review))
    return items, skipped


def daily_budget(headers: Any) -> dict[str, Any] | None:
    """Yelp's `RateLimit-*` headers: calls left today, the daily limit, when it resets."""
    try:
        remaining = int(headers.get("ratelimit-remaining"))
        limit = int(headers.get("ratelimit-dailylimit") or 0)
    except (TypeError, ValueError):
        return None
    return {"remaining": remaining, "limit": limit,
            "reset": format_time(parse_time(headers.get("ratelimit-resettime")))}


def budget_spent_until(budget: Any) -> datetime | None:
    """When a spent daily budget (as last reported) comes back, if that is still ahead."""
    if not isinstance(budget, dict) or budget.get("remaining") != 0:
        return None
    reset = parse_time(budget.get("reset"))
    return reset if reset is not None and reset > utcnow() else None


def _error(payload: Any, status: int) -> SourceError:
    code = text(dig(payload, "error", "code"))
    desc = text(dig(payload, "error", "description"))
    if code in ("TOKEN_MISSING", "TOKEN_INVALID", "UNAUTHORIZED_ACCESS_TOKEN") or status in (401, 403):
        return CredentialsRejected("Yelp refused the API key")
    if code in ("TOO_MANY_REQUESTS_PER_SECOND", "ACCESS_LIMIT_REACHED") or status == 429:
        return RateLimited(None, f"Yelp rate limit: {code or status}")
    if code == "BUSINESS_NOT_FOUND" or status == 404:
        return SourceError("Yelp does not know this business_id (or it has no reviews yet)")
    return SourceError(f"Yelp error {code or status}: {desc[:200]}")


class YelpConnector(Connector):
    kind = "yelp"
    title = "Yelp"
    default_base_url = "https://api.yelp.com/v3"
    settings: ClassVar[list[Setting]] = [
        Setting("business_id", "The business's Yelp id or alias, e.g. harbour-street-cafe-brighton "
                "(the last part of its yelp.com/biz/ address)", required=True),
        Setting("locale", "Review language as a Yelp locale, e.g. en_US or fr_FR (default: Yelp's)"),
        Setting("timezone", "IANA zone of Yelp's review times, which carry none (Yelp documents "
                "Pacific time)", default=DEFAULT_ZONE),
        Setting("reviews_per_request", "Reviews per request your Yelp plan allows: 3 on the free "
                "plan; Enhanced and Premium plans share more (up to 50)", default=str(FREE_PLAN_REVIEWS)),
        Setting("base_url", "API address (for testing)", default=default_base_url),
    ]
    secrets: ClassVar[list[str]] = ["api_key"]

    def _per_request(self) -> int:
        try:
            return max(1, min(50, int(self.setting("reviews_per_request") or FREE_PLAN_REVIEWS)))
        except ValueError:
            raise SourceError("the Yelp source's reviews_per_request must be a number from 1 to 50") from None
    can_reply = False

    def _zone(self) -> ZoneInfo:
        name = self.setting("timezone", DEFAULT_ZONE) or DEFAULT_ZONE
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise SourceError(f"unknown time zone {name!r} in the Yelp source's timezone setting") from None

    async def _fetch(self) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """The reviews body and the daily budget Yelp reports with it."""
        business = self.setting("business_id")
        if not business:
            raise SourceError("the Yelp source needs a business_id")
        key = self.secret_values.get("api_key")
        if not key:
            raise CredentialsRejected("no Yelp API key saved for this source")
        params: dict[str, Any] = {"locale": self.setting("locale")} if self.setting("locale") else {}
        per_request = self._per_request()
        if per_request > FREE_PLAN_REVIEWS:  # paid plans share more; the free one refuses a bigger limit
            params["limit"] = per_request
        response = await self.http.request(
            "GET", f"{self.base_url}/businesses/{business}/reviews", params=params or None,
            headers={"Authorization": f"Bearer {key}"}, ok_statuses=(400, 401, 403, 404))
        if response.status_code >= 400:
            raise _error(error_body(response), response.status_code)
        payload = parse_json(response)
        return require_dict(payload, "Yelp"), daily_budget(response.headers)

    async def pages(self, cursor: dict[str, Any]) -> AsyncIterator[Page]:
        zone = self._zone()
        spent_until = budget_spent_until(cursor.get("budget"))
        if spent_until is not None:  # don't spend a call to be told so again
            raise RateLimited((spent_until - utcnow()).total_seconds(),
                              f"Yelp's daily API budget is used up until {format_time(spent_until)}")
        payload, budget = await self._fetch()
        items, skipped = parse_reviews(payload, zone)
        total = payload.get("total")
        new_cursor = dict(cursor)
        if isinstance(total, int):
            new_cursor["total"] = total
        new_cursor["shared"] = len(items)  # how many of them Yelp shares on this key's plan
        if budget:
            new_cursor["budget"] = budget
        yield Page(items=items, cursor=new_cursor, skipped=skipped)

    async def search(self, term: str, location: str) -> list[Choice]:
        """Businesses matching a name near a place (Business Search), to pick instead of
        typing the id."""
        key = self.secret_values.get("api_key")
        if not key:
            raise CredentialsRejected("paste the API key first")
        response = await self.http.request(
            "GET", f"{self.base_url}/businesses/search", headers={"Authorization": f"Bearer {key}"},
            params={"term": term, "location": location, "limit": 10})
        data = response.json() if response.content else {}
        found = data.get("businesses") if isinstance(data, dict) else None
        choices = []
        for b in found if isinstance(found, list) else []:
            if isinstance(b, dict) and (b.get("alias") or b.get("id")):
                where = ", ".join((b.get("location") or {}).get("display_address") or [])
                reviews = b.get("review_count")
                detail = " · ".join(x for x in (where, f"{reviews} reviews" if isinstance(reviews, int) else "") if x)
                choices.append(Choice(str(b.get("name") or b.get("alias")),
                                      {"business_id": str(b.get("alias") or b.get("id"))}, detail))
        return choices

    async def test(self) -> str:
        payload, _ = await self._fetch()
        items, _ = parse_reviews(payload, self._zone())
        total = payload.get("total")
        verdict = f"OK: {counted(len(items), 'review excerpt')}" + (
            f" of {counted(total, 'review')}" if isinstance(total, int) else "")
        if isinstance(total, int) and total > len(items):
            verdict += " (all Yelp shares on this key's plan; paid plans share more)"
        return verdict


CONNECTOR = YelpConnector
