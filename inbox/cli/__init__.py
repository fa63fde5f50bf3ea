"""The command line: `inbox` opens the window; subcommands run headless on the same services."""

from __future__ import annotations

import importlib
import sys

import click

from inbox import __version__
from inbox.cli.guard import GuardedGroup

# One module per command, named as the command (`inbox/cli/<name>.py` defines
# `register(group)`), imported only when its command runs (or `--help` lists them): a command
# pays for its own imports only. The order is the order of `inbox --help`.
COMMAND_MODULES = ("demo", "stats", "search", "sources", "sync", "export", "author", "outbox", "backup",
                   "insights", "settings", "about", "team", "tag")


class LazyGroup(GuardedGroup):
    """The root group (see `GuardedGroup`), whose commands are registered by their modules on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*COMMAND_MODULES, *(c for c in super().list_commands(ctx) if c not in COMMAND_MODULES)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            importlib.import_module(f"{__name__}.{cmd_name}").register(self)
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
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
        # a team inbox's URL opens the window on this computer's copy of it (docs/team.md)
        from inbox.app import run_gui  # Qt is imported only when the window is wanted

        sys.exit(run_gui(db_path=db_path, smoke_test=smoke_test))
