"""ReplayServer: routes (method + path regex) to canned or computed replies.

    server.add("GET", r"/api/v1/notifications", Reply(json=[...], headers={...}))
    server.add("GET", r"/x", [Reply(status=500), Reply(json={...})])  # in turn; last repeats
    server.add("POST", r"/reply", lambda req: Reply(json=req.json()))
    server.requests  # every request seen, for assertions

Faults: `Reply(status=429, headers={"Retry-After": "1"})`, `Reply(delay=5)` for a read
timeout, `Reply(body=b'{"reviews": [')` for truncated JSON, `Reply(body=b"\\xff\\xfe")`.
"""

from __future__ import annotations

import json as jsonlib
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    match: re.Match[str] | None = None

    def json(self) -> Any:
        return jsonlib.loads(self.body or b"null")

    def form(self) -> dict[str, list[str]]:
        return parse_qs(self.body.decode())

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default


@dataclass
class Reply:
    status: int = 200
    json: Any = None
    body: bytes | str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    content_type: str | None = None

    def encode(self) -> tuple[bytes, str]:
        if self.body is not None:
            data = self.body.encode() if isinstance(self.body, str) else self.body
            return data, self.content_type or "text/plain; charset=utf-8"
        if self.json is not None:
            return jsonlib.dumps(self.json).encode(), self.content_type or "application/json"
        return b"", self.content_type or "text/plain"


Responder = Reply | list[Reply] | Callable[[Request], Reply]


class ReplayServer:
    def __init__(self) -> None:
        self._routes: list[tuple[str, re.Pattern[str], Responder, list[int]]] = []
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes; with Nagle's algorithm on, the body's
            # last segment waited for the client's delayed ACK: 40 ms a request, which no
            # real API adds (the sync benchmark's Google source was 45 ms a page for it).
            disable_nagle_algorithm = True

            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                req = Request(self.command, parts.path, parse_qs(parts.query, keep_blank_values=True),
                              {k.lower(): v for k, v in self.headers.items()}, body)
                reply = server._dispatch(req)
                if reply.delay:
                    time.sleep(reply.delay)
                data, ctype = reply.encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(data)))
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _handle

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        # A short poll interval: shutdown() waits up to one interval, and tests stop many servers.
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def add(self, method: str, pattern: str, responder: Responder) -> None:
        """Later routes win over earlier ones, so a test can override a default."""
        with self._lock:
            self._routes.insert(0, (method.upper(), re.compile(pattern), responder, [0]))

    def route(self, method: str, pattern: str) -> Callable[[Callable[[Request], Reply]], Callable[[Request], Reply]]:
        def deco(fn: Callable[[Request], Reply]) -> Callable[[Request], Reply]:
            self.add(method, pattern, fn)
            return fn
        return deco

    def count(self, method: str, pattern: str) -> int:
        rx = re.compile(pattern)
        return sum(1 for r in self.requests if r.method == method.upper() and rx.fullmatch(r.path))

    def _dispatch(self, req: Request) -> Reply:
        with self._lock:
            self.requests.append(req)
            for method, rx, responder, calls in self._routes:
                m = rx.fullmatch(req.path)
                if method == req.method and m:
                    req.match = m
                    if isinstance(responder, list):
                        reply = responder[min(calls[0], len(responder) - 1)]
                        calls[0] += 1
                        return reply
                    break
            else:
                return Reply(status=404, json={"error": f"no route for {req.method} {req.path}"})
        return responder if isinstance(responder, Reply) else responder(req)

    def start(self) -> ReplayServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
