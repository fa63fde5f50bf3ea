"""Helpers the commands share: opening the store, printing errors the same way."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from inbox.paths import default_db_path

if TYPE_CHECKING:  # imported where used: the keyring alone costs a quick command's whole budget
    from inbox.secrets import Secrets
    from inbox.store import Store

db_option = click.option("--db", "db_path", type=click.Path(dir_okay=False), envvar="INBOX_DB",
                         help="Database file (env INBOX_DB).")


TEAM_URL = ("postgresql://", "postgres://")


def resolve_db(ctx: click.Context, db_path: str | None) -> Path:
    root = ctx.find_root()
    chosen = db_path or (root.obj or {}).get("db_path")
    if chosen and str(chosen).lower().startswith(TEAM_URL):  # only open_store knows team inboxes
        fail(f"`inbox {root.invoked_subcommand}` does not work on a team inbox yet (see docs/team.md).")
    return Path(chosen) if chosen else default_db_path()


def open_store(ctx: click.Context, db_path: str | None) -> Store:
    from inbox.cli.guard import exit_cleanly_on_sigterm

    exit_cleanly_on_sigterm()
    from inbox.services import workspace

    chosen = db_path or (ctx.find_root().obj or {}).get("db_path")
    if chosen and str(chosen).lower().startswith(TEAM_URL):  # a team inbox
        from inbox.cli.team import open_team_store

        return open_team_store(ctx, str(chosen))
    path = resolve_db(ctx, db_path)
    try:
        return workspace.open_store(path)
    except Exception as exc:  # a newer schema, not a database, no permission, disk full, ...
        from inbox.services.faults import describe

        message = describe(exc, path)
        if message is None:
            raise  # the root group logs it and says where the details are
        fail(message)


def open_secrets(ctx: click.Context) -> Secrets:
    """Where credentials live: the OS keyring (tests may hand the root context a
    `secrets` object, or use the test file of `inbox.secrets.from_environment`)."""
    from inbox.secrets import from_environment

    root = ctx.find_root()
    given = (root.obj or {}).get("secrets")
    return given if given is not None else from_environment()


def fail(message: str, code: int = 2) -> NoReturn:
    click.echo(f"inbox: {message}", err=True)
    sys.exit(code)


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
