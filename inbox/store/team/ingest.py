"""The team store's ingest: a page of items upserted in one transaction with the source's
cursor, as `inbox.store.ingest` does for SQLite.

Why it is safe for two members' apps to sync the same page at once: a page's new items are
inserted in a savepoint, and when another app stored some of them meanwhile (the insert
waits for its transaction, then fails on the unique key) again with `ON CONFLICT
(source_id, external_id) DO NOTHING`, which stands aside; authors and threads are upserted on their unique keys,
and rows are written in key order so that two pages never lock each other in a cycle."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import Any

from psycopg.errors import UniqueViolation

from inbox.domain import Item, format_time, utcnow
from inbox.store.erasures import ErasuresMixin
from inbox.store.errors import NotFound
from inbox.store.ingest import IngestPipeline, IngestResult
from inbox.store.ingest_prep import AuthorKey, AuthorValues, PreparedItems, prepare_items
from inbox.store.team.activity import REFRESH_ACTIVITY
from inbox.store.team.ingest_pipeline import authors_wait, authors_written, await_previous, page_locked
from inbox.store.team.params import BIGINTS, TEXTS, json_list

_INSERTED = ("id", "source_id", "external_id", "kind", "url", "author_id", "rating", "title", "text",
             "html", "language", "created_at", "updated_at", "is_owner_reply", "parent_external_id",
             "root_external_id", "thread_id", "status", "deleted_at", "fetched_at", "raw", "sentiment",
             "sentiment_label", "is_head", "active_at")
_STAGED = (*_INSERTED, "author_text")
_STAGED_TYPES = ("int8", "int8", "text", "text", "text", "int8", "int2", "text", "text", "text", "text", "text",
                 "text", "bool", "text", "text", "int8", "text", "text", "text", "text", "float4", "text", "bool",
                 "text", "text")
_STAGED_VALUES = itemgetter(*_STAGED)  # a row's values in COPY's order (every key is set)
# A page's new rows on their way into items (the session's own; emptied at each commit).
STAGING = """CREATE TEMP TABLE IF NOT EXISTS page_items (
    id BIGINT, source_id BIGINT, external_id TEXT, kind TEXT, url TEXT, author_id BIGINT, rating SMALLINT,
    title TEXT, text TEXT, html TEXT, language TEXT, created_at TEXT, updated_at TEXT, is_owner_reply BOOLEAN,
    parent_external_id TEXT, root_external_id TEXT, thread_id BIGINT, status TEXT, deleted_at TEXT,
    fetched_at TEXT, raw TEXT, sentiment REAL, sentiment_label TEXT, is_head BOOLEAN, active_at TEXT,
    author_text TEXT) ON COMMIT DELETE ROWS"""
_COLUMNS = ", ".join(_INSERTED)
# From the staging table into items, in the unique index's key order, with the search vector.
_INSERT_STAGED = (f"INSERT INTO items ({_COLUMNS}, search) SELECT {_COLUMNS}, "
                  "items_search_vector(items_search_config(language), title, text, author_text) FROM page_items "
                  'ORDER BY external_id COLLATE "C" {conflict} RETURNING id')
# New items' ids, taken before their rows are written (their threads name them). The
# sequence's name is looked up once (MATERIALIZED): inlined, it was looked up for each row.
NEXT_IDS = """WITH q AS MATERIALIZED (SELECT pg_get_serial_sequence('items', 'id')::regclass AS seq)
SELECT nextval(q.seq) FROM q, generate_series(1, %s)"""
_COMPARED = ("kind", "url", "author_id", "rating", "title", "text", "html", "language",
             "created_at", "updated_at", "is_owner_reply", "parent_external_id", "deleted")
_BOOLEAN = ("is_owner_reply", "deleted")
# A page's items already stored, on the unique index. Never prepared: psycopg prepares a
# statement after its fifth run, and the server's generic plan, made while the table was
# small, kept only `source_id` as the index condition and compared every stored item of the
# source with the page's 500 keys (0.9 s a page at 20,000 items, ~40% of the session's CPU
# in a profile); a plan made for each page estimates from the table's current size.
EXISTING = (f"SELECT id, external_id, {', '.join(c for c in _COMPARED if c != 'deleted')}, "
            f"deleted_at IS NOT NULL FROM items WHERE source_id = %s AND external_id = ANY({TEXTS})")

# Each touched thread's head: its root if a customer wrote it, else its earliest customer
# message; only rows whose flag changes are written.
REFRESH_HEADS = """
WITH h AS (
    SELECT t.id AS tid, coalesce(
        (SELECT r.id FROM items r WHERE r.id = t.root_item_id AND NOT r.is_owner_reply),
        (SELECT x.id FROM items x WHERE x.thread_id = t.id AND NOT x.is_owner_reply
         ORDER BY x.created_at, x.id LIMIT 1)) AS hid
    FROM threads t WHERE t.id = ANY(%s))
UPDATE items i SET is_head = coalesce(i.id = h.hid, FALSE) FROM h
WHERE i.thread_id = h.tid AND i.is_head IS DISTINCT FROM coalesce(i.id = h.hid, FALSE)
"""
# A customer's new message in a conversation makes it unread again.
REOPEN = """
UPDATE items SET status = 'unread'
WHERE is_head AND status <> 'unread' AND thread_id IN (
    SELECT thread_id FROM items WHERE id = ANY(%s) AND NOT is_owner_reply AND NOT is_head
    AND status = 'unread')
"""


def _value(row: dict[str, Any], column: str) -> Any:
    value = row[column]
    return bool(value) if column in _BOOLEAN else value


def _norm(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    return "" if value is None else value


class TeamIngestMixin:
    def cursor(self) -> Any: ...  # TeamStore
    def transaction(self) -> Any: ...  # TeamStore

    def _salts(self) -> list[str]:
        """The salts of the erasure records (used by `ErasuresMixin.erasure_drops`)."""
        with self.cursor() as cur:
            return [r[0] for r in cur.execute("SELECT DISTINCT salt FROM erasure_digests")]

    def _known(self, digests: Iterable[str]) -> set[str]:
        with self.cursor() as cur:
            return {r[0] for r in cur.execute("SELECT digest FROM erasure_digests WHERE digest = ANY(%s)",
                                              (sorted(set(digests)),))}

    def save_page(self, source_id: int, items: Sequence[Item], cursor: dict[str, Any] | None = None, *,
                  pipeline: IngestPipeline | None = None) -> IngestResult:
        """Upsert a page and (optionally) the source's cursor in one transaction, with the
        pipeline's row steps (sentiment of new rows) and page steps (scores of changed rows,
        then the owner's rules), as locally."""
        from psycopg.types.json import Jsonb

        with self.transaction():
            result = self._upsert_page(source_id, items, pipeline)
            with self.cursor() as cur:
                if cursor is not None:
                    cur.execute("UPDATE sources SET cursor = %s WHERE id = %s", (Jsonb(cursor), source_id))
                cur.execute("SELECT fold_counts()")  # last: it holds the fold's lock until commit
        return result

    def upsert_items(self, source_id: int, items: Sequence[Item], *,
                     pipeline: IngestPipeline | None = None) -> IngestResult:
        """Insert new items, update changed ones in place (keeping triage and tags), skip
        unchanged ones and items without an id or content."""
        with self.transaction():
            result = self._upsert_page(source_id, items, pipeline)
            self.fold_counts()  # type: ignore[attr-defined]
        return result

    def _upsert_page(self, source_id: int, items: Sequence[Item], pipeline: IngestPipeline | None) -> IngestResult:
        result = IngestResult()
        with self.transaction(), self.cursor() as cur:
            # locked until the page commits: a removal of the source waits for it (M006)
            source = cur.execute("SELECT kind FROM sources WHERE id = %s FOR KEY SHARE", (source_id,)).fetchone()
            if source is None:
                raise NotFound(f"source {source_id} no longer exists")
            platform = source[0]
            # the checks and rows made ahead (on another thread, beside the previous page's
            # write: `prepare_items`), or now
            prepared = items if isinstance(items, PreparedItems) and items.fits(source_id, platform) \
                else prepare_items(source_id, platform, items)
            prepared.used = True  # its rows are filled in below: a second write prepares afresh
            result.skipped += prepared.skipped
            result.notes += prepared.notes
            batch = prepared.rows
            dropped = ErasuresMixin.erasure_drops(self, platform, batch, prepared.authors)  # type: ignore[arg-type]
            if dropped:
                result.skipped += len(dropped & batch.keys())
                batch = {k: v for k, v in batch.items() if k not in dropped}
            if not batch:
                return result
            author_of = self._team_author_ids(cur, {ext: prepared.authors[ext] for ext in batch})
            existing = {r[1]: r for r in cur.execute(EXISTING, (source_id, json_list(batch)), prepare=False).fetchall()}
            new_rows: list[dict[str, Any]] = []
            for ext_id, row in sorted(batch.items()):  # key order: concurrent pages never deadlock
                row["author_id"] = author_of[ext_id]
                author = prepared.authors[ext_id]  # its names as just upserted: what the search vector holds
                row["author_text"] = (f"{author[1][1]} {author[1][0]}"
                                      if author_of[ext_id] is not None and author is not None else None)
                old = existing.get(ext_id)
                if old is None:
                    new_rows.append(row)
                    continue
                before = dict(zip(("id", "external_id", *_COMPARED), old, strict=True))
                if any(_norm(before[k]) != _norm(_value(row, k)) for k in _COMPARED):
                    self._team_update(cur, before["id"], row)
                    result.updated_ids.append(before["id"])
                else:
                    result.unchanged += 1
            touched: set[int] = set()
            reopening: list[int] = []
            if result.updated_ids:
                touched |= {r[0] for r in cur.execute(
                    "SELECT DISTINCT thread_id FROM items WHERE id = ANY(%s) AND thread_id IS NOT NULL",
                    (result.updated_ids,))}
            if new_rows:
                # ids in time order, then the page's, as locally (IngestMixin._insert_and_thread)
                order = {ext: n for n, ext in enumerate(batch)}
                new_rows.sort(key=lambda r: (r["created_at"], order[r["external_id"]]))
                result.new_ids, threads = self._team_insert(cur, source_id, new_rows, pipeline)
                result.unchanged += len(new_rows) - len(result.new_ids)  # another app stored them first
                touched |= threads
                # only a customer's message in a conversation that was there before can reopen
                # it (in a new one, the head is as new as the message)
                stored = set(result.new_ids)
                reopening = [r["id"] for r in new_rows if r["id"] in stored and r["thread_id"] in threads
                             and not r["is_owner_reply"]]
            if touched:
                cur.execute(REFRESH_HEADS, (sorted(touched),))
                cur.execute(REFRESH_ACTIVITY, (sorted(touched),))
            if pipeline is not None:  # in the page's transaction: a rule's tag lands with its items
                pipeline.after_page(self, source_id, result)  # type: ignore[arg-type]
            if reopening:  # a customer's new message still unread after the rules reopens, as locally
                cur.execute(REOPEN, (sorted(reopening),))
        return result

    def _team_author_ids(self, cur: Any, authors: dict[str, tuple[AuthorKey, AuthorValues] | None]
                         ) -> dict[str, int | None]:
        """The author id of each item of a page (`authors`: each item's author key and
        values, from `prepare_items`): the known authors read in one statement;
        the new or changed ones upserted in a second (in key order), which returns their
        ids, also of an author another app stored meanwhile (most pages need only the read)."""
        keys = {ext_id: a[0] if a else None for ext_id, a in authors.items()}
        wanted: dict[AuthorKey, AuthorValues] = {a[0]: a[1] for a in authors.values() if a}
        ids: dict[tuple[str, str], int] = {}
        renamed = False
        if wanted:
            authors_wait(self, set(wanted))  # in a run of pages: after a page writing one of them
            ordered = sorted(wanted)
            for plat, ext, author_id, *names in cur.execute(
                    "SELECT a.platform, a.external_id, a.id, a.handle, a.display_name, a.profile_url FROM authors a "
                    f"JOIN unnest({TEXTS}, {TEXTS}) AS k(p, e) ON a.platform = k.p AND a.external_id = k.e",
                    (json_list([k[0] for k in ordered]), json_list([k[1] for k in ordered]))).fetchall():
                if tuple(names) == wanted[(plat, ext)]:
                    ids[(plat, ext)] = author_id
                else:
                    renamed = True
            todo = [k for k in ordered if k not in ids]
            if renamed:  # in a run of pages: the rename must see the previous page's rows
                await_previous(self)
            if todo:
                authors_written(self, todo)
                for plat, ext, author_id in cur.execute(
                        "INSERT INTO authors (platform, external_id, handle, display_name, profile_url) "
                        f"SELECT * FROM unnest({TEXTS}, {TEXTS}, {TEXTS}, {TEXTS}, {TEXTS}) "
                        "ON CONFLICT (platform, external_id) DO UPDATE SET handle = excluded.handle, "
                        "display_name = excluded.display_name, profile_url = excluded.profile_url "
                        "RETURNING platform, external_id, id",
                        [json_list([k[0] for k in todo]), json_list([k[1] for k in todo]),
                         *(json_list([wanted[k][n] for k in todo]) for n in range(3))]).fetchall():
                    ids[(plat, ext)] = author_id
        return {ext_id: ids[key] if key else None for ext_id, key in keys.items()}

    @staticmethod
    def _team_update(cur: Any, item_id: int, row: dict[str, Any]) -> None:
        cur.execute(
            "UPDATE items SET kind = %(kind)s, url = %(url)s, author_id = %(author_id)s, rating = %(rating)s, "
            "title = %(title)s, text = %(text)s, html = %(html)s, language = %(language)s, "
            "created_at = %(created_at)s, updated_at = %(updated_at)s, is_owner_reply = %(is_owner_reply)s, "
            "parent_external_id = %(parent_external_id)s, fetched_at = %(fetched_at)s, raw = %(raw)s, "
            "deleted_at = CASE WHEN %(deleted)s THEN coalesce(deleted_at, %(fetched_at)s) END "
            "WHERE id = %(id)s",
            {**row, "is_owner_reply": bool(row["is_owner_reply"]), "deleted": bool(row["deleted"]), "id": item_id})
        cur.execute(
            "UPDATE threads SET last_activity_at = greatest(coalesce(last_activity_at, ''), %s) "
            "WHERE id = (SELECT thread_id FROM items WHERE id = %s)",
            (row["updated_at"] or row["created_at"], item_id))

    def _team_insert(self, cur: Any, source_id: int, rows: list[dict[str, Any]],
                     pipeline: IngestPipeline | None) -> tuple[list[int], set[int]]:
        """Insert new rows into their threads. Returns the ids actually inserted (another app
        may have stored some first) and the threads that existed before, whose heads the
        caller works out again (a new thread's head is known here: its root, if a customer
        wrote it, else its earliest customer message)."""
        by_ext = {r["external_id"]: r for r in rows}
        parents = sorted({r["parent_external_id"] for r in rows if r["parent_external_id"]} - set(by_ext))
        stored_parent_thread = {ext: tid for ext, tid in cur.execute(  # never prepared: see EXISTING
            f"SELECT external_id, thread_id FROM items WHERE source_id = %s AND external_id = ANY({TEXTS}) "
            "AND thread_id IS NOT NULL", (source_id, json_list(parents)), prepare=False).fetchall()} if parents else {}

        def root_key(row: dict[str, Any], depth: int = 0) -> tuple[str, int | None]:
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

        ids = [r[0] for r in cur.execute(NEXT_IDS, (len(rows),)).fetchall()]
        keys = [root_key(r) for r in rows]
        activity: dict[str, str] = {}
        root_of: dict[str, int] = {}
        members: dict[str, list[dict[str, Any]]] = {}
        for row, item_id, (key, tid) in zip(rows, ids, keys, strict=True):
            row["id"], row["is_head"], row["active_at"] = item_id, False, None
            if tid is not None:
                row["thread_id"] = tid
                continue
            at = row["updated_at"] or row["created_at"]
            if at > activity.get(key, ""):
                activity[key] = at
            members.setdefault(key, []).append(row)
            if row["external_id"] == key and row["parent_external_id"] in (None, key):
                root_of[key] = item_id
        existing_threads = {tid for _key, tid in keys if tid is not None}
        if activity:
            ordered = sorted(activity)  # key order: two apps' pages lock threads alike
            for tid, key, created in cur.execute(
                    "INSERT INTO threads (source_id, root_external_id, last_activity_at, root_item_id) "
                    f"SELECT %s, k, a, r FROM unnest({TEXTS}, {TEXTS}, {BIGINTS}) AS u(k, a, r) "
                    "ON CONFLICT (source_id, root_external_id) DO UPDATE SET last_activity_at = "
                    "greatest(coalesce(threads.last_activity_at, ''), excluded.last_activity_at) "
                    "RETURNING id, root_external_id, xmax = 0",
                    (source_id, json_list(ordered), json_list([activity[k] for k in ordered]),
                     json_list([root_of.get(k) for k in ordered]))).fetchall():
                for row in members[key]:
                    row["thread_id"] = tid
                if not created:
                    existing_threads.add(tid)
                    continue
                group = members[key]
                if len(group) == 1:  # the usual new conversation: one message, its head if a customer's
                    r = group[0]
                    if not r["is_owner_reply"]:
                        r["is_head"] = True
                        latest = "" if r["deleted"] else r["updated_at"] or r["created_at"]
                        r["active_at"] = latest if latest > r["created_at"] else None
                    continue
                customers = [r for r in members[key] if not r["is_owner_reply"]]
                root = next((r for r in customers if r["id"] == root_of.get(key)), None)
                head = root or min(customers, key=lambda r: (r["created_at"], r["id"]), default=None)
                if head is not None:
                    head["is_head"] = True
                    # its conversation's latest activity, when later than itself (M007)
                    latest = max((r["updated_at"] or r["created_at"] for r in members[key] if not r["deleted"]),
                                 default="")
                    head["active_at"] = latest if latest > head["created_at"] else None
        page_locked(self)  # in a run of pages, the next page may start beside this one
        if pipeline is not None:
            pipeline.fill_new_rows(rows)
        # The page goes to a staging table by binary COPY (the rows' values encoded by
        # psycopg's C code: a third of the client's time per item went into encoding arrays),
        # then into items in one statement, in the unique index's key order.
        cur.execute(STAGING)
        with cur.copy(f"COPY page_items ({', '.join(_STAGED)}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(_STAGED_TYPES)
            for r in rows:
                r["is_owner_reply"], r["is_head"] = bool(r["is_owner_reply"]), bool(r["is_head"])
                copy.write_row(_STAGED_VALUES(r))
        try:
            # The page's rows were not there when it was read: a plain insert (in a savepoint),
            # which spares each row the upsert's probe of the unique index. Another app that
            # stored some of them meanwhile makes it fail; then they are skipped row by row.
            with cur.connection.transaction():
                inserted = sorted(r[0] for r in cur.execute(_INSERT_STAGED.format(conflict="")).fetchall())
        except UniqueViolation:
            inserted = sorted(r[0] for r in cur.execute(_INSERT_STAGED.format(
                conflict="ON CONFLICT (source_id, external_id) DO NOTHING")).fetchall())
        cur.execute("DELETE FROM page_items")  # a transaction may hold several pages
        done = set(inserted)
        # Replies that arrived before this row were threaded under its id, waiting for it:
        # their thread joins this row's (a chain arriving backwards ends as one thread).
        waiting = {r["external_id"]: r["thread_id"] for r in rows if r["id"] in done
                   and r["parent_external_id"] and r["parent_external_id"] != r["external_id"]}
        if waiting:
            for orphan, key in cur.execute(
                    "SELECT id, root_external_id FROM threads WHERE source_id = %s AND root_external_id = ANY(%s) "
                    "ORDER BY id", (source_id, sorted(waiting))).fetchall():
                into = waiting[key]
                if orphan != into:
                    cur.execute("UPDATE items SET thread_id = %s WHERE thread_id = %s", (into, orphan))
                    cur.execute("UPDATE threads SET last_activity_at = greatest(last_activity_at, (SELECT "
                                "last_activity_at FROM threads WHERE id = %s)) WHERE id = %s", (orphan, into))
                    cur.execute("DELETE FROM threads WHERE id = %s", (orphan,))
                    existing_threads.add(into)
        if existing_threads and inserted:
            # threads that were there before: a root that arrived after its replies, and the
            # latest activity of a stored parent's thread
            cur.execute(
                "UPDATE threads t SET root_item_id = i.id FROM items i WHERE i.id = ANY(%s) "
                "AND t.id = i.thread_id AND t.id = ANY(%s) AND t.root_external_id = i.external_id "
                "AND t.root_item_id IS NULL AND (i.parent_external_id IS NULL "
                "OR i.parent_external_id = i.external_id)", (inserted, sorted(existing_threads)))
            cur.execute(
                "UPDATE threads t SET last_activity_at = greatest(coalesce(t.last_activity_at, ''), m.latest) "
                "FROM (SELECT thread_id, max(coalesce(updated_at, created_at)) AS latest FROM items "
                "WHERE id = ANY(%s) AND thread_id = ANY(%s) GROUP BY thread_id) m WHERE t.id = m.thread_id",
                (inserted, sorted(existing_threads)))
        return inserted, existing_threads

    def mark_deleted(self, source_id: int, external_ids: Iterable[str]) -> int:
        """Mark items the source no longer has; they stay, flagged, with their tags. A deleted
        message no longer counts as its conversation's activity."""
        with self.transaction(), self.cursor() as cur:
            threads = [r[0] for r in cur.execute(
                "UPDATE items SET deleted_at = %s WHERE source_id = %s AND external_id = ANY(%s) "
                "AND deleted_at IS NULL RETURNING thread_id",
                (format_time(utcnow()), source_id, [str(e) for e in external_ids])).fetchall()]
            if any(t is not None for t in threads):
                cur.execute(REFRESH_ACTIVITY, (sorted({t for t in threads if t is not None}),))
            return len(threads)
