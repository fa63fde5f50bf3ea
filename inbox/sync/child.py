"""The window's side of the sync worker process (`inbox.sync.worker`): start it, answer its
questions for credentials from the window's own `Secrets`, and turn its lines back into the
engine's `Progress` and `RunSummary`, so a sync in a process of its own looks to the caller
just like `sync_in_thread`.

Cancel asks the worker to stop (it saves what it has, as the engine always does); one that
has not ended CANCEL_GRACE_S later is terminated, which loses nothing either: every page
commits together with its cursor, so the next sync resumes there.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from inbox.domain.sync_errors import SyncErrorKind
from inbox.paths import child_environment
from inbox.secrets import NoKeyring, Secrets, SecretsError
from inbox.sync.engine import CANCELLED, Progress, RunSummary
from inbox.sync.worker import FLAG

log = logging.getLogger("inbox.sync")
CANCEL_GRACE_S = 5.0
STOPPED = ("the sync stopped unexpectedly; what it saved is kept, and the next sync "
           "goes on from there")


class SyncFailed(Exception):
    """The whole sync could not run; the text is the worker's sentence for the owner."""


def worker_command() -> list[str]:
    """The frozen app starts itself with a hidden flag (packaging/entry.py); otherwise this
    Python runs the module."""
    if getattr(sys, "frozen", False):
        return [sys.executable, FLAG]
    return [sys.executable, "-m", "inbox.sync.worker"]


def _log_folder() -> str | None:
    from inbox.logging_setup import active_log_folder

    folder = active_log_folder()
    return str(folder) if folder else None


class Worker:
    """One worker process, the thread that reads its lines and the replies it is owed.
    `on_message` runs on the caller's loop."""

    def __init__(self, secrets: Secrets | None, on_message: Callable[[dict[str, Any]], None]) -> None:
        self.secrets = secrets
        self.on_message = on_message
        self.proc: subprocess.Popen[bytes] | None = None
        self.result: dict[str, Any] | None = None
        self.terminated = False  # by us, after a cancel it did not answer
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ended: asyncio.Future[int] | None = None
        self._grace: asyncio.TimerHandle | None = None

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None else None

    def start(self, job: dict[str, Any]) -> None:
        self._loop = asyncio.get_running_loop()
        self._ended = self._loop.create_future()
        # Here, not on a thread: a cancel while it starts would leave a worker nobody stops
        # (spawning takes a few milliseconds).
        try:
            self.proc = subprocess.Popen(worker_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         env=child_environment(), creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
        except OSError as exc:
            log.error("cannot start the sync worker %s", worker_command(), exc_info=exc)
            raise SyncFailed("the sync could not start (the details are in the log); "
                             "nothing was changed") from exc
        self.send({**job, "log_folder": _log_folder()})
        threading.Thread(target=self._read, name="inbox-sync-worker-pipe", daemon=True).start()

    def send(self, message: dict[str, Any]) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        with self._lock, contextlib.suppress(OSError, ValueError):  # it has ended: nothing to tell it
            self.proc.stdin.write(json.dumps(message).encode() + b"\n")
            self.proc.stdin.flush()

    def cancel(self) -> None:
        """Ask it to stop; terminate it if it has not ended after the grace."""
        self.send({"cancel": True})
        if self._grace is None and self._loop is not None:
            self._grace = self._loop.call_later(CANCEL_GRACE_S, self.terminate)

    def terminate(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.terminated = True
            self.proc.terminate()

    async def wait(self, cancel: asyncio.Event | None = None) -> int:
        """Its exit status, once it has ended and every line it wrote is delivered."""
        assert self._ended is not None

        async def relay() -> None:
            assert cancel is not None
            await cancel.wait()
            self.cancel()
        relaying = asyncio.create_task(relay()) if cancel is not None else None
        try:
            return await asyncio.shield(self._ended)
        except asyncio.CancelledError:  # the caller is going away (the window closing)
            self._abandon()
            raise
        finally:
            if relaying is not None:
                relaying.cancel()
            if self._grace is not None:
                self._grace.cancel()

    def _abandon(self) -> None:
        """Stop it without waiting here: it saves what it has and ends; end of input tells it
        so even if this process ends first."""
        self.send({"cancel": True})
        proc = self.proc
        if proc is None:
            return
        with self._lock, contextlib.suppress(OSError, ValueError):
            proc.stdin.close()  # type: ignore[union-attr]

        def reap() -> None:
            try:
                proc.wait(CANCEL_GRACE_S)
            except subprocess.TimeoutExpired:
                proc.terminate()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(2)
        threading.Thread(target=reap, name="inbox-sync-worker-reap", daemon=True).start()

    # -- the reading thread ---------------------------------------------------------------

    def _read(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        for line in self.proc.stdout:
            try:
                message = json.loads(line)
            except ValueError:
                log.warning("the sync worker wrote a line that is not a message")
                continue
            if "secrets" in message:
                threading.Thread(target=self._answer, args=(message,), name="inbox-sync-secrets",
                                 daemon=True).start()
            else:
                self._post(self._deliver, message)
        code = self.proc.wait()
        self.proc.stdout.close()
        with self._lock, contextlib.suppress(OSError, ValueError):
            self.proc.stdin.close()  # type: ignore[union-attr]
        if code:
            log.warning("the sync worker ended with status %s", code)
        self._post(self._end, code)

    def _post(self, fn: Callable[..., None], *args: Any) -> None:
        assert self._loop is not None
        with contextlib.suppress(RuntimeError):  # the caller's loop is closed: nobody listens
            self._loop.call_soon_threadsafe(fn, *args)

    def _deliver(self, message: dict[str, Any]) -> None:
        if "done" in message or "failed" in message:
            self.result = message
        else:
            self.on_message(message)

    def _end(self, code: int) -> None:
        if self._ended is not None and not self._ended.done():
            self._ended.set_result(code)

    def _answer(self, message: dict[str, Any]) -> None:
        """A credential question, on a thread of its own: the keyring may prompt."""
        op, reply = message["secrets"], {"reply": message["id"]}
        try:
            if self.secrets is None:
                raise SecretsError("no credentials here")
            if op == "get":
                reply["value"] = self.secrets.get(message["key"])
            elif op == "set":
                self.secrets.set(message["key"], message["values"], merge=message.get("merge", True))
            elif op == "delete":
                self.secrets.delete(message["key"])
            else:
                reply["value"] = self.secrets.available()
        except NoKeyring as exc:
            reply.update(error="no_keyring", text=str(exc))
        except SecretsError as exc:
            reply.update(error="secrets", text=str(exc))
        except Exception:  # a bug, not a keyring answer: the worker's source fails with it
            log.exception("answering the sync worker's %s of credentials failed", op)
            reply.update(error="secrets", text="the credentials could not be read")
        self.send(reply)


def _progress(d: dict[str, Any]) -> Progress:
    kind = d.pop("error_kind", None)
    return Progress(**d, error_kind=SyncErrorKind(kind) if kind else None)


def _summary(d: dict[str, Any]) -> RunSummary:
    kind = d.pop("error_kind", None)
    return RunSummary(**d, error_kind=SyncErrorKind(kind) if kind else None)


def _stopped(latest: dict[int, Progress]) -> list[RunSummary]:
    """Each source as the window last heard of it, when a cancelled worker had to be
    terminated before it could sum up."""
    return [RunSummary(p.source_id, p.source_name, "", "", "", p.fetched, p.new, p.updated, 0,
                       p.error or CANCELLED,
                       error_kind=p.error_kind if p.error else SyncErrorKind.CANCELLED)
            for p in latest.values()]


async def sync_in_child(store: Any, *, secrets: Secrets, sources: Sequence[str] | None = None,
                        on_progress: Callable[[Progress], None] | None = None,
                        cancel: asyncio.Event | None = None, http_options: dict[str, Any] | None = None,
                        new_ids: bool = True,
                        on_started: Callable[[Worker], None] | None = None) -> list[RunSummary]:
    """`sync_in_thread`'s contract, in a worker process writing to `store`'s file. Progress
    arrives on the caller's loop; `new_ids=False` leaves out the new items' ids (the window
    needs them only for a notice)."""
    latest: dict[int, Progress] = {}

    def message(m: dict[str, Any]) -> None:
        if "progress" in m:
            p = _progress(m["progress"])
            latest[p.source_id] = p
            if on_progress is not None:
                on_progress(p)
    worker = Worker(secrets, message)
    worker.start({"job": "sync", "db": str(store.path), "sources": list(sources) if sources else None,
                        "http_options": http_options, "new_ids": new_ids})
    if on_started is not None:
        on_started(worker)
    await worker.wait(cancel)
    if worker.result is not None and "done" in worker.result:
        return [_summary(d) for d in worker.result["done"]]
    if worker.result is not None:
        raise SyncFailed(worker.result["failed"])
    if worker.terminated:
        return _stopped(latest)
    raise SyncFailed(STOPPED)


async def analyse_in_child(db_path: str | Path, *, on_progress: Callable[[int], None] | None = None,
                           batch: int = 500) -> int:
    """The analysis pass in a worker process; `on_progress(analysed so far)` on the caller's
    loop. Returns how many items it analysed. Cancelling stops it after its current batch."""
    def message(m: dict[str, Any]) -> None:
        if "analysed" in m and on_progress is not None:
            on_progress(int(m["analysed"]))
    worker = Worker(None, message)
    worker.start({"job": "analyse", "db": str(db_path), "batch": batch})
    await worker.wait()
    if worker.result is not None and "done" in worker.result:
        return int(worker.result["done"])
    raise SyncFailed(worker.result["failed"] if worker.result else STOPPED)
