"""Signing in to a Mastodon server through the browser: the app is registered on the
owner's server for this sign-in (`POST /api/v1/apps` with the loopback redirect), then the
authorization-code grant with PKCE (`/oauth/authorize`, `/oauth/token`). Mastodon's access
tokens do not expire, so the token is all that is kept.

Why register per sign-in: every server is its own OAuth provider, and Mastodon checks the
redirect address against the one registered, whose port is only known once we listen."""

from __future__ import annotations

import webbrowser
from collections.abc import Callable

from inbox.sources.base import CredentialsRejected, Http, SourceError
from inbox.sources.loopback import consent
from inbox.sources.payload import parse_json

CLIENT_NAME = "Feedback Inbox"
WEBSITE = "https://github.com/feedback-inbox"
# read: mentions, search, conversations, the account; write:statuses: replies.
SCOPES = "read write:statuses"


async def sign_in(server: str, http: Http, *, open_browser: Callable[[str], object] | None = None,
                  timeout: float = 300.0) -> str:
    """The browser consent on `server` (https://mastodon.social); returns the access token."""
    server = server.rstrip("/")
    client: dict[str, str] = {}

    async def register(redirect: str) -> dict[str, str]:
        response = await http.request("POST", f"{server}/api/v1/apps", ok_statuses=(404, 422), data={
            "client_name": CLIENT_NAME, "redirect_uris": redirect, "scopes": SCOPES, "website": WEBSITE})
        data = parse_json(response)
        if response.status_code >= 400 or not isinstance(data, dict) or not data.get("client_id"):
            raise SourceError(f"{server} did not accept Feedback Inbox as an app: is it a Mastodon server?")
        client.update(client_id=str(data["client_id"]), client_secret=str(data.get("client_secret") or ""))
        return {"client_id": client["client_id"], "scope": SCOPES}

    got = await consent(f"{server}/oauth/authorize", register, open_browser=open_browser or webbrowser.open,
                        platform="Mastodon", timeout=timeout)
    response = await http.request("POST", f"{server}/oauth/token", ok_statuses=(400, 401), data={
        "grant_type": "authorization_code", "code": got.code, "client_id": client["client_id"],
        "client_secret": client["client_secret"], "redirect_uri": got.redirect_uri,
        "code_verifier": got.verifier, "scope": SCOPES})
    data = parse_json(response)
    if not isinstance(data, dict) or not data.get("access_token"):
        code = data.get("error") if isinstance(data, dict) else None
        raise CredentialsRejected(f"Mastodon did not give an access token ({code or response.status_code})")
    return str(data["access_token"])
