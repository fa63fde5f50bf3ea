"""A fake Reddit (token endpoint + OAuth search listing, newest first, `after` paging), with
comment trees: /comments/{post} (the post and its comments, `depth` levels), /comments/{post}
/_/{comment}?context=N (a comment with up to N parents above it) and /api/info."""

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
        self.comments: list[dict[str, Any]] = []   # comment `data`, flat: parent_id and link_id
        self.extra_posts: list[dict[str, Any]] = []  # posts seen only in comment trees
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

    def _authorised(self, req: Request) -> bool:
        return req.headers.get("authorization") == f"bearer {self.valid_token}"

    def _post(self, name: str) -> dict[str, Any] | None:
        return next((p for p in [*self.posts, *self.extra_posts] if p["name"] == name), None)

    def _tree(self, parent: str, depth: int, only: set[str] | None = None, level: int = 0) -> dict[str, Any]:
        kids = [c for c in self.comments if c["parent_id"] == parent and (only is None or c["name"] in only)]
        children = []
        for c in kids:
            data = {**c, "depth": level}
            below = self._tree(c["name"], depth - 1, only, level + 1) if depth > 1 else None
            data["replies"] = below if below and below["data"]["children"] else ""
            children.append({"kind": "t1", "data": data})
        return {"kind": "Listing", "data": {"modhash": "", "children": children, "after": None, "before": None}}

    def comment_tree(self, req: Request) -> Reply:
        if not self._authorised(req):
            return Reply(status=401, json={"error": 401})
        post = self._post("t3_" + (req.match.group(1) if req.match else ""))
        if post is None:
            return Reply(status=404, json={"message": "Not Found", "error": 404})
        link = {"kind": "Listing", "data": {"modhash": "", "children": [{"kind": "t3", "data": post}],
                                            "after": None, "before": None}}
        focus = req.match.group(2) if req.match else None
        if focus:  # the comment and `context` parents above it
            by_name = {c["name"]: c for c in self.comments}
            chain, name = [], f"t1_{focus}"
            while name in by_name and len(chain) <= int(req.arg("context") or 0):
                chain.append(name)
                name = by_name[name]["parent_id"]
            top = by_name[chain[-1]]["parent_id"] if chain else post["name"]
            return Reply(json=[link, self._tree(top, 100, set(chain))])
        return Reply(json=[link, self._tree(post["name"], int(req.arg("depth") or 10))])

    def info(self, req: Request) -> Reply:
        if not self._authorised(req):
            return Reply(status=401, json={"error": 401})
        names = (req.arg("id") or "").split(",")
        found = [p for p in (self._post(n) for n in names) if p]
        return Reply(json={"kind": "Listing", "data": {"children": [{"kind": "t3", "data": p} for p in found],
                                                       "after": None, "before": None}})

    def install(self, server: ReplayServer) -> FakeReddit:
        server.add("GET", r"/comments/(\w+)(?:/_/(\w+))?", self.comment_tree)
        server.add("GET", r"/api/info", self.info)
        server.add("POST", r"/api/v1/access_token", self.token)
        server.add("GET", r"/search", self.search)
        server.add("GET", r"/api/v1/me", lambda req: Reply(json={"name": self.creds[2]}))
        return self
