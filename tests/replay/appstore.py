"""Apple's customer-reviews RSS feed (JSON) as the replay server plays it (source-apis.md §6):
50 entries a page, page 1-10 in the path, no `entry` key when empty, a bare object when one."""

from __future__ import annotations

from typing import Any

from tests.replay.server import ReplayServer, Reply, Request

APP = "1611223344"
PATH = r"/(?P<cc>[a-z]{2})/rss/customerreviews/page=(?P<page>\d+)/id=(?P<app>\d+)/sortby=mostrecent/json"


def entry(rid: str, rating: int, title: str, content: str, updated: str, *, name: str = "seafront_sam",
          user: str = "1188442211", cc: str = "gb") -> dict[str, Any]:
    return {
        "author": {"uri": {"label": f"https://itunes.apple.com/{cc}/reviews/id{user}"},
                   "name": {"label": name}, "label": ""},
        "updated": {"label": updated},
        "im:rating": {"label": str(rating)},
        "im:version": {"label": "3.8.1"},
        "id": {"label": rid},
        "title": {"label": title},
        "content": {"label": content, "attributes": {"type": "text"}},
        "link": {"attributes": {"rel": "related",
                                "href": f"https://itunes.apple.com/{cc}/review?id={APP}&type=Purple%20Software"}},
        "im:voteSum": {"label": "0"},
        "im:contentType": {"attributes": {"term": "Application", "label": "Application"}},
        "im:voteCount": {"label": "0"},
    }


APP_ENTRY = {  # what page 1 used to start with: the app itself, no im:rating
    "im:name": {"label": "Harbour Café"}, "im:price": {"label": "Get", "attributes": {"amount": "0.00"}},
    "id": {"label": f"https://apps.apple.com/gb/app/harbour-cafe/id{APP}", "attributes": {"im:id": APP}},
    "title": {"label": "Harbour Café - Harbour Street Café Ltd"},
}


def sample() -> list[dict[str, Any]]:
    return [
        entry("12873344556", 2, "Loyalty stamps vanished",
              "Since the update my stamps are gone.\nHad 8 of 10. Please fix!", "2026-03-13T11:42:09-07:00"),
        entry("12869011223", 5, "Order ahead is brilliant", "Skip the queue every morning. Works perfectly.",
              "2026-03-12T02:05:51-07:00", name="Bea R.", user="1077118855"),
    ]


def feed(cc: str, page: int, entries: list[dict[str, Any]] | dict[str, Any] | None) -> dict[str, Any]:
    base = f"https://itunes.apple.com/{cc}/rss/customerreviews"
    body: dict[str, Any] = {
        "author": {"name": {"label": "iTunes Store"}, "uri": {"label": "http://www.apple.com/uk/itunes/"}},
        "updated": {"label": "2026-03-14T03:10:22-07:00"},
        "rights": {"label": "Copyright 2008 Apple Inc."},
        "title": {"label": "iTunes Store: Customer Reviews"},
        "icon": {"label": "http://itunes.apple.com/favicon.ico"},
        "link": [
            {"attributes": {"rel": "self", "href": f"{base}/page={page}/id={APP}/sortby=mostrecent/json"}},
            {"attributes": {"rel": "last", "href": f"{base}/page=10/id={APP}/sortby=mostrecent/xml"
                                                   f"?urlDesc=/customerreviews/page={page}/id={APP}/sortby=mostrecent/json"}},
        ],
        "id": {"label": f"{base}/page={page}/id={APP}/sortby=mostrecent/json"},
    }
    if entries:  # Apple leaves the key out when there are no reviews
        body["entry"] = entries
    return {"feed": body}


def install(server: ReplayServer, storefronts: dict[str, list[dict[str, Any]]], *,
            app_entry: bool = False) -> None:
    """Serve each storefront's entries, newest first, 50 a page (lists may change between syncs)."""

    def handler(req: Request) -> Reply:
        assert req.match is not None
        cc, page = req.match["cc"], int(req.match["page"])
        if req.match["app"] != APP:
            return Reply(status=404, body="<html>Not Found</html>", content_type="text/html")
        if not 1 <= page <= 10:
            return Reply(status=400, body="<html>Bad Request</html>", content_type="text/html")
        chunk: Any = storefronts.get(cc, [])[(page - 1) * 50: page * 50]
        if app_entry and page == 1:
            chunk = [APP_ENTRY, *chunk]
        if len(chunk) == 1:
            chunk = chunk[0]  # one review: a bare object, not a list
        return Reply(json=feed(cc, page, chunk), content_type="text/javascript; charset=utf-8")

    server.add("GET", PATH, handler)
