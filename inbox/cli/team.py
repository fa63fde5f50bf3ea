"""`inbox team`: a shared inbox on PostgreSQL for two to five people (docs/team.md).

`init` sets up an empty database, `password` keeps your password in the keyring, `import`
moves this computer's inbox into a new team inbox, `grant` lets a member in, `members`
lists who has access. Then `inbox --db postgresql://...`
(or INBOX_DB) opens the team inbox for `search`, `stats`, `sources list` and `export`."""

from __future__ import annotations

import sys

import click

from inbox.cli.common import TEAM_URL, fail, open_secrets


def _password_from(ctx: click.Context, url: str, password_stdin: bool) -> None:
    """Save the password read from stdin (or asked for) in the keyring, when given."""
    if not password_stdin:
        return
    from inbox.services import team

    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        fail("no password on standard input.")
    try:
        team.save_password(url, password, open_secrets(ctx))
    except Exception as exc:  # SecretsError, NoKeyring
        fail(f"the password could not be saved in the keyring ({exc}); nothing was changed.")


def _store_errors(run):
    """Run `run()`, turning the store's own errors (already in words) into one line."""
    from inbox.store import StoreError

    try:
        return run()
    except StoreError as exc:
        fail(str(exc))


# The commands that work on a team inbox (docs/team.md); the others say so. Most read and
# write the server itself; those in ON_THE_COPY read this computer's copy of it (the window's
# replica), caught up from the server first: what they compute (the dashboard's figures and
# themes, one customer's data) is derived on each laptop, as the window does.
TEAM_COMMANDS = ("stats", "search", "sources", "sync", "export", "team", "outbox", "settings", "backup", "tag")
ON_THE_COPY = ("insights", "author")


def open_team_store(ctx: click.Context, url: str):
    """The team inbox named by `--db postgresql://...` (the password from the keyring)."""
    from inbox.services import team

    command = ctx.find_root().invoked_subcommand
    if command in ON_THE_COPY:
        return open_team_copy(ctx, url)
    if command not in TEAM_COMMANDS:
        fail(f"`inbox {command}` does not work on a team inbox yet; these do: "
             f"{', '.join(c for c in (*TEAM_COMMANDS, *ON_THE_COPY) if c != 'team')} (see docs/team.md).")
    return _store_errors(lambda: team.open_team(url, open_secrets(ctx)))


def open_team_copy(ctx: click.Context, url: str):
    """This computer's copy of the team inbox at `url` (made on first use), caught up from
    the server, with what waited on this computer sent first; offline, the copy as it is,
    said on stderr. Its analysis pass runs here (the copy analyses its own items)."""
    from inbox.paths import data_dir
    from inbox.services import sentiment, workspace
    from inbox.services.team_link import TeamLink, connect_replica
    from inbox.store.team import where

    secrets = open_secrets(ctx)
    path = _store_errors(lambda: connect_replica(url, secrets, data_dir(), offline_ok=True))
    store = workspace.open_store(path)
    with TeamLink(store, url, secrets) as link:
        link.sync()
        if not link.online:
            click.echo(f"inbox: the team inbox at {where(url)} is not answering; this computer's copy is "
                       "read as it was last caught up.", err=True)
    sentiment.backfill_all(store)
    return store


def register(group: click.Group) -> None:
    @group.group("team")
    def team_group() -> None:
        """A team inbox on PostgreSQL: set one up, save your password, move this inbox in."""

    @team_group.command("init")
    @click.argument("url")
    @click.option("--password-stdin", is_flag=True, help="Read your password from standard input and "
                  "keep it in the keyring.")
    @click.pass_context
    def init(ctx: click.Context, url: str, password_stdin: bool) -> None:
        """Set up the empty database at URL (postgresql://USER@HOST/DB) as a team inbox.

        A database that is not empty and not a team inbox is refused and left unchanged.
        """
        from inbox.services import team
        from inbox.store.team import where

        _password_from(ctx, url, password_stdin)
        version = _store_errors(lambda: team.init(url, open_secrets(ctx)))
        click.echo(f"Team inbox ready at {where(url)} (schema {version}). Open it with "
                   f"`inbox --db {where(url)} stats`.")

    @team_group.command("password")
    @click.argument("url")
    @click.pass_context
    def password(ctx: click.Context, url: str) -> None:
        """Keep your password for the team inbox at URL in this computer's keyring
        (asked for, or one line on standard input)."""
        from inbox.services import team
        from inbox.store.team import where

        value = (click.prompt("Password", hide_input=True) if sys.stdin.isatty()
                 else sys.stdin.readline().rstrip("\r\n"))
        if not value:
            fail("no password given; nothing was changed.")
        try:
            team.save_password(url, value, open_secrets(ctx))
        except Exception as exc:
            fail(f"the password could not be saved in the keyring ({exc}); nothing was changed.")
        click.echo(f"Password for {where(url)} saved in the keyring.")

    @team_group.command("import")
    @click.argument("url")
    @click.option("--from", "from_path", type=click.Path(dir_okay=False, exists=True),
                  help="The local inbox file (default: this computer's inbox, or --db).")
    @click.option("--password-stdin", is_flag=True, help="Read your password from standard input and "
                  "keep it in the keyring.")
    @click.pass_context
    def import_(ctx: click.Context, url: str, from_path: str | None, password_stdin: bool) -> None:
        """Move this computer's inbox into a new team inbox at URL: everything or nothing,
        checked (counts of every table, a sample of items field by field) before it is kept.
        The local file is only read."""
        from pathlib import Path

        from inbox.services import team

        _password_from(ctx, url, password_stdin)
        root_db = (ctx.find_root().obj or {}).get("db_path")
        if from_path:
            local = Path(from_path)
        elif root_db and not str(root_db).lower().startswith(TEAM_URL):
            local = Path(root_db)
        else:  # this computer's inbox (INBOX_DB may name the team inbox itself)
            from inbox.paths import default_db_path

            local = default_db_path()
        if not local.exists():
            fail(f"there is no inbox at {local}; say which with --from.")
        done = _store_errors(lambda: team.import_inbox(local, url, open_secrets(ctx)))
        counts = done.report.counts
        click.echo(f"Imported {done.source} into {done.target}: {counts.get('items', 0):,} items, "
                   f"{counts.get('sources', 0):,} sources, {counts.get('authors', 0):,} authors, "
                   f"{counts.get('tags', 0):,} tags, {counts.get('drafts', 0):,} drafts; every table's "
                   f"count and {done.report.compared:,} items compared.")

    @team_group.command("members")
    @click.argument("url")
    @click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
    @click.pass_context
    def members(ctx: click.Context, url: str, as_json: bool) -> None:
        """Who can open the team inbox at URL (roles that can log in and read it)."""
        from inbox.cli.common import echo_json

        with open_team_store(ctx, url) as store:
            found = store.members()
        if as_json:
            echo_json([{"role": m.role, "name": m.name, "owner": m.owner, "administrator": m.superuser}
                       for m in found])
            return
        for m in found:
            what = "owner" if m.owner else ("server administrator" if m.superuser else "member")
            click.echo(f"{m.role:<24} {m.name or '-':<28} {what}")

    @team_group.command("name")
    @click.argument("url")
    @click.argument("name")
    @click.option("--member", metavar="ROLE", help="Name another member (the inbox's owner only).")
    @click.pass_context
    def name(ctx: click.Context, url: str, name: str, member: str | None) -> None:
        """Set how the team sees you (NAME, e.g. "Ana López") in the team inbox at URL: in
        assignment, presence and history. An empty NAME goes back to the user name."""
        with open_team_store(ctx, url) as store:
            _store_errors(lambda: store.set_display_name(name, member))
            who = member or store.me()
        shown = " ".join(name.split())
        click.echo(f"{who} is now shown as {shown}." if shown else f"{who} is shown by their user name again.")

    @team_group.command("grant")
    @click.argument("url")
    @click.argument("role")
    @click.pass_context
    def grant(ctx: click.Context, url: str, role: str) -> None:
        """Let ROLE (an existing role on the server) use the team inbox at URL: read and write
        its rows, never change its schema. Run by the inbox's owner."""
        with open_team_store(ctx, url) as store:
            _store_errors(lambda: store.grant_member(role))
        click.echo(f"{role} can now open the team inbox (with their own password in their keyring).")

