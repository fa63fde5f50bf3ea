"""Credentials in the OS keyring (service `feedback-inbox`), never anywhere else.

Each source keeps one keyring entry holding a JSON object of its secrets, so a source
with four secrets (Reddit) costs one keyring prompt, not four. Where there is no usable
keyring backend, `NoKeyring` is raised: the caller shows "credentials not saved: no
system keyring" and nothing falls back to plain text.
"""

from __future__ import annotations

import json
import threading
import time

import keyring
import keyring.errors

from inbox.logging_setup import register_secret

SERVICE = "feedback-inbox"
TIMEOUT_S = 20.0  # a D-Bus unlock prompt may wait for the user
# One keyring call at a time in this process. GNOME Keyring serves calls that overlap
# badly: four threads storing, reading and deleting entries got "Item does not exist" or
# "Failed to create the collection", and once the daemon died, in three runs of four
# (a sync reads the secrets of four sources at once). One after another, nothing failed.
_ONE_AT_A_TIME = threading.Lock()
_UNSAFE_BACKENDS = ("keyring.backends.fail", "keyring.backends.null", "plaintext", "keyrings.alt")


class SecretsError(Exception):
    """A keyring problem, worded for the user. Never carries a secret."""


class NoKeyring(SecretsError):
    def __init__(self, detail: str = "") -> None:
        super().__init__("credentials not saved: no system keyring" + (f" ({detail})" if detail else ""))


def _unsafe(backend: object) -> bool:
    name = f"{type(backend).__module__}.{type(backend).__name__}".lower()
    return any(bad in name for bad in _UNSAFE_BACKENDS)


def _backend_ok() -> None:
    """Refuse the fail, null and plaintext backends: they would lose or leak secrets."""
    backend = keyring.get_keyring()
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

    def run() -> None:
        try:
            # Waits for the call before it, but not past the caller's patience: a call
            # the caller gave up on must not run later (a secret saved after "not saved").
            if not _ONE_AT_A_TIME.acquire(timeout=max(0.0, deadline - time.monotonic())):
                return
            try:
                box["value"] = fn(*args)
            finally:
                _ONE_AT_A_TIME.release()
        except BaseException as exc:
            box["error"] = exc
        finally:
            done.set()

    threading.Thread(target=run, name="keyring", daemon=True).start()
    if not done.wait(TIMEOUT_S) or not box:
        raise SecretsError("the system keyring did not answer (is it locked?)")
    error = box.get("error")
    if error is None:
        return box.get("value")
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


def get_secrets(source_name: str) -> dict[str, str]:
    """All secrets of a source ({} when none are saved)."""
    raw = _call(keyring.get_password, SERVICE, _entry(source_name))
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        raise SecretsError(f"the saved credentials of {source_name!r} are unreadable; enter them again") from None
    found = {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
    register_secret(*found.values())  # from now on the log scrubs these values
    return found


def set_secrets(source_name: str, secrets: dict[str, str], *, merge: bool = True) -> None:
    """Save secrets of a source (merged into what is already saved, by default)."""
    current = get_secrets(source_name) if merge else {}
    current.update({k: v for k, v in secrets.items() if v is not None})
    register_secret(*current.values())
    _call(keyring.set_password, SERVICE, _entry(source_name), json.dumps(current))


def delete_secrets(source_name: str) -> None:
    try:
        _call(keyring.delete_password, SERVICE, _entry(source_name))
    except SecretsError as exc:
        if "PasswordDeleteError" not in str(exc):
            raise


def keyring_available() -> bool:
    try:
        _backend_ok()
    except NoKeyring:
        return False
    return True
