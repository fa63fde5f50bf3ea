"""`inbox search`: full-text search from the terminal."""

from __future__ import annotations

import click

from inbox.cli.common import db_option, echo_json, fail, open_store
from inbox.domain.times import from_db
from inbox.store import BadQuery


def register(group: click.Group) -> None:
    @group.command("search")
    @click.argument("query")
    @db_option
    @click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
    @click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10_000))
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
        if as_json:
            echo_json([{
                "id": r.id, "source": r.source_name, "source_kind": r.source_kind, "kind": r.kind,
                "author": r.author_name, "rating": r.rating, "created_at": r.created_at,
                "title": r.title, "text": r.text, "url": r.url, "tags": [t[0] for t in r.tags],
                "status": r.status, "thread_id": r.thread_id,
            } for r in rows])
            return
        if not rows:
            click.echo("No items match.")
        for r in rows:
            stars = ("★" * r.rating + "☆" * (5 - r.rating)) if r.rating else "     "
            day = from_db(r.created_at)
            click.echo(f"{day.astimezone():%Y-%m-%d}  {stars}  {r.source_name[:16]:<16} {r.author_name[:20]:<20} "
                       f"{r.first_line[:70]}")
