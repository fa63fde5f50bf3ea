"""Moving a local inbox (the SQLite file) into a new team inbox, without loss.

Everything the owner made or was given is copied with its ids (so the keyring entries,
filed under the database's id and each source's id, keep working): sources, authors,
threads, items with their triage, tags, drafts, the outbox, sync history, settings, saved
views, rules, saved replies, erasure records and aspect choices. What is derived from those
(search index, counts, per-day figures, phrases, aspect mentions) is made again by the team
store or its background passes, not copied.

Why one transaction: a failed or interrupted import leaves the team inbox as empty as it
was; and before it commits, every table's count and a sample of items (field by field, with
their tags) are compared with the file. A difference rolls it all back."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from inbox.store.errors import StoreError
from inbox.store.team.activity import ALL_ACTIVITY

# (table, columns, which of them are booleans, which are jsonb), in foreign-key order.
TABLES: tuple[tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]], ...] = (
    ("settings", ("key", "value"), (), ()),
    ("sources", ("id", "kind", "name", "whose", "settings", "cursor", "stats", "enabled", "created_at",
                 "last_synced_at", "last_error"), ("enabled",), ("settings", "cursor", "stats")),
    ("authors", ("id", "platform", "external_id", "handle", "display_name", "profile_url", "person_id"), (), ()),
    ("threads", ("id", "source_id", "root_external_id", "root_item_id", "last_activity_at"), (), ()),
    ("items", ("id", "source_id", "external_id", "kind", "url", "author_id", "rating", "title", "text", "html",
               "language", "created_at", "updated_at", "is_owner_reply", "parent_external_id",
               "root_external_id", "thread_id", "status", "snoozed_until", "deleted_at", "fetched_at", "raw",
               "sentiment", "sentiment_label", "sentiment_override", "is_head"),
     ("is_owner_reply", "is_head"), ()),
    ("tags", ("id", "name", "colour"), (), ()),
    ("item_tags", ("item_id", "tag_id"), (), ()),
    ("drafts", ("item_id", "text", "created_at", "updated_at"), (), ()),
    ("sync_runs", ("id", "source_id", "started_at", "finished_at", "fetched", "new", "updated", "skipped",
                   "error", "error_kind"), (), ()),
    ("outbox", ("id", "item_id", "source_id", "text", "state", "idempotency_key", "attempts", "last_error",
                "not_before", "mark_done", "remote_id", "created_at", "sent_at"), ("mark_done",), ()),
    ("saved_views", ("id", "name", "filter", "created_at"), (), ()),
    ("rules", ("id", "name", "enabled", "conditions", "actions", "position", "created_at"), ("enabled",), ()),
    ("saved_replies", ("id", "name", "body", "created_at", "updated_at"), (), ()),
    ("erasure_salt", ("id", "salt"), (), ()),
    ("erasures", ("id", "erased_at", "counts"), (), ()),
    ("erasure_digests", ("digest", "kind", "salt", "erasure_id"), (), ()),
    ("aspect_choices", ("term", "category", "hidden"), ("hidden",), ()),
    ("aspect_corrections", ("item_id", "term", "polarity"), (), ()),
)
# Tables whose ids the team store hands out from now on (after the copied ones).
IDENTITY_TABLES = ("sources", "authors", "threads", "items", "tags", "sync_runs", "outbox", "saved_views",
                   "rules", "saved_replies", "erasures")
SAMPLE = 500  # items compared field by field (spread over the whole file)
_COMPARED = ("source_id", "external_id", "kind", "rating", "title", "text", "created_at", "status",
             "snoozed_until", "is_owner_reply", "thread_id", "author_id")


@dataclass(slots=True)
class ImportReport:
    """What was copied: rows per table (equal on both sides, or the import was undone) and
    how many items were compared field by field."""

    counts: dict[str, int] = field(default_factory=dict)
    compared: int = 0


class ImportMismatch(StoreError):
    """The copy differs from the file; nothing was kept."""


def _sqlite_tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _convert(row: tuple, booleans: set[int], jsons: set[int]) -> list[Any]:
    from psycopg.types.json import Jsonb

    out = list(row)
    for i in booleans:
        if out[i] is not None:
            out[i] = bool(out[i])
    for i in jsons:
        out[i] = Jsonb(json.loads(out[i] or "{}"))
    return out


def import_local(local: Any, team: Any, *, progress: Callable[[str, int], None] | None = None,
                 sample: int = SAMPLE) -> ImportReport:
    """Copy the SQLite store `local` into the empty team store `team`, in one transaction,
    checked before it commits. Raises StoreError when the team inbox is not empty."""
    src: sqlite3.Connection = local.conn
    present = _sqlite_tables(src)
    report = ImportReport()
    with team.transaction(), team.cursor() as cur:
        held = cur.execute("SELECT (SELECT count(*) FROM sources) + (SELECT count(*) FROM items)").fetchone()[0]
        if held:
            raise StoreError(f"The team inbox {team.path} already holds sources or items; an inbox can only be "
                             "imported into a new one (`inbox team init` on an empty database).")
        cur.execute("DELETE FROM settings")  # the id made on opening gives way to the file's
        for table, columns, booleans, jsons in TABLES:
            if table not in present:
                report.counts[table] = 0
                continue
            flags = {columns.index(c) for c in booleans}
            as_json = {columns.index(c) for c in jsons}
            n = 0
            with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in src.execute(f"SELECT {', '.join(columns)} FROM {table}"):
                    copy.write_row(_convert(tuple(row), flags, as_json))
                    n += 1
            report.counts[table] = n
            if progress:
                progress(table, n)
        cur.execute(ALL_ACTIVITY)  # each conversation's latest activity, derived from the rows
        # what the file's owner had read stays read for them (read state is each member's own)
        cur.execute("INSERT INTO member_reads (member, item_id, status) SELECT session_user, id, 'read' FROM items "
                    "WHERE status = 'read' AND NOT is_owner_reply ON CONFLICT DO NOTHING")
        for table in IDENTITY_TABLES:
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)")
        for table, _columns, _b, _j in TABLES:
            theirs = cur.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            if theirs != report.counts[table]:
                raise ImportMismatch(f"The import was undone: {table} has {report.counts[table]:,} rows in the "
                                     f"file but {theirs:,} in the team inbox.")
        report.compared = _compare_sample(src, cur, sample)
    return report


def _compare_sample(src: sqlite3.Connection, cur: Any, sample: int) -> int:
    """Compare `sample` items picked at random (and the first and last), field by field and
    with their tags, between the file and the team inbox."""
    ids = [r[0] for r in src.execute(
        "SELECT id FROM items WHERE id IN (SELECT min(id) FROM items UNION SELECT max(id) FROM items) "
        "UNION SELECT id FROM (SELECT id FROM items ORDER BY random() LIMIT ?)", (sample,))]
    if not ids:
        return 0
    cols = ", ".join(_COMPARED)
    tags_of: dict[int, list[str]] = {}
    for item_id, name in src.execute(
            "SELECT it.item_id, t.name FROM item_tags it JOIN tags t ON t.id = it.tag_id "
            "WHERE it.item_id IN (SELECT value FROM json_each(?))", (json.dumps(ids),)):
        tags_of.setdefault(item_id, []).append(name)
    mine = {r[0]: (*r[1:], sorted(tags_of.get(r[0], []))) for r in src.execute(
        f"SELECT id, {cols} FROM items WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(ids),))}
    theirs = {r[0]: (*r[1:-1], sorted(r[-1] or [])) for r in cur.execute(
        f"SELECT i.id, {', '.join('i.' + c for c in _COMPARED)}, (SELECT array_agg(t.name) FROM item_tags it "
        "JOIN tags t ON t.id = it.tag_id WHERE it.item_id = i.id) FROM items i WHERE i.id = ANY(%s)", (ids,))}
    flag = _COMPARED.index("is_owner_reply")
    for item_id, values in mine.items():
        expected = tuple(bool(v) if n == flag else v for n, v in enumerate(values))
        if theirs.get(item_id) != expected:
            raise ImportMismatch(f"The import was undone: item {item_id} differs between the file and the "
                                 "team inbox.")
    return len(mine)
