"""A local HTTP server on 127.0.0.1 that answers like the real source APIs (tests only)."""

from tests.replay.server import ReplayServer, Reply, Request

__all__ = ["ReplayServer", "Reply", "Request"]
