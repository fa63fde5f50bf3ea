"""A big file's rows parsed in a process of its own, so that parsing and the sync's writer
each have a core.

Why: in one process the parser's Python and the writer's share the GIL, so a 100,000-row
import ran them one after the other (wall time about equal to CPU time). Here the child
reads the rows into items and sends each batch, pickled, down a pipe; the sync's process
only loads them (docs/benchmarks.md, issue 19, h19csv).

The child is `python -m inbox.sources.file_child` (the frozen app: itself with `FLAG`,
packaging/entry.py). It gets the job (the source, the file's bytes, the undated time) as one
pickle on stdin and writes length-prefixed pickles of `(items, skipped, problems)` batches,
then `None`, on stdout; an error it meets is sent as the exception itself and raised again
here. If the child cannot be started the rows are read in this process, as before.

Its entry is `inbox.sync.file_reader` (the sync layer), which also makes each batch ready for
ingest (`prepare_items`, in the store) before sending it: the sync's process then only writes.
This module, in the sources, knows nothing of the store and takes that step as `prepare`.
"""

from __future__ import annotations

import gc
import logging
import os
import pickle
import struct
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import IO, Any

from inbox.paths import child_environment
from inbox.sources.base import SourceError

log = logging.getLogger("inbox.sources.file")

FLAG = "--file-parse-worker"  # the frozen app's hidden flag for this module
# The reader runs a little behind the sync's own threads: it only has to stay a batch ahead,
# and on two cores its turns otherwise came out of the writer's, the import's critical path.
NICENESS = 5
CHILD_AT_BYTES = 2 * 1024 * 1024  # ~10,000 rows: below that, starting a process costs more than it saves
_LENGTH = struct.Struct("<Q")
Batch = tuple[list[Any], int, list[str]]
READER_MODULE = "inbox.sync.file_reader"  # the child's entry: reads, then prepares for ingest
# prepare(source id, source kind, items) -> the same items made ready to write
Prepare = Callable[[int, str, Sequence[Any]], list[Any]]


def child_command() -> list[str]:
    if getattr(sys, "frozen", False):
        return [sys.executable, FLAG]
    return [sys.executable, "-m", READER_MODULE]


def _read_exactly(stream: IO[bytes], n: int) -> bytes:
    data = stream.read(n)
    if data is None or len(data) != n:
        raise SourceError("the file's reader stopped before the end of the file; sync again")
    return data


def batches_in_child(settings: dict[str, Any], data: bytes, undated: datetime | None,
                     source: tuple[int, str] | None = None) -> ChildBatches | None:
    """The batches `FileConnector.read` would give, read by a child process (and made ready
    for ingest as the `source`, id and kind, when given); None when no child could be started
    (the caller then reads them itself)."""
    try:
        proc = subprocess.Popen(child_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                env=child_environment())
    except OSError as exc:
        log.warning("cannot start the file reader process (%s): reading in this one", exc)
        return None
    job = (settings, data, undated) if source is None else (settings, data, undated, source)
    return ChildBatches(proc, pickle.dumps(job, pickle.HIGHEST_PROTOCOL))


class ChildBatches(Iterator[Batch]):
    """The child's batches, in order. `close` ends the child from any thread, also while
    another thread waits for its next batch (that wait then raises)."""

    def __init__(self, proc: subprocess.Popen[bytes], job: bytes) -> None:
        self.proc = proc
        self._job: bytes | None = job
        self._done = False
        self._reading = False

    def __next__(self) -> Batch:
        if self._done:
            raise StopIteration
        proc = self.proc
        assert proc.stdin is not None and proc.stdout is not None
        self._reading = True
        try:
            if self._job is not None:  # on the first call: a worker thread, not the event loop
                job, self._job = self._job, None
                try:
                    proc.stdin.write(job)
                    proc.stdin.close()
                except BrokenPipeError:
                    pass  # it ended at once: said below, when its output stops short
            (size,) = _LENGTH.unpack(_read_exactly(proc.stdout, _LENGTH.size))
            message = pickle.loads(_read_exactly(proc.stdout, size))  # our own child's output
        except BaseException:
            self._reading = False
            self.close()
            raise
        self._reading = False
        if message is None:
            self.close()
            raise StopIteration
        if isinstance(message, BaseException):
            self.close()
            raise message
        return message

    def close(self) -> None:
        self._done = True
        proc = self.proc
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        if not self._reading:  # else the reading thread closes them when its read fails
            for pipe in (proc.stdin, proc.stdout):
                if pipe is not None:
                    pipe.close()


def _serve(inp: IO[bytes], out: IO[bytes], prepare: Prepare | None = None) -> None:
    from inbox.domain import Source
    from inbox.sources.file import FileConnector

    settings, data, undated, *rest = pickle.loads(inp.read())
    source: tuple[int, str] | None = rest[0] if rest else None

    def send(message: Any) -> None:
        blob = pickle.dumps(message, pickle.HIGHEST_PROTOCOL)
        out.write(_LENGTH.pack(len(blob)))
        out.write(blob)
        out.flush()

    connector = FileConnector(Source(id=0, kind="file", name="file", settings=settings), {}, None)  # type: ignore[arg-type]
    try:
        for items, skipped, problems in connector.read(data, undated, oldest_first=True):
            if prepare is not None and source is not None:
                try:
                    items = prepare(*source, items)
                except Exception:  # an entry it cannot take: the sync finds which, as unprepared
                    pass
            send((items, skipped, problems))
    except Exception as exc:  # the same error the import would raise in one process
        try:
            send(exc)
        except Exception:  # one that does not pickle: its type and words
            send(SourceError(f"{type(exc).__name__}: {exc}"))
        return
    send(None)


def main(prepare: Prepare | None = None) -> int:
    """The reader process's entry (it ends after one file)."""
    # Python's cyclic collector off: this process ends after one file and makes no cycles
    # worth it; its full collections walked every row held (a file read oldest first is
    # held whole): 10% of its CPU and a quarter of its wait for the first batch (h19csv4)
    gc.disable()
    if hasattr(os, "nice"):  # POSIX; a Windows child keeps its priority
        os.nice(NICENESS)
    try:
        _serve(sys.stdin.buffer, sys.stdout.buffer, prepare)
    except BrokenPipeError:  # the sync stopped reading (cancelled, or ended): nothing to say
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
