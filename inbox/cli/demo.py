"""`inbox demo`: a lived-in workspace to try the app with."""

from __future__ import annotations

import click

from inbox.cli.common import db_option, open_store


def register(group: click.Group) -> None:
    @group.command("demo")
    @db_option
    @click.option("--seed", default=7, show_default=True, help="Seed of the generator.")
    @click.pass_context
    def demo(ctx: click.Context, db_path: str | None, seed: int) -> None:
        """Fill the database with a demo café and two competitors (about 600 items).

        Running it again adds nothing twice.
        """
        from inbox.services.demo import build_demo

        with open_store(ctx, db_path) as store:
            added = build_demo(store, seed=seed)
            total = store.stats()["items"]
            path = store.path
        new = sum(added.values())
        click.echo(f"Demo workspace in {path}: {new} new items, {total} in all.")
