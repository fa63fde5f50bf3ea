"""A fake Reddit (token endpoint + OAuth search listing, newest first, `after` paging)."""

from __future__ import annotations

import base64
from typing import Any

from tests.replay.server import ReplayServer, Reply, Request

T0 = 1773481932.0


class FakeReddit:
    def __init__(self, n: int = 150, *, client_id: str = "cid", client_secret: str = "csecret",
                 username: str = "owner", password: str = "hunter2-pw") -> None:
        self.creds = (client_id, client_secret, username, password)
        self.posts: list[dict[str, Any]] = [self.post(i) for i in range(n)]
        self.tokens_issued = 0
        self.valid_token = "reddit-access-0"

    @staticmethod
    def post(i: int, **over: Any) -> dict[str, Any]:
        d = {"id": f"p{i:05d}", "name": f"t3_p{i:05d}", "title": f"Harbour Street Cafe thread {i}",
             "selftext": f"Post body {i} about *oat milk*",
             "selftext_html": f'<!-- SC_OFF --><div class="md"><p>Post body {i} about <em>oat milk</em></p>\n</div><!-- SC_ON -->',
             "author": f"redditor{i % 13}", "author_fullname": f"t2_u{i % 13}",
             "subreddit_name_prefixed": "r/brighton",
             "permalink": f"/r/brighton/comments/p{i:05d}/harbour/", "url": "https://www.reddit.com/r/x",
             "created_utc": T0 + i * 60, "edited": False, "score": 3, "num_comments": 1}
        d.update(over)
        return d

    def add(self, **over: Any) -> dict[str, Any]:
        d = self.post(len(self.posts), **over)
        self.posts.append(d)
        return d

    def token(self, req: Request) -> Reply:
        cid, secret, user, pw = self.creds
        basic = "Basic " + base64.b64encode(f"{cid}:{secret}".encode()).decode()
        form = req.form()
        if req.headers.get("authorization") != basic:
            return Reply(status=401, json={"message": "Unauthorized", "error": 401})
        if form.get("username") != [user] or form.get("password") != [pw]:
            return Reply(json={"error": "invalid_grant"})  # Reddit says so with a 200
        self.tokens_issued += 1
        self.valid_token = f"reddit-access-{self.tokens_issued}"
        return Reply(json={"access_token": self.valid_token, "token_type": "bearer",
                           "expires_in": 86400, "scope": "*"})

    def search(self, req: Request) -> Reply:
        if req.headers.get("authorization") != f"bearer {self.valid_token}":
            return Reply(status=401, json={"error": 401},
                         headers={"www-authenticate": 'Bearer realm="reddit", error="invalid_token"'})
        if not req.headers.get("user-agent", "").startswith("desktop:feedback-inbox:"):
            return Reply(status=429, body="<html>Too Many Requests</html>", content_type="text/html")
        limit = int(req.arg("limit", "25") or 25)
        newest_first = sorted(self.posts, key=lambda d: -d["created_utc"])
        start = 0
        if req.arg("after"):
            names = [d["name"] for d in newest_first]
            start = names.index(req.arg("after")) + 1 if req.arg("after") in names else len(names)
        chunk = newest_first[start:start + limit]
        after = chunk[-1]["name"] if start + limit < len(newest_first) and chunk else None
        return Reply(json={"kind": "Listing", "data": {
            "after": after, "dist": len(chunk), "modhash": "", "geo_filter": "", "before": None,
            "children": [{"kind": "t3", "data": d} for d in chunk]}},
            headers={"x-ratelimit-used": "4", "x-ratelimit-remaining": "996.0", "x-ratelimit-reset": "412"})

    def install(self, server: ReplayServer) -> FakeReddit:
        server.add("POST", r"/api/v1/access_token", self.token)
        server.add("GET", r"/search", self.search)
        server.add("GET", r"/api/v1/me", lambda req: Reply(json={"name": self.creds[2]}))
        return self
