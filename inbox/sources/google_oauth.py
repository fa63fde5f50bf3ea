"""Google's installed-app OAuth flow: open the browser, catch the redirect on a loopback
port, trade the code for a refresh token, keep that in the keyring.

Why loopback + PKCE: it is what Google supports for desktop apps, and no secret crosses
the clipboard. The browser opener and endpoints are parameters so that tests drive the
whole flow against the replay server.
"""

from __future__ import annotations

import webbrowser
from collections.abc import Callable

from inbox.sources.base import CredentialsRejected, Http
from inbox.sources.google import TOKEN_URL
from inbox.sources.loopback import consent
from inbox.sources.payload import parse_json

AUTH_URL = "https://accounts.google.com/o/oauth2/v2/auth"
SCOPE = "https://www.googleapis.com/auth/business.manage"


async def authorize(client_id: str, client_secret: str, http: Http, *,
                    open_browser: Callable[[str], object] | None = None,
                    auth_url: str = AUTH_URL, token_url: str = TOKEN_URL,
                    timeout: float = 300.0, scope: str = SCOPE) -> str:
    """Run the consent flow and return the refresh token (`scope`: Business Profile by
    default; Google Play passes androidpublisher)."""
    got = await consent(auth_url, {"client_id": client_id, "scope": scope, "access_type": "offline",
                                   "prompt": "consent"},
                        open_browser=open_browser or webbrowser.open, platform="Google", timeout=timeout)
    response = await http.request("POST", token_url, ok_statuses=(400, 401), data={
        "grant_type": "authorization_code", "code": got.code, "client_id": client_id,
        "client_secret": client_secret, "redirect_uri": got.redirect_uri, "code_verifier": got.verifier})
    data = parse_json(response)
    if not isinstance(data, dict) or not data.get("refresh_token"):
        code = data.get("error") if isinstance(data, dict) else None
        raise CredentialsRejected(f"Google did not give a refresh token ({code or response.status_code})")
    return str(data["refresh_token"])
