"""Add, edit, rename, test and remove sources, with their secrets: the one copy of these
operations, used by the Sources dialog and by `inbox sources`.

Secrets are filed under the source's stable key (its database's id and its own id, see
`inbox.secrets.key_of`), so a rename leaves them in place and two databases never share
them. A new source's row is written first (its id is the key) and removed again when the
keyring refuses, so "no system keyring" leaves nothing half-created; when an edit's store
write fails, the secrets are put back as they were. Secret calls may block (a D-Bus
unlock prompt), so they run on a worker thread with a timeout; store calls run on the
caller's thread (the window's event loop, or `asyncio.run` on the command line).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from inbox.domain import Source, Whose
from inbox.secrets import TIMEOUT_S, NoKeyring, Secrets, SecretsError, key_of, read_source
from inbox.sources.base import Http, SourceError
from inbox.sources.registry import connector_class
from inbox.store import NotFound, Store, StoreError

log = logging.getLogger(__name__)
T = TypeVar("T")

# Longer than the keyring's own timeout, so its clearer message normally wins.
SECRETS_TIMEOUT_S = TIMEOUT_S + 5
NOT_AVAILABLE = "this kind of source is not available in this version"


class SourceExists(StoreError):
    """The name is taken by another source (names are unique, ignoring case)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"a source named {name!r} already exists")
        self.name = name


@dataclass(slots=True)
class SourceDraft:
    """A source as the user describes it in the dialog or on the command line."""

    kind: str
    name: str
    whose: str = Whose.OWN.value
    settings: dict[str, Any] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)  # only values given: merged into saved ones
    enabled: bool = True

    @classmethod
    def of(cls, source: Source) -> SourceDraft:
        """A saved source as a draft (no secrets: those stay where they are saved)."""
        return cls(kind=source.kind, name=source.name, whose=Whose(source.whose).value,
                   settings=dict(source.settings), enabled=source.enabled)


@dataclass(frozen=True, slots=True)
class Removed:
    source: Source
    secrets_error: str | None = None  # the credentials could not be deleted (the source is gone)


def secret_names(kind: str) -> list[str]:
    """The secrets a kind declares; for an unknown connector assume there may be some saved."""
    try:
        return list(connector_class(kind).secrets)
    except SourceError:
        return ["?"]


class SourcesService:
    """Source operations over one store and one secrets backend."""

    def __init__(self, store: Store, secrets: Secrets, *, timeout: float = SECRETS_TIMEOUT_S) -> None:
        self.store = store
        self.secrets = secrets
        self.timeout = timeout

    async def _secret(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """A secrets call on a worker thread, so the window stays live while it waits."""
        try:
            return await asyncio.wait_for(asyncio.to_thread(fn, *args, **kwargs), self.timeout)
        except TimeoutError:
            raise SecretsError("the system keyring did not answer (is it locked?)") from None

    async def _forget(self, name: str) -> None:
        """Best effort: a leftover entry is harmless, a second error would hide the first."""
        try:
            await self._secret(self.secrets.delete, name)
        except SecretsError as exc:
            log.warning("could not delete the credentials of %r: %s", name, exc)

    def _check_free(self, name: str, source_id: int | None = None) -> None:
        try:
            clash = self.store.get_source(name)
        except NotFound:
            return
        if clash.id != source_id:
            raise SourceExists(name)

    async def add(self, draft: SourceDraft) -> Source:
        """Create the source, then save its secrets under its new key; raises SourceExists,
        StoreError or ValueError (nothing created), SecretsError (the source is removed
        again: "no system keyring" leaves nothing half-created)."""
        name = draft.name.strip()
        self._check_free(name)
        with self.store.transaction():
            source = self.store.add_source(draft.kind, name, whose=draft.whose, settings=draft.settings)
            if not draft.enabled:
                source = self.store.update_source(source.id, enabled=False)
        if draft.secrets:
            try:
                await self._secret(self.secrets.set, key_of(source), dict(draft.secrets), merge=False)
            except BaseException:
                self.store.remove_source(source.id)
                raise
        elif secret_names(source.kind):
            # SQLite may give a removed source's id again: never inherit what it left behind
            await self._forget(key_of(source))
        return source

    async def edit(self, source_id: int, draft: SourceDraft) -> Source:
        """Change name, whose, settings (replaced by `draft.settings`), enabled, and merge
        the given secrets into the saved ones. The kind never changes. Secrets are filed
        under the source's id, so a rename leaves them where they are. When the store
        refuses, the secrets are restored."""
        old = self.store.get_source(source_id)
        name = draft.name.strip()
        self._check_free(name, old.id)
        key = key_of(old)
        before: dict[str, str] = {}
        if draft.secrets:
            before = await self._secret(read_source, self.secrets, old)  # moves an entry kept by name
            await self._secret(self.secrets.set, key, {**before, **draft.secrets}, merge=False)
        try:
            source = self.store.update_source(old.id, name=name, whose=draft.whose,
                                              settings=dict(draft.settings), enabled=draft.enabled)
        except Exception:
            if draft.secrets:
                await self._restore(key, before)
            raise
        if name != old.name and not draft.secrets and secret_names(old.kind):
            # an entry still filed under the old name (saved before keys) moves now, not
            # after the rename made that name unfindable
            with contextlib.suppress(SecretsError):
                await self._secret(read_source, self.secrets, old)
        return source

    async def _restore(self, key: str, values: dict[str, str]) -> None:
        """Put a source's secrets back as they were (best effort, as `_forget`)."""
        if not values:
            await self._forget(key)
            return
        try:
            await self._secret(self.secrets.set, key, values, merge=False)
        except SecretsError as exc:
            log.warning("could not restore the credentials of a source: %s", exc)

    async def rename(self, source_id: int, new_name: str) -> Source:
        """Only the name changes; the secrets stay with the source."""
        draft = SourceDraft.of(self.store.get_source(source_id))
        draft.name = new_name
        return await self.edit(source_id, draft)

    async def remove(self, source_id: int) -> Removed:
        """Delete the source's secrets, then the source and everything synced from it. A
        secrets failure does not stop the removal: it is reported in `secrets_error`."""
        source = self.store.get_source(source_id)
        error = None
        if secret_names(source.kind):
            try:
                await self._secret(self.secrets.delete, key_of(source))
                if key_of(source) != source.name:  # an entry from before keys, never read since
                    await self._secret(self.secrets.delete, source.name)
            except NoKeyring:
                pass  # nothing can have been saved without a keyring
            except SecretsError as exc:
                error = str(exc)
        self.store.remove_source(source.id)
        return Removed(source, error)

    async def test(self, draft: SourceDraft, *, http: Http, saved: Source | None = None) -> str:
        """One request with the draft's settings; returns the connector's verdict or
        raises SourceError (or SecretsError). Secrets not given in the draft come from
        what `saved` (the source as saved, if it is) has in the keyring."""
        try:
            cls = connector_class(draft.kind)
        except SourceError:
            raise SourceError(NOT_AVAILABLE) from None
        values = dict(draft.secrets)
        if saved is not None and set(cls.secrets) - set(values):
            values = {**await self._secret(read_source, self.secrets, saved), **values}
        source = Source(id=saved.id if saved else 0, kind=draft.kind, name=draft.name or "test",
                        whose=draft.whose, settings=dict(draft.settings))
        add_secrets = getattr(http, "add_secrets", None)
        if add_secrets is not None:
            add_secrets(values)  # scrubbed from every message it raises
        try:
            return await cls(source, values, http).test()
        except SourceError as exc:
            scrub = getattr(http, "scrub", None)
            if scrub is None:
                raise
            exc.args = (scrub(str(exc)),)  # keep the class: it says which kind of failure
            raise

    def count_items(self, source_id: int) -> int:
        """Items synced from a source (what removing it deletes)."""
        return self.store.count_source_items(source_id)
