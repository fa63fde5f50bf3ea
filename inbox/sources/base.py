"""The connector interface every source implements, and the errors connectors raise.

Error tree (messages are for the user; none ever contains a secret):

    SourceError                 a source failed; the others go on
    ├── CredentialsRejected     401/403 or a refused login: stop this source
    ├── RateLimited             429 or a rate-limit error body; carries retry_after
    ├── BadPayload              not JSON/XML, truncated, wrong shape, too big
    ├── NetworkError            timeouts and connection errors after retries
    └── ReplyNotSupported       the source has no reply API (copy and open instead)
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from inbox.domain import Item, ItemRow, Source
from inbox.domain.reply_length import ReplyLimit

if TYPE_CHECKING:
    import httpx


class SourceError(Exception):
    """A source failed, worded for the user."""


class CredentialsRejected(SourceError):
    def __init__(self, detail: str = "") -> None:
        super().__init__("credentials rejected" + (f": {detail}" if detail else ""))


class RateLimited(SourceError):
    def __init__(self, retry_after: float | None = None, detail: str = "rate limited") -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class BadPayload(SourceError):
    """The source answered with something we cannot read."""


class NetworkError(SourceError):
    """Could not reach the source (offline, DNS, timeout) after retries."""


class ServerError(SourceError):
    """The source's server kept failing (5xx) after retries."""


class SourceNotFound(SourceError):
    """The source answered that what the settings name does not exist (404, 410)."""


class ReplyNotSupported(SourceError):
    pass


@dataclass(slots=True)
class Setting:
    """One non-secret setting of a source kind, as `inbox sources add KIND --help` lists it."""

    name: str
    help: str
    required: bool = False
    default: str | None = None


@dataclass(slots=True)
class Page:
    """What one request (or one feed) gave: items, and the cursor to save with them.

    `cursor` is written in the same transaction as the items, so it must describe a
    position from which a restarted sync loses nothing.
    """

    items: list[Item]
    cursor: dict[str, Any]
    skipped: int = 0          # entries dropped as unusable (no id, no text, bad shape)
    deleted: list[str] = field(default_factory=list)  # external ids the source no longer has
    # On a sync's first page, when the source can tell: about how many items the whole sync
    # brings (a file's lines). A hint: a big load is then written as a bulk load at once.
    expected: int = 0


class Http(Protocol):
    """The engine's HTTP client (inbox.sync.http): timeouts, retries with backoff and
    jitter, 429 / Retry-After / rate-limit headers, size limit. Raises SourceError
    subclasses; never returns a 5xx or 429."""

    async def request(self, method: str, url: str, *, params: Any = None,
                      headers: dict[str, str] | None = None, json: Any = None,
                      data: Any = None, ok_statuses: tuple[int, ...] = ()) -> httpx.Response: ...

    async def get_json(self, url: str, *, params: Any = None,
                       headers: dict[str, str] | None = None) -> Any: ...


class Connector(ABC):
    """Fetches a source's items since its cursor, and posts replies where the API allows.

    Subclasses declare `kind`, `settings`, `secrets`, `can_reply`, `reply_limits` and
    `default_base_url`. What a kind can do with replies is declared here and nowhere else:
    the outbox, the tone check and the reply editor's counter read it (inbox.services.replies).
    """

    kind: ClassVar[str]
    title: ClassVar[str] = ""
    settings: ClassVar[list[Setting]] = []
    secrets: ClassVar[list[str]] = []
    can_reply: ClassVar[bool] = False
    default_base_url: ClassVar[str] = ""
    # What the site accepts in one reply, each limit counted its way; a reply over any of
    # them is refused by the site, so the outbox refuses to queue it.
    reply_limits: ClassVar[tuple[ReplyLimit, ...]] = ()

    def __init__(self, source: Source, secret_values: dict[str, str], http: Http) -> None:
        self.source = source
        self.secret_values = secret_values
        self.http = http
        # Credentials the platform renewed during a run (a session), for the engine to
        # save in the keyring afterwards, merged with the source's other secrets.
        self.secret_updates: dict[str, str] = {}

    @classmethod
    def can_reply_to(cls, item: ItemRow) -> bool:
        """Whether the app can post a reply to this item itself (else: copy and open)."""
        return cls.can_reply

    @classmethod
    def limits_for(cls, settings: dict[str, Any]) -> tuple[ReplyLimit, ...]:
        """The reply limits of a source with these (non-secret) settings; a kind whose limit
        varies per server reads it from its settings."""
        return cls.reply_limits

    @classmethod
    def reply_prefix(cls, item: ItemRow) -> str:
        """What the site puts before the reply text, counted in its length."""
        return ""

    @property
    def base_url(self) -> str:
        return str(self.source.settings.get("base_url") or self.default_base_url).rstrip("/")

    def setting(self, name: str, default: str | None = None) -> str | None:
        value = self.source.settings.get(name)
        return default if value in (None, "") else str(value)

    @abstractmethod
    def pages(self, cursor: dict[str, Any]) -> AsyncIterator[Page]:
        """Pages newer than `cursor`, stopping once the source reaches what we have."""

    async def test(self) -> str:
        """One request; return a short verdict ("OK: 212 reviews") or raise SourceError."""
        async for page in self.pages({}):
            return f"OK: fetched {len(page.items)} items"
        return "OK: no items yet"

    # The reply half lives in inbox/sources/replies/<kind>.py (functions
    # `post_reply(connector, item, text, key)` and `find_owner_reply(connector, item)`),
    # so that fetching and replying can grow independently behind this one interface.

    def _reply_module(self) -> Any:
        from inbox.sources.replies import REPLY_MODULES

        name = REPLY_MODULES.get(self.kind)
        return importlib.import_module(name) if name else None

    async def post_reply(self, item: ItemRow, text: str, idempotency_key: str) -> Item:
        """Post `text` as the business's reply to `item`; return the reply as an Item
        (is_owner_reply=True, parent_external_id=item.external_id)."""
        module = self._reply_module() if self.can_reply else None
        if module is None:
            raise ReplyNotSupported(
                f"{self.title or self.kind} has no reply API: copy the reply and open the page")
        return await module.post_reply(self, item, text, idempotency_key)

    async def find_owner_reply(self, item: ItemRow) -> Item | None:
        """The business's existing reply to `item` on the source, if any (checked before a
        retry so that a reply is never posted twice)."""
        module = self._reply_module() if self.can_reply else None
        if module is None or not hasattr(module, "find_owner_reply"):
            return None
        return await module.find_owner_reply(self, item)
