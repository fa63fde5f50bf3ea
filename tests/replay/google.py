"""A fake Google Business Profile: token refresh and reviews.list (updateTime desc,
pageToken paging) for one location."""

from __future__ import annotations

from typing import Any

from tests.replay.server import ReplayServer, Reply, Request

ACCOUNT, LOCATION = "104233518845210763301", "8172635490012233445"
STARS = ["ONE", "TWO", "THREE", "FOUR", "FIVE"]


class FakeGoogle:
    def __init__(self, n: int = 120, *, refresh_token: str = "1//refresh-tok") -> None:
        self.refresh_token = refresh_token
        self.access = "ya29.a0-0"
        self.reviews: list[dict[str, Any]] = []
        self.issued = 0
        self._edits = 0
        self._order: list[dict[str, Any]] = []
        self._order_for: tuple[int, int] = (-1, -1)
        for _ in range(n):
            self.review()

    def _time(self, i: int) -> str:
        return f"2026-0{1 + (i // 1000) % 9}-{1 + (i // 40) % 28:02d}T{(i // 2) % 24:02d}:{i % 60:02d}:17.512340Z"

    def review(self, comment: str | None = None, *, stars: str | None = None,
               reply: str | None = None) -> dict[str, Any]:
        i = len(self.reviews)
        rid = f"AbFvOq{i:06d}"
        r: dict[str, Any] = {
            "name": f"accounts/{ACCOUNT}/locations/{LOCATION}/reviews/{rid}", "reviewId": rid,
            "reviewer": {"displayName": f"Reviewer {i % 29}", "isAnonymous": False,
                         "profilePhotoUrl": "https://lh3.example/p.png"},
            "starRating": stars or STARS[i % 5], "createTime": self._time(i), "updateTime": self._time(i)}
        if comment is not None or i % 7:
            r["comment"] = comment if comment is not None else f"Review {i}: lovely flat white ☕"
        if reply or i % 4 == 0:
            r["reviewReply"] = {"comment": reply or f"Thanks, reviewer {i % 29}!", "updateTime": self._time(i)}
        self.reviews.append(r)
        return r

    def touch(self, i: int, **changes: Any) -> None:
        """Edit review i now: it moves to the top of updateTime desc."""
        self._edits += 1
        self.reviews[i].update(changes)
        self.reviews[i]["updateTime"] = "2026-12-31T23:59:59Z"

    def token(self, req: Request) -> Reply:
        form = req.form()
        if form.get("refresh_token") != [self.refresh_token]:
            return Reply(status=400, json={"error": "invalid_grant", "error_description": "Bad Request"})
        self.issued += 1
        self.access = f"ya29.a0-{self.issued}"
        return Reply(json={"access_token": self.access, "expires_in": 3599, "token_type": "Bearer"})

    def list(self, req: Request) -> Reply:
        if req.headers.get("authorization") != f"Bearer {self.access}":
            return Reply(status=401, json={"error": {"code": 401, "status": "UNAUTHENTICATED",
                         "message": "Request had invalid authentication credentials."}})
        state = (len(self.reviews), self._edits)
        if self._order_for != state:
            self._order = sorted(self.reviews, key=lambda r: r["updateTime"], reverse=True)
            self._order_for = state
        ordered = self._order
        start = int(req.arg("pageToken") or 0)
        size = min(int(req.arg("pageSize") or 50), 50)
        body: dict[str, Any] = {"reviews": ordered[start:start + size], "averageRating": 4.3,
                                "totalReviewCount": len(ordered)}
        if start + size < len(ordered):
            body["nextPageToken"] = str(start + size)
        return Reply(json=body)

    def install(self, server: ReplayServer) -> FakeGoogle:
        server.add("POST", r"/token", self.token)
        server.add("GET", rf"/v4/accounts/{ACCOUNT}/locations/{LOCATION}/reviews", self.list)
        return self

    @staticmethod
    def settings(base_url: str) -> dict[str, str]:
        return {"account_id": ACCOUNT, "location_id": LOCATION, "base_url": base_url + "/v4",
                "token_url": base_url + "/token"}
