"""Fake authorisation servers for the guided set-up's browser sign-ins, on top of the fake
APIs: Mastodon (app registered per sign-in: POST /api/v1/apps, /oauth/authorize with PKCE,
/oauth/token), Reddit (an installed app: /api/v1/authorize with duration=permanent and the
exact registered redirect, the authorization_code and refresh_token grants with HTTP Basic
`client_id:` and an empty password) and Google Play (the Google consent with scope
androidpublisher and the refresh-token grant). Consent is given at once, as if the owner
clicked Allow. Shapes follow each platform's documentation: docs.joinmastodon.org
(methods/apps, methods/oauth), reddit-archive/reddit wiki "OAuth2", Google's OAuth 2.0 for
installed apps."""

from __future__ import annotations

import base64
import hashlib
from typing import Any
from urllib.parse import urlencode

from tests.replay import googleplay as play
from tests.replay.mastodon import FakeMastodon
from tests.replay.reddit import FakeReddit
from tests.replay.server import ReplayServer, Reply, Request


def _s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def _redirect(target: str, **params: Any) -> Reply:
    return Reply(302, headers={"Location": target + ("&" if "?" in target else "?") + urlencode(params)}, body="")


class FakeMastodonSignIn(FakeMastodon):
    """A Mastodon server that registers apps and signs its owner in through the browser."""

    def __init__(self, n: int = 30) -> None:
        super().__init__(n)
        self.apps: dict[str, dict[str, str]] = {}
        self.codes: dict[str, tuple[str, str, str]] = {}  # code → (client_id, redirect, challenge)

    def register(self, req: Request) -> Reply:
        form = req.form()
        redirect = (form.get("redirect_uris") or [""])[0]
        if not form.get("client_name") or not redirect:
            return Reply(422, json={"error": "Validation failed: Name can't be blank"})
        cid = f"mastodon-client-{len(self.apps) + 1}"
        self.apps[cid] = {"secret": f"secret-{cid}", "redirect": redirect, "scopes": (form.get("scopes") or [""])[0]}
        return Reply(json={"id": str(len(self.apps)), "name": form["client_name"][0], "website": None,
                           "scopes": self.apps[cid]["scopes"].split(), "redirect_uri": redirect,
                           "redirect_uris": [redirect], "client_id": cid, "client_secret": self.apps[cid]["secret"],
                           "client_secret_expires_at": 0})

    def authorize(self, req: Request) -> Reply:
        app = self.apps.get(req.arg("client_id") or "")
        if app is None or req.arg("redirect_uri") != app["redirect"] or req.arg("code_challenge_method") != "S256":
            return Reply(400, body="The redirect uri included is not valid.")
        code = f"mastodon-code-{len(self.codes) + 1}"
        self.codes[code] = (req.arg("client_id") or "", app["redirect"], req.arg("code_challenge") or "")
        return _redirect(app["redirect"], code=code, state=req.arg("state"))

    def oauth_token(self, req: Request) -> Reply:
        form = {k: v[0] for k, v in req.form().items()}
        cid, redirect, challenge = self.codes.pop(form.get("code", ""), ("", "", ""))
        app = self.apps.get(cid)
        if app is None or form.get("client_secret") != app["secret"] or form.get("redirect_uri") != redirect \
                or _s256(form.get("code_verifier", "")) != challenge:
            return Reply(400, json={"error": "invalid_grant", "error_description": "The provided authorization "
                                    "grant is invalid, expired, revoked, does not match the redirection URI"})
        return Reply(json={"access_token": self.token, "token_type": "Bearer", "scope": app["scopes"],
                           "created_at": 1773482000})

    def install(self, server: ReplayServer, prefix: str = "") -> FakeMastodonSignIn:
        super().install(server, prefix)
        server.add("POST", prefix + r"/api/v1/apps", self.register)
        server.add("GET", prefix + r"/oauth/authorize", self.authorize)
        server.add("POST", prefix + r"/oauth/token", self.oauth_token)
        return self


class FakeRedditSignIn(FakeReddit):
    """Reddit with the owner's installed app (`client_id`, no secret, one redirect uri)."""

    def __init__(self, n: int = 150, *, client_id: str = "Xy3kQm9Pz-installed", redirect: str = "") -> None:
        super().__init__(n, username="harbourcafe")
        self.client_id, self.redirect = client_id, redirect
        self.codes: set[str] = set()
        self.refresh = "reddit-refresh-permanent-1"
        self.consents = 0

    def authorize(self, req: Request) -> Reply:
        if req.arg("client_id") != self.client_id:
            return Reply(400, body="invalid client id")
        if req.arg("redirect_uri") != self.redirect:  # Reddit: exactly the registered address
            return Reply(400, body="bad request (reddit.com) invalid redirect_uri parameter.")
        if req.arg("duration") != "permanent" or "read" not in (req.arg("scope") or "").split():
            return Reply(400, body="invalid request")
        self.consents += 1
        code = f"reddit-code-{self.consents}"
        self.codes.add(code)
        return _redirect(self.redirect, state=req.arg("state"), code=code)

    def token(self, req: Request) -> Reply:
        form = {k: v[0] for k, v in req.form().items()}
        if form.get("grant_type") == "password":
            return super().token(req)
        if req.headers.get("authorization") != "Basic " + base64.b64encode(f"{self.client_id}:".encode()).decode():
            return Reply(status=401, json={"message": "Unauthorized", "error": 401})
        if form.get("grant_type") == "authorization_code":
            if form.get("code") not in self.codes or form.get("redirect_uri") != self.redirect:
                return Reply(json={"error": "invalid_grant"})
            self.codes.discard(form["code"])
        elif form.get("grant_type") != "refresh_token" or form.get("refresh_token") != self.refresh:
            return Reply(json={"error": "invalid_grant"})
        self.tokens_issued += 1
        self.valid_token = f"reddit-access-{self.tokens_issued}"
        body = {"access_token": self.valid_token, "token_type": "bearer", "expires_in": 86400,
                "scope": "identity read submit"}
        if form.get("grant_type") == "authorization_code":
            body["refresh_token"] = self.refresh
        return Reply(json=body)

    def install(self, server: ReplayServer) -> FakeRedditSignIn:
        super().install(server)
        server.add("GET", r"/api/v1/authorize", self.authorize)
        server.add("GET", r"/api/v1/me", lambda req: Reply(json={"name": self.creds[2]})
                   if req.headers.get("authorization") == f"bearer {self.valid_token}"
                   else Reply(401, json={"message": "Unauthorized", "error": 401}))
        return self


class FakePlaySignIn:
    """Google's consent and token endpoint for a Play Console user's own OAuth client."""

    CLIENT_ID = "5550001111-play.apps.googleusercontent.com"
    CLIENT_SECRET = "GOCSPX-fake-play-secret"
    REFRESH = "1//play-refresh-tok"

    def __init__(self) -> None:
        self.challenges: dict[str, str] = {}
        self.scopes: list[str] = []

    def auth(self, req: Request) -> Reply:
        if req.arg("client_id") != self.CLIENT_ID or req.arg("code_challenge_method") != "S256":
            return Reply(400, body="invalid_request")
        self.scopes.append(req.arg("scope") or "")
        code = f"4/0Aplay-code-{len(self.scopes)}"
        self.challenges[code] = req.arg("code_challenge") or ""
        return _redirect(req.arg("redirect_uri") or "", state=req.arg("state"), code=code, scope=req.arg("scope"))

    def install(self, server: ReplayServer) -> FakePlaySignIn:
        play.install(server, play.sample())
        jwt_token = next(r for m, rx, r, _ in server._routes if m == "POST" and rx.pattern == r"/token")

        def token(req: Request) -> Reply:
            form = {k: v[0] for k, v in req.form().items()}
            if form.get("grant_type") == "authorization_code":
                expected = self.challenges.pop(form.get("code", ""), None)
                if expected is None or _s256(form.get("code_verifier", "")) != expected \
                        or form.get("client_secret") != self.CLIENT_SECRET:
                    return Reply(400, json={"error": "invalid_grant"})
                return Reply(json={"access_token": play.ACCESS_TOKEN, "expires_in": 3599,
                                   "refresh_token": self.REFRESH, "scope": play.SCOPE, "token_type": "Bearer"})
            if form.get("grant_type") == "refresh_token":
                if form.get("refresh_token") != self.REFRESH or form.get("client_id") != self.CLIENT_ID:
                    return Reply(400, json={"error": "invalid_grant", "error_description": "Token has been "
                                            "expired or revoked."})
                return Reply(json={"access_token": play.ACCESS_TOKEN, "expires_in": 3599, "token_type": "Bearer"})
            return jwt_token(req)
        server.add("POST", r"/token", token)
        server.add("GET", r"/o/oauth2/v2/auth", self.auth)
        return self

    def client_file(self, base_url: str) -> dict[str, Any]:
        return {"installed": {"client_id": self.CLIENT_ID, "project_id": "harbour-cafe-play",
                              "auth_uri": base_url + "/o/oauth2/v2/auth", "token_uri": base_url + "/token",
                              "client_secret": self.CLIENT_SECRET, "redirect_uris": ["http://localhost"]}}
