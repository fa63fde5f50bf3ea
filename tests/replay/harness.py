"""Helpers for connector tests: build a connector for a stored source, and run it the way
the sync engine does (each page and its cursor saved together with `store.save_page`)."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import Any

from inbox.domain import InboxFilter, ItemRow, Source
from inbox.sources.base import Connector, Http
from inbox.sources.registry import connector_class
from inbox.store import IngestResult, Store


@asynccontextmanager
async def http_client():
    """The sync engine's HTTP client (short back-off so fault tests stay fast)."""
    from inbox.sync.http import HttpClient

    async with HttpClient(retries=1, backoff_base=0.001, max_wait=0.01, rate_limit_tries=2,
                          read_timeout=5.0) as client:
        yield client


def add_source(store: Store, kind: str, settings: dict[str, Any], name: str | None = None,
               whose: str = "own") -> Source:
    return store.add_source(kind, name or f"{kind} test", whose=whose, settings=settings)


def connector(store: Store, source_id: int, secrets: dict[str, str], http: Http) -> Connector:
    source = store.get_source(source_id)
    return connector_class(source.kind)(source, secrets, http)


async def ingest(store: Store, source_id: int, secrets: dict[str, str], http: Http) -> IngestResult:
    """One sync of one source: every page saved with its cursor, as the engine does."""
    total = IngestResult()
    conn = connector(store, source_id, secrets, http)
    async for page in conn.pages(store.get_source(source_id).cursor):
        result = store.save_page(source_id, page.items, page.cursor)
        result.skipped += page.skipped
        total.add(result)
    return total


def stored(store: Store, source_id: int) -> dict[str, ItemRow]:
    """Every item of a source (owner replies included), by external id."""
    flt = InboxFilter(source_ids=[source_id], include_owner_replies=True)
    return {row.external_id: row for row in store.iter_items(flt)}


def thread_ids(store: Store, row: ItemRow) -> list[str]:
    """External ids of the items in a row's thread."""
    assert row.thread_id is not None
    return [i.external_id for i in store.get_thread(row.thread_id).items]
