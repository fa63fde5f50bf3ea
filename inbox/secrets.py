"""Credentials behind a small interface, `Secrets`: the OS keyring in the app, memory in tests.

`KeyringSecrets` keeps them in the OS keyring (service `feedback-inbox`), never anywhere
else. Each source keeps one keyring entry holding a JSON object of its secrets, so a
source with four secrets (Reddit) costs one keyring prompt, not four. Where there is no
usable keyring backend, `NoKeyring` is raised: the caller shows "credentials not saved:
no system keyring" and nothing falls back to plain text.

`MemorySecrets` keeps them in a dict, for tests of the engine, connectors, outbox and
sources service; it can pretend there is no keyring or that the keyring fails.

Test backend for subprocesses: `from_environment()` (what the app and the command line
call) returns `KeyringSecrets` unless the environment variable `INBOX_TEST_SECRETS_FILE`
names a JSON file; then secrets are kept IN PLAIN TEXT in that file (`JsonFileSecrets`).
It exists so tests can run `python -m inbox sync` without a system keyring. It is never
chosen automatically, never a fallback when the keyring is missing, and warns in the log.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from pathlib import Path
from types import ModuleType
from typing import Protocol

from inbox.domain import Source
from inbox.logging_setup import register_secret

SERVICE = "feedback-inbox"
TEST_FILE_ENV = "INBOX_TEST_SECRETS_FILE"  # tests only: secrets in a plain-text JSON file
TIMEOUT_S = 20.0  # a D-Bus unlock prompt may wait for the user
# One keyring call at a time in this process: GNOME Keyring answers overlapping calls
# with errors, and a sync reads the secrets of several sources at once.
_ONE_AT_A_TIME = threading.Lock()
_UNSAFE_BACKENDS = ("keyring.backends.fail", "keyring.backends.null", "plaintext", "keyrings.alt")


class SecretsError(Exception):
    """A keyring problem, worded for the user. Never carries a secret."""


class NoKeyring(SecretsError):
    """No usable keyring backend: nothing can be saved (and nothing falls back to a file)."""

    def __init__(self, detail: str = "") -> None:
        super().__init__("credentials not saved: no system keyring" + (f" ({detail})" if detail else ""))


def _unsafe(backend: object) -> bool:
    name = f"{type(backend).__module__}.{type(backend).__name__}".lower()
    return any(bad in name for bad in _UNSAFE_BACKENDS)


def _keyring() -> ModuleType:
    """keyring, imported on the first keyring call: it costs a command more than the rest
    of its start, and a sync of sources without secrets (a file) never calls it."""
    import keyring
    import keyring.errors

    return keyring


def _backend_ok() -> None:
    """Refuse the fail, null and plaintext backends: they would lose or leak secrets."""
    backend = _keyring().get_keyring()
    chained = getattr(backend, "backends", None)  # keyring's ChainerBackend
    candidates = list(chained) if chained is not None else [backend]
    if not [b for b in candidates if not _unsafe(b)]:
        raise NoKeyring(type(backend).__name__)


def _call(fn, *args):
    """Run a keyring call on a daemon thread with a timeout, mapping errors.

    A daemon thread, not an executor: a hung D-Bus call must not keep the caller (or the
    process, at exit) waiting beyond the timeout."""
    _backend_ok()
    box: dict[str, object] = {}
    done = threading.Event()
    deadline = time.monotonic() + TIMEOUT_S
    # Who goes first: the call starting, or the caller giving up. A call the caller gave up
    # on must never run later (a secret saved after "not saved"), however the threads are
    # scheduled on a busy machine.
    decided = threading.Lock()
    state = {"started": False, "abandoned": False}

    def run() -> None:
        try:
            # Waits for the call before it, but not past the caller's patience.
            if not _ONE_AT_A_TIME.acquire(timeout=max(0.0, deadline - time.monotonic())):
                return
            try:
                with decided:
                    if state["abandoned"]:
                        return
                    state["started"] = True
                box["value"] = fn(*args)
            finally:
                _ONE_AT_A_TIME.release()
        except BaseException as exc:
            box["error"] = exc
        finally:
            done.set()

    threading.Thread(target=run, name="keyring", daemon=True).start()
    if not done.wait(TIMEOUT_S):
        with decided:
            state["abandoned"] = not state["started"]
    if not done.is_set() or not box:
        raise SecretsError("the system keyring did not answer (is it locked?)")
    error = box.get("error")
    if error is None:
        return box.get("value")
    keyring = _keyring()
    if isinstance(error, keyring.errors.NoKeyringError):
        raise NoKeyring()
    if isinstance(error, keyring.errors.KeyringLocked):
        raise SecretsError("the system keyring is locked")
    if isinstance(error, keyring.errors.KeyringError):
        raise SecretsError(f"the system keyring refused: {type(error).__name__}")
    # D-Bus errors and the like: say what kind, never the value
    raise SecretsError(f"the system keyring failed: {type(error).__name__}")


def _entry(source_name: str) -> str:
    return f"source:{source_name}"


class Secrets(Protocol):
    """Where a source's secrets live, keyed by `key_of(source)` (its database and id).

    Every call may block (a D-Bus prompt): async callers run them on a worker thread."""

    def available(self) -> bool:
        """Whether secrets can be saved here at all."""
        ...

    def get(self, source_name: str) -> dict[str, str]:
        """All secrets of a source ({} when none are saved)."""
        ...

    def set(self, source_name: str, values: dict[str, str], *, merge: bool = True) -> None:
        """Save secrets of a source: merged into what is saved, or replacing it."""
        ...

    def delete(self, source_name: str) -> None:
        """Forget a source's secrets (no error when there were none)."""
        ...


class KeyringSecrets:
    """The OS keyring: one call at a time in the process, each with a timeout; values read
    or written are registered for scrubbing from the log."""

    def available(self) -> bool:
        try:
            _backend_ok()
        except NoKeyring:
            return False
        return True

    def get(self, source_name: str) -> dict[str, str]:
        raw = _call(_keyring().get_password, SERVICE, _entry(source_name))
        if not raw:
            return {}
        try:
            data = json.loads(raw)
        except ValueError:
            raise SecretsError(f"the saved credentials of {source_name!r} are unreadable; "
                               "enter them again") from None
        found = {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
        register_secret(*found.values())  # from now on the log scrubs these values
        return found

    def set(self, source_name: str, values: dict[str, str], *, merge: bool = True) -> None:
        current = self.get(source_name) if merge else {}
        current.update({k: v for k, v in values.items() if v is not None})
        register_secret(*current.values())
        _call(_keyring().set_password, SERVICE, _entry(source_name), json.dumps(current))

    def delete(self, source_name: str) -> None:
        try:
            _call(_keyring().delete_password, SERVICE, _entry(source_name))
        except SecretsError as exc:
            if "PasswordDeleteError" not in str(exc):
                raise


class MemorySecrets:
    """Secrets in a dict, for tests. Registers values for log scrubbing like the keyring.

    `keyring=False` behaves as a machine without a keyring (every call raises NoKeyring);
    `fail("set", ...)` makes those operations raise a SecretsError, as a locked or broken
    keyring would."""

    def __init__(self, entries: dict[str, dict[str, str]] | None = None, *, keyring: bool = True) -> None:
        self.entries: dict[str, dict[str, str]] = {k: dict(v) for k, v in (entries or {}).items()}
        self.keyring = keyring
        self.failures: dict[str, SecretsError] = {}
        self.calls: list[tuple[str, str]] = []  # (operation, source name), for assertions
        self._lock = threading.Lock()
        register_secret(*(v for values in self.entries.values() for v in values.values()))

    def fail(self, *operations: str, error: SecretsError | None = None) -> None:
        """From now on, these operations ("get", "set", "delete") raise `error`."""
        for op in operations:
            self.failures[op] = error or SecretsError("the system keyring failed: simulated")

    def _check(self, op: str, source_name: str) -> None:
        self.calls.append((op, source_name))
        if not self.keyring:
            raise NoKeyring("MemorySecrets")
        if op in self.failures:
            raise self.failures[op]

    def available(self) -> bool:
        return self.keyring

    def get(self, source_name: str) -> dict[str, str]:
        with self._lock:
            self._check("get", source_name)
            return dict(self.entries.get(source_name, {}))

    def set(self, source_name: str, values: dict[str, str], *, merge: bool = True) -> None:
        with self._lock:
            self._check("set", source_name)
            current = dict(self.entries.get(source_name, {})) if merge else {}
            current.update({k: v for k, v in values.items() if v is not None})
            register_secret(*current.values())
            self.entries[source_name] = current
            self._saved()

    def delete(self, source_name: str) -> None:
        with self._lock:
            self._check("delete", source_name)
            self.entries.pop(source_name, None)
            self._saved()

    def _saved(self) -> None:
        """Subclasses persist here."""


class JsonFileSecrets(MemorySecrets):
    """TESTS ONLY: secrets in plain text in a JSON file ({source name: {key: value}}), so a
    test can hand them to `python -m inbox` in a subprocess. Chosen only through
    `INBOX_TEST_SECRETS_FILE`; never a fallback."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        super().__init__(self._load())

    def _load(self) -> dict[str, dict[str, str]]:
        if not self.path.exists():
            return {}
        data = json.loads(self.path.read_text(encoding="utf-8") or "{}")
        return {str(k): {str(a): str(b) for a, b in v.items()} for k, v in data.items()}

    def get(self, source_name: str) -> dict[str, str]:
        with self._lock:
            self.entries = self._load()  # another process may have written meanwhile
        return super().get(source_name)

    def _saved(self) -> None:
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(self.entries, f)
        os.replace(tmp, self.path)


def key_of(source: Source) -> str:
    """Where a source's secrets are filed: its stable key (database id and source id), or
    its name for a source not saved yet."""
    return source.secret_key or source.name


def read_source(secrets: Secrets, source: Source) -> dict[str, str]:
    """A source's secrets. Entries filed under the source's name (before secrets were keyed
    by id) are moved to its key on first read, so upgrading loses no sign-in.

    Blocks like every keyring call: async callers run it on a worker thread."""
    key = key_of(source)
    values = secrets.get(key)
    if values or key == source.name:
        return values
    legacy = secrets.get(source.name)
    if legacy:
        secrets.set(key, legacy, merge=False)
        try:
            secrets.delete(source.name)
        except SecretsError as exc:  # a leftover copy is harmless; the key has them now
            logging.getLogger("inbox.secrets").warning("old keyring entry of a source not removed: %s", exc)
    return legacy


def from_environment() -> Secrets:
    """The secrets the app and the command line use: the OS keyring, unless a test set
    `INBOX_TEST_SECRETS_FILE` (see the module docstring)."""
    path = os.environ.get(TEST_FILE_ENV)
    if path:
        logging.getLogger("inbox.secrets").warning(
            "%s is set: secrets are kept in plain text in a test file, not the keyring", TEST_FILE_ENV)
        return JsonFileSecrets(path)
    return KeyringSecrets()
