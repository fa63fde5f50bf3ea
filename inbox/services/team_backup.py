"""Backing up a team inbox: PostgreSQL's own `pg_dump`, run for the owner by
`inbox --db postgresql://… backup` when it is installed (else the exact command to run).

Why pg_dump and not a copy of rows by the app: it is PostgreSQL's consistent snapshot of
the whole database while the team works, and `pg_restore` reads it back; an owner who
later moves to a managed server has the standard file. The password reaches pg_dump in a
password file of its own (mode 0600, removed afterwards), never on its command line or in
its environment, where other users of the machine could see it."""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from inbox.secrets import Secrets
from inbox.services.backup import backups_dir
from inbox.services.team import password_for
from inbox.store.team.connection import conninfo, where

_STAMP = "%Y%m%d-%H%M%S"
TIMEOUT_S = 3600


class TeamBackupError(Exception):
    """A dump that could not be made, in words, with the command to run by hand."""


@dataclass(frozen=True, slots=True)
class TeamBackup:
    path: Path
    created: datetime
    size: int


def shown_url(url: str) -> str:
    """The URL as typed, without a password (its TLS options kept): for commands to copy."""
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    user = parts.username
    netloc = f"{user}@{host}" if user else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))


def dump_by_hand(url: str) -> str:
    """The command an owner runs to back the team inbox up (docs/team.md, "Backups")."""
    return f"pg_dump --format=custom --file=inbox-$(date +%F).dump '{shown_url(url)}'"


def restore_by_hand(url: str, file: Path | str) -> str:
    return f"pg_restore --clean --if-exists --dbname='{shown_url(url)}' '{file}'"


def find_pg_dump() -> str | None:
    """`pg_dump` on the PATH (Debian's chooses the version for the server), else the newest
    of Debian's versioned ones."""
    found = shutil.which("pg_dump")
    if found:
        return found
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_dump"),
                      key=lambda p: int(p.split("/")[-3]) if p.split("/")[-3].isdigit() else 0)
    return versions[-1] if versions else None


def folder_for(url: str, folder: Path | None = None) -> Path:
    slug = re.sub(r"[^A-Za-z0-9._@-]+", "-", where(url).removeprefix("postgresql://")).strip("-")
    return (folder or backups_dir()) / "team" / slug


def list_dumps(url: str, folder: Path | None = None) -> list[TeamBackup]:
    """The dumps made of this team inbox on this computer, newest first."""
    found = []
    for path in folder_for(url, folder).glob("inbox-*.dump"):
        try:
            created = datetime.strptime(path.stem.removeprefix("inbox-"), _STAMP).replace(tzinfo=UTC)
        except ValueError:
            continue
        found.append(TeamBackup(path, created, path.stat().st_size))
    return sorted(found, key=lambda b: b.created, reverse=True)


def _passfile_line(password: str) -> str:
    escaped = password.replace("\\", "\\\\").replace(":", "\\:")
    return f"*:*:*:*:{escaped}\n"


def dump(url: str, secrets: Secrets | None, folder: Path | None = None, *, now: datetime | None = None) -> Path:
    """Write a `pg_dump --format=custom` of the team inbox into this computer's backups
    folder (`backups/team/<user@host-port-db>/inbox-<time>.dump`) and return its path; a
    failed dump leaves no file. Raises TeamBackupError with the next step."""
    program = find_pg_dump()
    if program is None:
        raise TeamBackupError("pg_dump is not installed on this computer (Debian and Ubuntu: "
                              "`sudo apt-get install postgresql-client`). Or run it on any computer that has it:\n"
                              f"    {dump_by_hand(url)}")
    target_dir = folder_for(url, folder)
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / f"inbox-{(now or datetime.now(UTC)).strftime(_STAMP)}.dump"
    partial = target.with_suffix(".part")
    env = {k: v for k, v in os.environ.items() if k not in ("PGPASSWORD", "PGPASSFILE")}
    with tempfile.TemporaryDirectory(prefix="inbox-dump-") as tmp:
        # a password typed into the URL goes to the password file too, not onto pg_dump's command line
        password = conninfo(url).get("password") or password_for(url, secrets)
        if password:
            passfile = Path(tmp) / "pgpass"
            passfile.touch(mode=0o600)
            passfile.write_text(_passfile_line(password), encoding="utf-8")
            env["PGPASSFILE"] = str(passfile)
        env.setdefault("PGCONNECT_TIMEOUT", "10")
        try:
            done = subprocess.run([program, "--format=custom", f"--file={partial}", f"--dbname={shown_url(url)}"],
                                  env=env, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            partial.unlink(missing_ok=True)
            raise TeamBackupError(f"pg_dump could not run ({type(exc).__name__}); run it by hand:\n"
                                  f"    {dump_by_hand(url)}") from None
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        reason = next((line.removeprefix("pg_dump: ").removeprefix("error: ") for line in done.stderr.splitlines()
                       if line.strip()), f"exit status {done.returncode}")
        if password:
            reason = reason.replace(password, "…")
        raise TeamBackupError(f"pg_dump could not back up {where(url)}: {reason}\nThe command, to run by hand:\n"
                              f"    {dump_by_hand(url)}")
    partial.replace(target)
    return target
