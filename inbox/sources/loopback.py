"""The browser half of an installed app's OAuth sign-in: open the consent page in the
system browser and catch the redirect on 127.0.0.1 (RFC 8252), with PKCE (RFC 7636) and a
`state` that must come back unchanged.

Why one module: Google, Google Play, Mastodon and Reddit all sign in this way; only the
endpoints, the scope and whether the redirect port is fixed differ (Reddit matches the
redirect address exactly, so its port is fixed; the others accept any loopback port)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

from inbox.sources.base import CredentialsRejected, SourceError

_DONE_PAGE = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nConnection: close\r\n\r\n"
              b"<!doctype html><title>Feedback Inbox</title><p>Signed in. You can close this tab "
              b"and return to Feedback Inbox.</p>")


@dataclass(frozen=True, slots=True)
class Consent:
    """What the browser brought back: the code to trade, and what the trade must repeat."""

    code: str
    redirect_uri: str
    verifier: str


def pkce_pair() -> tuple[str, str]:
    """(verifier, S256 challenge)."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


async def consent(auth_url: str, params: dict[str, str] | Callable[[str], Awaitable[dict[str, str]]], *,
                  open_browser: Callable[[str], object], platform: str, port: int = 0,
                  path: str = "/", timeout: float = 300.0, pkce: bool = True) -> Consent:
    """Open `auth_url` with `params` (or a coroutine making them from the redirect address,
    for servers where the app is registered per sign-in) plus redirect, state and PKCE; wait
    for the browser to come back."""
    state = secrets.token_urlsafe(16)
    verifier, challenge = pkce_pair()
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

    try:
        server = await asyncio.start_server(on_connect, "127.0.0.1", port)
    except OSError:
        raise SourceError(f"port {port} on this computer is in use, so the {platform} sign-in can't "
                          "come back to Feedback Inbox; close the program using it and try again") from None
    try:
        bound = server.sockets[0].getsockname()[1]
        redirect = f"http://127.0.0.1:{bound}{path}"
        base = await params(redirect) if callable(params) else dict(params)
        query: dict[str, str] = {**base, "redirect_uri": redirect, "response_type": "code", "state": state}
        if pkce:
            query.update(code_challenge=challenge, code_challenge_method="S256")
        await asyncio.to_thread(open_browser, auth_url + ("&" if "?" in auth_url else "?") + urlencode(query))
        try:
            answer = await asyncio.wait_for(got, timeout)
        except TimeoutError:
            raise SourceError("no answer from the browser sign-in; try again") from None
    finally:
        server.close()
        await server.wait_closed()
    if answer.get("state", [""])[0] != state:
        raise CredentialsRejected("the sign-in answer did not match this request")
    if "error" in answer:
        raise CredentialsRejected(f"{platform} sign-in refused: {answer['error'][0]}")
    return Consent(answer["code"][0], redirect, verifier if pkce else "")
