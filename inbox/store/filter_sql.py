"""One builder of a list filter's WHERE clause for both store backends (SQLite and the
team inbox's PostgreSQL), so that a new filter is written once.

Why a dialect object and not two copies: the conditions, their order and their meaning are
the same; only the spelling differs (placeholders, booleans, lists of ids, the SQLite
planner's hints, how a tag name is compared, how full-text search is matched). The search
clause is the backend's own (FTS5 or tsvector) and is added by the caller."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from inbox.domain import InboxFilter, View
from inbox.domain.rules import Conditions


@dataclass(frozen=True, slots=True)
class Dialect:
    """How one backend spells what differs."""

    param: str  # a placeholder: "?" or "%s"
    sqlite: bool  # 0/1 flags, json_each lists, planner hints; else booleans and arrays

    def flag(self, column: str, value: bool) -> str:
        if self.sqlite:
            return f"{column} = {int(value)}"
        return column if value else f"NOT {column}"

    def ids_in(self, column: str, ids: Sequence[int], *, hint: bool = False) -> tuple[str, list[Any]]:
        """`column` is one of `ids`. `hint`: SQLite's '+' that keeps the planner on the
        time index (an IN over an index would sort every matching row)."""
        if self.sqlite:
            plus = "+" if hint else ""
            return f"{plus}{column} IN ({','.join('?' * len(ids))})", list(ids)
        return f"{column} = ANY(%s)", [list(ids)]

    def many_ids_in(self, column: str, ids: Sequence[Any]) -> tuple[str, list[Any]]:
        """`column` is one of many ids (an explicit selection: one parameter, any length)."""
        if self.sqlite:
            return f"{column} IN (SELECT value FROM json_each(?))", ["[" + ",".join(str(int(x)) for x in ids) + "]"]
        return f"{column} = ANY(%s)", [[int(x) for x in ids]]

    def contains(self, text_sql: str, needle: str) -> tuple[str, list[Any]]:
        """`needle` is in `text_sql`, case aside (SQLite: Python's casefold, a function the
        store registers on its connection)."""
        if self.sqlite:
            return f"instr(inbox_casefold({text_sql}), ?) > 0", [needle.casefold()]
        return f"strpos(lower({text_sql}), lower(%s)) > 0", [needle]


SQLITE = Dialect(param="?", sqlite=True)
POSTGRES = Dialect(param="%s", sqlite=False)


def filter_where(d: Dialect, flt: InboxFilter, now: str) -> tuple[list[str], list[Any]]:
    """The conditions (to be joined with AND) and their parameters for a filter, search
    left out (each backend matches its own index)."""
    p = d.param
    where: list[str] = ["i.deleted_at IS NULL"]
    args: list[Any] = []
    if not flt.include_owner_replies:
        where.append(d.flag("i.is_owner_reply", False))
        if flt.conversation_rows():
            where.append(d.flag("i.is_head", True))
    if flt.view == View.INBOX:
        where.append(f"i.status <> 'done' AND (i.snoozed_until IS NULL OR i.snoozed_until <= {p})")
        args.append(now)
    elif flt.view == View.UNREAD:
        # on a team inbox, unread is the member's own (no read row of theirs); done is shared
        unread = ("i.status = 'unread'" if d.sqlite else "i.status <> 'done' AND NOT EXISTS (SELECT 1 FROM "
                  "member_reads r WHERE r.member = session_user AND r.item_id = i.id AND r.status = 'read')")
        where.append(f"{unread} AND (i.snoozed_until IS NULL OR i.snoozed_until <= {p})")
        args.append(now)
    elif flt.view == View.SNOOZED:
        where.append(f"i.snoozed_until > {p}")
        args.append(now)
    elif flt.view == View.DONE:
        where.append("i.status = 'done'")
    if flt.source_ids:
        # one source: its index; several: see Dialect.ids_in
        sql, more = d.ids_in("i.source_id", flt.source_ids, hint=len(flt.source_ids) > 1)
        where.append(sql)
        args += more
    if flt.whose:
        where.append(f"{'+' if d.sqlite else ''}i.source_id IN (SELECT id FROM sources WHERE whose = {p})")
        args.append(flt.whose)
    for tag in flt.tags:
        # one rule on both: A-Z without case (SQLite's NOCASE; the team schema's tag_key, M010)
        same = f"t.name = {p}" if d.sqlite else f"tag_key(t.name) = tag_key({p})"
        where.append(f"EXISTS (SELECT 1 FROM item_tags it JOIN tags t ON t.id = it.tag_id "
                     f"WHERE it.item_id = i.id AND {same})")
        args.append(tag)
    if flt.rating_min is not None:
        where.append(f"i.rating >= {p}")
        args.append(flt.rating_min)
    if flt.rating_max is not None:
        where.append(f"i.rating <= {p}")
        args.append(flt.rating_max)
    if flt.since:
        where.append(f"i.created_at >= {p}")
        args.append(flt.since[:10] + "T00:00:00Z")
    if flt.until:
        where.append(f"i.created_at <= {p}")
        args.append(flt.until[:10] + "T23:59:59Z")
    if flt.author_id is not None:
        where.append(f"i.author_id = {p}")
        args.append(flt.author_id)
    if flt.item_ids is not None:
        sql, more = d.many_ids_in("i.id", flt.item_ids)
        where.append(sql)
        args += more
    if flt.sentiment:
        where.append(f"coalesce(i.sentiment_override, i.sentiment_label, 'unknown') = {p}")
        args.append(flt.sentiment)
    if flt.assignee is not None:  # the Mine view: the conversation's head names them
        where.append(f"(i.assigned_to = {p} OR i.thread_id IN (SELECT h.thread_id FROM items h "
                     f"WHERE h.assigned_to = {p}))")
        args += [flt.assignee, flt.assignee]
    return where, args


def rule_where(d: Dialect, c: Conditions,
               match: Callable[[str], tuple[str, list[Any]] | None]) -> tuple[str, list[Any]]:
    """A rule's conditions as a WHERE clause over `items i` and its parameters. `match` is
    the backend's full-text clause for a keyword (None: nothing to match); it raises
    BadQuery for one that cannot run. Owner replies and items deleted at the source never
    match: rules are about what customers say."""
    p = d.param
    where = ["i.deleted_at IS NULL", d.flag("i.is_owner_reply", False)]
    args: list[Any] = []
    if c.source_ids:
        clause, more = d.many_ids_in("i.source_id", c.source_ids)
        where.append(clause)
        args += more
    if c.whose:
        where.append(f"i.source_id IN (SELECT id FROM sources WHERE whose = {p})")
        args.append(c.whose)
    if c.rating_min:
        where.append(f"i.rating >= {p}")
        args.append(int(c.rating_min))
    if c.rating_max:
        where.append(f"i.rating <= {p}")
        args.append(int(c.rating_max))
    keyword = c.keyword.strip()
    found = match(keyword) if keyword and c.keyword_mode == "fts" else \
        d.contains("i.title || ' ' || i.text", keyword) if keyword else None
    if found:
        where.append(found[0])
        args += found[1]
    author = c.author.strip()
    if author:
        clause, more = d.contains("a.display_name || ' ' || a.handle", author)
        where.append(f"EXISTS (SELECT 1 FROM authors a WHERE a.id = i.author_id AND {clause})")
        args += more
    return " AND ".join(where), args
