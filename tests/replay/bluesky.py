"""A fake Bluesky PDS: createSession / refreshSession, listNotifications and searchPosts
with opaque cursors, newest first; getPostThread over every post it knows (`others` are
posts seen only in threads); access tokens can be expired on demand."""

from __future__ import annotations

from typing import Any

from tests.replay.server import ReplayServer, Reply, Request

OWN_DID = "did:plc:dfyspsc5lkr4aqxvupctnwla"


class FakeBluesky:
    def __init__(self, n: int = 120, *, handle: str = "harbourcafe.bsky.social",
                 app_password: str = "abcd-efgh-ijkl-mnop", did: str = OWN_DID) -> None:
        self.handle, self.app_password, self.did = handle, app_password, did
        self.notifications: list[dict[str, Any]] = []
        self.posts: list[dict[str, Any]] = []
        self.generation = 0
        self.sessions = 0
        self.refreshes = 0
        self.others: list[dict[str, Any]] = []
        self._sorted: dict[str, tuple[int, list[dict[str, Any]]]] = {}
        for i in range(n):
            self.notify(f"Mention {i} of @{handle} ✨")

    def _when(self, i: int) -> str:
        return f"2026-03-{1 + (i // 1440) % 28:02d}T{(i // 60) % 24:02d}:{i % 60:02d}:12.004Z"

    def notify(self, text: str, *, reason: str = "mention", reply_to: str | None = None,
               root: str | None = None, rkey: str | None = None) -> dict[str, Any]:
        i = len(self.notifications)
        did = f"did:plc:user{i % 17:04d}"
        uri = f"at://{did}/app.bsky.feed.post/{rkey or f'3lo{i:06d}'}"
        record: dict[str, Any] = {"$type": "app.bsky.feed.post", "text": text, "langs": ["en"],
                                  "createdAt": self._when(i)}
        if reply_to:
            record["reply"] = {"root": {"uri": root or reply_to, "cid": "bafyroot"},
                               "parent": {"uri": reply_to, "cid": "bafyparent"}}
        note = {"uri": uri, "cid": f"bafy{i}", "reason": reason, "record": record, "isRead": False,
                "indexedAt": self._when(i), "labels": [],
                "author": {"did": did, "handle": f"user{i % 17}.bsky.social", "displayName": f"User {i % 17}"}}
        self.notifications.append(note)
        return note

    def search_post(self, text: str) -> dict[str, Any]:
        i = len(self.posts)
        post = {"uri": f"at://did:plc:searcher/app.bsky.feed.post/3s{i:05d}", "cid": f"bafys{i}",
                "author": {"did": "did:plc:searcher", "handle": "localfoodie.bsky.social"},
                "record": {"$type": "app.bsky.feed.post", "text": text, "createdAt": self._when(i)},
                "indexedAt": self._when(i)}
        self.posts.append(post)
        return post

    def expire_tokens(self) -> None:
        self.generation += 1

    def _session(self) -> dict[str, Any]:
        self.sessions += 1
        return {"did": self.did, "handle": self.handle, "active": True,
                "accessJwt": f"access-{self.generation}", "refreshJwt": f"refresh-{self.generation}"}

    def create_session(self, req: Request) -> Reply:
        body = req.json() or {}
        if body.get("identifier") != self.handle or body.get("password") != self.app_password:
            return Reply(status=401, json={"error": "AuthenticationRequired",
                                           "message": "Invalid identifier or password"})
        return Reply(json=self._session())

    def refresh_session(self, req: Request) -> Reply:
        if req.headers.get("authorization") != f"Bearer refresh-{self.generation - 1}" and \
                req.headers.get("authorization") != f"Bearer refresh-{self.generation}":
            return Reply(status=400, json={"error": "ExpiredToken", "message": "Token has expired"})
        self.refreshes += 1
        return Reply(json=self._session())

    def get_post_thread(self, req: Request) -> Reply:
        """The post, its parents up to `parentHeight` and its replies `depth` levels down,
        as threadViewPost nodes."""
        if req.headers.get("authorization") != f"Bearer access-{self.generation}":
            return Reply(status=400, json={"error": "ExpiredToken", "message": "Token has expired"})
        posts = {p["uri"]: p for p in [*self.notifications, *self.posts, *self.others]}
        uri = req.arg("uri") or ""
        if uri not in posts:
            return Reply(status=400, json={"error": "NotFound", "message": f"Post not found: {uri}"})

        def parent_of(post: dict[str, Any]) -> str | None:
            return ((post.get("record") or {}).get("reply") or {}).get("parent", {}).get("uri")

        def down(post: dict[str, Any], depth: int) -> dict[str, Any]:
            node: dict[str, Any] = {"$type": "app.bsky.feed.defs#threadViewPost", "post": post}
            if depth > 0:
                node["replies"] = [down(p, depth - 1) for p in posts.values() if parent_of(p) == post["uri"]]
            return node

        thread = down(posts[uri], int(req.arg("depth") or 6))
        node, height = thread, int(req.arg("parentHeight") or 80)
        while height > 0 and parent_of(node["post"]):
            above = posts.get(parent_of(node["post"]) or "")
            node["parent"] = ({"$type": "app.bsky.feed.defs#threadViewPost", "post": above} if above else
                              {"$type": "app.bsky.feed.defs#notFoundPost", "uri": parent_of(node["post"]),
                               "notFound": True})
            if not above:
                break
            node, height = node["parent"], height - 1
        return Reply(json={"thread": thread})

    def _page(self, req: Request, entries: list[dict[str, Any]], key: str) -> Reply:
        if req.headers.get("authorization") != f"Bearer access-{self.generation}":
            return Reply(status=400, json={"error": "ExpiredToken", "message": "Token has expired"})
        cached = self._sorted.get(key)
        if cached is None or cached[0] != len(entries):
            cached = (len(entries), sorted(entries, key=lambda e: e["indexedAt"], reverse=True))
            self._sorted[key] = cached
        newest_first = cached[1]
        if req.arg("since"):  # as the AppView does: against sortAt, the earlier of the two times
            newest_first = [e for e in newest_first
                            if min(e["indexedAt"], e["record"]["createdAt"]) >= (req.arg("since") or "")]
        start = int(req.arg("cursor") or 0)
        limit = int(req.arg("limit") or 50)
        chunk = newest_first[start:start + limit]
        body: dict[str, Any] = {key: chunk}
        if start + limit < len(newest_first):
            body["cursor"] = str(start + limit)
        return Reply(json=body, headers={"RateLimit-Limit": "3000", "RateLimit-Remaining": "2990",
                                         "RateLimit-Reset": "1773482000", "RateLimit-Policy": "3000;w=300"})

    def install(self, server: ReplayServer) -> FakeBluesky:
        server.add("POST", r"/xrpc/com.atproto.server.createSession", self.create_session)
        server.add("POST", r"/xrpc/com.atproto.server.refreshSession", self.refresh_session)
        server.add("GET", r"/xrpc/app.bsky.notification.listNotifications",
                   lambda req: self._page(req, self.notifications, "notifications"))
        server.add("GET", r"/xrpc/app.bsky.feed.getPostThread", self.get_post_thread)
        server.add("GET", r"/xrpc/app.bsky.feed.searchPosts",
                   lambda req: self._page(req, self.posts, "posts"))
        return self
