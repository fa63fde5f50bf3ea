"""Feedback Inbox: reviews and mentions from many places in one local SQLite inbox."""

__version__ = "0.1.0"
APP_NAME = "Feedback Inbox"
APP_ID = "feedback-inbox"


def _without_httpx_cli() -> None:
    """httpx imports its command-line client (`httpx._main`: click, rich, pygments) with
    itself when they are installed, as they are here: ~10 MB and ~0.1 s of every sync and
    window start, for a program we never run. Marked missing, httpx falls back to a stub."""
    import sys

    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]


_without_httpx_cli()
