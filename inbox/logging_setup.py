"""The log file (platform log dir, rotated) and the filter that keeps secrets out of it.

Secrets reach log lines by accident: an httpx debug line with `?access_token=...`, a
traceback whose locals mention a header dict, a library that logs the request it sent.
So every record is scrubbed on its way to the file — message, arguments, traceback and
stack — against known shapes (bearer tokens, Authorization headers, `password=` and
friends) and against the exact values the keyring handed us this session.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from inbox.paths import log_dir

if TYPE_CHECKING:  # imported when the file is set up: it brings socket, pickle and queue
    from logging.handlers import RotatingFileHandler

LOG_FILE = "inbox.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
REDACTED = "[redacted]"
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"

_KEY_NAMES = (r"access_token|refresh_token|id_token|client_secret|app_password|password|passwd"
              r"|api_key|apikey|secret|token")


@functools.cache
def _patterns() -> list[tuple[re.Pattern[str], str]]:
    """Compiled on the first line scrubbed: a command that logs nothing does not pay for them."""
    return [
        # Authorization: Bearer abc / 'Authorization': 'Basic abc' / authorization=abc
        (re.compile(r"""(?i)(["']?(?:proxy-)?authorization["']?\s*[:=]\s*["']?)[^"'\r\n,}]+"""),
         r"\1" + REDACTED),
        (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9\-._~+/]{4,}=*"), r"\1 " + REDACTED),
        # key=value in URLs and forms: ?access_token=abc&x=1, password=hunter2
        (re.compile(rf"(?i)\b((?:{_KEY_NAMES}))=([^&\s\"',;)]+)"), r"\1=" + REDACTED),
        # "password": "abc" / 'app_password': 'abc' (JSON and Python reprs)
        (re.compile(rf"""(?i)(["'](?:{_KEY_NAMES})["']\s*:\s*)(["'])(?:(?!\2).)*\2"""),
         r"\1\2" + REDACTED + r"\2"),
    ]

_known: set[str] = set()
_known_lock = threading.Lock()
_known_re: re.Pattern[str] | None = None


def register_secret(*values: str | None) -> None:
    """Scrub these exact values from every later log line (call with each keyring value
    read or written). Very short values are ignored: they would redact ordinary words."""
    global _known_re
    with _known_lock:
        added = {v for v in values if isinstance(v, str) and len(v) >= 6} - _known
        if not added:
            return
        _known.update(added)
        ordered = sorted(_known, key=len, reverse=True)
        _known_re = re.compile("|".join(re.escape(v) for v in ordered))


def scrub(text: str) -> str:
    """`text` with every secret it carries replaced by [redacted]."""
    if not text:
        return text
    known = _known_re
    if known is not None:
        text = known.sub(REDACTED, text)
    for pattern, repl in _patterns():
        text = pattern.sub(repl, text)
    return text


class SecretScrubber(logging.Filter):
    """Renders a record's message, traceback and stack once, scrubbed, so that no handler
    after it can format the raw secret back in."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the line
            message = f"{record.msg!r} % {record.args!r}"
        record.msg, record.args = scrub(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
            # the traceback objects (and their frames' locals) are not needed any more
            record.exc_info = None
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


_handler: RotatingFileHandler | None = None
_setup_lock = threading.RLock()


def setup_logging(folder: Path | None = None, level: int = logging.INFO) -> Path:
    """Send the app's log (and its libraries') to a rotated file in the platform log dir;
    return the file's path. Safe to call twice (the second call reuses the handler)."""
    from logging.handlers import RotatingFileHandler

    global _handler
    with _setup_lock:
        folder = folder or log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / LOG_FILE
        root = logging.getLogger()
        if _handler is not None:
            if Path(_handler.baseFilename) == path.resolve():
                return path
            root.removeHandler(_handler)
            _handler.close()
        handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT,
                                      encoding="utf-8", delay=True)
        handler.setFormatter(logging.Formatter(FORMAT))
        handler.addFilter(SecretScrubber())
        _install(root, handler)
        root.setLevel(level)
        _quiet_http_libraries(level)
        _handler = handler
        return path


def setup_logging_on_first_record(level: int = logging.INFO) -> None:
    """For a command: the same log file as `setup_logging`, set up when the first record
    reaches it. Most runs log nothing, and the set-up (the log folder's platform lookup,
    `logging.handlers` with socket and pickle) costs a quick command like `inbox search` a
    fifth of its start; a folder that cannot be made loses the records, not the command."""
    with _setup_lock:
        root = logging.getLogger()
        if _handler is not None or any(isinstance(h, _OnFirstRecord) for h in root.handlers):
            return
        root.addHandler(_OnFirstRecord(level))
        root.setLevel(level)
        _quiet_http_libraries(level)


class _OnFirstRecord(logging.Handler):
    """Stands where the file handler will be; the first record puts the file handler in its
    place (the same slot of the root's list, so no handler is skipped or called twice)."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self.wanted = level

    def handle(self, record: logging.LogRecord) -> bool:  # type: ignore[override]
        with _setup_lock:
            if _handler is None:
                try:
                    setup_logging(level=self.wanted)
                except OSError:  # no log folder (read-only home): nowhere to write
                    return False
            handler = _handler
        return bool(handler is not None and handler.handle(record))

    def emit(self, record: logging.LogRecord) -> None:  # handle() does the work
        pass


def _install(root: logging.Logger, handler: logging.Handler) -> None:
    for n, existing in enumerate(root.handlers):
        if isinstance(existing, _OnFirstRecord):
            root.handlers[n] = handler  # in place: the root may be iterating its handlers now
            return
    root.addHandler(handler)


def _quiet_http_libraries(level: int) -> None:
    # httpx logs every request URL at INFO; keep that at WARNING unless debugging
    logging.getLogger("httpx").setLevel(max(level, logging.WARNING))
    logging.getLogger("httpcore").setLevel(max(level, logging.WARNING))


def active_log_folder() -> Path | None:
    """The folder the log file is in, once `setup_logging` ran (a sync worker logs there too)."""
    return Path(_handler.baseFilename).parent if _handler is not None else None


def shutdown_logging() -> None:
    global _handler
    root = logging.getLogger()
    for waiting in [h for h in root.handlers if isinstance(h, _OnFirstRecord)]:
        root.removeHandler(waiting)
    if _handler is not None:
        logging.getLogger().removeHandler(_handler)
        _handler.close()
        _handler = None
