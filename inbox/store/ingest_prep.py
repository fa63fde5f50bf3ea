"""A page's items made ready for ingest ahead of the write, on another thread.

Why: the sync's writer thread is the critical path of a big sync or import. The per-item
Python of ingest that needs no database (the checks, building each row, the author keys)
took a fifth of its time; done here, on the thread that hands the page over, it runs
beside the writer's SQLite instead of before it. `save_page` takes the result as its list
of items (a plain list to any store that does not know it) and re-checks nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from inbox.domain import Author, Item, format_time, parse_time, utcnow
from inbox.domain.item_checks import raw_json, unstorable

# what a note never mentions: entries without an id or content are usual, not worth one
QUIET_PROBLEMS = ("no id", "no text and no rating")
AuthorKey = tuple[str, str]
AuthorValues = tuple[str, str, str]


class PreparedItems(list):  # type: ignore[type-arg]  # a list[Item], as save_page takes
    """The items of a page (the list itself) with ingest's database-free work done:
    `rows` (external id -> its row for the items table, without its author id: the
    entries, checked, duplicates resolved, in order), `authors` (each entry's author key
    and values, or None), and the `skipped` count and `notes` of the entries left out.

    Pickled (a big file's reader process sends its batches so), it takes its rows and
    authors and leaves its items behind: ingest reads only the rows, and loading the
    items cost the sync's process two thirds of a batch's load, GIL held beside the
    writer's thread (docs/benchmarks.md, issue 19, tenth session). The copy that arrives
    rebuilds its items from its rows when it is read as a list."""

    __slots__ = ("authors", "notes", "platform", "rows", "skipped", "source_id", "used")

    def __init__(self, items: Iterable[Item], source_id: int, platform: str) -> None:
        super().__init__(items)
        self.source_id, self.platform, self.used = source_id, platform, False
        self.skipped, self.notes = 0, []
        self.rows: dict[str, dict[str, Any]] = {}
        self.authors: dict[str, tuple[AuthorKey, AuthorValues] | None] = {}

    def fits(self, source_id: int, platform: str) -> bool:
        """True when made for this source and not written yet (a write fills in its rows)."""
        return not self.used and self.source_id == source_id and self.platform == platform

    def __reduce__(self) -> tuple[Any, ...]:
        return (_arrived, (self.source_id, self.platform, self.rows, self.authors, self.skipped,
                           self.notes, len(self)))


class _Arrived(PreparedItems):
    """A PreparedItems from another process: its items are rebuilt from its rows (`item_of`)
    the first time they are read; until then its length is that of the list it was."""

    __slots__ = ("_size",)

    def _load(self) -> None:
        if self._size is not None:
            self._size = None
            list.extend(self, [item_of(row, self.authors[ext], self.platform) for ext, row in self.rows.items()])

    def __len__(self) -> int:
        return list.__len__(self) if self._size is None else self._size

    def __iter__(self) -> Iterator[Item]:
        self._load()
        return list.__iter__(self)

    def __reversed__(self) -> Iterator[Item]:
        self._load()
        return list.__reversed__(self)

    def __getitem__(self, index: Any) -> Any:
        self._load()
        return list.__getitem__(self, index)

    def __contains__(self, value: object) -> bool:
        self._load()
        return list.__contains__(self, value)


def _arrived(source_id: int, platform: str, rows: dict[str, dict[str, Any]],
             authors: dict[str, tuple[AuthorKey, AuthorValues] | None], skipped: int, notes: list[str],
             size: int) -> _Arrived:
    prepared = _Arrived((), source_id, platform)
    prepared.rows, prepared.authors, prepared.skipped, prepared.notes = rows, authors, skipped, notes
    prepared._size = size
    return prepared


def item_of(row: dict[str, Any], author: tuple[AuthorKey, AuthorValues] | None, platform: str) -> Item:
    """The item a row of `platform`'s was made from, as far as ingest can tell: `row_for`
    makes the same row of it, and `author_key` the same key."""
    raw = row["raw"]
    return Item(
        external_id=row["external_id"], kind=row["kind"], text=row["text"], title=row["title"],
        url=row["url"], rating=row["rating"], html=row["html"], language=row["language"],
        author=None if author is None else Author(
            external_id=author[0][1], platform="" if author[0][0] == platform else author[0][0], handle=author[1][0],
            display_name=author[1][1], profile_url=author[1][2]),
        created_at=parse_time(row["created_at"]), updated_at=parse_time(row["updated_at"]),
        is_owner_reply=bool(row["is_owner_reply"]), parent_external_id=row["parent_external_id"],
        root_external_id=row["root_external_id"], deleted=bool(row["deleted"]),
        raw=None if raw is None else json.loads(raw))


def author_key(platform: str, author: Author | None) -> AuthorKey | None:
    if author is None or not (author.external_id or author.display_name):
        return None
    return (author.platform or platform, str(author.external_id or author.display_name))


def row_for(source_id: int, item: Item, author_id: int | None, now: str) -> dict[str, Any]:
    """The items-table row of a new or changed item (raises on a `raw` it cannot store)."""
    created = format_time(item.created_at) or format_time(item.updated_at) or now
    return {
        "source_id": source_id,
        "external_id": str(item.external_id),
        "kind": str(item.kind),
        "url": item.url or "",
        "author_id": author_id,
        "rating": item.rating if item.rating in (1, 2, 3, 4, 5) else None,
        "title": item.title or "",
        "text": item.text or "",
        "html": item.html,
        "language": item.language or "",
        "created_at": created,
        "updated_at": format_time(item.updated_at),
        "is_owner_reply": int(bool(item.is_owner_reply)),
        "parent_external_id": str(item.parent_external_id) if item.parent_external_id else None,
        "root_external_id": str(item.root_external_id) if item.root_external_id else None,
        "deleted": int(bool(item.deleted)),
        "deleted_at": now if item.deleted else None,
        "fetched_at": now,
        "raw": raw_json(item.raw) if item.raw is not None else None,
        "status": "read" if item.is_owner_reply else "unread",
        "sentiment": None,
        "sentiment_label": None,
        "is_head": 0,  # worked out with the row's thread (_insert_and_thread)
        # its conversation's latest activity once threaded (refresh_heads); written now, at
        # its final width, so that later changes overwrite the row in place instead of
        # leaving an old copy of it in the file (an erasure must leave no text behind)
        "active_at": created,
    }


def prepare_items(source_id: int, platform: str, items: Sequence[Item], *, checked: bool = False
                  ) -> PreparedItems:
    """`items` checked and turned into rows; raises what `row_for` raises on an entry the
    database cannot take (the write then finds it entry by entry, as without preparing).
    `checked`: each item passed `unstorable` already (a file's reader checks every row to
    name it by its line), so only duplicates are looked for: the check again was a sixth
    of the reader process's CPU (h19csv4)."""
    prepared = PreparedItems(items, source_id, platform)
    entries: dict[str, Item] = {}
    for position, item in enumerate(items, start=1):
        problem = None if checked else unstorable(item, deep=False)
        if problem is not None:
            prepared.skipped += 1
            if problem not in QUIET_PROBLEMS:
                prepared.notes.append(f"entry {position} ({str(item.external_id)[:40]}): {problem}")
            continue
        entries[str(item.external_id)] = item  # the later copy of a duplicate wins
    now = format_time(utcnow()) or ""
    rows, authors = prepared.rows, prepared.authors
    for ext_id, item in entries.items():
        rows[ext_id] = row_for(source_id, item, None, now)
        key = author_key(platform, item.author)
        if key is None:
            authors[ext_id] = None
        else:
            a = item.author
            assert a is not None
            authors[ext_id] = (key, (a.handle or "", a.display_name or "", a.profile_url or ""))
    return prepared


def joined(parts: Sequence[Sequence[Item]], source_id: int, platform: str) -> list[Item]:
    """The items of consecutive pages as one list, kept prepared when every page came
    prepared for this source (a big file's reader process prepares its batches): as if
    prepared together, the later copy of a duplicate winning. Else a plain list."""
    if not parts or not all(isinstance(p, PreparedItems) and p.fits(source_id, platform) for p in parts):
        return [item for part in parts for item in part]
    if len(parts) == 1:
        return parts[0]  # type: ignore[return-value]
    if any(isinstance(p, _Arrived) for p in parts):  # their items stay unread
        prepared: PreparedItems = _arrived(source_id, platform, {}, {}, 0, [], sum(map(len, parts)))
    else:
        prepared = PreparedItems((item for part in parts for item in part), source_id, platform)
    for part in parts:
        assert isinstance(part, PreparedItems)
        prepared.skipped += part.skipped
        prepared.notes += part.notes
        prepared.rows.update(part.rows)
        prepared.authors.update(part.authors)
    return prepared
