"""`inbox tag list / rename / colour / delete`: the tags the sidebar lists, renamed,
recoloured, merged (a rename onto another tag's name, said before it is done) and deleted
(saying how many conversations carry the tag), as the sidebar's menu does
(inbox/services/tags.py). On `--db postgresql://…` they change the team's tags."""

from __future__ import annotations

import click

from inbox.cli.common import db_option, echo_json, fail, open_store


def register(group: click.Group) -> None:
    from inbox.services.operations import Operations
    from inbox.services.tags import (
        TagAdmin,
        TagError,
        conversations,
        delete_question,
        find_tag,
        merge_question,
        plan_rename,
    )

    def _find(store, name: str):
        try:
            return find_tag(store.list_tags(), name)
        except TagError as exc:
            fail(str(exc))

    @group.group("tag")
    def tag_group() -> None:
        """List, rename, recolour, merge and delete tags (as the sidebar's tag menu)."""

    @tag_group.command("list")
    @db_option
    @click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
    @click.pass_context
    def list_tags(ctx: click.Context, db_path: str | None, as_json: bool) -> None:
        """Every tag, its colour and how many conversations carry it."""
        with open_store(ctx, db_path) as store:
            tags = store.list_tags()
        if as_json:
            echo_json([{"name": t.name, "colour": t.colour, "conversations": t.count} for t in tags])
            return
        if not tags:
            click.echo("No tags yet.")
        for t in tags:
            click.echo(f"{t.name:<30} {t.colour}  {conversations(t)}")

    @tag_group.command("rename")
    @click.argument("name")
    @click.argument("new_name")
    @db_option
    @click.option("--yes", "-y", is_flag=True, help="Merge without asking when NEW_NAME is another tag's.")
    @click.pass_context
    def rename(ctx: click.Context, name: str, new_name: str, db_path: str | None, yes: bool) -> None:
        """Rename the tag NAME to NEW_NAME; onto another tag's name, the two are merged."""
        with open_store(ctx, db_path) as store:
            tags = store.list_tags()
            tag = _find(store, name)
            try:
                plan = plan_rename(tags, tag, new_name)
            except TagError as exc:
                fail(str(exc))
            if plan.into is not None:
                click.echo(merge_question(plan))
                if not yes and not click.confirm("Merge them?", default=False):
                    fail("Nothing was changed.", code=1)
            TagAdmin(Operations(store)).rename(plan)
        if plan.into is not None:
            click.echo(f"Merged “{tag.name}” into “{plan.into.name}”.")
        else:
            click.echo(f"Renamed “{tag.name}” to “{plan.name}”.")

    @tag_group.command("colour")
    @click.argument("name")
    @click.argument("colour")
    @db_option
    @click.pass_context
    def colour(ctx: click.Context, name: str, colour: str, db_path: str | None) -> None:
        """Change the colour of the tag NAME (COLOUR like #3366cc)."""
        with open_store(ctx, db_path) as store:
            tag = _find(store, name)
            try:
                TagAdmin(Operations(store)).recolour(tag, colour.lower())
            except TagError as exc:
                fail(str(exc))
        click.echo(f"“{tag.name}” is now {colour.lower()}.")

    @tag_group.command("delete")
    @click.argument("name")
    @db_option
    @click.option("--yes", "-y", is_flag=True, help="Delete without asking.")
    @click.pass_context
    def delete(ctx: click.Context, name: str, db_path: str | None, yes: bool) -> None:
        """Delete the tag NAME from every conversation (saying how many carry it first)."""
        with open_store(ctx, db_path) as store:
            tag = _find(store, name)
            click.echo(delete_question(tag))
            if not yes and not click.confirm("Delete it?", default=False):
                fail("Nothing was changed.", code=1)
            TagAdmin(Operations(store)).delete(tag)
        click.echo(f"Deleted the tag “{tag.name}” ({conversations(tag)}).")
