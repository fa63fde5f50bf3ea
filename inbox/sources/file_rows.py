"""Reading an imported file row by row so that one bad row costs that row only.

Why a module of its own: the file connector's parsing (`sources/file.py`) stays about
columns and fields; this is about faults. A quote that never closes, a cell of megabytes,
bytes that are not UTF-8, a row nested past reason: each is a `BadRow` with its line, the
parsing starts again on the next line, and every good row is still read. Only whole-file
problems (binary, empty, nested beyond reason, too many broken lines) stop an import, with
one sentence."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from inbox.domain.item_checks import MAX_NESTING, is_valid_unicode, nesting
from inbox.sources.base import BadPayload

MAX_BAD_LINES = 1000  # more broken lines than this: not a CSV file we can read


@dataclass(frozen=True, slots=True)
class BadRow:
    """A row that cannot be read, and why (words for the note)."""

    why: str


def decode(data: bytes) -> str:
    """The file's text. Bytes that are not UTF-8 stay in it as lone surrogates (their rows
    are skipped by `row_problem`); a binary or empty file is refused in one sentence."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its BOM (Play Console)
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise BadPayload("the file says it is UTF-16 but is not: save or export it as UTF-8") from None
    if b"\x00" in data[:65536]:
        raise BadPayload("this is not a CSV or JSON file (it holds binary data)")
    try:  # one decoding of the whole file in the usual case (valid UTF-8)
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:  # a few such rows are skipped; most of them: the file
        content = data.decode("utf-8-sig", errors="surrogateescape")
        lines = [line for line in content.splitlines()[1:] if line.strip()]
        bad = sum(1 for line in lines if not is_valid_unicode(line))
        if bad * 2 >= max(1, len(lines)):
            first = data[:exc.start].count(b"\n") + 1
            raise BadPayload(f"the file is not UTF-8 (line {first}): save or export it as UTF-8") from None
    if not content or content.isspace():  # (no strip(): that copies the whole file)
        raise BadPayload("the file is empty")
    return content


def row_problem(row: Any) -> str | None:
    """Why a parsed row cannot be imported (before its fields are read), or None."""
    if isinstance(row, BadRow):
        return row.why
    if not isinstance(row, dict):
        return "not an object"
    try:
        text = "".join(row.values())
    except TypeError:  # JSON: numbers, objects and lists inside
        if nesting(row) > MAX_NESTING:
            return f"nested more than {MAX_NESTING} levels deep"
        text = "".join(v for v in row.values() if isinstance(v, str))
    if not is_valid_unicode(text):
        return "text that is not valid Unicode (is the file saved as UTF-8?)"
    return None


def _csv_error(exc: csv.Error) -> str:
    text = str(exc)
    if "field larger than field limit" in text:
        return f"a cell longer than {csv.field_size_limit():,} characters (a quote that never closes?)"
    if "unexpected end of data" in text or "EOF" in text:
        return "a quote that never closes"
    if "expected after" in text:
        return "text right after a closing quote"
    if "NUL" in text or "null byte" in text:
        return "a NUL character"
    return "a line the CSV reader cannot split into cells"


def csv_records(content: str, dialect: Any) -> tuple[list[str], Iterator[tuple[int, list[str] | BadRow]]]:
    """(header, (line, row as a list of cells, or BadRow)) from CSV text. On a broken row
    the reading starts again on the line after the one it began on.

    Why lists, and one reader over the text: a file read oldest first is held whole before
    its first batch; a dict per row and a list of its lines made the reader process's first
    batch wait ~0.2 s for 100,000 rows while the writer idled (docs/benchmarks.md, h19csv4).
    The lines are split only when a row is broken, to start again after it."""
    reader = csv.reader(io.StringIO(content, newline=""), dialect, strict=True)
    try:
        header = next(reader, [])
    except csv.Error as exc:
        raise BadPayload(f"the first line (the column names) cannot be read: {_csv_error(exc)}") from None
    columns = [c for c in header]

    def records() -> Iterator[tuple[int, list[str] | BadRow]]:
        pos, bad, lines = 0, 0, None
        current = reader  # the whole text until a row breaks, then the lines from `pos`
        while True:
            before = current.line_num
            try:
                for record in current:
                    line = pos + before + 1
                    before = current.line_num
                    if record:
                        yield line, record
                return
            except csv.Error as exc:
                bad += 1
                if bad > MAX_BAD_LINES:
                    raise BadPayload(f"more than {MAX_BAD_LINES:,} lines cannot be read: this does not "
                                     "look like a CSV file") from None
                line = pos + before + 1
                yield line, BadRow(_csv_error(exc))
                if lines is None:
                    lines = list(io.StringIO(content, newline=""))
                pos = line  # the next physical line after the one the broken row began on
                if pos >= len(lines):
                    return
                current = csv.reader(itertools.islice(lines, pos, None), dialect, strict=True)
    return columns, records()
