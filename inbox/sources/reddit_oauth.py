"""Signing in to Reddit through the browser with the owner's own "installed app" (it has
a client id and no secret): the authorization-code grant with `duration=permanent`, so a
refresh token is kept and each sync trades it for an hour's access token.

Reddit matches the redirect address exactly against the one typed when the app was made,
so it is fixed: http://127.0.0.1:65010/reddit_callback (Reddit has no PKCE; the `state`
check and the exact redirect are what protect the code)."""

from __future__ import annotations

import base64
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass

from inbox import __version__
from inbox.sources.base import CredentialsRejected, Http
from inbox.sources.loopback import consent
from inbox.sources.payload import parse_json

AUTH_URL = "https://www.reddit.com/api/v1/authorize"
TOKEN_URL = "https://www.reddit.com/api/v1/access_token"
API_URL = "https://oauth.reddit.com"
REDIRECT_PORT = 65010
REDIRECT_PATH = "/reddit_callback"
REDIRECT_URI = f"http://127.0.0.1:{REDIRECT_PORT}{REDIRECT_PATH}"
# identity: who signed in (their own posts are not feedback); read: search and comments;
# submit: replies.
SCOPES = "identity read submit"


def basic(client_id: str, client_secret: str = "") -> str:
    """HTTP Basic with the client id as user (an installed app's password is empty)."""
    return "Basic " + base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()


def user_agent(username: str = "") -> str:
    return f"desktop:feedback-inbox:v{__version__} (by /u/{username or 'unknown'})"


@dataclass(frozen=True, slots=True)
class RedditSignIn:
    refresh_token: str
    username: str


async def sign_in(client_id: str, http: Http, *, open_browser: Callable[[str], object] | None = None,
                  auth_url: str = AUTH_URL, token_url: str = TOKEN_URL, api_url: str = API_URL,
                  port: int = REDIRECT_PORT, timeout: float = 300.0) -> RedditSignIn:
    """The browser consent; returns the refresh token and the account's name."""
    got = await consent(auth_url, {"client_id": client_id, "duration": "permanent", "scope": SCOPES},
                        open_browser=open_browser or webbrowser.open, platform="Reddit", port=port, path=REDIRECT_PATH,
                        timeout=timeout, pkce=False)
    response = await http.request("POST", token_url, ok_statuses=(400, 401), headers={
        "Authorization": basic(client_id), "User-Agent": user_agent()}, data={
        "grant_type": "authorization_code", "code": got.code, "redirect_uri": got.redirect_uri})
    data = parse_json(response)
    if not isinstance(data, dict) or not data.get("refresh_token") or not data.get("access_token"):
        code = data.get("error") if isinstance(data, dict) else None
        raise CredentialsRejected(f"Reddit did not give a sign-in ({code or response.status_code}); check the "
                                  "client id and that the app is an installed app")
    me = await http.get_json(f"{api_url.rstrip('/')}/api/v1/me", headers={
        "Authorization": f"bearer {data['access_token']}", "User-Agent": user_agent()})
    name = str(me.get("name") or "") if isinstance(me, dict) else ""
    return RedditSignIn(str(data["refresh_token"]), name)
