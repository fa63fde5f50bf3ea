"""Apple App Store: the customer-reviews RSS feed (JSON form) of an app, per storefront.

No auth and no reply API. Up to 10 pages of 50 reviews, newest first. Reviews are per
storefront, so the external id is `<country>:<id>` and several countries (comma-separated)
can share one source.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any, ClassVar

from inbox.domain import Author, Item, ItemKind, parse_time, utcnow
from inbox.domain.models import normalise_rating
from inbox.sources.base import BadPayload, Connector, Page, RateLimited, Setting, SourceError
from inbox.sources.payload import parse_json
from inbox.sources.tolerant import as_list, counted, dig, text
from inbox.sources.watermark import Watermark

MAX_PAGE = 10
OVERLAP_S = 2 * 86400
SEEN_IDS = 100  # the newest review ids per storefront, for feeds whose entries carry no time
FIRST_SEEN = "time_is_first_seen"  # in an item's raw: its time is when the app first saw it


def _first_seen(item: Item, now: Any) -> Item:
    """An undated review gets the time it was first seen, marked as such in its raw data."""
    if item.created_at is None:
        item.created_at = item.updated_at = now
        item.raw = {**(item.raw or {}), FIRST_SEEN: True}
    return item


def label(entry: Any, *path: str) -> str:
    """Every value in this feed is a string inside {"label": ...}."""
    return text(dig(entry, *path, "label"))


def parse_feed(payload: Any, country: str) -> tuple[list[Item], int]:
    """One feed page → (items, skipped). No `entry` means no reviews; one review comes as a
    bare object; an entry without `im:rating` is the app itself (older feeds), not a review."""
    feed = dig(payload, "feed")
    if not isinstance(feed, dict):
        raise BadPayload("the App Store feed has no 'feed' object")
    items: list[Item] = []
    skipped = 0
    for entry in as_list(feed.get("entry")):
        if not isinstance(entry, dict):
            skipped += 1
            continue
        if "im:rating" not in entry:
            continue  # the app's own metadata entry: not a review, not a loss
        rid = label(entry, "id")
        body, title = label(entry, "content"), label(entry, "title")
        rating = normalise_rating(label(entry, "im:rating"))
        if not rid or not (body or title or rating):
            skipped += 1
            continue
        name, uri = label(entry, "author", "name"), label(entry, "author", "uri")
        author = Author(external_id=uri or name, display_name=name, profile_url=uri) \
            if (uri or name) else None
        when = parse_time(label(entry, "updated"))
        items.append(Item(
            external_id=f"{country}:{rid}", kind=ItemKind.REVIEW, title=title, text=body,
            rating=rating, author=author, created_at=when, updated_at=when,
            url=text(dig(entry, "link", "attributes", "href")), raw=entry))
    return items, skipped


def countries(value: str | None) -> list[str]:
    found = [c.strip().lower() for c in re.split(r"[,\s]+", value or "") if c.strip()]
    bad = [c for c in found if not re.fullmatch(r"[a-z]{2}", c)]
    if bad:
        raise SourceError(f"App Store country must be a two-letter storefront code like gb or us, not {bad[0]!r}")
    return found or ["us"]


class AppStoreConnector(Connector):
    kind = "appstore"
    title = "App Store"
    default_base_url = "https://itunes.apple.com"
    settings: ClassVar[list[Setting]] = [
        Setting("app_id", "The app's numeric id: the digits after 'id' in its apps.apple.com "
                "address", required=True),
        Setting("country", "Storefront(s), two-letter codes separated by commas, e.g. gb,us",
                default="us"),
        Setting("base_url", "Feed address (for testing)", default=default_base_url),
    ]
    secrets: ClassVar[list[str]] = []
    can_reply = False

    async def _page(self, country: str, number: int) -> Any:
        app = self.setting("app_id")
        if not app or not app.isdigit():
            raise SourceError("the App Store source needs a numeric app_id")
        url = f"{self.base_url}/{country}/rss/customerreviews/page={number}/id={app}/sortby=mostrecent/json"
        response = await self.http.request("GET", url, ok_statuses=(400, 403, 404))
        if response.status_code == 403:  # no credentials here: Apple's answer when busy
            raise RateLimited(None, "the App Store refused the feed (403), usually after too "
                                    "many requests; it will be tried again later")
        if response.status_code in (400, 404):
            if number > 1:
                return {"feed": {}}  # past the last page Apple may answer 400
            raise SourceError(f"the App Store has no reviews feed for app {app} in storefront {country!r}")
        return parse_json(response)

    async def pages(self, cursor: dict[str, Any]) -> AsyncIterator[Page]:
        state = {cc: dict(mark) for cc, mark in (cursor.get("countries") or {}).items()
                 if isinstance(mark, dict)}
        now = utcnow()
        for country in countries(self.setting("country")):
            mark = Watermark(state.get(country, {}), key="newest", overlap_s=OVERLAP_S)
            # Some storefronts' feeds carry no `updated`: the ids already stored are then
            # what stops the walk, and such a review gets the time it was first seen.
            seen = set(state.get(country, {}).get("seen") or [])
            newest_ids: list[str] = []
            for number in range(1, MAX_PAGE + 1):
                items, skipped = parse_feed(await self._page(country, number), country)
                newest_ids += [i.external_id for i in items][:SEEN_IDS - len(newest_ids)]
                reached = [mark.reached(i.created_at) or i.external_id in seen for i in items]
                items = [_first_seen(i, now) for i in items
                         if i.created_at is not None or i.external_id not in seen]
                last = not items or any(reached) or number == MAX_PAGE
                if last:
                    kept = [i for i in state.get(country, {}).get("seen") or [] if i not in newest_ids]
                    state[country] = {**mark.done(), "seen": (newest_ids + kept)[:SEEN_IDS]}
                yield Page(items=items, cursor={"countries": {k: dict(v) for k, v in state.items()}},
                           skipped=skipped)
                if last:
                    break

    async def test(self) -> str:
        country = countries(self.setting("country"))[0]
        items, _ = parse_feed(await self._page(country, 1), country)
        return f"OK: {counted(len(items), 'recent review')} in storefront {country}"


CONNECTOR = AppStoreConnector
