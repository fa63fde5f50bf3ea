"""`inbox backup`: make a copy now, list copies, or restore one."""

from __future__ import annotations

from pathlib import Path

import click

from inbox.cli.common import db_option, echo_json, fail, open_secrets, resolve_db
from inbox.services import backup as backups
from inbox.services.erasure import UNREAD, describe_reapplied
from inbox.store.team.connection import is_team_url


def _human_size(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"


def register(group: click.Group) -> None:
    @group.group("backup", invoke_without_command=True)
    @db_option
    @click.option("--list", "list_only", is_flag=True, help="List the backups instead of making one.")
    @click.option("--json", "as_json", is_flag=True, help="With --list: print JSON.")
    @click.pass_context
    def backup_cmd(ctx: click.Context, db_path: str | None, list_only: bool, as_json: bool) -> None:
        """Back up the database now (the app also does it once a day; the last 7 are kept)."""
        ctx.ensure_object(dict)
        ctx.obj["backup_db"] = db_path
        if ctx.invoked_subcommand is not None:
            return
        chosen = db_path or (ctx.find_root().obj or {}).get("db_path")
        if is_team_url(chosen):
            _team_backup(ctx, str(chosen), list_only, as_json)
            return
        path = resolve_db(ctx, db_path)
        if list_only:
            found = backups.list_backups(path)
            if as_json:
                echo_json([{"path": str(b.path), "created": b.created.strftime("%Y-%m-%dT%H:%M:%SZ"),
                            "size": b.size} for b in found])
            elif not found:
                click.echo(f"no backups of {path.name} yet in {backups.backups_dir()}")
            else:
                for b in found:  # this computer's time, as `ls` would say it (--json keeps UTC)
                    click.echo(f"{b.created.astimezone():%Y-%m-%d %H:%M}  {_human_size(b.size):>9}  {b.path}")
            return
        try:
            target = backups.create_backup(path)
        except backups.BackupError as exc:
            fail(str(exc))
        click.echo(f"backed up {path} to {target}")

    @backup_cmd.command("restore")
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @db_option
    @click.option("--yes", is_flag=True, help="Really replace the current database.")
    @click.pass_context
    def restore_cmd(ctx: click.Context, file: Path, db_path: str | None, yes: bool) -> None:
        """Replace the database with a backup FILE (the current one is backed up first).

        Close the app first: a window left open keeps showing the old data until it reloads.
        """
        chosen = db_path or (ctx.obj or {}).get("backup_db") or (ctx.find_root().obj or {}).get("db_path")
        if is_team_url(chosen):  # replacing what the whole team works on: the owner does it by hand
            from inbox.services.team_backup import restore_by_hand

            fail("a team inbox is restored with PostgreSQL's pg_restore, by its owner, while the team's "
                 f"apps are closed:\n    {restore_by_hand(str(chosen), file)}\n(docs/team.md, \"Backups\")")
        path = resolve_db(ctx, db_path or (ctx.obj or {}).get("backup_db"))
        if not file.exists():
            fail(f"no such file: {file}")
        try:
            backups.check_database(file)
        except backups.BackupError as exc:
            fail(f"{exc}; nothing was changed")
        if not yes:
            fail(f"this replaces {path} with {file.name}; run again with --yes to do it")
        try:
            result = backups.restore(file, path)
        except backups.BackupError as exc:
            fail(str(exc))
        click.echo(f"restored {path} from {file}")
        if result.saved is not None:
            click.echo(f"the previous database was saved as {result.saved}")
        if result.moved_aside is not None:
            click.echo(f"the previous file could not be backed up ({result.reason}); "
                       f"it was moved aside, unchanged, to {result.moved_aside}")
        if result.reapplied:
            click.echo(describe_reapplied(list(result.reapplied)))
        if result.erasures_unread:
            click.echo(UNREAD)


def _team_backup(ctx: click.Context, url: str, list_only: bool, as_json: bool) -> None:
    """A team inbox is backed up by PostgreSQL's pg_dump, run here when installed (else the
    command to run is said); the dumps go to this computer's backups folder."""
    from inbox.services import team_backup
    from inbox.store.team.connection import where

    if list_only:
        found = team_backup.list_dumps(url)
        if as_json:
            echo_json([{"path": str(b.path), "created": b.created.strftime("%Y-%m-%dT%H:%M:%SZ"), "size": b.size}
                       for b in found])
        elif not found:
            click.echo(f"no backups of the team inbox {where(url)} on this computer yet "
                       f"(they go to {team_backup.folder_for(url)})")
        else:
            for b in found:
                click.echo(f"{b.created.astimezone():%Y-%m-%d %H:%M}  {_human_size(b.size):>9}  {b.path}")
        return
    try:
        target = team_backup.dump(url, open_secrets(ctx))
    except team_backup.TeamBackupError as exc:
        fail(str(exc))
    click.echo(f"backed up the team inbox {where(url)} to {target}\n"
               f"restore it with: {team_backup.restore_by_hand(url, target)}")
