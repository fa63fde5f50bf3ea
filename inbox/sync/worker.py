"""The window's sync, and its analysis pass, in a process of their own.

Why a process: in the window's process the sync's Python (connectors parsing pages, item
construction, the writer, the analysis pass) took turns on the GIL with the painting, and
the window stalled for tens of milliseconds at a time. Here it runs beside the window,
writing to the same SQLite file (WAL: the window reads on), and tells the window what
happens as JSON lines on stdout; the window answers on stdin (`inbox.sync.child` is the
window's side of the conversation):

    window -> worker   {"job": "sync", "db": PATH, "sources": [...], "http_options": {...},
                        "new_ids": true}  or  {"job": "analyse", "db": PATH, "batch": N}
                       {"cancel": true}   (end of input means the same: the window is gone)
                       {"reply": ID, "value": ...} or {"reply": ID, "error": "no_keyring"|"secrets", "text": ...}
    worker -> window   {"progress": {...}}    {"secrets": "get"|"set"|"delete"|"available", "id": ID, ...}
                       {"analysed": N}       {"done": [...summaries] or N}    {"failed": TEXT}

Secrets never go on the command line or in the environment: the worker asks the window for
them (the OS keyring there, memory in tests). Started as `python -m inbox.sync.worker`, or
as the frozen app with `FLAG` (packaging/entry.py). Nothing here imports Qt.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import itertools
import json
import logging
import os
import sys
import threading
from collections.abc import Callable
from typing import Any, TextIO

FLAG = "--sync-worker"  # the frozen app's hidden flag for this module
PROGRESS_EVERY_S = 0.1  # a source's running counts at most this often; state changes at once
# The worker runs below the window's priority: on two busy cores the window's thread then
# gets a core the moment it wakes, and an otherwise idle machine still gives the sync all of
# its time (docs/benchmarks.md, issue 19, ninth session).
NICENESS = 10
log = logging.getLogger("inbox.sync.worker")


class Channel:
    """The worker's end of the pipe: sends lines, and waits for the window's replies on a
    reader thread, which also hears a cancel (or the window going away)."""

    def __init__(self, out: TextIO, inp: TextIO) -> None:
        self.out, self.inp = out, inp
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._waiting: dict[int, tuple[threading.Event, dict[str, Any]]] = {}
        self.cancelled = threading.Event()
        self.gone = False  # the window's end closed: no reply will come
        self.on_cancel: Callable[[], None] = lambda: None

    def send(self, message: dict[str, Any]) -> None:
        line = json.dumps(message, separators=(",", ":")) + "\n"
        with self._lock, contextlib.suppress(OSError, ValueError):  # the window is gone: carry on, save what we have
            self.out.write(line)
            self.out.flush()

    def ask(self, message: dict[str, Any]) -> dict[str, Any]:
        """Send a request and wait for its reply (a keyring prompt may take the user a while)."""
        ident = next(self._ids)
        done, box = threading.Event(), {}
        self._waiting[ident] = (done, box)
        if self.gone:
            box.update(error="secrets", text="the window closed")
        else:
            self.send({**message, "id": ident})
            done.wait()
        self._waiting.pop(ident, None)
        return box

    def listen(self) -> None:
        threading.Thread(target=self._read, name="inbox-worker-stdin", daemon=True).start()

    def _read(self) -> None:
        try:
            for line in self.inp:
                message = json.loads(line)
                if "reply" in message:
                    done, box = self._waiting.get(message["reply"], (None, None))
                    if done is not None:
                        box.update(message)
                        done.set()
                elif message.get("cancel"):
                    self._cancel()
        except (OSError, ValueError):
            pass
        self.gone = True
        self._cancel()  # end of input: the window closed or died; stop and keep what was saved
        for done, box in list(self._waiting.values()):
            box.setdefault("error", "secrets")
            box.setdefault("text", "the window closed")
            done.set()

    def _cancel(self) -> None:
        if not self.cancelled.is_set():
            self.cancelled.set()
            self.on_cancel()


class PipeSecrets:
    """`Secrets` answered by the window's own backend, over the pipe."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel

    def _ask(self, op: str, **kw: Any) -> Any:
        from inbox.logging_setup import register_secret
        from inbox.secrets import NoKeyring, SecretsError

        box = self.channel.ask({"secrets": op, **kw})
        if "error" in box:
            error = NoKeyring() if box["error"] == "no_keyring" else SecretsError(box.get("text") or "")
            error.args = (box.get("text") or str(error),)
            raise error
        value = box.get("value")
        if isinstance(value, dict):
            register_secret(*value.values())  # the log scrubs them here too
        return value

    def available(self) -> bool:
        return bool(self._ask("available"))

    def get(self, source_name: str) -> dict[str, str]:
        return dict(self._ask("get", key=source_name) or {})

    def set(self, source_name: str, values: dict[str, str], *, merge: bool = True) -> None:
        from inbox.logging_setup import register_secret

        register_secret(*values.values())
        self._ask("set", key=source_name, values=values, merge=merge)

    def delete(self, source_name: str) -> None:
        self._ask("delete", key=source_name)


def progress_json(p: Any) -> dict[str, Any]:
    return {"source_id": p.source_id, "source_name": p.source_name, "state": p.state, "pages": p.pages,
            "fetched": p.fetched, "new": p.new, "updated": p.updated, "error": p.error,
            "error_kind": p.error_kind.value if p.error_kind else None}


def summary_json(s: Any, with_ids: bool) -> dict[str, Any]:
    return {"source_id": s.source_id, "source_name": s.source_name, "kind": s.kind,
            "started_at": s.started_at, "finished_at": s.finished_at, "fetched": s.fetched,
            "new": s.new, "updated": s.updated, "skipped": s.skipped, "error": s.error,
            "new_item_ids": list(s.new_item_ids) if with_ids else [],
            "error_kind": s.error_kind.value if s.error_kind else None}


class ProgressRelay:
    """Every state change at once; a running source's counts at most every PROGRESS_EVERY_S
    (a big sync emits thousands of pages; the window redraws the newest counts only)."""

    def __init__(self, channel: Channel, loop: asyncio.AbstractEventLoop) -> None:
        self.channel, self.loop = channel, loop
        self.waiting: dict[int, Any] = {}
        self.timer: asyncio.TimerHandle | None = None

    def __call__(self, p: Any) -> None:
        from inbox.sync.engine import SYNCING

        self.waiting[p.source_id] = p
        if p.state != SYNCING:
            self.flush()
        elif self.timer is None:
            self.timer = self.loop.call_later(PROGRESS_EVERY_S, self.flush)

    def flush(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        waiting, self.waiting = self.waiting, {}
        for p in waiting.values():
            self.channel.send({"progress": progress_json(p)})


def failure_text(exc: BaseException) -> str:
    """What the window says when the whole sync could not run: the store's own sentence
    ("A sync is already running…", a full disk), never a raw exception."""
    from inbox.store import classify

    fault = classify(exc)
    if fault is not None:
        return str(fault)
    log.error("the sync failed", exc_info=exc)
    return f"unexpected error ({type(exc).__name__}); the details are in the log"


async def run_sync(job: dict[str, Any], channel: Channel) -> None:
    from inbox.store import Store
    from inbox.sync.engine import sync

    loop = asyncio.get_running_loop()
    cancel = asyncio.Event()
    channel.on_cancel = lambda: loop.call_soon_threadsafe(cancel.set)
    if channel.cancelled.is_set():
        cancel.set()
    relay = ProgressRelay(channel, loop)
    try:
        reader = await asyncio.to_thread(Store.open_reader, job["db"])
        try:
            summaries = await sync(reader, secrets=PipeSecrets(channel), sources=job.get("sources"),
                                   on_progress=relay, cancel=cancel, http_options=job.get("http_options"))
        finally:
            reader.close()
    except Exception as exc:
        relay.flush()
        channel.send({"failed": failure_text(exc)})
        return
    relay.flush()
    channel.send({"done": [summary_json(s, bool(job.get("new_ids", True))) for s in summaries]})


def run_analysis(job: dict[str, Any], channel: Channel) -> None:
    """The analysis pass, a batch at a time: each batch is analysed on a read and written in
    one short transaction of its own, so a window's write waits at most one batch's write,
    and a killed pass resumes at the next batch (nothing is analysed twice)."""
    from inbox.services import sentiment
    from inbox.store import Store

    total = 0
    try:
        with Store(job["db"]) as store:
            while not channel.cancelled.is_set():
                prepared = sentiment.prepare_backfill(store, int(job.get("batch") or 500))
                n = sentiment.finish_backfill(store, prepared) if prepared[0] else 0
                if not n:
                    break
                total += n
                channel.send({"analysed": total})
    except Exception as exc:
        channel.send({"failed": failure_text(exc)})
        return
    channel.send({"done": total})


def _protocol_streams() -> tuple[TextIO, TextIO]:
    """stdout is the protocol's: anything a library prints goes to stderr instead."""
    out = io.TextIOWrapper(os.fdopen(os.dup(1), "wb"), encoding="utf-8", newline="\n")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    inp = io.TextIOWrapper(os.fdopen(os.dup(0), "rb"), encoding="utf-8")
    return out, inp


def main() -> int:
    if hasattr(os, "nice"):  # POSIX; on Windows the worker keeps the window's priority
        os.nice(NICENESS)
    out, inp = _protocol_streams()
    channel = Channel(out, inp)
    first = inp.readline()
    if not first:
        return 0  # the window went away before saying what to do
    job = json.loads(first)
    if job.get("log_folder"):
        from pathlib import Path

        from inbox.logging_setup import setup_logging

        setup_logging(Path(job["log_folder"]))
    channel.listen()
    if job.get("job") == "sync":
        asyncio.run(run_sync(job, channel))
    elif job.get("job") == "analyse":
        run_analysis(job, channel)
    else:
        channel.send({"failed": f"unknown job {job.get('job')!r}"})
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
