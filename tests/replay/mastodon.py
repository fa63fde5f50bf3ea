"""A fake Mastodon instance for the replay server: mention notifications with `min_id` /
`max_id` / `since_id` paging and `Link` headers, search, verify_credentials, bearer auth.

    fake = FakeMastodon(n=250).install(replay)
    fake.mention("new text")          # a newer mention appears
    fake.edit(3, "edited text")       # status 3 edited (edited_at set)
    fake.post(status)                 # a status in a conversation that is not a mention
    fake.remaining = 70               # X-RateLimit-Remaining from now on
"""

from __future__ import annotations

import bisect
from typing import Any
from urllib.parse import urlencode

from tests.replay.server import ReplayServer, Reply, Request

NOTE_BASE = 3_400_000
STATUS_BASE = 114_000_000_000_000_000
TEXTS = ["Best cinnamon buns in town at @harbourcafe – go early!",
         "@harbourcafe do you still do the oat-milk discount? The till said no 😬",
         "Кофе отличный, спасибо @harbourcafe",
         "@harbourcafe 美味しいコーヒーでした ☕",
         "Queue was long but worth it @harbourcafe <3"]


def account(i: int) -> dict[str, Any]:
    return {"id": str(112_000_000 + i), "username": f"user{i}", "acct": f"user{i}@fosstodon.example",
            "display_name": f"User {i}", "url": f"https://fosstodon.example/@user{i}",
            "avatar": "https://files.example/a.png", "bot": False, "emojis": [], "fields": []}


class FakeMastodon:
    def __init__(self, n: int = 100, token: str = "mast-token-123", limit_cap: int = 80) -> None:
        self.token = token
        self.limit_cap = limit_cap
        self.notes: list[dict[str, Any]] = []
        self._ids: list[int] = []
        self.server: ReplayServer | None = None
        self.others: list[dict[str, Any]] = []   # statuses seen only in conversations
        self.remaining = 296
        for i in range(n):
            self.mention(TEXTS[i % len(TEXTS)] + f" #{i}")

    def status(self, i: int) -> dict[str, Any]:
        return self.notes[i]["status"]

    def mention(self, text: str, *, in_reply_to: str | None = None, html: str | None = None,
                status_id: str | None = None) -> dict[str, Any]:
        i = len(self.notes)
        acc = account(i % 37)
        sid = status_id or str(STATUS_BASE + i)
        status = {
            "id": sid, "created_at": f"2026-03-{1 + i % 28:02d}T09:{i % 60:02d}:11.000Z",
            "in_reply_to_id": in_reply_to, "in_reply_to_account_id": None, "sensitive": False,
            "spoiler_text": "", "visibility": "public", "language": "en",
            "uri": f"https://fosstodon.example/users/user{i}/statuses/{sid}",
            "url": f"https://fosstodon.example/@user{i}/{sid}", "replies_count": 0,
            "edited_at": None, "content": html if html is not None else f"<p>{text}</p>",
            "reblog": None, "account": acc, "media_attachments": [], "mentions": [],
            "tags": [], "emojis": [], "card": None, "poll": None,
        }
        note = {"id": str(NOTE_BASE + i), "type": "mention", "group_key": f"ungrouped-{NOTE_BASE + i}",
                "created_at": status["created_at"], "account": acc, "status": status}
        self.notes.append(note)
        return status

    def edit(self, i: int, text: str) -> None:
        self.notes[i]["status"]["content"] = f"<p>{text}</p>"
        self.notes[i]["status"]["edited_at"] = "2026-03-30T12:00:00.000Z"

    def post(self, status: dict[str, Any]) -> dict[str, Any]:
        self.others.append(status)
        return status

    # -- HTTP ---------------------------------------------------------------------------

    def _rate(self) -> dict[str, str]:
        return {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": str(self.remaining),
                "X-RateLimit-Reset": "2026-03-14T10:00:00.000000Z"}

    def context(self, req: Request) -> Reply:
        """GET /api/v1/statuses/{id}/context: ancestors oldest first, then every reply
        below, in id order (as Mastodon sends them)."""
        if not self._authorised(req):
            return Reply(status=401, json={"error": "The access token is invalid"})
        self.remaining -= 1
        by_id = {s["id"]: s for s in [n.get("status") for n in self.notes] + self.others
                 if isinstance(s, dict) and s.get("id")}
        sid = req.match.group(1) if req.match else ""
        if sid not in by_id:
            return Reply(status=404, json={"error": "Record not found"}, headers=self._rate())
        ancestors, parent = [], by_id[sid].get("in_reply_to_id")
        while parent in by_id and len(ancestors) < 40:
            ancestors.insert(0, by_id[parent])
            parent = by_id[parent].get("in_reply_to_id")
        below, frontier = [], {sid}
        while frontier:
            children = [s for s in by_id.values() if s.get("in_reply_to_id") in frontier]
            below += children
            frontier = {s["id"] for s in children}
        below.sort(key=lambda s: (len(s["id"]), s["id"]))
        return Reply(json={"ancestors": ancestors, "descendants": below}, headers=self._rate())

    def _authorised(self, req: Request) -> bool:
        return req.headers.get("authorization") == f"Bearer {self.token}"

    def notifications(self, req: Request) -> Reply:
        if not self._authorised(req):
            return Reply(status=401, json={"error": "The access token is invalid"})
        limit = min(int(req.arg("limit", "40") or 40), self.limit_cap)
        notes = self.notes  # ascending ids: mention() appends
        ids = [int(n["id"]) for n in notes] if len(self._ids) != len(notes) else self._ids
        self._ids = ids
        if req.arg("min_id"):
            start = bisect.bisect_right(ids, int(req.arg("min_id") or 0))
            chosen = notes[start:start + limit]
        else:
            hi = bisect.bisect_left(ids, int(req.arg("max_id"))) if req.arg("max_id") else len(ids)
            lo = bisect.bisect_right(ids, int(req.arg("since_id"))) if req.arg("since_id") else 0
            chosen = notes[max(lo, hi - limit):hi]
        chosen = chosen[::-1]
        headers = self._rate()
        if chosen:
            base = self.server.base_url if self.server else ""
            def link(**kw: Any) -> str:
                return f"{base}/api/v1/notifications?" + urlencode({"limit": limit, **kw, "types[]": "mention"})
            headers["Link"] = (f'<{link(max_id=chosen[-1]["id"])}>; rel="next", '
                               f'<{link(min_id=chosen[0]["id"])}>; rel="prev"')
        return Reply(json=chosen, headers=headers)

    def search(self, req: Request) -> Reply:
        if not self._authorised(req):
            return Reply(status=401, json={"error": "The access token is invalid"})
        q = (req.arg("q") or "").lower()
        found = [n["status"] for n in self.notes if q in n["status"]["content"].lower()]
        if req.arg("min_id"):
            found = [s for s in found if int(s["id"]) > int(req.arg("min_id") or 0)]
        found = sorted(found, key=lambda s: int(s["id"]))[:40]
        return Reply(json={"accounts": [], "hashtags": [], "statuses": found[::-1]})

    def verify(self, req: Request) -> Reply:
        if not self._authorised(req):
            return Reply(status=401, json={"error": "The access token is invalid"})
        return Reply(json={"id": "109998877665544332", "acct": "harbourcafe", "username": "harbourcafe"})

    def install(self, server: ReplayServer, prefix: str = "") -> FakeMastodon:
        self.server = server
        server.add("GET", prefix + r"/api/v1/notifications", self.notifications)
        server.add("GET", prefix + r"/api/v2/search", self.search)
        server.add("GET", prefix + r"/api/v1/accounts/verify_credentials", self.verify)
        server.add("GET", prefix + r"/api/v1/statuses/(\d+)/context", self.context)
        return self
