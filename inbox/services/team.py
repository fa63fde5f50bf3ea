"""A team inbox on PostgreSQL (issue 20), for the command line (and later the window):
opening one with the password from the keyring, setting one up, moving a local inbox in.

The password: each member's own, kept in their keyring under `team:USER@HOST:PORT/DB`
(`secret_name`); a password written in the URL is used for that run only. It is never
written to PostgreSQL, the settings or the log (every value read is registered for scrubbing)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from inbox.logging_setup import register_secret
from inbox.secrets import Secrets, SecretsError
from inbox.store.team import TeamStore, init_team, secret_name
from inbox.store.team.connection import conninfo, where
from inbox.store.team.importer import ImportReport, import_local

__all__ = ["ImportReport", "import_inbox", "init", "open_team", "password_for", "save_password"]


def password_for(url: str, secrets: Secrets | None) -> str | None:
    """The password to connect with: the URL's own (this run only), else the keyring's
    entry for this user, server and database, else none (the server may not ask: a local
    socket, a client certificate, ~/.pgpass)."""
    given = conninfo(url).get("password")
    if given:
        register_secret(given)
        return None  # libpq takes it from the URL itself
    if secrets is None:
        return None
    try:
        saved = secrets.get(secret_name(url)).get("password")
    except SecretsError:
        return None  # no keyring here: the server will say that a password is needed
    register_secret(saved)
    return saved or None


def save_password(url: str, password: str, secrets: Secrets) -> None:
    """Keep a member's password in their keyring (never anywhere else)."""
    register_secret(password)
    secrets.set(secret_name(url), {"password": password}, merge=False)


def open_team(url: str, secrets: Secrets | None) -> TeamStore:
    """Open a team inbox made by `init` (refused otherwise, unchanged)."""
    return TeamStore(url, password=password_for(url, secrets))


def init(url: str, secrets: Secrets | None) -> int:
    """Set up an empty database as a team inbox; the schema version reached."""
    return init_team(url, password_for(url, secrets))


@dataclass(frozen=True, slots=True)
class Imported:
    report: ImportReport
    source: Path
    target: str


def import_inbox(local_path: Path, url: str, secrets: Secrets | None, *,
                 progress: Callable[[str, int], None] | None = None) -> Imported:
    """Move the local inbox at `local_path` into the team inbox at `url` (set up first when
    the database is empty). The local file is only read; the team inbox gets everything or,
    if anything differs, nothing."""
    from inbox.services import workspace

    init(url, secrets)
    with workspace.open_store(local_path) as local, open_team(url, secrets) as team, local.read_snapshot():
        report = import_local(local, team, progress=progress)
    return Imported(report, Path(local_path), where(url))
