"""The one HTTP client of a sync run (implements `inbox.sources.base.Http`).

Why one place: every source API fails in the same handful of ways (timeouts, 5xx, 429 with
its own rate-limit headers, HTML error pages with status 200, endless bodies), and a
connector should only have to say what it wants. This client:

- sets a connect and a read timeout on every request;
- retries timeouts, connection errors and 5xx with exponential backoff plus jitter;
- on 429 waits for `Retry-After` (seconds or HTTP date) or the source's reset header
  (`X-RateLimit-Reset`, `RateLimit-Reset`, `X-Ratelimit-Reset`, Yelp `RateLimit-ResetTime`),
  capped per wait, and raises `RateLimited` after a number of tries;
- waits before the next request to a host that said `Remaining: 0`;
- maps 401/403 to `CredentialsRejected` and other 4xx to `SourceError`;
- streams bodies and refuses one larger than `max_bytes` (`BadPayload`);
- never puts a secret in a message: registered secret values, bearer tokens and
  token-like query parameters are scrubbed from everything it raises or logs.

Tests inject `sleep` (or small `backoff_base`/`max_wait`) so that retries cost nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json as jsonlib
import logging
import random
import re
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from inbox import __version__
from inbox.sources.base import (
    BadPayload,
    CredentialsRejected,
    NetworkError,
    RateLimited,
    ServerError,
    SourceError,
    SourceNotFound,
)
from inbox.sources.payload import parse_json
from inbox.sources.payload import where as _where

log = logging.getLogger("inbox.sync.http")

USER_AGENT = f"FeedbackInbox/{__version__}"
MB = 1024 * 1024

_SECRET_PARAMS = re.compile(
    r"((?:access_token|token|api_key|apikey|key|client_secret|password|refresh_token|code|"
    r"app_password|secret|signature|sig)=)[^&\s\"']+", re.IGNORECASE)
_BEARER = re.compile(r"\b((?i:bearer)|Basic|OAuth)\s+[A-Za-z0-9._~+/=-]{8,}")
_RETRY_STATUSES = {408, 425, 500, 502, 503, 504}


def scrub(text: str, secrets: set[str] | frozenset[str] = frozenset()) -> str:
    """`text` without any secret: known values, bearer tokens, token query parameters."""
    for value in sorted(secrets, key=len, reverse=True):
        if value and len(value) >= 4:
            text = text.replace(value, "***")
    text = _BEARER.sub(r"\1 ***", text)
    return _SECRET_PARAMS.sub(r"\1***", text)


def _seconds_until(value: str, now: float) -> float | None:
    """A reset/retry header as seconds from now: delta seconds, epoch seconds, an ISO time
    (Mastodon, Yelp) or an HTTP date (Retry-After)."""
    value = value.strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        number = None
    if number is not None:
        return max(0.0, number - now) if number > 1e9 else max(0.0, number)
    when: datetime | None = None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        from inbox.domain import parse_time
        when = parse_time(value)
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


_RESET_HEADERS = ("x-ratelimit-reset", "ratelimit-reset", "ratelimit-resettime")
_REMAINING_HEADERS = ("x-ratelimit-remaining", "ratelimit-remaining")


def retry_after(headers: httpx.Headers, now: float | None = None) -> float | None:
    """Seconds to wait as the response says: Retry-After first, then a reset header."""
    now = time.time() if now is None else now
    for name in ("retry-after", *_RESET_HEADERS):
        if name in headers:
            wait = _seconds_until(headers[name], now)
            if wait is not None:
                return wait
    return None


def _exhausted(headers: httpx.Headers) -> bool:
    for name in _REMAINING_HEADERS:
        if name in headers:
            try:
                return float(headers[name]) <= 0
            except ValueError:
                return False
    return False


class HttpClient:
    """One per sync run: `async with HttpClient(**http_options) as http: ...`."""

    def __init__(self, *, connect_timeout: float = 10.0, read_timeout: float = 30.0,
                 retries: int = 3, backoff_base: float = 1.0, backoff_max: float = 60.0,
                 max_wait: float = 60.0, rate_limit_tries: int = 4, max_bytes: int = 5 * MB,
                 sleep: Callable[[float], Awaitable[Any]] | None = None,
                 user_agent: str = USER_AGENT, transport: httpx.AsyncBaseTransport | None = None,
                 max_connections: int = 20) -> None:
        self.retries = retries
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.max_wait = max_wait
        self.rate_limit_tries = rate_limit_tries
        self.max_bytes = max_bytes
        self.user_agent = user_agent
        self._sleep = sleep or asyncio.sleep
        self.secrets: set[str] = set()
        self._not_before: dict[str, float] = {}  # host -> monotonic time its limit resets
        # Built by the first request, on a worker thread: building it loads the TLS
        # certificates (40-100 ms), which a sync of files alone never needs.
        self._make = functools.partial(
            httpx.AsyncClient, timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
            headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"},
            follow_redirects=True, transport=transport,
            limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections))
        self._client: httpx.AsyncClient | None = None
        self._building: asyncio.Future[httpx.AsyncClient] | None = None

    async def __aenter__(self) -> HttpClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._client is None and self._building is not None:
            with contextlib.suppress(Exception):  # a build that failed has nothing to close
                self._client = await self._building
        if self._client is not None:
            await self._client.aclose()

    async def _ready(self) -> httpx.AsyncClient:
        """The client, built once however many requests ask at first."""
        if self._client is None:
            if self._building is None:
                self._building = asyncio.ensure_future(asyncio.to_thread(self._make))
            self._client = await asyncio.shield(self._building)
        return self._client

    def add_secrets(self, values: dict[str, str] | list[str]) -> None:
        """Values never to show in a message (the engine registers each source's secrets)."""
        items = values.values() if isinstance(values, dict) else values
        self.secrets.update(v for v in items if isinstance(v, str) and v)

    def scrub(self, text: str) -> str:
        return scrub(text, self.secrets)

    def _backoff(self, attempt: int) -> float:
        delay = min(self.backoff_max, self.backoff_base * (2 ** attempt))
        return delay * (0.5 + random.random() / 2)  # "equal jitter": never zero, never in step

    async def _wait(self, seconds: float) -> None:
        if seconds > 0:
            await self._sleep(seconds)

    async def request(self, method: str, url: str, *, params: Any = None,
                      headers: dict[str, str] | None = None, json: Any = None,
                      data: Any = None, ok_statuses: tuple[int, ...] = ()) -> httpx.Response:
        """Send with retries; return a read response with status < 400 (or in
        `ok_statuses`); raise a SourceError subclass otherwise."""
        host = urlsplit(url).netloc
        attempt = 0
        limited = 0
        while True:
            hold = self._not_before.get(host, 0.0) - time.monotonic()
            if hold > 0:
                await self._wait(min(hold, self.max_wait))
                self._not_before.pop(host, None)
            response: httpx.Response | None = None
            try:
                response = await self._send(method, url, params=params, headers=headers,
                                            json=json, data=data)
            except httpx.TimeoutException as exc:
                if attempt >= self.retries:
                    raise NetworkError(self.scrub(f"{_where(url)} timed out ({type(exc).__name__}) "
                                                  f"after {attempt + 1} tries")) from None
            except httpx.TransportError as exc:
                if attempt >= self.retries:
                    raise NetworkError(self.scrub(f"could not reach {_where(url)}: "
                                                  f"{_describe(exc)}")) from None
            else:
                status = response.status_code
                if status < 400 or status in ok_statuses:
                    if _exhausted(response.headers):
                        wait = retry_after(response.headers)
                        if wait:
                            self._not_before[host] = time.monotonic() + wait
                    return response
                if status == 429:
                    limited += 1
                    wait = retry_after(response.headers)
                    if limited >= self.rate_limit_tries:
                        raise RateLimited(wait, self.scrub(
                            f"rate limited by {_where(url)} after {limited} tries"
                            + (f"; retry in {wait:.0f} s" if wait else "")))
                    await self._wait(min(self.max_wait, wait if wait is not None
                                         else self._backoff(limited - 1)))
                    continue
                if status in (401, 403):
                    raise CredentialsRejected(self.scrub(f"{_where(url)} answered {status}"
                                                         f"{_detail(response)}"))
                if status not in _RETRY_STATUSES or attempt >= self.retries:
                    what = "server error" if status >= 500 else "request refused"
                    error = (ServerError if status >= 500 else SourceNotFound if status in (404, 410)
                             else SourceError)
                    raise error(self.scrub(f"{what}: {_where(url)} answered {status}{_detail(response)}"))
            log.debug("retrying %s %s (attempt %d)", method, self.scrub(_where(url)), attempt + 1)
            delay = self._backoff(attempt)
            if response is not None and "retry-after" in response.headers:  # e.g. a 503 from a feed host
                delay = min(self.max_wait, retry_after(response.headers) or delay)
            await self._wait(delay)
            attempt += 1

    async def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """One request, body streamed and capped at max_bytes."""
        client = self._client or await self._ready()
        request = client.build_request(method, url, **kwargs)
        response = await client.send(request, stream=True)
        try:
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > self.max_bytes:
                raise BadPayload(f"response too large ({int(declared) // MB} MB; limit "
                                 f"{self.max_bytes // MB} MB)")
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > self.max_bytes:
                    raise BadPayload(f"response too large (over {self.max_bytes // MB} MB)")
                chunks.append(chunk)
        finally:
            await response.aclose()
        headers = [(k, v) for k, v in response.headers.multi_items()
                   if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")]
        return httpx.Response(response.status_code, headers=headers, content=b"".join(chunks),
                              request=request, extensions=response.extensions)

    async def get_json(self, url: str, *, params: Any = None,
                       headers: dict[str, str] | None = None) -> Any:
        response = await self.request("GET", url, params=params, headers=headers)
        return self.parse_json(response)

    async def post_json(self, url: str, *, json: Any = None, data: Any = None,
                        headers: dict[str, str] | None = None, params: Any = None) -> Any:
        response = await self.request("POST", url, json=json, data=data, headers=headers, params=params)
        return self.parse_json(response)

    def parse_json(self, response: httpx.Response) -> Any:
        try:
            return parse_json(response)
        except BadPayload as exc:
            raise BadPayload(self.scrub(str(exc))) from None


def _describe(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text[:200]


def _detail(response: httpx.Response) -> str:
    """A short reason from a JSON error body (error codes, not whole pages)."""
    try:
        data = jsonlib.loads(response.content[:20000].decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return ""
    reason: Any = None
    if isinstance(data, dict):
        err = data.get("error")
        if isinstance(err, dict):
            reason = err.get("status") or err.get("code") or err.get("message")
            if err.get("message") and reason != err.get("message"):
                reason = f"{reason} {err.get('message')}"
        elif isinstance(err, str):
            reason = err + (f" ({data['message']})" if isinstance(data.get("message"), str) else "")
        elif data.get("message"):
            reason = data.get("message")
    return f" ({str(reason)[:160]})" if reason else ""
