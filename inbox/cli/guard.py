"""What every command shares around its run: the log file, safe output, and one line (never
a traceback) when something fails.

Why one place: a database or disk fault can surface in any command, from any store call;
catching it here words it once (`inbox.services.faults`) for all of them. Output goes
through `SafeStream`, so text from sources cannot drive the terminal."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import signal
import sys
import threading
from typing import Any

import click

from inbox.domain.plain_text import terminal_safe

log = logging.getLogger("inbox.cli")


class SafeStream(io.TextIOBase):
    """A text stream that shows control and bidi characters escaped (see `terminal_safe`)
    and passes everything else to the stream it wraps."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.inner, "encoding", None) or "utf-8"

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self.inner, "errors", None) or "strict"

    def write(self, text: str) -> int:  # type: ignore[override]
        if not isinstance(text, str):  # click probes with bytes: not a binary stream
            raise TypeError("SafeStream takes text")
        self.inner.write(terminal_safe(text))
        return len(text)

    def flush(self) -> None:
        # also called when this wrapper is collected: the stream it wraps (a test runner's
        # capture, a closed pipe) may be closed by then
        if not getattr(self.inner, "closed", False):
            self.inner.flush()

    def isatty(self) -> bool:
        return bool(getattr(self.inner, "isatty", lambda: False)())

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.inner.fileno()


def log_path_text() -> str:
    from inbox.logging_setup import LOG_FILE
    from inbox.paths import log_dir

    return str(log_dir() / LOG_FILE)


class GuardedGroup(click.Group):
    """The root group: sets up logging like the window, makes output safe, and turns any
    failure into one line on stderr and an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        ctx.color = True  # click must not strip ESC on pipes only: SafeStream escapes it everywhere
        out, err = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = SafeStream(out), SafeStream(err)
        try:
            _setup_logging()
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit,
                KeyboardInterrupt):
            raise
        except BrokenPipeError:  # `inbox ... | head`: the reader has what it wanted
            _quiet_stdout(out)
            ctx.exit(1)
        except Exception as exc:  # the one place that words any failure
            _fail(exc, ctx)
        finally:
            with contextlib.suppress(OSError, ValueError):
                sys.stdout.flush()
            sys.stdout, sys.stderr = out, err


def exit_cleanly_on_sigterm() -> None:
    """SIGTERM (a shutdown, `kill`) becomes SystemExit, so that every `finally` runs: an
    export removes its unfinished file, a transaction rolls back, locks are released.
    For commands only (called when they open the store), not the window's event loop."""
    if threading.current_thread() is not threading.main_thread():
        return

    def stop(signum: int, _frame: Any) -> None:
        raise SystemExit(128 + signum)

    with contextlib.suppress(ValueError, OSError):
        signal.signal(signal.SIGTERM, stop)


def _quiet_stdout(out: Any) -> None:
    """Point stdout at /dev/null so that the flush at exit does not complain again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, out.fileno())


def _setup_logging() -> None:
    """The log file, made when the first record comes (most commands log nothing); with no
    log folder (read-only home) the command still runs."""
    from inbox.logging_setup import setup_logging_on_first_record

    setup_logging_on_first_record()


def _fail(exc: BaseException, ctx: click.Context) -> None:
    from inbox.services.faults import describe

    message = describe(exc)
    if message is not None:
        log.error("%s: %s", message, exc, exc_info=(type(exc), exc, exc.__traceback__))
        click.echo(f"inbox: {message}", err=True)
        ctx.exit(2)
    log.critical("unexpected error in %s", ctx.invoked_subcommand or "inbox",
                 exc_info=(type(exc), exc, exc.__traceback__))
    click.echo(f"inbox: an unexpected error stopped the command; the details are in {log_path_text()}",
               err=True)
    ctx.exit(1)
