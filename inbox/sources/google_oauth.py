"""Google's installed-app OAuth flow: open the browser, catch the redirect on a loopback
port, trade the code for a refresh token, keep that in the keyring.

Why loopback + PKCE: it is what Google supports for desktop apps, and no secret crosses
the clipboard. The browser opener and endpoints are parameters so that tests drive the
whole flow against the replay server.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import secrets
import webbrowser
from collections.abc import Callable
from urllib.parse import parse_qs, urlencode, urlsplit

from inbox.sources.base import CredentialsRejected, Http, SourceError
from inbox.sources.google import TOKEN_URL
from inbox.sources.payload import parse_json

AUTH_URL = "https://accounts.google.com/o/oauth2/v2/auth"
SCOPE = "https://www.googleapis.com/auth/business.manage"
_DONE_PAGE = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nConnection: close\r\n\r\n"
              b"<!doctype html><title>Feedback Inbox</title><p>Signed in. You can close this tab "
              b"and return to Feedback Inbox.</p>")


async def authorize(client_id: str, client_secret: str, http: Http, *,
                    open_browser: Callable[[str], object] = webbrowser.open,
                    auth_url: str = AUTH_URL, token_url: str = TOKEN_URL,
                    timeout: float = 300.0) -> str:
    """Run the consent flow and return the refresh token."""
    state = secrets.token_urlsafe(16)
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    got: asyncio.Future[dict[str, list[str]]] = asyncio.get_running_loop().create_future()

    async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            line = (await asyncio.wait_for(reader.readline(), 10)).decode("latin-1")
            target = line.split(" ")[1] if line.count(" ") >= 2 else "/"
            query = parse_qs(urlsplit(target).query)
            writer.write(_DONE_PAGE)
            await writer.drain()
            if ("code" in query or "error" in query) and not got.done():
                got.set_result(query)
        except (TimeoutError, ConnectionError, IndexError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(on_connect, "127.0.0.1", 0)
    try:
        port = server.sockets[0].getsockname()[1]
        redirect = f"http://127.0.0.1:{port}/"
        url = auth_url + "?" + urlencode({
            "client_id": client_id, "redirect_uri": redirect, "response_type": "code",
            "scope": SCOPE, "access_type": "offline", "prompt": "consent", "state": state,
            "code_challenge": challenge, "code_challenge_method": "S256"})
        await asyncio.to_thread(open_browser, url)
        try:
            query = await asyncio.wait_for(got, timeout)
        except TimeoutError:
            raise SourceError("no answer from the browser sign-in; try again") from None
    finally:
        server.close()
        await server.wait_closed()
    if query.get("state", [""])[0] != state:
        raise CredentialsRejected("the sign-in answer did not match this request")
    if "error" in query:
        raise CredentialsRejected(f"Google sign-in refused: {query['error'][0]}")
    response = await http.request("POST", token_url, ok_statuses=(400, 401), data={
        "grant_type": "authorization_code", "code": query["code"][0], "client_id": client_id,
        "client_secret": client_secret, "redirect_uri": redirect, "code_verifier": verifier})
    data = parse_json(response)
    if not isinstance(data, dict) or not data.get("refresh_token"):
        code = data.get("error") if isinstance(data, dict) else None
        raise CredentialsRejected(f"Google did not give a refresh token ({code or response.status_code})")
    return str(data["refresh_token"])
