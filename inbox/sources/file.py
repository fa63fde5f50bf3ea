"""File import: reviews from a CSV or JSON export of anywhere else.

`mapping` names which column (CSV) or key (JSON; dots reach into nested objects) holds each
of our fields, e.g. `id=Review ID,text=Comment,rating=Stars`; omitted fields are found by
common column names. Rows without an id column get a stable hash of their content as id, so
importing the same file again changes nothing; an unchanged file (same content hash) is not
even read twice. Bad rows are skipped, counted, and named by line in the cursor's `notes`.
Cells are stored as plain text: a `=cmd|...` or `<script>` cell is just text.
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import itertools
import json
import logging
import re
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from inbox.domain import Author, Item, ItemKind, format_time, parse_time, utcnow
from inbox.domain.item_checks import unstorable
from inbox.domain.models import normalise_rating
from inbox.sources import file_child, file_rows
from inbox.sources.base import BadPayload, Connector, Page, Setting, SourceError
from inbox.sources.file_presets import detect, mapping_for, preset_named
from inbox.sources.tolerant import counted, stable_id

log = logging.getLogger("inbox.sources.file")

REVIEW_FIELDS = ("text", "rating", "author", "created_at", "url", "title")
FIELDS = ("id", *REVIEW_FIELDS, "reply", "replied_at")  # reply: the business's answer
PAGE_SIZE = 500
MAX_NOTES = 20
MAX_BYTES = 200 * 1024 * 1024

# Column names (lower-case, letters and digits only) that mean each field when no mapping says.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("id", "reviewid", "externalid", "commentid", "responseid", "uuid", "guid", "key"),
    "text": ("text", "review", "reviewtext", "comment", "comments", "body", "content", "message",
             "feedback", "reviewbody", "description"),
    "rating": ("rating", "stars", "starrating", "score", "reviewrating", "rate"),
    "author": ("author", "authorname", "name", "reviewer", "reviewername", "user", "username",
               "customer", "customername", "from"),
    "created_at": ("createdat", "date", "created", "time", "timestamp", "reviewdate", "datetime",
                   "published", "publishedat", "submittedat", "submitted", "postedat",
                   "reviewsubmitdateandtime"),
    "url": ("url", "link", "permalink", "reviewurl", "reviewlink", "href"),
    "title": ("title", "subject", "headline", "summary", "reviewtitle"),
    "reply": ("reply", "replytext", "developerreplytext", "ownerreply", "ownerresponse",
              "businessreply", "businessresponse", "companyreply", "managementresponse"),
    "replied_at": ("repliedat", "replydate", "replytime", "replydateandtime",
                   "developerreplydateandtime", "responsedate"),
}
_JSON_START = re.compile(r"\s*[\[{]")  # (not lstrip(): that copies the whole file)
_DATE_FORMATS = ("%d/%m/%Y %H:%M", "%d/%m/%Y", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%Y/%m/%d %H:%M:%S",
                 "%Y/%m/%d", "%b %d, %Y", "%d %b %Y", "%B %d, %Y", "%d %B %Y")


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def parse_mapping(value: str | None) -> dict[str, str]:
    """'id=Review ID,text=Comment' → {'id': 'Review ID', 'text': 'Comment'}."""
    mapping: dict[str, str] = {}
    for part in (value or "").split(","):
        if not part.strip():
            continue
        field, sep, column = part.partition("=")
        field, column = field.strip().lower(), column.strip()
        if not sep or not column:
            raise SourceError(f"mapping: {part.strip()!r} should look like field=Column")
        if field not in FIELDS:
            raise SourceError(f"mapping: unknown field {field!r}; the fields are {', '.join(FIELDS)}")
        mapping[field] = column
    return mapping


def resolve_mapping(explicit: dict[str, str], columns: list[str]) -> dict[str, str]:
    """Our field → the file's column name: the explicit mapping checked against the file,
    then common names for the fields it leaves out."""
    exact = set(columns)
    by_lower = {c.strip().lower(): c for c in columns}
    resolved: dict[str, str] = {}
    for field, column in explicit.items():
        if column in exact or "." in column:  # dotted paths reach into JSON objects
            resolved[field] = column
        elif column.strip().lower() in by_lower:
            resolved[field] = by_lower[column.strip().lower()]
        else:
            shown = ", ".join(repr(c) for c in columns[:30]) or "none"
            raise SourceError(f"mapping: the file has no column {column!r} (for {field}); "
                              f"its columns are {shown}")
    used = set(resolved.values())
    by_key = {}
    for column in columns:
        by_key.setdefault(_key(column), column)
    for field in FIELDS:
        if field in resolved:
            continue
        for name in SYNONYMS[field]:
            column = by_key.get(name)
            if column and column not in used:
                resolved[field] = column
                used.add(column)
                break
    if "text" not in resolved and "rating" not in resolved and "title" not in resolved:
        shown = ", ".join(repr(c) for c in columns[:30]) or "none"
        raise SourceError("cannot tell which column holds the review text: add e.g. "
                          f"mapping text=Comment (the file's columns are {shown})")
    return resolved


Rows = Iterator[tuple[int, Any]]


def read_rows(data: bytes, suffix: str) -> tuple[list[str], Rows, str, bool]:
    """(column names, (number, row) pairs, "line" or "row" as what the numbers count, and
    whether the rows are CSV records) from a CSV, JSON or JSON Lines file. A CSV row is its
    list of cells (`as_dict` makes it a dict, as JSON's are), so that rows held before use
    cost no dict each."""
    # UTF-8 (with or without BOM), or UTF-16 with its BOM (Play Console's review reports);
    # a row with bytes that are not UTF-8 is skipped, not the file (file_rows.decode)
    content = file_rows.decode(data)
    if suffix in (".jsonl", ".ndjson"):
        return (*_json_lines(content), "line", False)
    if suffix == ".json" or _JSON_START.match(content):
        return (*_json(content), "row", False)
    return (*_csv(content), "line", True)


def _csv(content: str) -> tuple[list[str], Rows]:
    sample = content[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    return file_rows.csv_records(content, dialect)  # a broken row costs that row only


def _json(content: str) -> tuple[list[str], Rows]:
    try:
        data = json.loads(content)
    except ValueError as exc:
        raise BadPayload(f"the JSON file cannot be read: {exc}") from None
    except RecursionError:
        raise BadPayload("the JSON file is nested far deeper than any export of reviews") from None
    if isinstance(data, dict):  # {"reviews": [...]}: take the first list of objects
        data = next((v for v in data.values() if isinstance(v, list)), [data])
    if not isinstance(data, list):
        raise BadPayload("the JSON file should hold a list of objects")
    columns: list[str] = []
    for obj in data[:200]:
        for k in obj if isinstance(obj, dict) else ():
            if k not in columns:
                columns.append(k)
    return columns, ((n, obj) for n, obj in enumerate(data, start=1))


def _json_lines(content: str) -> tuple[list[str], Rows]:
    rows: list[tuple[int, Any]] = []
    for n, line in enumerate(content.splitlines(), start=1):
        if line.strip():
            try:
                rows.append((n, json.loads(line)))
            except ValueError:
                rows.append((n, file_rows.BadRow("not an object")))
            except RecursionError:
                rows.append((n, file_rows.BadRow("nested far deeper than any export")))
    columns: list[str] = []
    for _, obj in rows[:200]:
        for k in obj if isinstance(obj, dict) else ():
            if k not in columns:
                columns.append(k)
    return columns, iter(rows)


def as_dict(row: Any, columns: list[str]) -> Any:
    """A CSV record of `read_rows` as a dict, the column names its keys (a BadRow as it is)."""
    return dict(zip(columns, row, strict=False)) if type(row) is list else row


def cell(row: dict[str, Any], column: str | None) -> str:
    """The text of one cell; dotted names reach into nested JSON objects."""
    if not column:
        return ""
    value: Any = row.get(column)
    if type(value) is str:  # every CSV cell: the common case first
        return value.strip()
    if value is None and "." in column:
        value = row
        for part in column.split("."):
            value = value.get(part) if isinstance(value, dict) else None
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value).strip()


def parse_date(value: str) -> datetime | None:
    """ISO 8601 and epoch first, then common spreadsheet forms (day before month)."""
    found = parse_time(value)
    if found is not None:
        return found
    for fmt in _DATE_FORMATS:
        try:
            return parse_time(datetime.strptime(value, fmt))
        except ValueError:
            continue
    return None


def _date(values: dict[str, str], field: str, what: str) -> datetime | None:
    if not values[field]:
        return None
    found = parse_date(values[field])
    if found is None:
        raise ValueError(f"{what} {values[field][:40]!r} is not a date we can read")
    return found


def _others(row: dict[str, Any], mapping: dict[str, str]) -> dict[str, Any] | None:
    """The row's columns that no field holds, kept with the item so that they stay readable
    (a branch, an order number); the mapped ones are the item's own fields already, and a
    second copy of each cost a third of the database and of the import's time."""
    mapped = mapping.values()
    others = {k: v for k, v in row.items() if k not in mapped}
    return others or None


def row_items(row: dict[str, Any], mapping: dict[str, str], undated: datetime | None = None) -> list[Item]:
    """One row → the review (and the business's reply, threaded under it), or ValueError
    saying what is wrong with the row. Rows without a date get `undated` (the source's first
    import), so re-imports don't move or rewrite them."""
    get = row.get
    values = {}
    for f in FIELDS:  # cell(), with every CSV cell (a str) taken on the spot
        column = mapping.get(f)
        value = get(column) if column else ""
        values[f] = value.strip() if type(value) is str else cell(row, column)
    rating = None
    if values["rating"]:
        rating = normalise_rating(values["rating"].split("/")[0].strip())
        if rating is None:
            raise ValueError(f"rating {values['rating'][:20]!r} is not a number from 1 to 5")
    created = _date(values, "created_at", "date") or undated
    replied = _date(values, "replied_at", "reply date") or created
    if not (values["text"] or values["title"] or rating):
        raise ValueError("no text and no rating")
    rid = values["id"] or stable_id(*(values[f] for f in REVIEW_FIELDS))
    name = values["author"]
    url = values["url"] if values["url"].startswith(("http://", "https://")) else ""
    review = Item(external_id=rid, kind=ItemKind.REVIEW, text=values["text"], title=values["title"],
                  rating=rating, url=url, author=Author(external_id=name, display_name=name) if name else None,
                  created_at=created, raw=_others(row, mapping))
    if not values["reply"]:
        return [review]
    return [review, Item(external_id=f"{rid}:reply", kind=ItemKind.REPLY, text=values["reply"], url=url,
                         is_owner_reply=True, parent_external_id=rid, created_at=replied)]


def _oldest_first(rows: list[tuple[int, Any]], columns: list[str] | None, column: str | None
                  ) -> list[tuple[int, Any]]:
    """The rows oldest first when the file lists them newest first, as exports do (judged
    by the first and the last dated row). Why: the store writes items in time order into
    half its indexes, and appending to their ends costs a third less than inserting at their
    starts (docs/benchmarks.md, h19csv); the items' numbers then follow their times too."""
    if not column:
        return rows

    def when(candidates: Iterator[tuple[int, Any]]) -> datetime | None:
        for _, row in itertools.islice(candidates, 50):
            if columns is not None:
                row = as_dict(row, columns)
            value = row.get(column) if isinstance(row, dict) else None
            try:
                found = parse_date(value.strip()) if isinstance(value, str) and value.strip() else None
            except (ValueError, TypeError, OverflowError):  # the row's own reading says what is wrong
                found = None
            if found is not None:
                return found
        return None

    first, last = when(iter(rows)), when(reversed(rows))
    if first is not None and last is not None and first > last:
        rows.reverse()
    return rows


def fingerprint(path: Path) -> tuple[dict[str, Any], bytes]:
    try:
        stat = path.stat()
        if stat.st_size > MAX_BYTES:
            raise BadPayload(f"{path.name} is over {MAX_BYTES // 2**20} MB; split it")
        data = path.read_bytes()
    except FileNotFoundError:
        raise SourceError(f"file not found: {path}") from None
    except IsADirectoryError:
        raise SourceError(f"{path} is a folder, not a file") from None
    except PermissionError:
        raise SourceError(f"no permission to read {path}") from None
    return {"mtime": int(stat.st_mtime), "size": stat.st_size,
            "sha256": hashlib.sha256(data).hexdigest()}, data


class FileConnector(Connector):
    kind = "file"
    title = "CSV / JSON file"
    settings: ClassVar[list[Setting]] = [
        Setting("path", "The CSV, JSON or JSON Lines file to import (UTF-8)", required=True),
        Setting("mapping", "Which column holds each field, e.g. 'id=Review ID,text=Comment,"
                "rating=Stars,author=Name,created_at=Date,url=Link,title=Title,reply=Our reply,"
                "replied_at=Reply date'; omitted fields are found by common column names"),
        Setting("preset", "A known export: trustpilot-export or googleplay-report (found by its "
                "columns when left empty)"),
    ]
    secrets: ClassVar[list[str]] = []
    can_reply = False

    @property
    def path(self) -> Path:
        value = self.setting("path")
        if not value:
            raise SourceError("the file source needs a path")
        return Path(value).expanduser()

    def read(self, data: bytes, undated: datetime | None = None, oldest_first: bool = False
             ) -> Iterator[tuple[list[Item], int, list[str]]]:
        """Batches of (items, skipped, problems) from the file's bytes. `oldest_first` reads
        a file that lists its rows newest first from its end (all its rows in memory)."""
        columns, rows, unit, records = read_rows(data, self.path.suffix.lower())
        preset = preset_named(self.setting("preset")) or detect(columns)  # see file_presets.py
        given = self.setting("mapping") or (mapping_for(preset, columns) if preset else "")
        mapping = resolve_mapping(parse_mapping(given), columns)
        if oldest_first:
            rows = _oldest_first(list(rows), columns if records else None, mapping.get("created_at"))
        items: list[Item] = []
        problems: list[str] = []
        skipped = 0
        for number, row in rows:
            if records:
                row = as_dict(row, columns)
            try:
                problem = file_rows.row_problem(row)
                if problem is None:
                    found = row_items(row, mapping, undated)
                    problem = next(filter(None, map(unstorable, found)), None)
                if problem is not None:
                    raise ValueError(problem)
                items += found
            except ValueError as exc:
                skipped += 1
                problems.append(f"{unit} {number}: {exc}")
            except (TypeError, OverflowError, RecursionError):  # words of Python's, not for a note
                skipped += 1
                problems.append(f"{unit} {number}: a value the import cannot read")
            if len(items) >= PAGE_SIZE:
                yield items, skipped, problems
                items, skipped, problems = [], 0, []
        yield items, skipped, problems

    async def pages(self, cursor: dict[str, Any]) -> AsyncIterator[Page]:
        # Reading and parsing a big file takes a while: off the event loop (the UI's).
        current, data = await asyncio.to_thread(fingerprint, self.path)
        seen = cursor.get("file")
        if isinstance(seen, dict) and seen.get("sha256") == current["sha256"]:
            return  # unchanged content: nothing to do
        undated = parse_time(cursor.get("undated_at")) or utcnow()
        lines = await asyncio.to_thread(data.count, b"\n")  # the import's size, for the writer
        # Batches are parsed one ahead while the sync writes the earlier ones: a big file
        # in a process of its own (file_child: two cores at work), a small one on a worker
        # thread; only two batches of the file in memory as items.
        batches = await asyncio.to_thread(self._batches, data, undated)
        try:
            async for page in self._pages(batches, cursor, current, undated, lines):
                yield page
        finally:  # a cancelled or failed sync ends the reader process (a killed one dies quickly)
            if isinstance(batches, file_child.ChildBatches):
                batches.close()

    def _batches(self, data: bytes, undated: datetime) -> Iterator[tuple[list[Item], int, list[str]]]:
        if len(data) >= file_child.CHILD_AT_BYTES:
            found = file_child.batches_in_child(dict(self.source.settings), data, undated,
                                                (self.source.id, self.source.kind))
            if found is not None:
                return found
        return self.read(data, undated)

    async def _pages(self, batches: Iterator[tuple[list[Item], int, list[str]]], cursor: dict[str, Any],
                     current: dict[str, Any], undated: datetime, lines: int) -> AsyncIterator[Page]:
        following = await asyncio.to_thread(next, batches, None)
        notes: list[str] = []
        total_skipped = 0
        while following is not None:
            items, skipped, problems = following
            following = await asyncio.to_thread(next, batches, None)
            for problem in problems[:max(0, MAX_NOTES - len(notes))]:
                log.warning("%s: skipped %s", self.path.name, problem)
                notes.append(problem)
            total_skipped += skipped
            # only a finished import marks the file as read; a killed one starts over
            page_cursor = {**cursor, "undated_at": format_time(undated)}
            if following is None:
                page_cursor = {"file": current, "undated_at": format_time(undated),
                               "skipped": total_skipped, "notes": notes}
            yield Page(items=items, cursor=page_cursor, skipped=skipped, expected=lines)
            lines = 0  # said once, with the first page

    async def test(self) -> str:
        _, data = await asyncio.to_thread(fingerprint, self.path)
        good = bad = 0
        first: list[str] = []
        for items, skipped, problems in await asyncio.to_thread(lambda: list(self.read(data))):
            good += sum(1 for i in items if not i.is_owner_reply)
            bad += skipped
            first += problems
        verdict = f"OK: {counted(good, 'row')} to import"
        if bad:
            verdict += f", {counted(bad, 'bad row')} skipped ({'; '.join(first[:3])})"
        return verdict


CONNECTOR = FileConnector
