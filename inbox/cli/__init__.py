"""The command line: `inbox` opens the window; subcommands run headless on the same services."""

from __future__ import annotations

import sys

import click

from inbox import __version__
from inbox.cli.guard import GuardedGroup


@click.group(cls=GuardedGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db_path", type=click.Path(dir_okay=False), envvar="INBOX_DB",
              help="Database file (default: the platform data directory; env INBOX_DB).")
@click.option("--smoke-test", is_flag=True, help="Open the window, paint the first rows, exit 0.")
@click.version_option(__version__, "--version", prog_name="Feedback Inbox")
@click.pass_context
def main(ctx: click.Context, db_path: str | None, smoke_test: bool) -> None:
    """Feedback Inbox: reviews and mentions from every place your customers talk.

    With no command, opens the desktop app.
    """
    ctx.ensure_object(dict)
    ctx.obj["db_path"] = db_path
    if ctx.invoked_subcommand is None:
        from inbox.app import run_gui  # Qt is imported only when the window is wanted

        sys.exit(run_gui(db_path=db_path, smoke_test=smoke_test))


# Each module defines `register(group)`; imported by name so a renamed one fails loudly. The
# order is the order of `inbox --help`.
from inbox.cli import (  # noqa: E402  (the commands register on `main`, defined above)
    about,
    author,
    backup,
    demo,
    export,
    insights,
    outbox,
    search,
    settings,
    sources,
    stats,
    sync,
)

COMMAND_MODULES = (demo, stats, search, sources, sync, export, author, outbox, backup, insights, settings, about)

for _module in COMMAND_MODULES:
    _module.register(main)
