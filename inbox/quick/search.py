"""`inbox search` before click: its options (one definition, also used by the click command
in `inbox.cli.search`), what it prints, and the quick answer for the plain forms."""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # not typing's: importing typing costs a sixth of a quick command
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any


class Option:
    """One option of `inbox search`: its name, the parameter it sets, its default, and for
    a number its range (None: a flag)."""

    def __init__(self, name: str, dest: str, default: Any, bounds: tuple[int, int] | None,
                 help: str | None = None) -> None:
        self.name, self.dest, self.default, self.bounds, self.help = name, dest, default, bounds, help


JSON = Option("--json", "as_json", False, None, "Print a JSON list.")
LIMIT = Option("--limit", "limit", 20, (1, 10_000))
DB = "--db"  # the database, as the root group's and every command's `--db` (env INBOX_DB)
ENV_DB = "INBOX_DB"
TEAM_URL = ("postgresql://", "postgres://")


def render(rows: Sequence[Any], as_json: bool) -> list[str]:
    """The lines `inbox search` prints for `rows` (ItemRows, or the quick reader's hits)."""
    if as_json:
        import json

        return [json.dumps([{
            "id": r.id, "source": r.source_name, "source_kind": r.source_kind, "kind": r.kind,
            "author": r.author_name, "rating": r.rating, "created_at": r.created_at,
            "title": r.title, "text": r.text, "url": r.url, "tags": [t[0] for t in r.tags],
            "status": r.status, "thread_id": r.thread_id,
        } for r in rows], ensure_ascii=False, indent=2, default=str)]
    if not rows:
        return ["No items match."]
    from inbox.domain.plain_text import first_line
    from inbox.domain.times import from_db

    lines = []
    for r in rows:
        stars = ("★" * r.rating + "☆" * (5 - r.rating)) if r.rating else "     "
        day = from_db(r.created_at).astimezone()
        # isoformat: what %Y-%m-%d prints for years 1000-9999, at a tenth of strftime's cost
        date = day.date().isoformat() if day.year >= 1000 else f"{day:%Y-%m-%d}"
        lines.append(f"{date}  {stars}  {r.source_name[:16]:<16} {r.author_name[:20]:<20} "
                     f"{first_line(r.title, r.text)[:70]}")
    return lines


def parse(argv: Sequence[str]) -> dict[str, Any] | None:
    """The plain forms of `inbox [--db DB] search QUERY [--db DB] [--json] [--limit N]`, or
    None for anything click should answer (help, an unknown, repeated or odd option, a
    second argument, a limit out of range)."""
    args = list(argv)
    root_db = None
    while args and args[0] != "search":  # the root group's options: only --db
        name, value, args = _take(args)
        if name != DB or value is None or root_db is not None:
            return None
        root_db = value
    if not args:
        return None
    args.pop(0)
    given: dict[str, Any] = {}
    query = None
    while args:
        if args[0].startswith("-"):
            name, value, args = _take(args)
            if name in given:
                return None
            if name == JSON.name and value is None:
                given[name] = True
            elif name == LIMIT.name and value is not None and value.isascii() and value.isdigit():
                low, high = LIMIT.bounds  # type: ignore[misc]
                if not low <= int(value) <= high:
                    return None
                given[name] = int(value)
            elif name == DB and value is not None:
                given[name] = value
            else:
                return None
        elif query is None:
            query = args.pop(0)
        else:
            return None
    if query is None:
        return None
    # as click resolves it: the command's --db or INBOX_DB, then the root's --db
    db = given.get(DB) or os.environ.get(ENV_DB) or root_db
    return {"query": query, "db": db, JSON.dest: given.get(JSON.name, JSON.default),
            LIMIT.dest: given.get(LIMIT.name, LIMIT.default)}


def _take(args: list[str]) -> tuple[str | None, str | None, list[str]]:
    """An option at the head of `args`: its name, its value (`--x=v` or `--x v`; None for a
    flag) and the rest. A value that looks like an option makes the name None."""
    head, rest = args[0], args[1:]
    name, eq, value = head.partition("=")
    if eq:
        return (name, value, rest) if value else (None, None, rest)
    if name in (LIMIT.name, DB):
        if not rest or rest[0].startswith("-"):
            return None, None, rest
        return name, rest[0], rest[1:]
    return name, None, rest


def answer(argv: Sequence[str]) -> int | None:
    """Run `inbox search` without click when it is a plain one on an inbox that needs
    nothing done before it is read; the exit code, or None (nothing printed) to hand the
    command to click."""
    given = parse(argv)
    if given is None:
        return None
    db = given["db"]
    if db and db.lower().startswith(TEAM_URL):
        return None
    from inbox.store.errors import BadQuery
    from inbox.store.reader import QuickReader

    if db:
        path = db
    else:
        from inbox.paths import default_db_path

        path = str(default_db_path())
    reader = QuickReader.open(path)
    if reader is None:
        return None
    from inbox.domain.plain_text import terminal_safe
    from inbox.quick.terminal import exit_cleanly_on_sigterm, quiet_stdout

    exit_cleanly_on_sigterm()
    try:
        with reader:
            hits = reader.search(given["query"], limit=given[LIMIT.dest])
        if hits is None:
            return None
        text = terminal_safe("".join(line + "\n" for line in render(hits, given[JSON.dest])))
        out = sys.stdout
        text.encode(out.encoding or "utf-8", out.errors or "strict")  # else click's echo decides
    except BadQuery as exc:
        sys.stderr.write(terminal_safe(f"inbox: {exc}\n"))
        sys.stderr.flush()
        return 2
    except Exception:  # the full path does it again, and words or logs what went wrong
        return None
    try:
        out.write(text)
        out.flush()
    except BrokenPipeError:  # `inbox search ... | head`: the reader has what it wanted
        quiet_stdout(out)
        return 1
    return 0
