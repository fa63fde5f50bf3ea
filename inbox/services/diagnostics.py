"""What a helper needs to know about this installation — version, paths, runtime, keyring —
for Help ▸ About and `inbox about`. No Qt here (the UI adds Qt's version), no secrets, no
item data: this text is meant to be pasted into a bug report."""

from __future__ import annotations

import platform
import sys
from importlib import metadata
from pathlib import Path

from inbox import APP_NAME, __version__
from inbox.paths import data_dir, log_dir
from inbox.services.backup import backups_dir
from inbox.store import engine_version


def keyring_status() -> str:
    """The keyring backend and whether the app will use it. May talk to D-Bus: call it
    off the GUI thread."""
    try:
        import keyring

        from inbox import secrets

        backend = keyring.get_keyring()
        name = f"{type(backend).__module__.removeprefix('keyring.backends.')}.{type(backend).__name__}"
        return f"{name} (usable)" if secrets.KeyringSecrets().available() else f"{name} (not usable: credentials not saved)"
    except Exception as exc:  # a broken D-Bus must not break the About text
        return f"unavailable ({type(exc).__name__})"


def _version_of(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "?"


def details(db_path: Path | None, is_demo: bool = False, *, with_keyring: bool = False) -> list[tuple[str, str]]:
    frozen = " (packaged)" if getattr(sys, "frozen", False) else ""
    db = str(db_path) if db_path else "—"
    rows = [
        ("Version", f"{__version__}{frozen}"),
        ("Database", db + (" (demo workspace)" if is_demo else "")),
        ("Data folder", str(data_dir())),
        ("Backups", str(backups_dir())),
        ("Log folder", str(log_dir())),
        ("Python", f"{platform.python_version()} · {engine_version()}"),
        ("PySide6", _version_of("PySide6")),
        ("System", f"{platform.system()} {platform.release()} ({platform.machine()})"),
    ]
    if with_keyring:
        rows.append(("Keyring", keyring_status()))
    return rows


def details_text(rows: list[tuple[str, str]]) -> str:
    return f"{APP_NAME}\n" + "\n".join(f"{k}: {v}" for k, v in rows)
