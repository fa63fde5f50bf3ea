"""The Facebook Graph API (Page ratings, feed, comments) as the replay server plays it
(source-apis.md §9, §12). Paging uses `after` cursors and a `paging.next` URL that embeds
the token, as Facebook does."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tests.replay.server import ReplayServer, Reply, Request

TOKEN = "EAAGExamplePageToken"
PAGE = "104455667788990"
POST = f"{PAGE}_998877665544332"
VERSION = "v21.0"


def error(code: int, message: str, status: int = 400, subcode: int | None = None) -> Reply:
    body: dict[str, Any] = {"message": message, "type": "OAuthException", "code": code,
                            "fbtrace_id": "AbCdEf12345"}
    if subcode is not None:
        body["error_subcode"] = subcode
    return Reply(status=status, json={"error": body})


TOKEN_EXPIRED = error(190, "Error validating access token: Session has expired on Friday, "
                           "13-Mar-26 10:00:00 PDT.", subcode=463)
RATINGS_GONE = error(12, "(#12) ratings is deprecated for versions v22.0 and higher")
PAGE_LIMIT = error(80001, "(#80001) There have been too many calls to this Page account. Wait a bit "
                          "and try again.")
TRUNCATED = Reply(body=b'{"data": [{"id": "99887766', content_type="application/json")


def rating(created: str, kind: str, text: str, story: str, reviewer: dict[str, str] | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"created_time": created, "recommendation_type": kind, "review_text": text,
                             "has_rating": False, "has_review": True, "open_graph_story": {"id": story}}
    if reviewer:
        entry["reviewer"] = reviewer
    return entry


def comment(cid: str, message: str | None, created: str, *, who: dict[str, str] | None = None,
            parent: str | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": cid, "created_time": created, "comment_count": 0,
                             "permalink_url": f"https://www.facebook.com/{PAGE}/posts/998877665544332/"
                                              f"?comment_id={cid.split('_')[-1]}"}
    if who:
        entry["from"] = who
    if message is not None:
        entry["message"] = message
    if parent:
        entry["parent"] = {"id": parent}
    return entry


def sample_ratings() -> list[dict[str, Any]]:
    return [
        rating("2026-03-11T19:22:05+0000", "positive", "Friendly staff and the best cinnamon buns on "
               "the coast.", "1023456789012345", {"name": "Aisha Rahman", "id": "7712345098765432"}),
        rating("2026-03-04T08:10:47+0000", "negative", "Ordered for delivery, arrived cold and 40 "
               "minutes late.", "1023456789019876"),
    ]


def sample_comments() -> list[dict[str, Any]]:
    return [
        comment("998877665544332_1234567890124000", "Yes Tom, from 10am both days if the weather holds!",
                "2026-03-14T10:02:11+0000", who={"name": "Harbour Street Café", "id": PAGE},
                parent="998877665544332_1234567890123456"),
        comment("998877665544332_1234567890123456", "Is the terrace open this weekend?",
                "2026-03-14T09:12:40+0000", who={"name": "Tom Ellery", "id": "6655443322110099"}),
        comment("998877665544332_1234567890120001", "Same question about dogs on the terrace 🐶",
                "2026-03-13T18:40:02+0000", parent="998877665544332_1234567890110000"),
        comment("998877665544332_1234567890110000", "Are dogs allowed inside?", "2026-03-13T17:00:00+0000",
                who={"name": "Priya N", "id": "5544332211009988"}),
    ]


def sample_tagged() -> list[dict[str, Any]]:
    return [{"id": "5544332211009988_776655443322", "created_time": "2026-03-12T20:15:00+0000",
             "message": "Birthday brunch at Harbour Street Café 🎂 thanks team!",
             "permalink_url": "https://www.facebook.com/5544332211009988/posts/776655443322",
             "from": {"name": "Priya N", "id": "5544332211009988"}},
            {"id": "5544332211009988_776655440000", "created_time": "2026-03-10T10:00:00+0000",
             "permalink_url": "https://www.facebook.com/5544332211009988/posts/776655440000"}]  # photo only


NO_PERMISSION = error(10, "(#10) This endpoint requires the 'pages_read_user_content' permission", 403)


@dataclass
class Graph:
    """What the fake Graph API holds; tests change it between syncs."""

    ratings: list[dict[str, Any]] | None = field(default_factory=sample_ratings)  # None: v22+ (code 12)
    posts: list[dict[str, Any]] = field(default_factory=lambda: [
        {"id": POST, "created_time": "2026-03-12T08:00:00+0000",
         "permalink_url": f"https://www.facebook.com/{PAGE}/posts/998877665544332"}])
    comments: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {POST: sample_comments()})
    tagged: list[dict[str, Any]] | None = field(default_factory=sample_tagged)  # None: no permission


def _page_of(req: Request, data: list[dict[str, Any]], default_limit: int = 25) -> Reply:
    limit = int(req.arg("limit", str(default_limit)) or default_limit)
    after = req.arg("after")
    start = int(base64.b64decode(after).decode()) if after else 0
    chunk = data[start:start + limit]
    body: dict[str, Any] = {"data": chunk}
    if chunk:
        end = base64.b64encode(str(start + len(chunk)).encode()).decode()
        body["paging"] = {"cursors": {"before": base64.b64encode(str(start).encode()).decode(), "after": end}}
        if start + limit < len(data):
            body["paging"]["next"] = (f"https://graph.facebook.com/{VERSION}{req.path}?access_token={TOKEN}"
                                      f"&limit={limit}&after={end}")
    return Reply(json=body, headers={"X-App-Usage": '{"call_count":28,"total_cputime":12,"total_time":15}'})


def install(server: ReplayServer, graph: Graph) -> None:
    def authorised(req: Request) -> bool:
        return req.headers.get("authorization") == f"Bearer {TOKEN}" or req.arg("access_token") == TOKEN

    def ratings(req: Request) -> Reply:
        if not authorised(req):
            return TOKEN_EXPIRED
        return RATINGS_GONE if graph.ratings is None else _page_of(req, graph.ratings)

    def feed(req: Request) -> Reply:
        """Newest first by creation; `since` (a Unix time) filters on created_time, as the
        Graph API does; `updated_time` is the post's latest comment, when asked for."""
        if not authorised(req):
            return TOKEN_EXPIRED
        posts = sorted(graph.posts, key=lambda p: p["created_time"], reverse=True)
        if req.arg("since"):
            since = datetime.fromtimestamp(int(req.arg("since") or 0), UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")
            posts = [p for p in posts if p["created_time"] >= since]
        if "updated_time" in (req.arg("fields") or ""):
            posts = [{**p, "updated_time": max([p["created_time"], *(c["created_time"] for c in
                                                                      graph.comments.get(p["id"], []))])}
                     for p in posts]
        return _page_of(req, posts)

    def comments(req: Request) -> Reply:
        if not authorised(req):
            return TOKEN_EXPIRED
        assert req.match is not None
        return _page_of(req, graph.comments.get(req.match["obj"], []), default_limit=25)

    def tagged(req: Request) -> Reply:
        if not authorised(req):
            return TOKEN_EXPIRED
        return NO_PERMISSION if graph.tagged is None else _page_of(req, graph.tagged)

    def page(req: Request) -> Reply:
        return Reply(json={"id": PAGE, "name": "Harbour Street Café"}) if authorised(req) else TOKEN_EXPIRED

    server.add("GET", rf"/{VERSION}/{PAGE}", page)
    server.add("GET", rf"/{VERSION}/{PAGE}/ratings", ratings)
    server.add("GET", rf"/{VERSION}/{PAGE}/feed", feed)
    server.add("GET", rf"/{VERSION}/{PAGE}/tagged", tagged)
    server.add("GET", rf"/{VERSION}/(?P<obj>[0-9_]+)/comments", comments)
