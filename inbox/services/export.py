"""Export a view of the inbox to CSV or XLSX: the business owns its data.

Rows stream from `store.iter_items` in batches (never the whole view in memory); the
owner's replies are fetched once per batch. The file appears under its name only when
complete: it is written to a temporary file in the target folder and renamed
(`os.replace`), so a cancelled or failed export leaves nothing behind.

Text from the internet can carry formulas (`=HYPERLINK(...)`): in CSV a cell starting with
= + - @ tab CR LF gets a leading apostrophe; in XLSX every text cell is written as a
string (never a formula) by a workbook that does not turn strings into formulas or links.
"""

from __future__ import annotations

import csv
import dataclasses
import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import IO, Any

from inbox.domain import InboxFilter, ItemRow, format_time, utcnow
from inbox.services.export_staging import staged
from inbox.store import Store

FORMATS = ("csv", "xlsx")
# `sentiment` is the owner's correction when there is one, else the computed label; so is
# each aspect's polarity in `aspects` ("queue (negative), flat white (positive)").
COLUMNS = ("date", "source", "whose", "kind", "author", "rating", "sentiment", "title", "text", "tags",
           "status", "URL", "thread id", "replied", "reply text", "aspects")
BATCH = 500                       # rows per reply lookup and per progress report
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
XLSX_MAX_STRING = 32767           # Excel's limit on characters in a cell
XLSX_CUT_MARKER = " […cut: longer than Excel's 32,767-character cell limit]"
XLSX_MAX_URL = 2079               # Excel's limit on a hyperlink's length
XLSX_MAX_LINKS = 65530            # Excel's limit on hyperlinks per worksheet
XLSX_WIDTHS = (17, 16, 11, 9, 20, 7, 10, 30, 60, 20, 9, 40, 9, 8, 50, 30)
NUMBER_COLUMNS = (COLUMNS.index("rating"), COLUMNS.index("thread id"))
URL_COLUMN = COLUMNS.index("URL")
TEXT_COLUMNS = tuple(i for i in range(1, len(COLUMNS)) if i not in (*NUMBER_COLUMNS, URL_COLUMN))

Progress = Callable[[int, int], None]      # (rows written, rows in the view)
ShouldCancel = Callable[[], bool]


class ExportError(Exception):
    """An export that could not be written; the message is fit for the user."""


class ExportCancelled(ExportError):
    """The user cancelled; no file was left behind."""

    def __init__(self) -> None:
        super().__init__("Export cancelled; no file was written.")


@dataclass(slots=True)
class ExportResult:
    path: Path
    rows: int
    format: str
    cut_cells: int = 0  # XLSX cells cut at Excel's 32,767-character limit (marked in the cell)


@dataclass(slots=True)
class _Summary:
    """Counts and average rating per tag and per source, accumulated while streaming."""

    groups: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # -> [count, rated, sum]

    def add(self, kind: str, name: str, rating: int | None) -> None:
        entry = self.groups.setdefault((kind, name), [0, 0, 0])
        entry[0] += 1
        if rating is not None:
            entry[1] += 1
            entry[2] += rating

    def rows(self) -> Iterator[tuple[str, str, int, int, float | None]]:
        for (kind, name), (count, rated, total) in sorted(
                self.groups.items(), key=lambda kv: (kv[0][0] != "source", kv[0][1].lower())):
            yield kind, name, count, rated, (total / rated if rated else None)


def neutralise(text: str) -> str:
    """A CSV cell that a spreadsheet can never read as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def display_status(row: ItemRow, now: str) -> str:
    if row.snoozed_until and row.snoozed_until > now and row.status != "done":
        return "snoozed"
    return row.status


def owner_replies(store: Store, thread_ids: Iterable[int | None]) -> dict[int, str]:
    """The latest reply of the owner in each thread (one query per batch of rows)."""
    return store.owner_replies(t for t in thread_ids if t is not None)


Record = tuple  # COLUMNS in order (the date as the store's UTC text), then the tag names


def aspects_text(found: list[tuple[str, str]] | None) -> str:
    return ", ".join(f"{term} ({polarity})" for term, polarity in found or ())


def record(row: ItemRow, reply: str | None, now: str, aspects: str = "") -> Record:
    """One exported row, typed (rating and thread id int); the writers format dates."""
    tags = [name for name, _colour in row.tags]
    return (row.created_at, row.source_name, row.whose, row.kind, row.author_name, row.rating,
            row.sentiment, row.title, row.text, ", ".join(tags), display_status(row, now),
            row.url, row.thread_id, "no" if reply is None else "yes", reply or "", aspects, tags)


def records(store: Store, rows: Iterable[ItemRow], now: str,
            on_batch: Callable[[list[ItemRow]], None] | None = None) -> Iterator[Record]:
    """Rows with their owner's replies and their aspects, looked up one batch at a time.
    Aspects are those Insights has read (it reads older items in the background)."""
    it = iter(rows)
    while batch := list(islice(it, BATCH)):
        replies = owner_replies(store, (r.thread_id for r in batch))
        found = store.item_aspects([r.id for r in batch])
        for row in batch:
            yield record(row, replies.get(row.thread_id), now, aspects_text(found.get(row.id)))
        if on_batch:
            on_batch(batch)


# -- writers -------------------------------------------------------------------------------

def write_csv(out: IO[str], recs: Iterable[Record]) -> int:
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    n = 0
    starts = frozenset(FORMULA_STARTS)
    for rec in recs:
        cells = ["" if v is None else ("'" + v if v and v[0] in starts else v) if isinstance(v, str) else str(v)
                 for v in rec[:-1]]
        when = rec[0]
        cells[0] = f"{when[:10]} {when[11:19]}"   # 2026-03-04T12:00:00Z -> 2026-03-04 12:00:00
        writer.writerow(cells)
        n += 1
    return n


_LINKABLE = re.compile(r"https?://[^\s\x00-\x1f\x7f]+\Z", re.IGNORECASE)


def _is_linkable(url: str) -> bool:
    """Only web links become hyperlinks, and only ones Excel accepts."""
    return len(url) <= XLSX_MAX_URL and _LINKABLE.match(url) is not None


def _xlsx_text(text: str, cut: list[int] | None = None) -> str:
    """`text`, or its start and a visible marker when it is over Excel's cell limit (Excel
    would refuse to open the file); each cut is counted in `cut[0]`."""
    if len(text) <= XLSX_MAX_STRING:
        return text
    if cut is not None:
        cut[0] += 1
    return text[:XLSX_MAX_STRING - len(XLSX_CUT_MARKER)] + XLSX_CUT_MARKER


def write_xlsx(path: Path, recs: Iterable[Record], cut: list[int] | None = None) -> int:
    """A workbook with a frozen, filterable 'Feedback' sheet and a 'Summary' sheet. Cells
    cut at Excel's limit are counted in `cut[0]`."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {
        "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
        "strings_to_numbers": False, "tmpdir": str(path.parent)})
    try:
        ws = wb.add_worksheet("Feedback")
        bold = wb.add_format({"bold": True, "bg_color": "#EEEEEE", "bottom": 1})
        date_fmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        link = wb.get_default_url_format()
        for col, width in enumerate(XLSX_WIDTHS):
            ws.set_column(col, col, width)
        ws.freeze_panes(1, 0)
        for col, name in enumerate(COLUMNS):
            ws.write_string(0, col, name, bold)
        summary = _Summary()
        links = 0
        n = 0
        for n, rec in enumerate(recs, start=1):
            ws.write_datetime(n, 0, datetime.fromisoformat(rec[0][:19]), date_fmt)
            for col in TEXT_COLUMNS:
                if rec[col]:
                    ws.write_string(n, col, _xlsx_text(rec[col], cut))
            for col in NUMBER_COLUMNS:
                if rec[col] is not None:
                    ws.write_number(n, col, rec[col])
            url = rec[URL_COLUMN]
            if url:
                if links < XLSX_MAX_LINKS and _is_linkable(url):
                    links += 1
                    ws.write_url(n, URL_COLUMN, url, link, string=url)
                else:
                    ws.write_string(n, URL_COLUMN, _xlsx_text(url))
            summary.add("source", rec[1], rec[5])
            for tag in rec[-1]:
                summary.add("tag", tag, rec[5])
        ws.autofilter(0, 0, max(n, 1), len(COLUMNS) - 1)
        _write_summary(wb, summary, bold)
    except BaseException:
        with suppress(Exception):
            wb.close()  # releases its temporary files; the caller deletes the output
        raise
    wb.close()
    return n


def _write_summary(wb: Any, summary: _Summary, bold: Any) -> None:
    ws = wb.add_worksheet("Summary")
    avg = wb.add_format({"num_format": "0.00"})
    for col, (name, width) in enumerate((("group", 8), ("name", 30), ("items", 8),
                                         ("rated items", 11), ("average rating", 14))):
        ws.set_column(col, col, width)
        ws.write_string(0, col, name, bold)
    ws.freeze_panes(1, 0)
    for r, (kind, name, count, rated, average) in enumerate(summary.rows(), start=1):
        ws.write_string(r, 0, kind)
        ws.write_string(r, 1, _xlsx_text(name))
        ws.write_number(r, 2, count)
        ws.write_number(r, 3, rated)
        if average is not None:
            ws.write_number(r, 4, average, avg)


# -- the atomic target ---------------------------------------------------------------------

def check_target(target: str | Path) -> Path:
    """The absolute target path, or ExportError when its folder is missing or read-only."""
    path = Path(target).expanduser().absolute()
    folder = path.parent
    if path.is_dir():
        raise ExportError(f"{path} is a folder; choose a file name.")
    if not folder.is_dir():
        raise ExportError(f"The folder {folder} does not exist.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ExportError(f"The folder {folder} cannot be written to.")
    return path


def _mode_for(target: Path) -> int:
    """The replaced file's mode, or what a new file gets under the process's umask."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        pass
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o644


@contextmanager
def atomic_target(target: Path) -> Iterator[Path]:
    """A temporary file beside `target` (in a hidden staging folder that also holds the
    XLSX writer's own temporary files), renamed onto it only if the block succeeds; nothing
    is left behind on any error (see `export_staging`)."""
    try:
        stage = staged(target)
        tmp = stage.__enter__()
    except OSError as exc:
        raise ExportError(f"Cannot write in {target.parent}: {exc.strerror or exc}.") from None
    try:
        yield tmp
        if not tmp.exists():
            tmp.touch()
        os.chmod(tmp, _mode_for(target))   # an export is an ordinary file
        os.replace(tmp, target)
    except BaseException as exc:
        stage.__exit__(type(exc), exc, exc.__traceback__)
        raise
    stage.__exit__(None, None, None)


# -- the entry point -----------------------------------------------------------------------

def export_view(store: Store, flt: InboxFilter, fmt: str, target: str | Path, *, bom: bool = False,
                progress: Progress | None = None, should_cancel: ShouldCancel | None = None,
                now: str | None = None) -> ExportResult:
    """Write every item of `flt` (newest first) to `target` as CSV or XLSX.

    `progress(done, total)` is called once per batch; `should_cancel()` is polled per
    batch and a True answer raises ExportCancelled with no file left behind. BadQuery from
    the store (a search that cannot be parsed) passes through as it is.
    """
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise ExportError(f"Unknown export format {fmt!r}; use csv or xlsx.")
    path = check_target(target)
    with store.read_snapshot():
        return _export(store, flt, fmt, path, bom, progress, should_cancel, now or format_time(utcnow()))


def _export(store: Store, flt: InboxFilter, fmt: str, path: Path, bom: bool, progress: Progress | None,
            should_cancel: ShouldCancel | None, now: str) -> ExportResult:
    flt = dataclasses.replace(flt, conversations=False)  # every customer message, not one per conversation
    total = store.count_items(flt, now=now)
    done = 0
    if progress:
        progress(0, total)

    def on_batch(batch: list[ItemRow]) -> None:
        nonlocal done
        done += len(batch)
        if should_cancel and should_cancel():
            raise ExportCancelled()
        if progress:
            progress(done, max(total, done))

    if should_cancel and should_cancel():
        raise ExportCancelled()
    recs = records(store, store.iter_items(flt, page=BATCH, now=now), now, on_batch)
    cut = [0]
    try:
        with atomic_target(path) as tmp:
            if fmt == "csv":
                with open(tmp, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as out:
                    rows = write_csv(out, recs)
            else:
                rows = write_xlsx(tmp, recs, cut)
    except PermissionError as exc:
        raise ExportError(f"Could not write {path}: {exc.strerror or exc} "
                          f"(is the file open in another program?).") from None
    except OSError as exc:
        raise ExportError(f"Could not write {path}: {exc.strerror or exc}.") from None
    return ExportResult(path=path, rows=rows, format=fmt, cut_cells=cut[0])
