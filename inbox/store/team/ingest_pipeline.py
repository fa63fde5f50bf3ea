"""A run of pages written by two server sessions at once, committed in their order.

Why: one session writes a page while the app waits, then the app works while the session
waits; the server's work per item (the search vector, the indexes, the triggers) is most
of the time and used one of the machine's cores. Here page N+1 is written on a second
connection while page N's rows go in, so the server works on both cores; page N+1
commits only after page N has (a crash never leaves a later page's cursor over a lost
page), and is rolled back if page N fails.

What keeps it the same as writing the pages one by one:
- page N+1 starts once page N holds its authors' and threads' row locks (taken in key
  order, `page_locked`), so the two never take those locks in a cycle;
- pages that are not self-contained (a reply to an item elsewhere, or an item in both
  pages) wait for the previous page's commit: the stored parent's thread, the replies
  waiting for their root, the rows to compare are then all visible, as one by one;
- an author renamed by page N+1 waits for page N's commit, so the rename refreshes the
  search vector of page N's rows too; an author page N inserts or renames is read by page
  N+1 after page N's commit (else it would read the old name and keep page N's);
- anything else that would hold page N back (page N waiting for a lock page N+1 took
  while page N+1 waits for page N's commit, which PostgreSQL cannot see) is found by
  `pg_blocking_pids`: page N+1 then steps back (rolls back) and is written again after
  page N, alone; so is a page the server picked as a deadlock's victim."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from psycopg.errors import DeadlockDetected, SerializationFailure

from inbox.domain import Item
from inbox.store.errors import NotFound
from inbox.store.ingest import IngestPipeline, IngestResult

SESSIONS = 2  # the machine's cores are what a second session adds; more pages in flight only queue
_POLL = 0.02  # seconds between looks at whether the previous page waits for this one


class _StepBack(Exception):
    """This page holds a lock the previous page waits for: roll back, write it again after."""


class _Abandoned(Exception):
    """The previous page failed: this one must not commit before it (rolled back)."""


_RETRY = (_StepBack, DeadlockDetected, SerializationFailure)


class _Gate:
    """One page's progress, as the next page waits for it."""

    def __init__(self, prev: _Gate | None) -> None:
        self.prev = prev  # the page before it in the run
        self.authors: set[Any] = set()  # the author keys it inserts or renames
        self.locked = threading.Event()  # its authors and threads are locked: the next may start
        self.done = threading.Event()  # committed or rolled back
        self.ok = False
        self.pid = 0  # its server session


def self_contained(items: Sequence[Item]) -> bool:
    """True when every reply in the page answers an item of the page itself (most pages of
    reviews): its threads then depend on no row another page may still be writing."""
    own = {str(i.external_id) for i in items}
    for item in items:
        for ref in (item.parent_external_id, item.root_external_id):
            if ref and str(ref) not in own:
                return False
    return True


def independent(before: Sequence[Item], after: Sequence[Item]) -> bool:
    """Whether `after` may be written beside `before` (see the module's docstring)."""
    if not (self_contained(before) and self_contained(after)):
        return False
    return not ({str(i.external_id) for i in before} & {str(i.external_id) for i in after})


class RunStats:
    """How the last run's pages went (the benchmark prints it; a test asserts pages overlapped)."""

    def __init__(self) -> None:
        self.beside = 0  # pages started beside the previous page's write
        self.after = 0  # pages that waited for the previous page's commit to start
        self.again = 0  # pages rolled back and written again alone


class TeamPipelineMixin:
    _local: Any  # TeamStore
    run_stats: RunStats | None = None

    def cursor(self) -> Any: ...  # TeamStore
    def transaction(self) -> Any: ...  # TeamStore
    def save_page(self, source_id: int, items: Sequence[Item], cursor: dict[str, Any] | None = None, *,
                  pipeline: IngestPipeline | None = None) -> IngestResult: ...  # TeamIngestMixin
    def set_cursor(self, source_id: int, cursor: dict[str, Any]) -> None: ...  # TeamSourcesMixin

    def save_pages(self, source_id: int, pages: Iterable[tuple[Sequence[Item], dict[str, Any] | None]], *,
                   pipeline: IngestPipeline | None = None, sessions: int = SESSIONS) -> list[IngestResult]:
        """Save pages (items, cursor) in order, each atomic with its cursor as `save_page`
        does, two at a time on two server sessions (`sessions`: at most the pool's size less
        one; one with a `pipeline`). Returns each page's result. On an error the pages before
        the failing one are saved, it and those after are not."""
        if pipeline is not None:  # its steps (a model, the rules) are not known to be safe on two threads
            sessions = 1
        results: list[IngestResult] = []
        stats = self.run_stats = RunStats()
        flight: deque[tuple[Sequence[Item], dict[str, Any] | None, _Gate, Future[IngestResult]]] = deque()
        todo = iter(pages)
        ended = False
        with self.cursor() as cur:
            row = cur.execute("SELECT kind FROM sources WHERE id = %s", (source_id,)).fetchone()
        if row is None:
            raise NotFound(f"source {source_id} no longer exists")
        with ThreadPoolExecutor(sessions, thread_name_prefix="team-page") as workers:
            while True:
                while not ended and len(flight) < sessions:
                    page = next(todo, None)
                    if page is None:
                        ended = True
                        break
                    items, cursor = page
                    prev = flight[-1] if flight else None
                    gate = _Gate(prev[2] if prev else None)
                    # beside the pages in flight only if it depends on none of them
                    overlap = prev is not None and all(independent(f[0], items) for f in flight)
                    if overlap:
                        stats.beside += 1
                    else:
                        stats.after += 1
                    flight.append((items, cursor, gate, workers.submit(
                        self._write_page, source_id, row[0], items, cursor, pipeline,
                        prev[2] if prev else None, gate, overlap)))
                if not flight:
                    return results
                items, cursor, gate, future = flight.popleft()
                try:
                    results.append(future.result())
                except (*_RETRY, _Abandoned):
                    # it and every page after it rolled back: write it alone, then go on
                    for *_rest, later in flight:
                        _settle(later)
                    redo = [(i, c) for i, c, _g, _f in flight]
                    flight.clear()
                    stats.again += 1
                    results.append(self.save_page(source_id, items, cursor, pipeline=pipeline))
                    todo = _chain(redo, todo)
                except BaseException:
                    for *_rest, later in flight:
                        _settle(later)
                    raise

    def _write_page(self, source_id: int, platform: str, items: Sequence[Item], cursor: dict[str, Any] | None,
                    pipeline: IngestPipeline | None, prev: _Gate | None, gate: _Gate,
                    overlap: bool) -> IngestResult:
        """One page on this worker's own connection (a thread's transaction holds one),
        prepared (`prepare_items`) before it waits for the previous page."""
        from inbox.store.ingest_prep import prepare_items

        try:
            ready = prepare_items(source_id, platform, items)
            if prev is not None:
                (prev.locked if overlap else prev.done).wait()
                if prev.done.is_set() and not prev.ok:
                    raise _Abandoned
            self._local.gate = (prev, gate)
            with self.transaction():
                with self.cursor() as cur:
                    gate.pid = cur.execute("SELECT pg_backend_pid()").fetchone()[0]
                # the cursor last, after the previous page's commit: the source's row is
                # one both pages write, so written in the pages' order
                result = self.save_page(source_id, ready, None, pipeline=pipeline)
                gate.locked.set()
                await_previous(self)
                if cursor is not None:
                    self.set_cursor(source_id, cursor)
            gate.ok = True
            return result
        finally:
            self._local.gate = None
            gate.locked.set()
            gate.done.set()


def page_locked(store: Any) -> None:
    """Called by ingest once this page's authors and threads are locked (the next page of
    a run may start)."""
    gates = getattr(store._local, "gate", None)
    if gates is not None:
        gates[1].locked.set()


def authors_wait(store: Any, keys: set[Any]) -> None:
    """Before a page of a run reads its authors: when a page still being written inserts or
    renames one of them, wait for it to commit (this page then reads that author as one by
    one would, and renames it back if it must)."""
    gates = getattr(store._local, "gate", None)
    earlier = gates[0] if gates is not None else None
    while earlier is not None and not earlier.done.is_set():
        if earlier.authors & keys:
            await_previous(store)
            return
        earlier = earlier.prev


def authors_written(store: Any, keys: Iterable[Any]) -> None:
    """The authors a page of a run inserts or renames (what later pages wait for)."""
    gates = getattr(store._local, "gate", None)
    if gates is not None:
        gates[1].authors.update(keys)


def await_previous(store: Any) -> None:
    """Wait (inside this page's transaction) until the previous page of a run has committed;
    step back if it waits for a lock this page holds; fail if it failed. Nothing outside a run."""
    gates = getattr(store._local, "gate", None)
    if gates is None or gates[0] is None:
        return
    prev, gate = gates
    while not prev.done.wait(_POLL):
        earlier: _Gate | None = prev  # with more than two sessions, any page still before this one
        while earlier is not None and not earlier.done.is_set():
            if earlier.pid:
                with store.cursor() as cur:
                    if cur.execute("SELECT %s = ANY(pg_blocking_pids(%s))", (gate.pid, earlier.pid)).fetchone()[0]:
                        raise _StepBack
            earlier = earlier.prev
    if not prev.ok:
        raise _Abandoned


def _settle(future: Future[Any]) -> None:
    """Wait for a page that will not commit (it waits for a page that failed)."""
    try:
        future.result()
    except BaseException:  # its rollback is all that matters here
        pass


def _chain(first: list[Any], rest: Any) -> Any:
    yield from first
    yield from rest
