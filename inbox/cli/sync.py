"""`inbox sync`: fetch what is new from every enabled source (or the named ones).

On a terminal each source gets a redrawn progress line; otherwise plain lines are printed
as sources change state. Then a summary table (or `--json`); exit 1 if any source failed.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from typing import Any

import click

from inbox.cli.common import db_option, echo_json, fail, open_secrets, open_store
from inbox.domain.sync_errors import SyncErrorKind
from inbox.secrets import Secrets
from inbox.store import StoreError
from inbox.sync.engine import Progress, RunSummary, sync
from inbox.sync.errors import explain_failure

ANALYSE_NOW_AT_MOST = 5_000  # about half a second of analysis


class ProgressView:
    """Renders Progress: redrawn lines on a terminal, plain lines elsewhere."""

    def __init__(self, live: bool, quiet: bool) -> None:
        self.live = live
        self.quiet = quiet
        self.order: list[int] = []
        self.state: dict[int, Progress] = {}
        self.drawn = 0

    def __call__(self, p: Progress) -> None:
        if self.quiet:
            return
        before = self.state.get(p.source_id)
        if p.source_id not in self.state:
            self.order.append(p.source_id)
        self.state[p.source_id] = p
        if self.live:
            self._redraw()
        elif before is None or before.state != p.state or p.pages % 10 == 0:
            click.echo(self._line(p), err=True)

    @staticmethod
    def _line(p: Progress) -> str:
        if p.state == "error":
            return f"{p.source_name}: error: {p.error}"
        bar_len = 20
        filled = p.pages % (bar_len + 1) if p.state == "syncing" else (bar_len if p.state == "done" else 0)
        bar = "#" * filled + "-" * (bar_len - filled)
        return (f"{p.source_name[:24]:<24} [{bar}] {p.state:<9} pages {p.pages:>4}  "
                f"fetched {p.fetched:>7}  new {p.new:>7}  updated {p.updated:>5}")

    def _redraw(self) -> None:
        out = sys.stderr
        codes = getattr(out, "inner", out)  # our own cursor moves bypass the escaping (cli/guard.py)
        if self.drawn:
            codes.write(f"\x1b[{self.drawn}F")
        for sid in self.order:
            codes.write("\x1b[2K")
            out.write(self._line(self.state[sid])[:200] + "\n")  # names and errors: escaped
        self.drawn = len(self.order)
        out.flush()


def print_table(summaries: list[RunSummary]) -> None:
    click.echo(f"{'SOURCE':<24} {'KIND':<11} {'FETCHED':>8} {'NEW':>7} {'UPDATED':>7} {'SKIPPED':>7}  RESULT")
    for s in summaries:
        result = "ok" if s.ok else "FAILED (see below)"
        click.echo(f"{s.source_name[:24]:<24} {s.kind:<11} {s.fetched:>8} {s.new:>7} {s.updated:>7} "
                   f"{s.skipped:>7}  {result}")
    for s in summaries:
        if not s.ok:  # the owner's sentence, then the technical detail
            plain = explain_failure(s.kind, s.error_kind, s.error or "")
            click.echo(f"{s.source_name}: {plain.text}\n    details: {plain.detail}")


async def _run(store: Any, secrets: Secrets, names: list[str] | None, view: ProgressView,
               http_options: dict[str, Any]) -> list[RunSummary]:
    cancel = asyncio.Event()
    loop = asyncio.get_running_loop()
    try:
        loop.add_signal_handler(signal.SIGINT, cancel.set)
        loop.add_signal_handler(signal.SIGTERM, cancel.set)
    except (NotImplementedError, RuntimeError):  # Windows: Ctrl-C ends the process instead
        pass
    return await sync(store, secrets=secrets, sources=names, on_progress=view, cancel=cancel, http_options=http_options)


def _analyse_a_few(store: Any) -> int:
    """Items a big sync left to the analysis pass: analysed now when they are few (well
    under a second), else left to the background pass. Returns how many are left."""
    from inbox.services import sentiment
    from inbox.store import DiskFull, ReadOnlyDatabase, classify

    if getattr(store, "is_team", False):  # no window runs the pass on a server: all of it now
        from inbox.services.team_sync import analyse_pending

        analyse_pending(store)  # (not counted first: a count reads every row on a server)
        return 0
    waiting = sentiment.pending(store)
    if 0 < waiting <= ANALYSE_NOW_AT_MOST:
        try:
            sentiment.backfill_all(store)
        except Exception as exc:
            if not isinstance(classify(exc), DiskFull | ReadOnlyDatabase):
                raise
            # the sync's own line already said so: the analysis is left for later
        waiting = sentiment.pending(store)
    return waiting


def register(group: click.Group) -> None:
    @group.command("sync")
    @click.option("--source", "names", multiple=True, metavar="NAME",
                  help="Sync only this source (repeatable; default: every enabled source).")
    @click.option("--json", "as_json", is_flag=True, help="Print the run summaries as JSON.")
    @click.option("--timeout", type=float, default=30.0, show_default=True,
                  help="Read timeout per request, in seconds.")
    @db_option
    @click.pass_context
    def sync_cmd(ctx: click.Context, names: tuple[str, ...], as_json: bool, timeout: float,
                 db_path: str | None) -> None:
        """Fetch new reviews and mentions; exit 1 if any source failed."""
        with open_store(ctx, db_path) as store:
            view = ProgressView(live=sys.stderr.isatty() and not as_json, quiet=as_json)
            try:
                summaries = asyncio.run(_run(store, open_secrets(ctx), list(names) or None, view, {"read_timeout": timeout}))
            except StoreError as exc:
                fail(str(exc))
            waiting = _analyse_a_few(store)
        if as_json:
            echo_json([s.to_dict() for s in summaries])
        elif not summaries:
            click.echo("No enabled sources. Add one: inbox sources add KIND --name NAME ...")
        else:
            print_table(summaries)
        if waiting and not as_json:
            click.echo(f"{waiting:,} new items still need their sentiment and themes: the app adds them "
                       "in the background while it is open, or run `inbox insights --rescore` now.")
        if any(s.error_kind == SyncErrorKind.CANCELLED for s in summaries):
            sys.exit(130)
        if not all(s.ok for s in summaries):
            sys.exit(1)
