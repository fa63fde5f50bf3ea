"""What every command shares around its run: the log file, safe output, and one line (never
a traceback) when something fails.

Why one place: a database or disk fault can surface in any command, from any store call;
catching it here words it once (`inbox.services.faults`) for all of them. Output goes
through `SafeStream`, so text from sources cannot drive the terminal."""

from __future__ import annotations

import contextlib
import logging
import sys
from typing import Any

import click

from inbox.quick.terminal import SafeStream, exit_cleanly_on_sigterm, quiet_stdout

__all__ = ["GuardedGroup", "SafeStream", "exit_cleanly_on_sigterm", "log_path_text"]

log = logging.getLogger("inbox.cli")


def log_path_text() -> str:
    from inbox.logging_setup import LOG_FILE
    from inbox.paths import log_dir

    return str(log_dir() / LOG_FILE)


class GuardedGroup(click.Group):
    """The root group: sets up logging like the window, makes output safe, and turns any
    failure into one line on stderr and an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        ctx.color = True  # click must not strip ESC on pipes only: SafeStream escapes it everywhere
        out, err = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = SafeStream(out), SafeStream(err)
        try:
            _setup_logging()
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit,
                KeyboardInterrupt):
            raise
        except BrokenPipeError:  # `inbox ... | head`: the reader has what it wanted
            quiet_stdout(out)
            ctx.exit(1)
        except Exception as exc:  # the one place that words any failure
            _fail(exc, ctx)
        finally:
            with contextlib.suppress(OSError, ValueError):
                sys.stdout.flush()
            sys.stdout, sys.stderr = out, err


def _setup_logging() -> None:
    """The log file, made when the first record comes (most commands log nothing); with no
    log folder (read-only home) the command still runs."""
    from inbox.logging_setup import setup_logging_on_first_record

    setup_logging_on_first_record()


def _fail(exc: BaseException, ctx: click.Context) -> None:
    from inbox.services.faults import describe

    message = describe(exc)
    if message is not None:
        log.error("%s: %s", message, exc, exc_info=(type(exc), exc, exc.__traceback__))
        click.echo(f"inbox: {message}", err=True)
        ctx.exit(2)
    log.critical("unexpected error in %s", ctx.invoked_subcommand or "inbox",
                 exc_info=(type(exc), exc, exc.__traceback__))
    click.echo(f"inbox: an unexpected error stopped the command; the details are in {log_path_text()}",
               err=True)
    ctx.exit(1)
