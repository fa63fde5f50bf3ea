"""Ingest: idempotent upsert of a page of items, author upsert, and threading.

A page is written in one transaction together with the source's new cursor, so a sync
killed at any moment loses nothing and never duplicates. Work is batched per page
(one lookup query per page, executemany for inserts) because ingest speed is a budget.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Protocol

from inbox.domain import Item, format_time, utcnow
from inbox.store import insights_schema
from inbox.store.connection import write_transaction
from inbox.store.errors import NotFound
from inbox.store.ingest_prep import AuthorKey, AuthorValues, PreparedItems, prepare_items
from inbox.store.migrations import time_key_sql

if TYPE_CHECKING:
    from inbox.store import Store

# What a single bad entry raises while its page is written (not a full disk or a lock).
_UNSTORABLE = (UnicodeEncodeError, OverflowError, RecursionError, TypeError, ValueError,
               sqlite3.IntegrityError, sqlite3.InterfaceError, sqlite3.DataError)
def _why(exc: BaseException) -> str:
    """A note's words for what made an entry unstorable (never Python's own)."""
    if isinstance(exc, UnicodeError):
        return "text that is not valid Unicode"
    if isinstance(exc, OverflowError):
        return "a number too large to store"
    if isinstance(exc, RecursionError):
        return "data nested too deeply"
    return "a value the database cannot store"


CHUNK = 500  # SQLite's default limit on variables is 32766; keep IN lists modest

_INSERTED = ("id", "source_id", "external_id", "kind", "url", "author_id", "rating", "title", "text",
             "html", "language", "created_at", "updated_at", "is_owner_reply", "parent_external_id",
             "root_external_id", "thread_id", "status", "deleted_at", "fetched_at", "raw", "sentiment",
             "sentiment_label", "is_head", "active_at")
_INSERTED_VALUES = itemgetter(*_INSERTED)  # a row's values in _INSERTED's order, in C
_TIME_ORDER = itemgetter("created_at")  # the key new rows are numbered by (_insert_and_thread)
ROWS_PER_INSERT = 100
# Authors whose id and names ingest remembers, so that a page of known authors writes none.
# One entry is ~130 bytes: a string key and one integer (the id, and a 64-bit digest of the
# names that tells when they changed), so 300,000 take ~40 MB at most.
AUTHOR_CACHE_SIZE = 300_000
_DIGEST = (1 << 64) - 1


@lru_cache(maxsize=8)
def _insert_items_sql(n: int) -> str:
    one = "(" + ", ".join("?" * len(_INSERTED)) + ")"
    return f"INSERT INTO items ({', '.join(_INSERTED)}) VALUES {', '.join([one] * n)}"


# Items into the search index, in rowid order: FTS5 starts a new segment whenever a rowid is
# lower than the one before it in the transaction (and pages arrive newest first).
_INDEX_ITEMS = ("INSERT INTO items_fts (rowid, title, text, author) "
                f"SELECT {time_key_sql('i')}, i.title, i.text, a.display_name || ' ' || a.handle FROM items i "
                "LEFT JOIN authors a ON a.id = i.author_id {where} ORDER BY 1")
_COMPARED = ("kind", "url", "author_id", "rating", "title", "text", "html", "language",
             "created_at", "updated_at", "is_owner_reply", "parent_external_id", "deleted")


@dataclass(slots=True)
class IngestResult:
    new_ids: list[int] = field(default_factory=list)
    updated_ids: list[int] = field(default_factory=list)
    unchanged: int = 0
    skipped: int = 0
    notes: list[str] = field(default_factory=list)  # why entries were skipped ("entry r7: ...")

    @property
    def new(self) -> int:
        return len(self.new_ids)

    @property
    def updated(self) -> int:
        return len(self.updated_ids)

    def add(self, other: IngestResult) -> None:
        self.new_ids += other.new_ids
        self.updated_ids += other.updated_ids
        self.unchanged += other.unchanged
        self.skipped += other.skipped
        self.notes += other.notes


class IngestPipeline(Protocol):
    """What runs on each page that ingest writes, given by the caller: the store knows no
    services, so the services build this (`inbox.services.pipeline`) and pass it in."""

    def fill_new_rows(self, rows: list[dict[str, Any]]) -> None:
        """Fill derived values of new rows (with their ids) before they are inserted:
        `sentiment`, `sentiment_label`, and `phrases` (a list, for `item_phrases`). Writing
        them with the row costs far less than an update afterwards (which fires triggers)."""

    def after_page(self, store: Store, source_id: int, result: IngestResult) -> None:
        """Run inside the page's transaction once its rows are written (rules, scoring
        of changed items)."""


def _chunks(seq: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(seq), size):
        yield seq[i:i + size]


class IngestMixin:
    conn: sqlite3.Connection
    # "platform\0external id" -> author id << 64 | digest of (handle, display name, profile url)
    _author_cache: dict[str, int]
    _author_state: tuple[int, int]  # (highest author id, data_version) when the cache was last right

    def save_page(self, source_id: int, items: Sequence[Item], cursor: dict[str, Any] | None = None, *,
                  pipeline: IngestPipeline | None = None) -> IngestResult:
        """Upsert a page and (optionally) the source's cursor in one transaction; the
        `pipeline` derives what the services add to new and changed items (nothing if None)."""
        with write_transaction(self.conn):
            result = self.upsert_items(source_id, items, pipeline=pipeline)
            if cursor is not None:
                self.conn.execute("UPDATE sources SET cursor = ? WHERE id = ?",
                                  (json.dumps(cursor), source_id))
        return result

    def upsert_items(self, source_id: int, items: Sequence[Item], *,
                     pipeline: IngestPipeline | None = None) -> IngestResult:
        """Insert new items, update changed ones in place (keeping triage, tags, drafts),
        skip unchanged ones, items without an id or content, and erased authors. An entry the
        database cannot take is skipped with a note; the rest of the page is stored."""
        try:
            return self._upsert_items(source_id, items, pipeline)
        except _UNSTORABLE:
            self._author_cache.clear()  # it may name authors the rollback took back
            if len(items) <= 1:
                raise
        # one entry the checks let through (a bad `raw`, a number too big): each on its own
        result = IngestResult()
        for position, item in enumerate(items, start=1):
            try:
                one = self._upsert_items(source_id, [item], pipeline)
            except _UNSTORABLE as exc:
                self._author_cache.clear()
                result.skipped += 1
                result.notes.append(f"entry {position} ({str(item.external_id)[:40]}): {_why(exc)}")
                continue
            result.add(one)
        return result

    def _upsert_items(self, source_id: int, items: Sequence[Item],
                      pipeline: IngestPipeline | None) -> IngestResult:
        result = IngestResult()
        with write_transaction(self.conn):
            source = self.conn.execute("SELECT kind FROM sources WHERE id = ?", (source_id,)).fetchone()
            if source is None:  # removed meanwhile, by another window or `inbox sources remove`
                raise NotFound(f"source {source_id} no longer exists")
            platform = source[0]
            prepared = items if isinstance(items, PreparedItems) and items.fits(source_id, platform) \
                else prepare_items(source_id, platform, items)
            prepared.used = True  # its rows are filled in below: a second write prepares afresh
            result.skipped += prepared.skipped
            result.notes += prepared.notes
            batch = self._drop_erased(platform, prepared, result)
            if not batch:
                return result
            author_of = self._author_ids(batch, prepared.authors)
            existing = self._existing(source_id, list(batch))
            new_rows: list[dict[str, Any]] = []
            for ext_id, row in batch.items():
                row["author_id"] = author_of[ext_id]
                old = existing.get(ext_id)
                if old is None:
                    new_rows.append(row)
                elif any(_norm(old[k]) != _norm(row[k]) for k in _COMPARED):
                    self._update(old["id"], row)
                    result.updated_ids.append(old["id"])
                else:
                    result.unchanged += 1
            if result.updated_ids:  # an edit may change which message heads a conversation
                self.refresh_heads(self.thread_ids_of(result.updated_ids))  # type: ignore[attr-defined]
            if new_rows:
                result.new_ids = self._insert_and_thread(source_id, new_rows, pipeline)
            if pipeline is not None:
                pipeline.after_page(self, source_id, result)  # type: ignore[arg-type]
            if result.new_ids:  # a customer's new message, still unread after the rules, reopens
                self._reopen_conversations("[" + ",".join(map(str, result.new_ids)) + "]")  # type: ignore[attr-defined]
        return result

    # -- pieces -------------------------------------------------------------------------

    def _drop_erased(self, platform: str, prepared: PreparedItems,
                     result: IngestResult) -> dict[str, dict[str, Any]]:
        """The page's rows (by external id) less what an erasure keeps out
        (`ErasuresMixin.erasure_drops`)."""
        dropped = self.erasure_drops(platform, prepared.rows, prepared.authors)  # type: ignore[attr-defined]
        if not dropped:
            return prepared.rows
        result.skipped += len(dropped & prepared.rows.keys())
        return {k: v for k, v in prepared.rows.items() if k not in dropped}

    def _existing(self, source_id: int, ext_ids: list[str]) -> dict[str, sqlite3.Row]:
        found: dict[str, sqlite3.Row] = {}
        for chunk in _chunks(ext_ids):
            q = ",".join("?" * len(chunk))
            for r in self.conn.execute(
                    f"SELECT id, external_id, {', '.join(c for c in _COMPARED if c != 'deleted')}, "
                    f"deleted_at IS NOT NULL AS deleted FROM items "
                    f"WHERE source_id = ? AND external_id IN ({q})", (source_id, *chunk)):
                found[r["external_id"]] = r
        return found

    def _author_ids(self, batch: dict[str, dict[str, Any]],
                    authors: dict[str, tuple[AuthorKey, AuthorValues] | None]) -> dict[str, int | None]:
        """The author id of each item of a page (by external id), upserting in one
        statement the authors new or changed (`authors`: each item's key and values).

        Ids cached from earlier pages save that statement. A cached id is wrong once its row
        is gone: rolled back, deleted, or replaced by another connection, and then perhaps
        given to someone else. Only ingest adds authors, and rowids are handed out above
        the highest, so a rollback or delete that matters lowers the highest id; another
        connection's commit changes `data_version`. Either, since the last page, empties
        the cache. (A row deleted below the top on this connection is left to the foreign
        key, which refuses the item.)"""
        cache = self._author_cache
        top, version = self.conn.execute(
            "SELECT coalesce((SELECT max(id) FROM authors), 0), data_version FROM pragma_data_version").fetchone()
        if len(cache) > AUTHOR_CACHE_SIZE or (top, version) != self._author_state:
            cache.clear()
        keys = {ext_id: (authors[ext_id] or (None,))[0] for ext_id in batch}
        wanted: dict[tuple[str, str], tuple[str, str, str]] = dict(filter(None, (authors[e] for e in batch)))
        ids: dict[tuple[str, str], int] = {}
        for key, values in wanted.items():
            packed = cache.get(f"{key[0]}\0{key[1]}")
            if packed is not None and packed & _DIGEST == hash(values) & _DIGEST:
                ids[key] = packed >> 64
        todo = {key: values for key, values in wanted.items() if key not in ids}
        if todo:
            self.conn.executemany(
                "INSERT INTO authors (platform, external_id, handle, display_name, profile_url) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (platform, external_id) DO UPDATE SET "
                "handle = excluded.handle, display_name = excluded.display_name, "
                "profile_url = excluded.profile_url "
                "WHERE (handle, display_name, profile_url) IS NOT "
                "(excluded.handle, excluded.display_name, excluded.profile_url)",
                [(*key, *values) for key, values in todo.items()])
            by_platform: dict[str, list[str]] = {}
            for plat, ext in todo:
                by_platform.setdefault(plat, []).append(ext)
            for plat, exts in by_platform.items():
                for chunk in _chunks(exts):
                    q = ",".join("?" * len(chunk))
                    for ext, author_id in self.conn.execute(
                            f"SELECT external_id, id FROM authors WHERE platform = ? AND external_id IN ({q})",
                            (plat, *chunk)):
                        ids[(plat, ext)] = author_id
                        top = max(top, author_id)
                        cache[f"{plat}\0{ext}"] = author_id << 64 | hash(todo[(plat, ext)]) & _DIGEST
        self._author_state = (top, version)
        return {ext_id: ids[key] if key else None for ext_id, key in keys.items()}

    def _update(self, item_id: int, row: dict[str, Any]) -> None:
        self.conn.execute(
            "UPDATE items SET kind = :kind, url = :url, author_id = :author_id, rating = :rating, "
            "title = :title, text = :text, html = :html, language = :language, "
            "created_at = :created_at, updated_at = :updated_at, is_owner_reply = :is_owner_reply, "
            "parent_external_id = :parent_external_id, fetched_at = :fetched_at, raw = :raw, "
            "deleted_at = CASE WHEN :deleted THEN coalesce(deleted_at, :fetched_at) END "
            "WHERE id = :id", {**row, "id": item_id})
        self.conn.execute(
            "UPDATE threads SET last_activity_at = max(coalesce(last_activity_at, ''), :t) "
            "WHERE id = (SELECT thread_id FROM items WHERE id = :id)",
            {"t": row["updated_at"] or row["created_at"], "id": item_id})

    def _insert_and_thread(self, source_id: int, rows: list[dict[str, Any]],
                           pipeline: IngestPipeline | None) -> list[int]:
        """Insert new rows with their thread ids; adopt replies that arrived earlier."""
        # Ids in time order (a page's order where times are equal). Sources send the newest
        # first; in time order each new row goes after the one before it in the time-ordered
        # indexes, where in page order each went before it: the page's insert costs half the
        # CPU (docs/benchmarks.md, issue 19, h19order).
        rows.sort(key=_TIME_ORDER)
        by_ext = {r["external_id"]: r for r in rows}
        # Where is each parent? In this page, or already stored, or not yet seen.
        parents = sorted({r["parent_external_id"] for r in rows if r["parent_external_id"]} - set(by_ext))
        stored_parent_thread: dict[str, int] = {}
        for chunk in _chunks(parents):
            q = ",".join("?" * len(chunk))
            for ext, tid in self.conn.execute(
                    f"SELECT external_id, thread_id FROM items WHERE source_id = ? "
                    f"AND external_id IN ({q})", (source_id, *chunk)):
                if tid is not None:
                    stored_parent_thread[ext] = tid

        def root_key(row: dict[str, Any], depth: int = 0) -> tuple[str, int | None]:
            """(thread key, known thread id) for a row."""
            if row["root_external_id"]:
                return row["root_external_id"], None
            parent = row["parent_external_id"]
            if not parent or parent == row["external_id"]:
                return row["external_id"], None
            if parent in by_ext and depth < 100:
                return root_key(by_ext[parent], depth + 1)
            if parent in stored_parent_thread:
                return "", stored_parent_thread[parent]
            return parent, None

        keys: list[tuple[str, int | None]] = [root_key(row) for row in rows]
        # Ids are given here, not by SQLite (this is the only writer, inside BEGIN
        # IMMEDIATE): the threads can then name their root items as they are written.
        first_id = self.conn.execute("SELECT coalesce(max(id), 0) + 1 FROM items").fetchone()[0]
        ids = list(range(first_id, first_id + len(rows)))
        new_threads: dict[str, list[Any]] = {}  # key -> [last activity, root item id]
        stored_activity: dict[int, str] = {}
        for row, item_id, (key, tid) in zip(rows, ids, keys, strict=True):
            row["id"] = item_id
            when = row["updated_at"] or row["created_at"]
            if tid is not None:
                stored_activity[tid] = max(stored_activity.get(tid, ""), when)
                continue
            thread = new_threads.setdefault(key, ["", None])
            thread[0] = max(thread[0], when)
            if row["external_id"] == key and row["parent_external_id"] in (None, key):
                thread[1] = item_id
                # a thread's root heads its conversation (a late root is put right below)
                row["is_head"] = 0 if row["is_owner_reply"] else 1
        thread_ids = self._upsert_threads(source_id, new_threads)
        for row, (key, tid) in zip(rows, keys, strict=True):
            row["thread_id"] = thread_ids[key] if tid is None else tid
        self.conn.executemany(
            "UPDATE threads SET last_activity_at = max(coalesce(last_activity_at, ''), ?) WHERE id = ?",
            [(when, tid) for tid, when in stored_activity.items()])
        if pipeline is not None:
            pipeline.fill_new_rows(rows)
        # Many rows per statement, not executemany: SQLite then writes them without taking the
        # GIL back between rows (during a sync, other threads hold it often). Fixed-size
        # chunks keep the statements in the connection's cache.
        for chunk in _chunks(rows, ROWS_PER_INSERT):
            self.conn.execute(_insert_items_sql(len(chunk)), list(chain.from_iterable(map(_INSERTED_VALUES, chunk))))
        self.conn.executemany("INSERT OR IGNORE INTO item_phrases (item_id, phrase) VALUES (?, ?)",
                              [(row["id"], phrase) for row in rows for phrase in row.get("phrases", ())])
        # Items have no insert triggers (one costs more than the row itself): what they
        # would keep in step, the search index and the per-day figures, is added here for
        # the whole page, before any update below fires the update triggers.
        page_ids = "[" + ",".join(map(str, ids)) + "]"
        self.conn.execute(_INDEX_ITEMS.format(where="WHERE i.id IN (SELECT value FROM json_each(?))"),
                          (page_ids,))
        self.conn.execute(insights_schema.ADD_PAGE_TO_DAYS, (page_ids,))
        # A root whose thread is keyed otherwise (a source naming the root explicitly).
        self.conn.executemany(
            "UPDATE threads SET root_item_id = ? WHERE source_id = ? AND root_external_id = ?",
            [(r["id"], source_id, r["external_id"]) for r, (key, _) in zip(rows, keys, strict=True)
             if r["parent_external_id"] in (None, r["external_id"]) and key != r["external_id"]])
        waiting = [r for r in rows if r["parent_external_id"] and r["parent_external_id"] != r["external_id"]]
        for chunk in _chunks(waiting):
            q = ",".join("?" * len(chunk))
            orphans = self.conn.execute(
                f"SELECT id, root_external_id FROM threads WHERE source_id = ? "
                f"AND root_external_id IN ({q})",
                (source_id, *[r["external_id"] for r in chunk])).fetchall()
            for orphan_id, ext in orphans:
                target = by_ext[ext]["thread_id"]
                if orphan_id != target:
                    self._merge_thread(orphan_id, target)
        # Conversations: new heads into the counts, then each touched thread's head made
        # right (a reply before its root, a merge). (A new message reopens its conversation
        # once the rules have run: upsert_items.)
        self._add_new_to_counts(page_ids)
        self.refresh_heads({row["thread_id"] for row in rows}, new_rows=True)
        # a message alone in its thread that was edited after it was written: its own activity
        self.refresh_activity({row["thread_id"] for row in rows  # type: ignore[attr-defined]
                               if row["updated_at"] and row["updated_at"] > row["created_at"]})
        self.conn.execute(insights_schema.NEW_ROOTS_REPLY_TIME, (page_ids,))
        self.conn.execute(insights_schema.NEW_OWNER_REPLIES_REPLY_TIME, (page_ids,))
        return ids

    def _upsert_threads(self, source_id: int, threads: dict[str, list[Any]]) -> dict[str, int]:
        """Create or touch the page's threads (key -> [last activity, root item id]); their ids."""
        ids: dict[str, int] = {}
        keys = list(threads)
        for chunk in _chunks(keys):
            values = ", ".join(["(?, ?, ?, ?)"] * len(chunk))
            ids.update((key, tid) for tid, key in self.conn.execute(
                f"INSERT INTO threads (source_id, root_external_id, last_activity_at, root_item_id) "
                f"VALUES {values} ON CONFLICT (source_id, root_external_id) DO UPDATE SET "
                "last_activity_at = max(coalesce(threads.last_activity_at, ''), excluded.last_activity_at), "
                "root_item_id = coalesce(excluded.root_item_id, threads.root_item_id) "
                "RETURNING id, root_external_id",
                [v for key in chunk for v in (source_id, key, *threads[key])]).fetchall())
        return ids

    def _merge_thread(self, from_id: int, into_id: int) -> None:
        self.conn.execute("UPDATE items SET thread_id = ? WHERE thread_id = ?", (into_id, from_id))
        self.conn.execute(
            "UPDATE threads SET last_activity_at = max(coalesce(last_activity_at, ''), "
            "(SELECT coalesce(last_activity_at, '') FROM threads WHERE id = ?)) WHERE id = ?",
            (from_id, into_id))
        self.conn.execute("DELETE FROM threads WHERE id = ?", (from_id,))

    def rebuild_derived(self) -> None:
        """Recompute what ingest derives (search index, reply times, per-day figures) from
        every item: for rows written by other means, such as a benchmark's bulk load."""
        with write_transaction(self.conn):
            self.conn.execute("DELETE FROM items_fts")
            self.conn.execute(_INDEX_ITEMS.format(where=""))
            insights_schema.rebuild(self.conn)
            self.recount_conversations()  # type: ignore[attr-defined]

    def mark_deleted(self, source_id: int, external_ids: Iterable[str]) -> int:
        """Mark items the source no longer has; they stay, flagged, with their tags."""
        now = format_time(utcnow())
        ext_ids = [str(e) for e in external_ids]
        with write_transaction(self.conn):
            cur = self.conn.executemany(
                "UPDATE items SET deleted_at = ? WHERE source_id = ? AND external_id = ? "
                "AND deleted_at IS NULL", [(now, source_id, e) for e in ext_ids])
            marked = cur.rowcount
            threads: set[int] = set()
            for chunk in _chunks(ext_ids):  # a deleted message no longer counts as activity
                threads.update(r[0] for r in self.conn.execute(
                    f"SELECT thread_id FROM items WHERE source_id = ? AND external_id IN ({','.join('?' * len(chunk))})",
                    (source_id, *chunk)))
            self.refresh_activity(threads)  # type: ignore[attr-defined]
        return marked


def _norm(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    return "" if value is None else value
