"""Credentials in the OS keyring (service `feedback-inbox`), never anywhere else.

Each source keeps one keyring entry holding a JSON object of its secrets, so a source
with four secrets (Reddit) costs one keyring prompt, not four. Where there is no usable
keyring backend, `NoKeyring` is raised: the caller shows "credentials not saved: no
system keyring" and nothing falls back to plain text.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

import keyring
import keyring.errors

from inbox.logging_setup import register_secret

SERVICE = "feedback-inbox"
TIMEOUT_S = 20.0  # a D-Bus unlock prompt may wait for the user
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
    """Run a keyring call off the caller's thread, with a timeout, mapping errors."""
    _backend_ok()
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(fn, *args)
        try:
            return future.result(timeout=TIMEOUT_S)
        except FutureTimeout:
            raise SecretsError("the system keyring did not answer (is it locked?)") from None
        except keyring.errors.NoKeyringError:
            raise NoKeyring() from None
        except keyring.errors.KeyringLocked:
            raise SecretsError("the system keyring is locked") from None
        except keyring.errors.KeyringError as exc:
            raise SecretsError(f"the system keyring refused: {type(exc).__name__}") from None
        except Exception as exc:  # D-Bus errors and the like: say what kind, not the value
            raise SecretsError(f"the system keyring failed: {type(exc).__name__}") from None


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
