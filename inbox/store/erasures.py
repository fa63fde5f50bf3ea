"""Erasing a customer for good, and keeping them out afterwards.

`erase_customer` removes every platform identity of one person (the author and the authors
linked to them as the same person), their items, the owner's replies to those items, and
what hangs on them (tags, drafts, outbox entries, phrases, search entries, per-day
figures and reply times), overwriting what it deletes. It records one-way digests of the
identities and item ids (`erasure_schema`), which ingest checks on every page
(`erasure_drops`) and a restore re-applies (`reapply_erasures`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from inbox.domain import format_time, utcnow
from inbox.domain.authors import ErasureReport
from inbox.store.connection import write_transaction
from inbox.store.erasure_schema import AUTHOR, ITEM, SECURE_DELETE, digest
from inbox.store.ingest_prep import AuthorKey, AuthorValues

CHUNK = 500

# The owner's replies to the authors in :a (a JSON list): answering one of their items
# directly, or in a thread that one of their items started.
_OWNER_REPLIES = """
    SELECT r.id FROM items p
    JOIN items r ON r.thread_id = p.thread_id AND r.parent_external_id = p.external_id
    WHERE p.author_id IN (SELECT value FROM json_each(:a)) AND r.is_owner_reply = 1
      AND coalesce(r.author_id, -1) NOT IN (SELECT value FROM json_each(:a))
    UNION
    SELECT r.id FROM items p
    JOIN threads t ON t.id = p.thread_id AND t.root_item_id = p.id
    JOIN items r ON r.thread_id = t.id
    WHERE p.author_id IN (SELECT value FROM json_each(:a)) AND r.is_owner_reply = 1
      AND coalesce(r.author_id, -1) NOT IN (SELECT value FROM json_each(:a))
"""
_THEIR_ITEMS = "SELECT id FROM items WHERE author_id IN (SELECT value FROM json_each(:a))"
_EXTRA_ITEMS = "SELECT value FROM json_each(:x)"
_ERASED_IDS = f"{_THEIR_ITEMS} UNION {_OWNER_REPLIES} UNION {_EXTRA_ITEMS}"
_IN_SET = "(SELECT id FROM temp.erase_ids)"


@dataclass(slots=True)
class ErasureRecords:
    """Every erasure of a database, as digests only: what a restore carries over."""

    erasures: list[dict[str, Any]] = field(default_factory=list)   # id, erased_at, counts
    digests: list[tuple[str, str, str, int]] = field(default_factory=list)  # digest, kind, salt, erasure id
    unread: bool = False  # the database was too damaged to read them: the owner must be told


@dataclass(slots=True)
class Reapplied:
    """One erasure that a restored backup had not seen, and what re-applying it removed."""

    erased_at: str
    report: ErasureReport


def _chunks(seq: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(seq), size):
        yield seq[i:i + size]


class ErasuresMixin:
    conn: sqlite3.Connection

    if TYPE_CHECKING:  # from the other mixins
        def get_author(self, author_id: int) -> dict[str, Any]: ...
        def person_group(self, author_id: int) -> list[int]: ...

    # -- the salt and the digests --------------------------------------------------------

    def erasure_salt(self) -> str:
        """This database's salt for new digests."""
        return self.conn.execute("SELECT salt FROM erasure_salt WHERE id = 1").fetchone()[0]

    def _salts(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT DISTINCT salt FROM erasure_digests")]

    def _known(self, digests: Iterable[str]) -> set[str]:
        wanted = sorted(set(digests))
        found: set[str] = set()
        for chunk in _chunks(wanted):
            q = ",".join("?" * len(chunk))
            found.update(r[0] for r in self.conn.execute(
                f"SELECT digest FROM erasure_digests WHERE digest IN ({q})", tuple(chunk)))
        return found

    def erasure_drops(self, platform: str, rows: dict[str, dict[str, Any]],
                      authors: dict[str, tuple[AuthorKey, AuthorValues] | None]) -> set[str]:
        """External ids of a page's entries (`PreparedItems.rows` and `.authors`) that an
        erasure keeps out: written by an erased identity, an erased item itself, or an owner
        reply to an erased item (directly, in its thread, or to such a reply in the same
        page). Empty at once when nothing was ever erased."""
        salts = self._salts()
        if not salts:
            return set()
        keys: dict[str, list[str]] = {}     # external id -> its own and its author's digests
        answers: dict[str, list[str]] = {}  # owner reply's external id -> digests of what it answers
        for ext, row in rows.items():
            mine = []
            author = authors.get(ext)
            for salt in salts:
                mine.append(digest(salt, ITEM, platform, ext))
                if author is not None:
                    mine.append(digest(salt, AUTHOR, *author[0]))
                if row["is_owner_reply"]:
                    answers.setdefault(ext, []).extend(
                        digest(salt, ITEM, platform, x)
                        for x in (row["parent_external_id"], row["root_external_id"]) if x)
            keys[ext] = mine
        known = self._known([d for ds in (*keys.values(), *answers.values()) for d in ds])
        if not known:
            return set()
        dropped = {ext for ext, ds in keys.items() if known.intersection(ds)}
        dropped |= {ext for ext, ds in answers.items() if known.intersection(ds)}
        parents = {ext: row["parent_external_id"] for ext, row in rows.items()
                   if row["is_owner_reply"] and row["parent_external_id"]}
        grew = True
        while grew:  # a reply to a reply that goes, in this page
            more = {ext for ext, parent in parents.items() if parent in dropped} - dropped
            dropped |= more
            grew = bool(more)
        return dropped

    # -- erasing -----------------------------------------------------------------------

    def erasure_group(self, author_id: int) -> list[int]:
        """The author ids one erasure of `author_id` covers: the author and those linked
        to them as the same person. NotFound if there is no such author."""
        self.get_author(author_id)
        return self.person_group(author_id) or [author_id]

    def _fill_erase_set(self, author_ids: Sequence[int], extra_item_ids: Sequence[int]) -> None:
        conn = self.conn
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS erase_ids (id INTEGER PRIMARY KEY)")
        conn.execute("DELETE FROM temp.erase_ids")
        conn.execute(f"INSERT OR IGNORE INTO temp.erase_ids {_ERASED_IDS}",
                     {"a": json.dumps(list(author_ids)), "x": json.dumps(list(extra_item_ids))})

    def _count_erase_set(self, author_ids: Sequence[int]) -> ErasureReport:
        one = self.conn.execute
        a = json.dumps(list(author_ids))
        platforms = [r[0] for r in one(
            "SELECT platform FROM authors WHERE id IN (SELECT value FROM json_each(?)) ORDER BY platform", (a,))]
        row = one(f"""SELECT
            count(*) FILTER (WHERE is_owner_reply = 0),
            count(*) FILTER (WHERE is_owner_reply = 1),
            count(*) FILTER (WHERE is_owner_reply = 0 AND deleted_at IS NULL)
            FROM items WHERE id IN {_IN_SET}""").fetchone()
        return ErasureReport(
            identities=platforms, items=row[0], owner_replies=row[1],
            tags=one(f"SELECT count(*) FROM item_tags WHERE item_id IN {_IN_SET}").fetchone()[0],
            drafts=one(f"SELECT count(*) FROM drafts WHERE item_id IN {_IN_SET}").fetchone()[0],
            outbox=one(f"SELECT count(*) FROM outbox WHERE item_id IN {_IN_SET}").fetchone()[0],
            phrases=one(f"SELECT count(*) FROM item_phrases WHERE item_id IN {_IN_SET}").fetchone()[0],
            figures=row[2])

    def erasure_preview(self, author_ids: Sequence[int]) -> ErasureReport:
        """What `erase_customer` would remove (a read; nothing is changed)."""
        self._fill_erase_set(author_ids, ())  # a temp table: no write to the database file
        report = self._count_erase_set(author_ids)
        self.conn.execute("DELETE FROM temp.erase_ids")
        return report

    def erase_customer(self, author_ids: Sequence[int], *, extra_item_ids: Sequence[int] = (),
                       carried: tuple[dict[str, Any], Sequence[tuple[str, str, str, int]]] | None = None,
                       ) -> ErasureReport:
        """Erase these authors, their items, the owner's replies to them (and `extra_item_ids`)
        with everything derived, and record digests that keep them out (`carried`: an
        erasure row and its digests from another copy, recorded instead). Deleted rows are
        overwritten (`secure_delete`), the search index is merged so that their words leave
        it, and the WAL is checkpointed: their text must not stay in the file."""
        conn = self.conn
        salt = self.erasure_salt()
        conn.execute("PRAGMA secure_delete = ON")
        try:
            with write_transaction(conn):
                self._fill_erase_set(author_ids, extra_item_ids)
                report = self._count_erase_set(author_ids)
                a = json.dumps(list(author_ids))
                identities = conn.execute(
                    "SELECT platform, external_id FROM authors WHERE id IN (SELECT value FROM json_each(?))",
                    (a,)).fetchall()
                items = conn.execute(
                    f"SELECT s.kind, i.external_id FROM items i JOIN sources s ON s.id = i.source_id "
                    f"WHERE i.id IN {_IN_SET}").fetchall()
                digests = {digest(salt, AUTHOR, p, e): AUTHOR for p, e in identities}
                digests.update({digest(salt, ITEM, k, e): ITEM for k, e in items})
                report.kept_out_identities = len(identities)
                report.kept_out_items = len(items)
                thread_ids = [r[0] for r in conn.execute(
                    f"SELECT DISTINCT thread_id FROM items WHERE id IN {_IN_SET} AND thread_id IS NOT NULL")]
                for table in ("item_tags", "item_phrases", "drafts", "outbox"):
                    conn.execute(f"DELETE FROM {table} WHERE item_id IN {_IN_SET}")
                conn.execute(f"DELETE FROM items WHERE id IN {_IN_SET}")
                tids = json.dumps(thread_ids)
                conn.execute("DELETE FROM threads WHERE id IN (SELECT value FROM json_each(?)) "
                             "AND NOT EXISTS (SELECT 1 FROM items WHERE thread_id = threads.id)", (tids,))
                conn.execute("UPDATE threads SET root_item_id = NULL WHERE id IN (SELECT value FROM json_each(?)) "
                             "AND root_item_id NOT IN (SELECT id FROM items)", (tids,))
                self.refresh_heads(thread_ids)  # type: ignore[attr-defined]  # what is left, headed again
                # Per-day figures the delete trigger counted down to nothing.
                conn.execute("DELETE FROM insight_days WHERE n <= 0")
                conn.execute("UPDATE authors SET person_id = NULL WHERE person_id IN "
                             "(SELECT value FROM json_each(?))", (a,))
                conn.execute("DELETE FROM authors WHERE id IN (SELECT value FROM json_each(?))", (a,))
                if carried is not None:
                    erasure, rows = carried
                    erased_at, counts = erasure["erased_at"], erasure["counts"]
                    rows = [(d, kind, s) for d, kind, s, _ in rows]
                else:
                    erased_at, counts = format_time(utcnow()), json.dumps(report.counts())
                    rows = [(d, kind, salt) for d, kind in digests.items()]
                if rows:
                    erasure_id = conn.execute("INSERT INTO erasures (erased_at, counts) VALUES (?, ?)",
                                              (erased_at, counts)).lastrowid
                    conn.executemany(
                        "INSERT OR IGNORE INTO erasure_digests (digest, kind, salt, erasure_id) VALUES (?, ?, ?, ?)",
                        [(*row, erasure_id) for row in rows])
                conn.execute("DELETE FROM temp.erase_ids")
                # Deleted search entries stay in old index segments until merged away.
                conn.execute("INSERT INTO items_fts (items_fts) VALUES ('optimize')")
        finally:
            conn.execute(f"PRAGMA secure_delete = {SECURE_DELETE}")
        # Old copies of the pages may sit in the WAL; move them out if no reader holds it.
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return report

    # -- restores ------------------------------------------------------------------------

    def erasure_records(self) -> ErasureRecords:
        """Every erasure with its digests (nothing readable): taken before a restore."""
        return ErasureRecords(
            erasures=[dict(r) for r in self.conn.execute("SELECT id, erased_at, counts FROM erasures ORDER BY id")],
            digests=[tuple(r) for r in self.conn.execute(
                "SELECT digest, kind, salt, erasure_id FROM erasure_digests")])

    def reapply_erasures(self, records: ErasureRecords) -> list[Reapplied]:
        """Carry `records` (taken from the database before a restore) into this one and
        erase again whatever of theirs it holds: the restored copy may predate them.
        Returns the erasures that this copy lacked, oldest first, with what they removed."""
        done: list[Reapplied] = []
        self.__dict__.pop("_reapply_cache", None)
        by_erasure: dict[int, list[tuple[str, str, str, int]]] = {}
        for row in records.digests:
            by_erasure.setdefault(row[3], []).append(row)
        for erasure in records.erasures:
            rows = by_erasure.get(erasure["id"], [])
            if not rows or len(self._known(r[0] for r in rows)) == len(rows):
                continue  # this copy already has it
            report = self.erase_customer(self._matching_authors(rows), extra_item_ids=self._matching_items(rows),
                                         carried=(erasure, rows))
            done.append(Reapplied(erasure["erased_at"], report))
        self.__dict__.pop("_reapply_cache", None)
        return done

    def _matching_authors(self, rows: Sequence[tuple[str, str, str, int]]) -> list[int]:
        wanted = {d for d, kind, _, _ in rows if kind == AUTHOR}
        salts = {salt for _, kind, salt, _ in rows if kind == AUTHOR}
        return sorted({aid for salt in salts for d, aid in self._digests_of(AUTHOR, salt).items() if d in wanted})

    def _matching_items(self, rows: Sequence[tuple[str, str, str, int]]) -> list[int]:
        wanted = {d for d, kind, _, _ in rows if kind == ITEM}
        salts = {salt for _, kind, salt, _ in rows if kind == ITEM}
        return sorted({iid for salt in salts for d, iid in self._digests_of(ITEM, salt).items() if d in wanted})

    def _digests_of(self, kind: str, salt: str) -> dict[str, int]:
        """Digest -> row id of every author or item stored, under `salt`, computed once per
        restore (a restore may re-apply many erasures; ids of rows erased meanwhile match
        nothing and cost nothing)."""
        cache: dict[tuple[str, str], dict[str, int]] = self.__dict__.setdefault("_reapply_cache", {})
        if (kind, salt) not in cache:
            sql = ("SELECT id, platform, external_id FROM authors" if kind == AUTHOR else
                   "SELECT i.id, s.kind, i.external_id FROM items i JOIN sources s ON s.id = i.source_id")
            cache[(kind, salt)] = {digest(salt, kind, p, e): rid for rid, p, e in self.conn.execute(sql)}
        return cache[(kind, salt)]
