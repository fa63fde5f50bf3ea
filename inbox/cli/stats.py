"""`inbox stats`: what the database holds."""

from __future__ import annotations

import click

from inbox.cli.common import db_option, echo_json, open_store


def register(group: click.Group) -> None:
    @group.command("stats")
    @db_option
    @click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
    @click.pass_context
    def stats(ctx: click.Context, db_path: str | None, as_json: bool) -> None:
        """Counts of items, threads, authors, tags, drafts and items per source."""
        with open_store(ctx, db_path) as store:
            data = store.stats()
            data["database"] = str(store.path)
        if as_json:
            echo_json(data)
            return
        click.echo(f"Database: {data['database']} (schema {data['schema_version']})")
        for key in ("items", "threads", "authors", "tags", "drafts"):
            click.echo(f"{key.capitalize():<8} {data[key]:>9,}")
        if data["sources"]:
            click.echo("\nSources:")
            for s in data["sources"]:
                click.echo(f"  {s['name']:<28} {s['kind']:<11} {s['whose']:<10} {s['items']:>8,}")
