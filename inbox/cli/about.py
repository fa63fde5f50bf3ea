"""`inbox about`: version, where the data and logs are, and whether the keyring works —
the first thing to paste into a support request."""

from __future__ import annotations

import click

from inbox.cli.common import db_option, echo_json, resolve_db
from inbox.services.diagnostics import details, details_text


def register(group: click.Group) -> None:
    @group.command("about")
    @db_option
    @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
    @click.pass_context
    def about_cmd(ctx: click.Context, db_path: str | None, as_json: bool) -> None:
        """Version, paths and keyring status (no secrets; safe to share)."""
        rows = details(resolve_db(ctx, db_path), with_keyring=True)
        if as_json:
            echo_json({k.lower().replace(" ", "_"): v for k, v in rows})
        else:
            click.echo(details_text(rows))
