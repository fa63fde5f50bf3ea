"""A fake Google authorisation server (the installed-app flow with PKCE) and the account
and location list calls, on top of the fake Business Profile reviews (google.py), for the
guided set-up. Shapes follow Google's documentation of accounts.list
(mybusinessaccountmanagement v1), locations.list (mybusinessbusinessinformation v1, with a
readMask) and the OAuth 2.0 token endpoint (authorization_code grant with code_verifier)."""

from __future__ import annotations

import base64
import hashlib
from typing import Any
from urllib.parse import urlencode

from tests.replay.google import ACCOUNT, LOCATION, FakeGoogle
from tests.replay.server import ReplayServer, Reply, Request

CLIENT_ID = "1234567890-abcdef.apps.googleusercontent.com"
CLIENT_SECRET = "GOCSPX-fake-client-secret"


class FakeGoogleSignIn(FakeGoogle):
    """Consent is given at once (as if the owner clicked Allow); the code is single-use."""

    def __init__(self, n: int = 120) -> None:
        super().__init__(n)
        self.challenges: dict[str, str] = {}
        self.consents = 0

    def auth(self, req: Request) -> Reply:
        if req.arg("client_id") != CLIENT_ID or req.arg("code_challenge_method") != "S256":
            return Reply(400, body="invalid_request")
        self.consents += 1
        code = f"4/0Afake-code-{self.consents}"
        self.challenges[code] = req.arg("code_challenge") or ""
        target = req.arg("redirect_uri") or ""
        if not target.startswith("http://127.0.0.1:"):
            return Reply(400, body="redirect_uri_mismatch")
        return Reply(302, headers={"Location": target + "?" + urlencode({"state": req.arg("state"), "code": code,
                                                                        "scope": req.arg("scope")})}, body="")

    def token(self, req: Request) -> Reply:
        form = req.form()
        if form.get("grant_type") != ["authorization_code"]:
            return super().token(req)
        code = (form.get("code") or [""])[0]
        verifier = (form.get("code_verifier") or [""])[0]
        expected = self.challenges.pop(code, None)
        made = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if expected is None or made != expected or form.get("client_secret") != [CLIENT_SECRET]:
            return Reply(400, json={"error": "invalid_grant"})
        return Reply(json={"access_token": self.access, "expires_in": 3599, "refresh_token": self.refresh_token,
                           "scope": "https://www.googleapis.com/auth/business.manage", "token_type": "Bearer"})

    def accounts(self, req: Request) -> Reply:
        if req.headers.get("authorization") != f"Bearer {self.access}":
            return Reply(401, json={"error": {"code": 401, "status": "UNAUTHENTICATED"}})
        return Reply(json={"accounts": [{"name": f"accounts/{ACCOUNT}", "accountName": "Harbour Street Café Ltd",
                                         "type": "ORGANIZATION", "verificationState": "VERIFIED"}]})

    def locations(self, req: Request) -> Reply:
        if req.headers.get("authorization") != f"Bearer {self.access}" or not req.arg("readMask"):
            return Reply(400, json={"error": {"code": 400, "status": "INVALID_ARGUMENT"}})
        return Reply(json={"locations": [{
            "name": f"locations/{LOCATION}", "title": "Harbour Street Café",
            "storefrontAddress": {"regionCode": "GB", "postalCode": "BN1 1AA", "locality": "Brighton",
                                  "addressLines": ["12 Harbour Street"]}}]})

    def install(self, server: ReplayServer) -> FakeGoogleSignIn:
        super().install(server)
        server.add("GET", r"/o/oauth2/v2/auth", self.auth)
        server.add("GET", r"/v1/accounts", self.accounts)
        server.add("GET", rf"/v1/accounts/{ACCOUNT}/locations", self.locations)
        return self

    @staticmethod
    def client_file(base_url: str) -> dict[str, Any]:
        """The JSON Google Cloud offers for a Desktop app OAuth client."""
        return {"installed": {"client_id": CLIENT_ID, "project_id": "harbour-cafe-inbox",
                              "auth_uri": base_url + "/o/oauth2/v2/auth", "token_uri": base_url + "/token",
                              "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
                              "client_secret": CLIENT_SECRET, "redirect_uris": ["http://localhost"]}}
