"""The team store's reads: the list (keyset-paged, newest first), search, counts, one
item, the owner's replies, the totals of `inbox stats`. Same names, arguments and types as
the SQLite store's `QueryMixin` (inbox/store/queries.py), so the CLI and services do not
know which backend they read."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from typing import Any

from inbox.domain import InboxFilter, ItemRow, PageCursor, Tag, Thread, View, format_time, utcnow
from inbox.store.errors import NotFound
from inbox.store.filter_sql import POSTGRES, filter_where
from inbox.store.queries import by_activity
from inbox.store.team.activity import ACTIVE_AT
from inbox.store.team.counts import plain_view
from inbox.store.team.search import tsquery_text

# Read and unread are each member's own (M008; no row is unread); done is shared.
MEMBER_STATUS = ("CASE WHEN i.status = 'done' OR i.is_owner_reply THEN i.status ELSE coalesce((SELECT r.status "
                 "FROM member_reads r WHERE r.member = session_user AND r.item_id = i.id), 'unread') END")
# The same columns, in the same order, as the SQLite store's ROW_COLUMNS (ItemRow's fields).
ROW_COLUMNS = f"""
i.id, i.source_id, s.name AS source_name, s.kind AS source_kind, s.whose,
       i.kind, i.external_id, i.author_id,
       coalesce(nullif(a.display_name, ''), nullif(a.handle, ''), 'Anonymous') AS author_name,
       coalesce(a.handle, '') AS author_handle,
       i.rating, i.title, i.text, i.html, i.url, i.language, i.created_at, i.updated_at,
       {MEMBER_STATUS} AS status, i.snoozed_until, i.thread_id, i.is_owner_reply, i.deleted_at IS NOT NULL AS deleted,
       coalesce(i.sentiment_override, i.sentiment_label, 'unknown') AS sentiment
"""
ROW_SELECT = (f"SELECT {ROW_COLUMNS} FROM items i JOIN sources s ON s.id = i.source_id "
              "LEFT JOIN authors a ON a.id = i.author_id")
# Stemmed (English) and as-written (other languages) items: a query is compiled for both.
MATCHES = ("(i.search @@ to_tsquery('inbox_english', %s) OR i.search @@ to_tsquery('inbox_simple', %s))")


def row_to_item(row: tuple) -> ItemRow:
    return ItemRow(*row[:21], bool(row[21]), bool(row[22]), sentiment=row[23])


class TeamQueryMixin:
    def cursor(self) -> Any: ...  # TeamStore

    def check_query(self, query: str) -> str:
        """The tsquery text for a search, or BadQuery with a message for the user."""
        return tsquery_text(query)

    def filter_sql(self, flt: InboxFilter, now: str | None = None) -> tuple[str, list[Any]]:
        """WHERE clause (without the keyword) and parameters for a filter."""
        now = now or format_time(utcnow())
        where, args = filter_where(POSTGRES, flt, now)
        if flt.query.strip():
            expr = tsquery_text(flt.query)
            if expr:
                where.append(MATCHES)
                args += [expr, expr]
        return " AND ".join(where), args

    def list_items(self, flt: InboxFilter | None = None, *, after: PageCursor | None = None,
                   limit: int = 100, now: str | None = None) -> tuple[list[ItemRow], PageCursor | None]:
        """One page of the list, newest first, and the cursor of the next page (or None):
        conversations by latest activity, messages (searches) by their own time; keyset
        paging, never OFFSET."""
        flt = flt or InboxFilter()
        where, args = self.filter_sql(flt, now)
        # conversations by their latest activity (M007), messages by their own time; the
        # last column is the row's place in that order (the cursor)
        key = ACTIVE_AT.format(r="i.") if by_activity(flt) else "i.created_at"
        if after is not None:
            where += f" AND ({key}, i.id) < (%s, %s)"
            args += [after.created_at, after.id]
        sql = (f"SELECT {ROW_COLUMNS}, {key} FROM items i JOIN sources s ON s.id = i.source_id "
               f"LEFT JOIN authors a ON a.id = i.author_id WHERE {where} ORDER BY {key} DESC, i.id DESC "
               f"LIMIT {int(limit) + 1}")
        with self.cursor() as cur:
            rows = cur.execute(sql, args).fetchall()
        items = [row_to_item(r) for r in rows[:limit]]
        self.attach_tags(items)
        if flt.conversations and not flt.include_owner_replies:
            self.attach_conversations(items)
        nxt = PageCursor(rows[limit - 1][24], items[-1].id) if len(rows) > limit and items else None
        return items, nxt

    def iter_items(self, flt: InboxFilter | None = None, *, page: int = 1000,
                   now: str | None = None) -> Iterator[ItemRow]:
        """Every row of a filter, page by page (exports and bulk work)."""
        cursor: PageCursor | None = None
        while True:
            rows, cursor = self.list_items(flt, after=cursor, limit=page, now=now)
            yield from rows
            if cursor is None:
                return

    def count_items(self, flt: InboxFilter | None = None, now: str | None = None) -> int:
        """How many rows the list of a filter holds: a view, perhaps of some sources or
        own/competitor, and a tag's own list are read from the maintained counts (M006);
        anything narrower is counted."""
        flt = flt or InboxFilter()
        if plain_view(flt) and (flt.view != View.UNREAD or self._member_counts()):  # type: ignore[attr-defined]
            return self.count_view(flt.view, flt.source_ids, flt.whose, now)  # type: ignore[attr-defined]
        if flt == InboxFilter(view=View.ALL, tags=flt.tags) and len(flt.tags) == 1:
            return self.count_tag(flt.tags[0])  # type: ignore[attr-defined]
        where, args = self.filter_sql(flt, now)
        with self.cursor() as cur:
            return cur.execute(f"SELECT count(*) FROM items i WHERE {where}", args).fetchone()[0]

    def search(self, query: str, *, limit: int = 50, flt: InboxFilter | None = None) -> list[ItemRow]:
        """Items matching a full-text query, newest first."""
        return self.list_items(replace(flt or InboxFilter(), query=query), limit=limit)[0]

    def attach_tags(self, items: list[ItemRow]) -> None:
        if not items:
            return
        by_id = {it.id: it for it in items}
        with self.cursor() as cur:
            for item_id, name, colour in cur.execute(
                    "SELECT it.item_id, t.name, t.colour FROM item_tags it JOIN tags t ON t.id = it.tag_id "
                    "WHERE it.item_id = ANY(%s) ORDER BY lower(t.name)", (list(by_id),)):
                by_id[item_id].tags.append((name, colour))

    def attach_conversations(self, items: list[ItemRow]) -> None:
        """Each row's conversation figures: messages, latest activity, replied, unread."""
        by_thread: dict[int, list[ItemRow]] = {}
        for it in items:
            if it.thread_id is not None:
                by_thread.setdefault(it.thread_id, []).append(it)
        if not by_thread:
            return
        with self.cursor() as cur:
            for tid, n, latest, replied, unread in cur.execute(
                    "SELECT thread_id, count(*), max(coalesce(updated_at, created_at)), bool_or(is_owner_reply), "
                    "bool_or(status <> 'done' AND NOT is_owner_reply AND NOT EXISTS (SELECT 1 FROM member_reads r "
                    "WHERE r.member = session_user AND r.item_id = items.id AND r.status = 'read')) FROM items "
                    "WHERE thread_id = ANY(%s) AND deleted_at IS NULL GROUP BY thread_id", (list(by_thread),)):
                for it in by_thread[tid]:
                    it.messages, it.last_activity_at = n, latest
                    it.replied, it.unread_messages = bool(replied), bool(unread)

    def get_item(self, item_id: int) -> ItemRow:
        with self.cursor() as cur:
            row = cur.execute(f"{ROW_SELECT} WHERE i.id = %s", (item_id,)).fetchone()
        if row is None:
            raise NotFound(f"no item {item_id}")
        item = row_to_item(row)
        self.attach_tags([item])
        return item

    def get_thread(self, thread_id: int) -> Thread:
        """A conversation in reading order: the root first, then replies by time."""
        with self.cursor() as cur:
            t = cur.execute("SELECT id, source_id, root_item_id, last_activity_at FROM threads WHERE id = %s",
                            (thread_id,)).fetchone()
            if t is None:
                raise NotFound(f"no thread {thread_id}")
            rows = cur.execute(f"{ROW_SELECT} WHERE i.thread_id = %s ORDER BY i.id = %s DESC, i.created_at, i.id",
                               (thread_id, t[2] or -1)).fetchall()
        items = [row_to_item(r) for r in rows]
        self.attach_tags(items)
        return Thread(id=t[0], source_id=t[1], root_item_id=t[2], last_activity_at=t[3], items=items)

    def owner_replies(self, thread_ids: Iterable[int]) -> dict[int, str]:
        """The latest reply of the owner in each of these threads (thread id: its text)."""
        ids = sorted(set(thread_ids))
        if not ids:
            return {}
        with self.cursor() as cur:
            return dict(cur.execute(
                "SELECT DISTINCT ON (thread_id) thread_id, text FROM items WHERE is_owner_reply "
                "AND deleted_at IS NULL AND thread_id = ANY(%s) ORDER BY thread_id, created_at DESC, id DESC",
                (ids,)).fetchall())

    def item_aspects(self, item_ids: Sequence[int]) -> dict[int, list[tuple[str, str]]]:
        """Aspects are not read on a team inbox yet (docs/team.md): none to export."""
        return {}

    def list_tags(self) -> list[Tag]:
        """Tags with the number of conversations (heads) carrying each (maintained counts)."""
        with self.cursor() as cur:
            return [Tag(r[0], r[1], r[2], int(r[3])) for r in cur.execute(
                "SELECT t.id, t.name, t.colour, coalesce((SELECT sum(c.n) FROM tag_conversations c "
                "WHERE c.tag_id = t.id), 0) FROM tags t ORDER BY lower(t.name)")]

    def stats(self) -> dict[str, Any]:
        """Totals for `inbox stats` (the same keys as the SQLite store's)."""
        with self.cursor() as cur:
            counts = cur.execute(
                "SELECT (SELECT count(*) FROM items), (SELECT count(*) FROM threads), "
                "(SELECT count(*) FROM authors), (SELECT count(*) FROM tags), (SELECT count(*) FROM drafts)"
            ).fetchone()
            per_source = cur.execute(
                "SELECT s.name, s.kind, s.whose, count(i.id) FROM sources s "
                "LEFT JOIN items i ON i.source_id = s.id GROUP BY s.id ORDER BY lower(s.name)").fetchall()
        return {
            "schema_version": self.schema_version,  # type: ignore[attr-defined]
            **dict(zip(("items", "threads", "authors", "tags", "drafts"), counts, strict=True)),
            "sources": [{"name": n, "kind": k, "whose": w, "items": c} for n, k, w, c in per_source],
        }
