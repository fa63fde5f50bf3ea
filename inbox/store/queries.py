"""Read queries for the UI, exports and the CLI: keyset-paged lists, threads, counts.

Lists are ordered newest first and paged by keyset, never OFFSET, so page 5,000 costs
what page 1 costs: conversation lists by (latest activity, id), lists of messages
(searches, one author's items) by (created_at, id).
"""

from __future__ import annotations

import sqlite3
import sys
from dataclasses import replace
from typing import Any

from inbox.domain import InboxFilter, ItemRow, PageCursor, Thread, View, format_time, utcnow
from inbox.domain.times import from_db
from inbox.store.conversations import ACTIVE_AT
from inbox.store.errors import NotFound
from inbox.store.filter_sql import SQLITE, filter_where
from inbox.store.search_sql import ROW_COLUMNS, ROW_JOINS, SEARCH_SELECT, check_query

ROW_SELECT = f"SELECT {ROW_COLUMNS} FROM items i {ROW_JOINS}"
EPOCH_2000 = 946684800
# The ids of items matching an FTS5 expression (one parameter); for `i.id IN (...)` clauses.
MATCHING_IDS = "SELECT rowid & 4294967295 FROM items_fts WHERE items_fts MATCH ?"


def search_key(created_at: str, item_id: int) -> int:
    """The search index's rowid for an item (the SQL twin is migrations.time_key_sql)."""
    return ((int(from_db(created_at).timestamp()) - EPOCH_2000) << 32) + item_id


def conversation_rows(flt: InboxFilter) -> bool:
    """Whether a filter's list shows one row per conversation (its head). Searches, one
    author's items and explicit selections (drafts, the outbox) list messages."""
    return flt.conversation_rows()


def by_activity(flt: InboxFilter) -> bool:
    """Whether a list is ordered by each conversation's latest activity (its rows are
    conversations) rather than by each message's time."""
    return not flt.include_owner_replies and conversation_rows(flt)


def conversation_figures(flt: InboxFilter) -> bool:
    """Whether a list's rows carry their conversation's figures (messages, replied)."""
    return flt.conversations and not flt.include_owner_replies


def _shared(value: Any) -> Any:
    """One copy of a text that many rows repeat (a source's name, a status, an author's
    name): SQLite hands each row its own, and the list holds up to 100,000 rows."""
    return sys.intern(value) if type(value) is str else value


def row_to_item(row: sqlite3.Row) -> ItemRow:
    """ROW_SELECT's columns are ItemRow's fields in order (a test checks it): building
    positionally is ~2.5x faster than via a dict, which matters to 100k-row exports."""
    s = _shared
    return ItemRow(row[0], row[1], s(row[2]), s(row[3]), s(row[4]), s(row[5]), row[6], row[7], s(row[8]),
                   s(row[9]), row[10], s(row[11]), *row[12:15], s(row[15]), *row[16:18], s(row[18]),
                   row[19], row[20], bool(row[21]), bool(row[22]), sentiment=s(row[23]))


class QueryMixin:
    conn: sqlite3.Connection

    def check_query(self, query: str) -> str:
        """The full-text expression for a search, or BadQuery with a message for the user:
        the search field asks before it changes the list."""
        return check_query(self.conn, query)

    # -- the inbox list ------------------------------------------------------------------

    def filter_sql(self, flt: InboxFilter, now: str | None = None, *,
                   with_query: bool = True) -> tuple[str, list[Any]]:
        """WHERE clause (without the keyword) and parameters for a filter."""
        now = now or format_time(utcnow())
        where, args = filter_where(SQLITE, flt, now)
        if with_query and flt.query.strip():
            expr = check_query(self.conn, flt.query)
            if expr:
                where.append(f"i.id IN ({MATCHING_IDS})")
                args.append(expr)
        return " AND ".join(where), args

    def page_sql(self, flt: InboxFilter, *, after: PageCursor | None = None, limit: int = 100,
                 now: str | None = None) -> tuple[str, list[Any]]:
        """The statement of one page of a list and its parameters (the benchmark explains it)."""
        expr = check_query(self.conn, flt.query) if flt.query.strip() else ""
        where, args = self.filter_sql(flt, now, with_query=False)
        if expr:  # walk the index newest first and stop after a page
            where = "items_fts MATCH ? AND " + where
            args.insert(0, expr)
            if after is not None:
                where += " AND f.rowid < ?"
                args.append(search_key(after.created_at, after.id))
            return f"{SEARCH_SELECT} WHERE {where} ORDER BY f.rowid DESC LIMIT ?", [*args, limit + 1]
        # conversations by their latest activity (a partial index of heads), messages by
        # their own time; the last column is the row's place in that order (the cursor)
        key = ACTIVE_AT.format(r="i.") if by_activity(flt) else "i.created_at"
        if after is not None:  # spelt out: the planner won't take a row value to an expression index
            where += f" AND {key} <= ? AND ({key} < ? OR i.id < ?)"
            args += [after.created_at, after.created_at, after.id]
        # LIMIT as a literal: with a bound LIMIT the planner can't tell a page from a
        # full scan and, e.g., walks all 1M rows of items_by_time for the Snoozed view
        return (f"SELECT {ROW_COLUMNS}, {key} FROM items i {ROW_JOINS} WHERE {where} "
                f"ORDER BY {key} DESC, i.id DESC LIMIT {int(limit) + 1}"), args

    def list_items(self, flt: InboxFilter | None = None, *, after: PageCursor | None = None,
                   limit: int = 100, now: str | None = None) -> tuple[list[ItemRow], PageCursor | None]:
        """One page of the list, newest first, and the cursor of the next page (or None):
        conversations by latest activity, searches by each message's time."""
        flt = flt or InboxFilter()
        sql, args = self.page_sql(flt, after=after, limit=limit, now=now)
        rows = self.conn.execute(sql, args).fetchall()
        items = [row_to_item(r) for r in rows[:limit]]
        self.attach_tags(items)
        if conversation_figures(flt):
            self.attach_conversations(items)  # type: ignore[attr-defined]
        nxt = None
        if len(rows) > limit and items:
            last = rows[limit - 1]
            nxt = PageCursor(last[24] if len(last) > 24 else last["created_at"], last["id"])
        return items, nxt

    def iter_items(self, flt: InboxFilter | None = None, *, page: int = 1000, now: str | None = None):
        """Every row of a filter, page by page (exports and bulk work)."""
        cursor: PageCursor | None = None
        while True:
            rows, cursor = self.list_items(flt, after=cursor, limit=page, now=now)
            yield from rows
            if cursor is None:
                return

    def count_items(self, flt: InboxFilter | None = None, now: str | None = None) -> int:
        """How many rows the list of a filter holds: a view, perhaps of some sources or
        own/competitor, is read from the maintained counts; anything narrower is counted."""
        flt = flt or InboxFilter()
        plain = InboxFilter(view=flt.view, source_ids=flt.source_ids, whose=flt.whose)
        if flt == plain and flt.view in View.ALL_VIEWS:
            return self.count_view(flt.view, flt.source_ids, flt.whose, now)  # type: ignore[attr-defined]
        if flt == InboxFilter(view=View.ALL, tags=flt.tags) and len(flt.tags) == 1:  # a tag's own list
            return self.count_tag(flt.tags[0])  # type: ignore[attr-defined]
        where, args = self.filter_sql(flt or InboxFilter(), now)
        return self.conn.execute(f"SELECT count(*) FROM items i WHERE {where}", args).fetchone()[0]

    def search(self, query: str, *, limit: int = 50, flt: InboxFilter | None = None) -> list[ItemRow]:
        """Items matching a full-text query, newest first."""
        return self.list_items(replace(flt or InboxFilter(), query=query), limit=limit)[0]

    def attach_tags(self, items: list[ItemRow]) -> None:
        if not items:
            return
        by_id = {it.id: it for it in items}
        for item_id, name, colour in self.conn.execute(
                "SELECT it.item_id, t.name, t.colour FROM item_tags it JOIN tags t ON t.id = it.tag_id "
                "WHERE it.item_id IN (SELECT value FROM json_each(?)) ORDER BY t.name",
                ("[" + ",".join(map(str, by_id)) + "]",)):
            by_id[item_id].tags.append((name, colour))

    # -- one item, a thread, an author ---------------------------------------------------

    def get_item(self, item_id: int) -> ItemRow:
        row = self.conn.execute(f"{ROW_SELECT} WHERE i.id = ?", (item_id,)).fetchone()
        if row is None:
            raise NotFound(f"no item {item_id}")
        item = row_to_item(row)
        self.attach_tags([item])
        return item

    def get_thread(self, thread_id: int) -> Thread:
        """A conversation in reading order: the root first, then replies by time."""
        t = self.conn.execute("SELECT * FROM threads WHERE id = ?", (thread_id,)).fetchone()
        if t is None:
            raise NotFound(f"no thread {thread_id}")
        rows = self.conn.execute(
            f"{ROW_SELECT} WHERE i.thread_id = ? ORDER BY i.id = ? DESC, i.created_at, i.id",
            (thread_id, t["root_item_id"] or -1)).fetchall()
        items = [row_to_item(r) for r in rows]
        self.attach_tags(items)
        return Thread(id=t["id"], source_id=t["source_id"], root_item_id=t["root_item_id"],
                      last_activity_at=t["last_activity_at"], items=items)

    def author_items(self, author_id: int, limit: int = 500) -> list[ItemRow]:
        """Everything an author wrote, newest first."""
        rows = self.conn.execute(
            f"{ROW_SELECT} WHERE i.author_id = ? ORDER BY i.created_at DESC, i.id DESC LIMIT ?",
            (author_id, limit)).fetchall()
        items = [row_to_item(r) for r in rows]
        self.attach_tags(items)
        return items

    def get_author(self, author_id: int) -> dict[str, Any]:
        row = self.conn.execute("SELECT * FROM authors WHERE id = ?", (author_id,)).fetchone()
        if row is None:
            raise NotFound(f"no author {author_id}")
        return dict(row)
