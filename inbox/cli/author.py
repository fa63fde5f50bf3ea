"""`inbox author`: find one customer, export everything about them, or erase them."""

from __future__ import annotations

import click

from inbox.cli.common import db_option, echo_json, fail, open_store
from inbox.services.authors import erase_author, erase_plan, export_author, list_authors
from inbox.services.export import ExportError
from inbox.store import NotFound, StoreError


def register(group: click.Group) -> None:
    @group.group("author")
    def author() -> None:
        """One customer's data: list, export, erase."""

    @author.command("list")
    @click.option("--query", default="", metavar="NAME", help="Part of a name, handle or platform id.")
    @click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
    @click.option("--limit", default=200, show_default=True, type=click.IntRange(1, 100_000))
    @db_option
    @click.pass_context
    def list_cmd(ctx: click.Context, query: str, as_json: bool, limit: int, db_path: str | None) -> None:
        """Authors with their ids (for export and erase), busiest first."""
        with open_store(ctx, db_path) as store:
            found = list_authors(store, query, limit)
        if as_json:
            echo_json([a.to_dict() for a in found])
            return
        if not found:
            click.echo("No authors match." if query else "No authors yet.")
        for a in found:
            handle = f" {a.handle}" if a.handle and a.handle != a.name else ""
            owner = "  (your account)" if a.is_owner else ""
            click.echo(f"{a.id:>7}  {a.platform:<11} {a.items:>5} items  {a.name}{handle}{owner}")

    @author.command("export")
    @click.argument("author_id", type=int)
    @click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
                  help="The JSON file to write; a readable HTML page and a CSV of their items go beside it.")
    @db_option
    @click.pass_context
    def export_cmd(ctx: click.Context, author_id: int, output: str, db_path: str | None) -> None:
        """Everything about one author: their items, your replies, drafts and outbox."""
        with open_store(ctx, db_path) as store:
            try:
                json_path, csv_path, html_path = export_author(store, author_id, output)
            except NotFound:
                fail(f"no author with id {author_id}; find one with `inbox author list --query NAME`.")
                return
            except ExportError as exc:
                fail(str(exc))
                return
        click.echo(f"Wrote {json_path}\nWrote {html_path} (readable page)\nWrote {csv_path}")

    @author.command("erase")
    @click.argument("author_id", type=int)
    @click.option("--yes", is_flag=True, help="Really erase (there is no undo).")
    @db_option
    @click.pass_context
    def erase_cmd(ctx: click.Context, author_id: int, yes: bool, db_path: str | None) -> None:
        """Erase one author for good; the next sync will not bring them back."""
        with open_store(ctx, db_path) as store:
            if store.team_link_info() is not None:  # a team inbox's copy: erasing is not sent to the server
                fail("erasing a customer from a team inbox is not possible yet: it would leave them on the "
                     "server and on the other members' computers (docs/team.md). Export their data with "
                     f"`inbox author export {author_id} -o FILE`.")
            try:
                plan = erase_plan(store, author_id)
            except NotFound:
                fail(f"no author with id {author_id}; find one with `inbox author list --query NAME`.")
                return
            except StoreError as exc:
                fail(str(exc))
                return
            if not yes:
                click.echo(f"This would remove for good {plan.author.name} "
                           f"({', '.join(plan.report.identities) or plan.author.platform}):", err=True)
                click.echo(plan.details(), err=True)
                fail(f"not erasing without --yes. Export it first with "
                     f"`inbox author export {author_id} -o FILE` if they asked for a copy.")
            done = erase_author(store, author_id)
        click.echo(f"Erased {done.author.name} ({', '.join(done.report.identities)}). Removed:")
        click.echo(done.details())
