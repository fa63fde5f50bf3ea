"""Trustpilot public business-unit reviews as the replay server plays them (source-apis.md §8)."""

from __future__ import annotations

from typing import Any

from tests.replay.server import ReplayServer, Reply, Request

API_KEY = "tp-test-key"
UNIT = "5f3a9c2e8d1b4a0012ab34cd"
PATH = rf"/v1/business-units/{UNIT}/reviews"


def review(rid: str, stars: int, title: str, text: str, created: str, *, consumer_id: str = "5e77b1c2aa90f10019c3d452",
           name: str = "Hannah L", updated: str | None = None, reply: dict[str, Any] | None = None,
           language: str = "en") -> dict[str, Any]:
    return {
        "links": [],
        "id": rid,
        "consumer": {"links": [], "id": consumer_id, "displayName": name,
                     "displayLocation": "Hove, GB", "numberOfReviews": 4},
        "businessUnit": {"links": [], "id": UNIT, "identifyingName": "harbourstreetcafe.example",
                         "displayName": "Harbour Street Café"},
        "location": None,
        "stars": stars,
        "title": title,
        "text": text,
        "language": language,
        "createdAt": created,
        "experiencedAt": "2026-03-10T00:00:00Z",
        "updatedAt": updated,
        "companyReply": reply,
        "isVerified": True,
        "numberOfLikes": 1,
        "status": "active",
        "reportData": None,
        "complianceLabels": [],
        "countsTowardsTrustScore": True,
        "countsTowardsLocationTrustScore": None,
        "invitation": {"businessUnitId": UNIT},
        "businessUnitHistory": [],
        "reviewVerificationLevel": None,
    }


def sample() -> list[dict[str, Any]]:
    """The two reviews of the documented sample (the first with a company reply)."""
    return [
        review("6a11c0de93f2bb0012e4a7f1", 5, "Cake delivery arrived perfect",
               "Ordered a birthday cake online for collection and it was exactly as pictured. "
               "Friendly pick-up too.", "2026-03-12T18:04:27Z",
               reply={"text": "Thank you Hannah, happy birthday to the lucky one!",
                      "createdAt": "2026-03-13T08:30:12Z", "updatedAt": None}),
        review("6a0fd2e187bc4d0012a9e001", 2, "Gift card not accepted in store",
               "Bought an e-gift card on the website; the shop said their till can't read it. Still "
               "waiting for an answer by e-mail.", "2026-03-08T11:47:02Z",
               consumer_id="60c1e9f0b3d2aa001a5f7e10", name="R. Okafor", updated="2026-03-09T07:15:40Z"),
    ]


def install(server: ReplayServer, reviews: list[dict[str, Any]]) -> None:
    """Pages of `reviews` (newest first, as given; the list may change between syncs) with
    `links[rel=next-page]` while more remain; an empty `reviews` list past the end."""

    def handler(req: Request) -> Reply:
        if req.headers.get("apikey") != API_KEY:
            return Reply(status=401, json={"fault": {"faultstring": "Invalid ApiKey",
                                                     "detail": {"errorcode": "oauth.v2.InvalidApiKey"}}})
        page, per = int(req.arg("page", "1") or 1), int(req.arg("perPage", "20") or 20)
        chunk = reviews[(page - 1) * per: page * per]
        links = []
        if page * per < len(reviews):
            links.append({"href": f"https://api.trustpilot.com{PATH}?perPage={per}&page={page + 1}"
                                  "&orderBy=createdat.desc", "method": "GET", "rel": "next-page"})
        return Reply(json={"links": links, "reviews": chunk})

    server.add("GET", PATH, handler)


API_SECRET = "tp-test-secret"
BUSINESS_TOKEN = "AccessTokenExample"


def install_token(server: ReplayServer) -> None:
    """The client-credentials token endpoint (Basic base64(key:secret))."""
    import base64

    def token(req: Request) -> Reply:
        expected = base64.b64encode(f"{API_KEY}:{API_SECRET}".encode()).decode()
        if req.headers.get("authorization") != f"Basic {expected}" or \
                req.form().get("grant_type") != ["client_credentials"]:
            return Reply(status=401, json={"fault": {"faultstring": "Invalid client credentials"}})
        return Reply(json={"access_token": BUSINESS_TOKEN, "expires_in": "359999",
                           "token_type": "BearerToken"})

    server.add("POST", r"/v1/oauth/oauth-business-users-for-applications/accesstoken", token)
