"""Google's token endpoint and the Play Developer API reviews list as the replay server plays
them (source-apis.md §10, §12). The token endpoint really verifies the RS256 assertion
against the service account's public key."""

from __future__ import annotations

import functools
import json
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.replay.server import ReplayServer, Reply, Request

PACKAGE = "com.harbourcafe.orderahead"
PATH = rf"/androidpublisher/v3/applications/{PACKAGE}/reviews"
ACCESS_TOKEN = "ya29.c.ExampleAccessToken"
CLIENT_EMAIL = "inbox-reader@harbour-cafe.iam.gserviceaccount.com"
SCOPE = "https://www.googleapis.com/auth/androidpublisher"

QUOTA = Reply(status=429, json={"error": {"code": 429, "message": "Quota exceeded for quota metric "
                                          "'Queries' of service 'androidpublisher.googleapis.com'.",
                                          "status": "RESOURCE_EXHAUSTED"}}, headers={"Retry-After": "0"})
NO_ACCESS = Reply(status=403, json={"error": {"code": 403, "message": "The caller does not have permission",
                                              "status": "PERMISSION_DENIED"}})
TRUNCATED = Reply(body=b'{"reviews": [', content_type="application/json")


@functools.cache
def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def service_account_json(token_uri: str) -> str:
    """A service-account key file as Google Cloud Console downloads it (key made here)."""
    pem = _key().private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                               serialization.NoEncryption()).decode()
    return json.dumps({
        "type": "service_account", "project_id": "harbour-cafe", "private_key_id": "0123456789abcdef",
        "private_key": pem, "client_email": CLIENT_EMAIL, "client_id": "109876543210987654321",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": token_uri,
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/inbox-reader",
    })


def review(rid: str, name: str, text: str, stars: int, seconds: int, *, language: str = "en",
           reply: tuple[str, int] | None = None, nanos: int = 381000000) -> dict[str, Any]:
    comments: list[dict[str, Any]] = [{"userComment": {
        "text": text, "lastModified": {"seconds": str(seconds), "nanos": nanos}, "starRating": stars,
        "reviewerLanguage": language, "appVersionCode": 381, "appVersionName": "3.8.1",
        "thumbsUpCount": 3, "thumbsDownCount": 0}}]
    if reply:
        comments.append({"developerComment": {"text": reply[0],
                                              "lastModified": {"seconds": str(reply[1]), "nanos": 0}}})
    return {"reviewId": rid, "authorName": name, "comments": comments}


def sample() -> list[dict[str, Any]]:
    first = review("gp:AOqpTOGexampleReviewId1-qL0sX9v", "Sam Patel", "\tApp crashes when I add a second "
                   "drink to the basket. Otherwise great.", 2, 1773402210,
                   reply=("Thanks Sam - fixed in 3.8.2, rolling out today.", 1773410033))
    first["comments"][0]["userComment"]["device"] = "a53x"
    first["comments"][0]["userComment"]["deviceMetadata"] = {
        "productName": "a53x (Galaxy A53 5G)", "manufacturer": "Samsung", "deviceClass": "phone",
        "screenWidthPx": 1080, "screenHeightPx": 2400, "ramMb": 5650}
    second = review("gp:AOqpTOHexampleReviewId2-Zz81kPq", "Lena", "Schnell und einfach, danke!", 5,
                    1773321940, language="de", nanos=72000000)
    second["comments"][0]["userComment"]["originalText"] = "Schnell und einfach, danke!"
    return [first, second]


def install(server: ReplayServer, reviews: list[dict[str, Any]], per_page: int = 100) -> None:
    """`POST /token` (JWT-bearer grant, assertion verified) and the paged reviews list."""

    def token(req: Request) -> Reply:
        form = req.form()
        if form.get("grant_type") != ["urn:ietf:params:oauth:grant-type:jwt-bearer"]:
            return Reply(status=400, json={"error": "unsupported_grant_type"})
        public = _key().public_key()
        try:
            claims = jwt.decode(form["assertion"][0], public, algorithms=["RS256"],
                                audience=f"{server.base_url}/token")
        except (jwt.PyJWTError, KeyError):
            return Reply(status=400, json={"error": "invalid_grant", "error_description": "Invalid JWT Signature."})
        if claims.get("iss") != CLIENT_EMAIL or claims.get("scope") != SCOPE:
            return Reply(status=400, json={"error": "invalid_scope"})
        return Reply(json={"access_token": ACCESS_TOKEN, "expires_in": 3599, "token_type": "Bearer"})

    def listing(req: Request) -> Reply:
        if req.headers.get("authorization") != f"Bearer {ACCESS_TOKEN}":
            return Reply(status=401, json={"error": {"code": 401, "message": "Request had invalid "
                                                     "authentication credentials.", "status": "UNAUTHENTICATED"}})
        limit = min(per_page, int(req.arg("maxResults", "100") or 100))
        start = int(req.arg("token", "0") or 0)
        chunk = reviews[start:start + limit]
        body: dict[str, Any] = {"reviews": chunk,
                                "pageInfo": {"totalResults": len(chunk), "resultPerPage": limit, "startIndex": start}}
        if start + limit < len(reviews):
            body["tokenPagination"] = {"nextPageToken": str(start + limit)}
        if not chunk:
            body = {"pageInfo": {"totalResults": 0, "resultPerPage": limit, "startIndex": start}}
        return Reply(json=body)

    server.add("POST", r"/token", token)
    server.add("GET", PATH, listing)
