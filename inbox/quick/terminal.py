"""Terminal output shared by the click commands (`inbox.cli.guard`) and the quick path
(`inbox.quick`), which answers before click is imported: safe text, a closed pipe, SIGTERM."""

from __future__ import annotations

import contextlib
import io
import os

from inbox.domain.plain_text import terminal_safe

TYPE_CHECKING = False  # not typing's: importing typing costs a sixth of a quick command
if TYPE_CHECKING:
    from typing import Any


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


def exit_cleanly_on_sigterm() -> None:
    """SIGTERM (a shutdown, `kill`) becomes SystemExit, so that every `finally` runs: an
    export removes its unfinished file, a transaction rolls back, locks are released.
    For commands only (called when they open the store), not the window's event loop."""
    # `_signal`, the C module under `signal`: signal's enums (and threading for the check)
    # cost a quick command 4% of its instructions. Off the main thread, signal() raises
    # ValueError: no handler there.
    import _signal

    def stop(signum: int, _frame: Any) -> None:
        raise SystemExit(128 + signum)

    with contextlib.suppress(ValueError, OSError):
        _signal.signal(_signal.SIGTERM, stop)


def quiet_stdout(out: Any) -> None:
    """Point stdout at /dev/null so that the flush at exit does not complain again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, out.fileno())
