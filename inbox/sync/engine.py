"""The sync engine: runs each source's connector from its saved cursor, concurrently,
writing every page together with its cursor in one transaction.

Why this shape: a sync can be killed at any moment (laptop lid, Ctrl-C, crash). Because a
page and the cursor after it commit together, a new run resumes exactly where the last
commit left off, and the idempotent upsert makes re-delivered items harmless. Every write
of a sync runs on the writer thread (`inbox.sync.writer`), never on the event loop;
connectors only await network I/O, so a failure or a cancellation can never land inside a
transaction.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import gc
import logging
import sys
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from inbox.domain import Item, Source, format_time, utcnow
from inbox.domain.sync_errors import SyncErrorKind
from inbox.secrets import NoKeyring, Secrets, SecretsError, key_of, read_source
from inbox.services.pipeline import Pipeline, default_pipeline
from inbox.sources.base import Connector, Page, SourceError
from inbox.sources.registry import connector_class
from inbox.store import (
    DamagedDatabase,
    DiskFull,
    IngestResult,
    NotFound,
    ReadOnlyDatabase,
    RunCounts,
    Store,
    StoreError,
    classify,
)
from inbox.store.ingest_prep import PreparedItems, joined, prepare_items
from inbox.sync.checkpoint import background_checkpoints
from inbox.sync.errors import error_kind
from inbox.sync.http import HttpClient, scrub
from inbox.sync.writer import Writer

log = logging.getLogger("inbox.sync")
T = TypeVar("T")

QUEUED, SYNCING, DONE, ERROR, CANCELLED = "queued", "syncing", "done", "error", "cancelled"
REMOVED = "the source was removed while it synced; nothing more was saved for it"
FLUSH_ITEMS = 500     # hand pages to the writer when this many items wait ...
FLUSH_SECONDS = 0.5   # ... or the oldest waiting page is this old
# Pages that arrive while the writer is still busy with the previous hand-over are gathered
# into one bigger hand-over, up to this many items: a fast source (a file, a quick server)
# then commits 5,000 items a transaction instead of 500, which rewrites each index page
# far less often (a third less CPU per item in a 100,000-row import; docs/benchmarks.md).
MAX_HAND_OVER = 5_000
# A hand-over of this many items is written without its analysis (sentiment, phrases: about
# 100 µs an item of pure Python, more than the write itself); the background pass
# (`sentiment.backfill`) adds it later. Smaller ones, the usual sync, are analysed at once.
DEFER_ANALYSIS_AT = 200
# A hand-over of this many items has ingest's database-free work (checks, rows) done on a
# worker thread before it reaches the writer, whose thread is a big sync's critical path.
PREPARE_AT = 200


@dataclass
class Progress:
    """A source's state during a run; emitted often, rendered by the CLI and the UI."""

    source_id: int
    source_name: str
    state: str  # "queued" | "syncing" | "done" | "error" | "cancelled"
    pages: int = 0
    fetched: int = 0
    new: int = 0
    updated: int = 0
    error: str | None = None
    error_kind: SyncErrorKind | None = None  # why it failed, set with `error`


@dataclass
class RunSummary:
    """What one source's run did; also written to the `sync_runs` table."""

    source_id: int
    source_name: str
    kind: str
    started_at: str
    finished_at: str | None
    fetched: int
    new: int
    updated: int
    skipped: int
    error: str | None
    new_item_ids: list[int] = field(default_factory=list)
    error_kind: SyncErrorKind | None = None  # why it failed, set with `error`: read this, not the text

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source_name, "source_id": self.source_id, "kind": self.kind,
                "started_at": self.started_at, "finished_at": self.finished_at,
                "fetched": self.fetched, "new": self.new, "updated": self.updated,
                "skipped": self.skipped, "ok": self.ok, "error": self.error,
                "error_kind": self.error_kind.value if self.error_kind else None}


def select_sources(store: Store, names: list[str] | None) -> list[Source]:
    """The named sources (enabled or not), or every enabled one. Unknown names raise NotFound."""
    if names:
        return [store.get_source(name) for name in names]
    return [s for s in store.list_sources() if s.enabled]


async def sync(store: Store, *, secrets: Secrets, sources: list[str] | None = None,
               on_progress: Callable[[Progress], None] | None = None,
               cancel: asyncio.Event | None = None, concurrency: int = 4,
               http_options: dict | None = None, pipeline: Pipeline | None = None) -> list[RunSummary]:
    """Sync the enabled (or named) sources; one summary per source, in the order given.

    A failing source is recorded and reported; the others go on. Setting `cancel` stops
    every source at its next await; pages already saved stay saved. `secrets` gives each
    source's credentials (the OS keyring in the app); `pipeline` is what runs on each page
    written (by default the services' `default_pipeline`).
    """
    if pipeline is None:
        pipeline = await asyncio.to_thread(default_pipeline)  # loads the lexicon off the loop
    chosen = select_sources(store, sources)
    emit = on_progress or (lambda p: None)
    for src in chosen:
        emit(Progress(src.id, src.name, QUEUED))
    if not chosen:
        return []
    gate = asyncio.Semaphore(max(1, concurrency))
    with store.sync_lock():  # another process's sync or import: "A sync is already running"
        return await _sync_locked(store, chosen, emit, gate, cancel, secrets, pipeline, http_options)


async def _sync_locked(store: Store, chosen: list[Source], emit: Callable[[Progress], None],
                       gate: asyncio.Semaphore, cancel: asyncio.Event | None, secrets: Secrets,
                       pipeline: Pipeline, http_options: dict | None) -> list[RunSummary]:
    http = HttpClient(**(http_options or {}))  # its connections are made by the first request
    async with http, Writer(store) as writer, background_checkpoints(writer.store), responsive_gil(), \
            collector_spared():
        tasks = [asyncio.create_task(_guarded(SourceRun(writer, src, http, emit, secrets, pipeline),
                                              gate, cancel))
                 for src in chosen]
        watcher = asyncio.create_task(_cancel_on(cancel, tasks)) if cancel else None
        try:
            results = await asyncio.gather(*tasks, return_exceptions=True)
        finally:
            if watcher:
                watcher.cancel()
    summaries = []
    for src, result in zip(chosen, results, strict=True):
        if isinstance(result, RunSummary):
            summaries.append(result)
        elif isinstance(result, Exception):  # failed outside its own handling: say why, not "cancelled"
            log.error("sync of %s failed", src.name, exc_info=result)
            fault = classify(result)
            text = str(fault) if fault else f"unexpected error ({type(result).__name__}); the details are in the log"
            summaries.append(RunSummary(src.id, src.name, src.kind, _now(), _now(), 0, 0, 0, 0,
                                        text, error_kind=error_kind(result)))
        else:  # cancelled before it could even record itself
            summaries.append(RunSummary(src.id, src.name, src.kind, _now(), _now(), 0, 0, 0, 0,
                                        CANCELLED, error_kind=SyncErrorKind.CANCELLED))
    return summaries


async def sync_in_thread(store: Store, *, on_progress: Callable[[Progress], None] | None = None,
                         cancel: asyncio.Event | None = None, **kw: Any) -> list[RunSummary]:
    """`sync` on an event loop of its own in a worker thread: what the connectors do between
    two awaits (decoding a page's JSON, building and sanitising its items: milliseconds
    each, for five sources at once) then never runs on the caller's loop, which in the app
    is the window's. Progress is delivered on the caller's loop; setting `cancel` there
    cancels the sync; the engine reads the sources through a reader of its own."""
    caller = asyncio.get_running_loop()
    started = threading.Event()
    inner: dict[str, Any] = {}

    def emit(p: Progress) -> None:
        if on_progress is not None:
            with contextlib.suppress(RuntimeError):  # the caller's loop is closed: nobody listens
                caller.call_soon_threadsafe(on_progress, p)

    async def main() -> list[RunSummary]:
        inner["loop"], inner["cancel"] = asyncio.get_running_loop(), asyncio.Event()
        started.set()
        reader = await asyncio.to_thread(Store.open_reader, store.path)
        try:
            return await sync(reader, on_progress=emit, cancel=inner["cancel"], **kw)
        finally:
            reader.close()

    def stop() -> None:
        if not started.wait(30):  # its thread never started: nothing to stop
            return
        with contextlib.suppress(RuntimeError):  # it had finished meanwhile
            inner["loop"].call_soon_threadsafe(inner["cancel"].set)

    async def relay() -> None:
        assert cancel is not None
        await cancel.wait()
        await asyncio.to_thread(stop)

    relaying = asyncio.create_task(relay()) if cancel is not None else None
    running = asyncio.ensure_future(asyncio.to_thread(asyncio.run, main()))
    try:
        return await asyncio.shield(running)
    except asyncio.CancelledError:  # the caller gave up: stop the sync, let it save what it has
        await asyncio.to_thread(stop)
        raise
    finally:
        if relaying is not None:
            relaying.cancel()


YOUNG_COLLECTION_AT = 20_000
_collector_lock = threading.Lock()
_collector_state: dict[str, Any] = {"depth": 0, "thresholds": (700, 10, 10)}


@contextlib.asynccontextmanager
async def collector_spared() -> AsyncIterator[None]:
    """Python's cyclic collector, while a sync runs, leaves alone what existed before it
    (`gc.freeze`): its full collections otherwise walked every object of the process
    (in the app, the window's rows) while holding the GIL, stalling the event loop by up
    to 100 ms and costing 15% of the sync's CPU. What the sync leaves in cycles is still
    collected; the frozen objects go back to the collector after it."""
    with _collector_lock:  # syncs may overlap: the first in changes the collector, the last out restores it
        if not _collector_state["depth"]:
            _collector_state["thresholds"] = gc.get_threshold()
            gc.freeze()
            young, *older = _collector_state["thresholds"]
            gc.set_threshold(max(young, YOUNG_COLLECTION_AT), *older)
        _collector_state["depth"] += 1
    try:
        yield
    finally:
        with _collector_lock:
            _collector_state["depth"] -= 1
            if not _collector_state["depth"]:
                gc.set_threshold(*_collector_state["thresholds"])
                gc.unfreeze()


# Connectors parse big payloads on worker threads; with Python's default 5 ms switch interval
# the event loop waits that long for the GIL after every step. Why 0.5 ms: docs/engineering-notes.md.
SWITCH_INTERVAL_S = 0.0005


@contextlib.asynccontextmanager
async def responsive_gil() -> AsyncIterator[None]:
    previous = sys.getswitchinterval()
    sys.setswitchinterval(min(previous, SWITCH_INTERVAL_S))
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


async def _cancel_on(cancel: asyncio.Event, tasks: list[asyncio.Task]) -> None:
    await cancel.wait()
    for task in tasks:
        task.cancel()


async def _guarded(run: SourceRun, gate: asyncio.Semaphore, cancel: asyncio.Event | None) -> RunSummary:
    try:
        async with gate:
            if cancel is not None and cancel.is_set():
                raise asyncio.CancelledError
            return await run.run()
    except asyncio.CancelledError:
        if cancel is None or not cancel.is_set():
            raise
        return await run.cancelled()  # cancelled while still queued


def _now() -> str:
    return format_time(utcnow()) or ""


class SourceRun:
    """One source's run: the counters, the `sync_runs` row and the progress it emits."""

    def __init__(self, writer: Writer, source: Source, http: HttpClient,
                 emit: Callable[[Progress], None], secrets: Secrets,
                 pipeline: Pipeline) -> None:
        self.writer = writer
        self.secrets = secrets
        self.pipeline = pipeline
        self.source = source
        self.http = http
        self.emit = emit
        self.progress = Progress(source.id, source.name, SYNCING)
        self.summary = RunSummary(source.id, source.name, source.kind, _now(), None,
                                  0, 0, 0, 0, None)
        self.run_id: int | None = None
        self.saved = 0  # entries of committed pages (stored, unchanged or skipped on purpose)
        self._buffer: list[Page] = []
        self._buffered_since = 0.0
        # hand-overs not yet counted, oldest first: one being written and at most one more
        # being prepared beside it
        self._writing: collections.deque[asyncio.Future[IngestResult | None]] = collections.deque()

    async def _record_start(self) -> None:
        self.summary.started_at = _now()
        # None: the source was removed since the run began
        self.run_id = await _settled(self.writer.submit(
            lambda store: store.start_sync_run(self.source.id, self.summary.started_at)))

    async def cancelled(self) -> RunSummary:
        if self.run_id is None:
            await self._record_start()
        await self._finish(CANCELLED, CANCELLED, SyncErrorKind.CANCELLED)
        return self.summary

    async def run(self) -> RunSummary:
        try:
            await self._record_start()
        except Exception as exc:  # a read-only or full disk refuses even the run's record
            fault = classify(exc)
            if fault is None or isinstance(fault, NotFound):
                raise
            log.error("sync of %s cannot start: %s", self.source.name, exc)
            await self._finish(ERROR, self._fault_text(fault), error_kind(fault))
            return self.summary
        self.emit(replace(self.progress))
        if self.run_id is None:  # removed while the run waited for its turn
            await self._finish(ERROR, REMOVED, SyncErrorKind.REMOVED)
            return self.summary
        try:
            await self._fetch()
        except asyncio.CancelledError:
            return await self.cancelled()
        except NotFound as exc:  # the only row a sync's writes need is the source's own
            await self._finish(ERROR, REMOVED, error_kind(exc))
        except SourceError as exc:
            await self._finish(ERROR, self.http.scrub(str(exc)) or type(exc).__name__, error_kind(exc))
        except NoKeyring as exc:
            await self._finish(ERROR, "cannot read the credentials: no system keyring", error_kind(exc))
        except SecretsError as exc:
            await self._finish(ERROR, str(exc), error_kind(exc))
        except Exception as exc:  # a connector bug or a full disk: this source only
            log.exception("sync of %s failed", self.source.name)
            fault = classify(exc)
            if fault is not None:  # the disk or the database, not the connector: say which
                await self._finish(ERROR, self._fault_text(fault), error_kind(fault))
                return self.summary
            await self._finish(ERROR, self.http.scrub(f"unexpected error in the {self.source.kind} "
                                                      f"connector: {type(exc).__name__}: {exc}")[:500],
                               error_kind(exc))
        else:
            await self._finish(DONE, None)
        return self.summary

    async def _fetch(self) -> None:
        cls = await asyncio.to_thread(connector_class, self.source.kind)  # imports off the loop
        secret_values: dict[str, str] = {}
        if cls.secrets:
            secret_values = await asyncio.to_thread(read_source, self.secrets, self.source)
            self.http.add_secrets(secret_values)
        connector = cls(self.source, secret_values, self.http)
        pages = connector.pages(dict(self.source.cursor))
        try:
            async for page in pages:
                if page.expected:
                    self.writer.expect(page.expected)
                self._buffer.append(page)
                self.summary.fetched += len(page.items)
                self.progress.pages += 1
                self.progress.fetched = self.summary.fetched
                waiting = sum(len(p.items) for p in self._buffer)
                now = time.monotonic()
                if len(self._buffer) == 1:
                    self._buffered_since = now
                due = waiting >= FLUSH_ITEMS or now - self._buffered_since >= FLUSH_SECONDS
                busy = any(not f.done() for f in self._writing)
                if due and not (busy and waiting < MAX_HAND_OVER):
                    await self._hand_over()
                else:  # while the writer is still at the previous hand-over, gather a bigger one
                    self.emit(replace(self.progress))
        finally:
            # Whole pages already received are kept, whatever ended the run.
            await _settled(self._hand_over(last=True))
            await pages.aclose()
            await self._save_secret_updates(connector)

    async def _save_secret_updates(self, connector: Connector) -> None:
        """A session the connector renewed goes to the keyring (merged with the rest), so
        the next sync need not sign in again; a keyring failure costs only that."""
        if not connector.secret_updates:
            return
        self.http.add_secrets(connector.secret_updates)
        try:
            await asyncio.to_thread(self.secrets.set, key_of(self.source), dict(connector.secret_updates), merge=True)
        except SecretsError as exc:
            log.warning("could not keep the session of %s: %s", self.source.name, exc)

    async def _hand_over(self, last: bool = False) -> None:
        """Give the buffered pages to be written, and fetch on meanwhile: wait only until
        at most one earlier hand-over is in flight (pages stay in order and memory bounded),
        or for all of them when this is the `last`. A hand-over is prepared while the one
        before it is written, so that the writer's thread is not idle meanwhile."""
        await self._written(keep=1)
        if self._buffer:
            pages, self._buffer = self._buffer, []
            self.summary.skipped += sum(page.skipped for page in pages)
            previous = self._writing[-1] if self._writing else None
            self._writing.append(asyncio.ensure_future(self._write_pages(pages, previous)))
        if last:
            await self._written()

    async def _write_pages(self, pages: list[Page],
                           previous: asyncio.Future[IngestResult | None] | None) -> IngestResult | None:
        """Prepare the pages (beside the `previous` hand-over's write), then have them written
        once that one is: None, writing nothing, when it failed (its error is what the run
        reports, and these pages' cursor must not pass over its pages)."""
        items = joined([page.items for page in pages], self.source.id, self.source.kind)
        batch = self.pipeline.deferred() if len(items) >= DEFER_ANALYSIS_AT else self.pipeline
        # the team store takes them too; a big file's reader process prepared them already
        if len(items) >= PREPARE_AT and not isinstance(items, PreparedItems):
            items = await asyncio.to_thread(_prepared, self.source, items)
        if previous is not None:
            await asyncio.wait([previous])
            if previous.cancelled() or previous.exception() is not None or previous.result() is None:
                return None
        return await self.writer.submit(lambda store: self._write(store, pages, items, batch), size=len(items))

    async def _written(self, keep: int = 0) -> None:
        """Count the hand-overs written, oldest first, until at most `keep` are in flight;
        a failed one raises its error (again at each call)."""
        while len(self._writing) > keep:
            result = await asyncio.shield(self._writing[0])  # a cancelled wait leaves the write going
            self._writing.popleft()
            if result is not None:
                self._count(result)

    def _write(self, store: Store, pages: list[Page], items: list[Item], pipeline: Pipeline) -> IngestResult:
        """On the writer thread: the pages' items (through the pipeline), the newest cursor
        and the deletions, in one transaction."""
        deleted = [ext for page in pages for ext in page.deleted]
        with store.transaction():
            result = store.save_page(self.source.id, items, pages[-1].cursor, pipeline=pipeline)
            if deleted:
                store.mark_deleted(self.source.id, deleted)
        return result

    def _count(self, result: IngestResult) -> None:
        s, p = self.summary, self.progress
        s.new += result.new
        s.updated += result.updated
        s.skipped += result.skipped
        self.saved += result.new + result.updated + result.unchanged + result.skipped
        for note in result.notes[:20]:  # entries the store could not take: named in the log
            log.warning("%s: skipped %s", self.source.name, note)
        s.new_item_ids += result.new_ids
        p.new, p.updated = s.new, s.updated
        self.emit(replace(p))

    def _fault_text(self, fault: StoreError) -> str:
        s = self.summary
        lost = max(0, s.fetched - self.saved)
        if isinstance(fault, DiskFull):
            return (f"The disk is full: {lost:,} of {s.fetched:,} rows were not saved; "
                    "free some space and sync again")
        if isinstance(fault, ReadOnlyDatabase):
            return ("The inbox file or its folder is read-only; allow writing to it and sync again"
                    + (f" ({lost:,} rows were not saved)" if lost else ""))
        if isinstance(fault, DamagedDatabase):
            return "The inbox file is damaged; restore a backup (inbox backup restore FILE --yes)"
        return f"{fault} ({lost:,} rows were not saved)"

    async def _finish(self, state: str, error: str | None, kind: SyncErrorKind | None = None) -> None:
        s = self.summary
        s.finished_at = _now()
        s.error = scrub(error, self.http.secrets) if error else None
        s.error_kind = kind if error else None

        def record(store: Store) -> None:
            store.finish_sync_run(self.run_id, RunCounts(
                s.finished_at or "", s.fetched, s.new, s.updated, s.skipped, s.error,
                s.error_kind.value if s.error_kind else None))
            with contextlib.suppress(NotFound):  # removed meanwhile: nothing left to note it on
                if state == DONE:
                    store.update_source(self.source.id, last_synced_at=s.finished_at, last_error=None)
                elif state == ERROR:
                    store.update_source(self.source.id, last_error=s.error)
        try:
            await _settled(self.writer.submit(record))
        except Exception as exc:  # a full disk refuses the record too: the summary still tells
            if classify(exc) is None:
                raise
            log.warning("could not record the end of %s's sync: %s", self.source.name, exc)
        self.progress.state = state
        self.progress.error = s.error
        self.progress.error_kind = s.error_kind
        self.emit(replace(self.progress))


def _prepared(source: Source, items: list[Item]) -> list[Item]:
    """The items with ingest's checks and rows made ahead (`PreparedItems`), or as they are
    when one of them cannot be stored: the writer then finds which and notes it."""
    try:
        return prepare_items(source.id, source.kind, items)
    except Exception:
        return items


async def _settled(awaitable: Awaitable[T]) -> T:
    """Await a write to its end even if this task is being cancelled meanwhile: the write
    happens anyway, and what it returns (a run id, counts) is still wanted."""
    future = asyncio.ensure_future(awaitable)
    cancelled = False
    while True:
        try:
            result = await asyncio.shield(future)
        except asyncio.CancelledError:
            if future.cancelled():
                raise
            cancelled = True
            continue
        if cancelled:
            raise asyncio.CancelledError
        return result

