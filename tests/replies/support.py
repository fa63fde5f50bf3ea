"""Test support for replies: a plain HTTP client with the engine's contract (raises
SourceError subclasses, never returns a 5xx or 429) and connectors that only reply.

The sync engine's HttpClient adds retries; replies must behave the same without them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx

from inbox.domain import Author, Item, ItemRow, Source
from inbox.sources.base import (
    Connector,
    CredentialsRejected,
    NetworkError,
    Page,
    RateLimited,
    SourceError,
)
from inbox.store import Store


class PlainHttp:
    def __init__(self, timeout: float = 5.0) -> None:
        self.client = httpx.AsyncClient(timeout=timeout)

    async def request(self, method: str, url: str, *, params: Any = None, headers: dict[str, str] | None = None,
                      json: Any = None, data: Any = None, ok_statuses: tuple[int, ...] = ()) -> httpx.Response:
        try:
            response = await self.client.request(method, url, params=params, headers=headers, json=json, data=data)
        except httpx.HTTPError as exc:
            raise NetworkError(f"could not reach {httpx.URL(url).host}: {type(exc).__name__}") from None
        status = response.status_code
        if status in ok_statuses or status < 400:
            return response
        if status == 429:
            raise RateLimited(float(response.headers.get("Retry-After") or 0) or None)
        if status in (401, 403):
            raise CredentialsRejected(f"HTTP {status}")
        raise SourceError(f"HTTP {status} from {httpx.URL(url).host}")

    async def get_json(self, url: str, *, params: Any = None, headers: dict[str, str] | None = None) -> Any:
        return (await self.request("GET", url, params=params, headers=headers)).json()

    async def aclose(self) -> None:
        await self.client.aclose()


def reply_connector(kind: str) -> type[Connector]:
    """A connector of `kind` whose reply half is the real module under test."""
    class ReplyOnly(Connector):
        can_reply = True

        async def pages(self, cursor: dict[str, Any]) -> AsyncIterator[Page]:
            return
            yield

    ReplyOnly.kind = kind
    ReplyOnly.title = kind
    return ReplyOnly


def factory(http: Any, secrets: dict[str, str]):
    def make(source: Source) -> Connector:
        return reply_connector(source.kind)(source, secrets, http)
    return make


def add_item(store: Store, kind: str, base_url: str, external_id: str, *, text: str = "The soup was cold.",
             name: str = "Jane Smith", handle: str = "", rating: int | None = 2, url: str = "",
             settings: dict[str, Any] | None = None) -> ItemRow:
    source = store.add_source(kind, f"{kind} source", settings={"base_url": base_url, **(settings or {})})
    result = store.save_page(source.id, [Item(external_id, text=text, rating=rating, url=url, author=Author(
        external_id=name or "anon", display_name=name, handle=handle))])
    return store.get_item(result.new_ids[0])
