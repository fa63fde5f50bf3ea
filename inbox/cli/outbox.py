"""`inbox outbox`: replies waiting to be posted; `inbox outbox flush` sends what is due.

With `--db postgresql://…` it is the team's outbox on the server: the same services code,
each reply claimed `FOR UPDATE SKIP LOCKED`, so members flushing at once never post twice."""

from __future__ import annotations

import asyncio
from typing import Any

import click

from inbox.cli.common import TEAM_URL, db_option, echo_json, fail, open_secrets, open_store
from inbox.secrets import Secrets


def make_http() -> Any:
    """The sync engine's HTTP client (timeouts, retries, rate limits)."""
    try:
        from inbox.services.outbox import outbox_http

        return outbox_http()  # the outbox retries itself, after checking the site
    except ImportError:
        fail("sending replies needs the sync engine (inbox.sync.http), which this build lacks")


async def _flush(store: Any, secrets: Secrets, *, shared: bool = False) -> list[Any]:
    from inbox.services.outbox import flush_due

    http = make_http()
    try:
        return await flush_due(store, secrets, http=http, shared=shared)
    finally:
        close = getattr(http, "aclose", None)
        if close is not None:
            await close()


def register(group: click.Group) -> None:
    @group.group("outbox", invoke_without_command=True)
    @db_option
    @click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
    @click.option("--all", "include_sent", is_flag=True, help="Include replies already sent.")
    @click.pass_context
    def outbox(ctx: click.Context, db_path: str | None, as_json: bool, include_sent: bool) -> None:
        """Replies queued or failed (with the reason). Subcommands send, retry or cancel them."""
        ctx.ensure_object(dict)
        ctx.obj["outbox_db"] = db_path
        if ctx.invoked_subcommand is not None:
            return
        from inbox.services.outbox import Outbox

        with open_store(ctx, db_path) as store:
            entries = Outbox(store).entries(include_sent=include_sent)
        if as_json:
            echo_json([e.to_dict() for e in entries])
            return
        if not entries:
            click.echo("The outbox is empty.")
        for e in entries:
            when = f"next try {e.not_before}" if e.state == "queued" and e.not_before else ""
            click.echo(f"#{e.id:<4} {e.state:<8} {e.source_name[:16]:<16} to {e.author_name[:20]:<20} "
                       f"{' '.join(e.text.split())[:50]!r} {when}")
            if e.last_error:
                click.echo(f"       last error: {e.last_error}")

    @outbox.command("flush")
    @db_option
    @click.pass_context
    def flush(ctx: click.Context, db_path: str | None) -> None:
        """Send every reply that is due now."""
        chosen = db_path or ctx.obj.get("outbox_db") or (ctx.find_root().obj or {}).get("db_path")
        shared = bool(chosen) and str(chosen).lower().startswith(TEAM_URL)  # a team's outbox
        with open_store(ctx, chosen) as store:
            results = asyncio.run(_flush(store, open_secrets(ctx), shared=shared))
        sent = sum(r.state == "sent" for r in results)
        click.echo(f"Sent {sent} of {len(results)} due." if results else "Nothing is due.")
        for r in results:
            if r.state != "sent":
                click.echo(f"#{r.entry_id} {r.state}: {r.error}")
        if any(r.state == "failed" for r in results):
            raise SystemExit(1)

    def _one(name: str, help_text: str, action: str) -> None:
        @outbox.command(name, help=help_text)
        @click.argument("entry_id", type=int)
        @db_option
        @click.pass_context
        def command(ctx: click.Context, entry_id: int, db_path: str | None) -> None:
            from inbox.services.outbox import Outbox
            from inbox.store import NotFound

            with open_store(ctx, db_path or ctx.obj.get("outbox_db")) as store:
                box = Outbox(store)
                try:
                    box.get(entry_id)
                except NotFound:
                    fail(f"no outbox entry #{entry_id}")
                if action == "cancel":
                    if box.cancel(entry_id) is None:
                        fail(f"#{entry_id} is already sent or on its way")
                    click.echo(f"Cancelled #{entry_id}; the text is back in the item's draft.")
                else:
                    box.retry(entry_id)
                    click.echo(f"#{entry_id} will be sent at the next flush.")

    _one("cancel", "Take a reply back; its text becomes the item's draft again.", "cancel")
    _one("retry", "Send a failed reply again at the next flush.", "retry")
