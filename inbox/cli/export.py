"""`inbox export`: a filtered view of the inbox to CSV or XLSX."""

from __future__ import annotations

import sys
from datetime import date

import click

from inbox.cli.common import db_option, fail, open_store
from inbox.domain import InboxFilter, View
from inbox.services.export import FORMATS, ExportError, export_view
from inbox.store import BadQuery, NotFound, Store


def parse_day(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        fail(f"{option} {value!r} is not a date; use YYYY-MM-DD, e.g. 2026-03-31.")


def build_filter(store: Store, *, tags: tuple[str, ...], sources: tuple[str, ...], status: str,
                 whose: str | None, since: str | None, until: str | None, query: str) -> InboxFilter:
    """The InboxFilter for the command's options; unknown names exit 2 with a clear line."""
    known_tags = {t.name.lower(): t.name for t in store.list_tags()}
    tag_names = []
    for tag in tags:
        if tag.lower() not in known_tags:
            have = ", ".join(sorted(known_tags.values())) or "none yet"
            fail(f"no tag named {tag!r} (tags: {have}).")
        tag_names.append(known_tags[tag.lower()])
    source_ids = []
    for name in sources:
        try:
            source_ids.append(store.get_source(name).id)
        except NotFound:
            have = ", ".join(s.name for s in store.list_sources()) or "none yet"
            fail(f"no source named {name!r} (sources: {have}).")
    since_day, until_day = parse_day(since, "--since"), parse_day(until, "--until")
    if since_day and until_day and since_day > until_day:
        fail(f"--since {since_day} is after --until {until_day}.")
    return InboxFilter(view=status, source_ids=source_ids, whose=whose, tags=tag_names,
                       since=since_day, until=until_day, query=query or "")


def register(group: click.Group) -> None:
    @group.command("export")
    @click.option("--format", "fmt", type=click.Choice(FORMATS, case_sensitive=False),
                  help="csv or xlsx (default: from the file name).")
    @click.option("--tag", "tags", multiple=True, metavar="T", help="Only items with this tag (repeatable: all of them).")
    @click.option("--source", "sources", multiple=True, metavar="NAME", help="Only this source (repeatable).")
    @click.option("--status", type=click.Choice(View.ALL_VIEWS, case_sensitive=False), default=View.ALL,
                  show_default=True, help="Which view.")
    @click.option("--whose", type=click.Choice(["own", "competitor"], case_sensitive=False),
                  help="Own business or competitors.")
    @click.option("--since", metavar="DATE", help="From this day (YYYY-MM-DD, UTC).")
    @click.option("--until", metavar="DATE", help="Up to and including this day (YYYY-MM-DD, UTC).")
    @click.option("--query", default="", metavar="Q", help="Full-text search, as in `inbox search`.")
    @click.option("--bom", is_flag=True, help="CSV: start with the byte-order mark Excel wants.")
    @click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The file to write.")
    @db_option
    @click.pass_context
    def export(ctx: click.Context, fmt: str | None, tags: tuple[str, ...], sources: tuple[str, ...],
               status: str, whose: str | None, since: str | None, until: str | None, query: str,
               bom: bool, output: str, db_path: str | None) -> None:
        """Export the items of a view, newest first, to a CSV or XLSX file.

        Cells that look like formulas are neutralised. The file appears only when complete.
        """
        fmt = (fmt or output.rsplit(".", 1)[-1]).lower()
        if fmt not in FORMATS:
            fail("say --format csv or --format xlsx (the file name does not end in .csv or .xlsx).")
        if bom and fmt != "csv":
            fail("--bom applies to CSV files only.")
        with open_store(ctx, db_path) as store:
            flt = build_filter(store, tags=tags, sources=sources, status=status.lower(), whose=whose,
                               since=since, until=until, query=query)
            try:
                result = export_view(store, flt, fmt, output, bom=bom, progress=_progress())
            except (ExportError, BadQuery) as exc:
                fail(str(exc))
                return
        if sys.stderr.isatty():
            click.echo("", err=True)
        click.echo(f"Exported {result.rows:,} item{'s' * (result.rows != 1)} to {result.path}"
                   + (f" ({result.cut_cells:,} cell{'s' * (result.cut_cells != 1)} cut at Excel's "
                      "32,767-character limit, marked in the cell)" if result.cut_cells else ""))


def _progress():
    """A one-line counter on a terminal; silent when stderr is a file or a pipe."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        getattr(sys.stderr, "inner", sys.stderr).write("\r")  # ours: past the escaping (cli/guard.py)
        click.echo(f"{done:,} / {total:,} items", err=True, nl=False)
    return show
