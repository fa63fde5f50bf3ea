"""`inbox search`: full-text search from the terminal. Its plain forms are answered before
click by `inbox.quick.search`, which holds the options and the output both use."""

from __future__ import annotations

import click

from inbox.cli.common import db_option, fail, open_store
from inbox.quick.search import JSON, LIMIT, render
from inbox.store import BadQuery


def register(group: click.Group) -> None:
    @group.command("search")
    @click.argument("query")
    @db_option
    @click.option(JSON.name, JSON.dest, is_flag=True, help=JSON.help)
    @click.option(LIMIT.name, LIMIT.dest, default=LIMIT.default, show_default=True,
                  type=click.IntRange(*LIMIT.bounds))
    @click.pass_context
    def search(ctx: click.Context, query: str, db_path: str | None, as_json: bool, limit: int) -> None:
        """Items matching QUERY, newest first.

        Words must all appear; "a phrase" in quotes; crois* for a prefix; OR, NOT;
        title:, text: or author: to look in one field.
        """
        with open_store(ctx, db_path) as store:
            try:
                rows = store.search(query, limit=limit)
            except BadQuery as exc:
                fail(str(exc))
        for line in render(rows, as_json):
            click.echo(line)
