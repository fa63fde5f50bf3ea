"""Test support for replies: the engine's HTTP client as the outbox configures it, connectors
that only reply (so each reply module is tested on its own), and items to reply to."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from inbox.domain import Author, Item, ItemRow, Source
from inbox.sources.base import Connector, Page
from inbox.store import Store
from inbox.sync.http import HttpClient


def reply_http(timeout: float = 5.0) -> HttpClient:
    """The sync engine's HTTP client as the outbox uses it: no retries of its own."""
    return HttpClient(retries=0, connect_timeout=timeout, read_timeout=timeout)


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
