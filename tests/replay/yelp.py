"""Yelp Fusion as the replay server plays it (source-apis.md §7, §12)."""

from __future__ import annotations

from typing import Any

from tests.replay.server import ReplayServer, Reply, Request

API_KEY = "yelp-test-key"
BUSINESS = "harbour-street-cafe-brighton"
PATH = rf"/businesses/{BUSINESS}/reviews"
RATE_HEADERS = {"RateLimit-DailyLimit": "300", "RateLimit-Remaining": "297",
                "RateLimit-ResetTime": "2026-03-15T00:00:00+00:00"}


def review(rid: str, text: str, rating: int, time_created: str, user_id: str, name: str) -> dict[str, Any]:
    return {
        "id": rid,
        "url": f"https://www.yelp.com/biz/{BUSINESS}?adjust_creative=exampleClientId&hrid={rid}"
               "&utm_campaign=yelp_api_v3&utm_medium=api_v3_business_reviews&utm_source=exampleClientId",
        "text": text,
        "rating": rating,
        "time_created": time_created,
        "user": {"id": user_id, "profile_url": f"https://www.yelp.com/user_details?userid={user_id}",
                 "image_url": None, "name": name},
    }


def sample() -> dict[str, Any]:
    return {
        "reviews": [
            review("xQk3vR8tLmN2pZyW0aB4cD", "Came for the cinnamon buns, stayed for the view. Staff "
                   "remembered my order on the second visit, which is always a good sign. Only downside "
                   "is...", 5, "2026-03-09 14:22:31", "Zq8pLm2Nb5Vx7Ck1Rt4Wyg", "Dana F."),
            review("Tm5cY0gHs2Jd9Ke4Pq7RwA", "Coffee was fine but we waited 25 minutes for two sandwiches "
                   "on a quiet Tuesday. Nobody explained the delay and...", 2, "2026-02-26 09:05:17",
                   "Hh3kLp9Qm1Ns6Bv2Xc8Zfw", "Marco T."),
        ],
        "total": 148,
        "possible_languages": ["en", "fr"],
    }


def error(status: int, code: str, description: str, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status=status, json={"error": {"code": code, "description": description}},
                 headers=headers or {})


BAD_KEY = error(401, "TOKEN_INVALID", "Invalid access token or authorization header.")
TOO_FAST = error(429, "TOO_MANY_REQUESTS_PER_SECOND", "You have exceeded the queries-per-second limit "
                 "for this endpoint. Try reducing the rate at which you make queries.",
                 {**RATE_HEADERS, "Retry-After": "0"})
DAILY_LIMIT = error(429, "ACCESS_LIMIT_REACHED", "You have reached your daily limit.",
                    {**RATE_HEADERS, "RateLimit-Remaining": "0", "Retry-After": "0"})
NOT_FOUND = error(404, "BUSINESS_NOT_FOUND", "The requested business could not be found.")
TRUNCATED = Reply(body=b'{"reviews": [', content_type="application/json")


def install(server: ReplayServer, payload: dict[str, Any] | None = None) -> None:
    """The reviews endpoint, checking the bearer key like Yelp does."""
    body = payload if payload is not None else sample()

    def handler(req: Request) -> Reply:
        if req.headers.get("authorization") != f"Bearer {API_KEY}":
            return BAD_KEY
        return Reply(json=body, headers=RATE_HEADERS)

    server.add("GET", PATH, handler)
