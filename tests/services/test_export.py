"""Exporting a view to CSV and XLSX, read back the way a user's spreadsheet would."""

from __future__ import annotations

import csv
import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest

from inbox.domain import Author, InboxFilter, Item, View
from inbox.services.export import BATCH, COLUMNS, ExportCancelled, ExportError, export_view
from inbox.store import BadQuery, Store
from tests.export_data import HOSTILE, fill, item_id


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert tuple(rows[0]) == COLUMNS
    return [dict(zip(COLUMNS, r, strict=True)) for r in rows[1:]]


def xlsx_text(value: str) -> str:
    """XLSX escapes control characters as _xHHHH_; openpyxl hands them back escaped."""
    return re.sub(r"_x([0-9A-F]{4})_", lambda m: chr(int(m.group(1), 16)), value)


@pytest.fixture
def ids(store):
    return fill(store)


def test_csv_has_every_column_with_the_values_of_the_store(store, ids, tmp_path):
    store.tag_items([item_id(store, "r3")], "Coffee")
    store.tag_items([item_id(store, "r3")], "Staff")
    result = export_view(store, InboxFilter(), "csv", tmp_path / "all.csv")
    rows = read_csv(tmp_path / "all.csv")
    assert result.rows == len(rows) == 39          # owner replies are not rows of their own
    assert [r["date"] for r in rows] == sorted((r["date"] for r in rows), reverse=True)
    r3 = next(r for r in rows if r["text"] == "Review number 3 about coffee")
    assert r3 == {
        "date": "2026-03-04 12:00:00", "source": "Café Google", "whose": "own", "kind": "review",
        "author": "Guest 3", "rating": "3", "sentiment": "unknown", "title": "Title 3", "text": "Review number 3 about coffee",
        "tags": "Coffee, Staff", "status": "unread", "URL": "https://maps.example/r3",
        "thread id": r3["thread id"], "replied": "yes", "reply text": "Thanks for review 3!", "aspects": ""}
    r4 = next(r for r in rows if r["text"] == "Review number 4 about coffee")
    assert (r4["replied"], r4["reply text"], r4["title"], r4["tags"]) == ("no", "", "", "")
    # the owner answered in the Reddit thread: both items of that thread count as replied
    reddit = [r for r in rows if r["source"] == "Café Reddit"]
    assert {(r["author"], r["replied"], r["reply text"]) for r in reddit} == {
        ("Jane Doe", "yes", "Owner says hi to Jane"), ("Bob", "yes", "Owner says hi to Jane")}


def test_the_aspects_column_says_what_was_praised_and_criticised_with_the_owners_corrections(store, tmp_path):
    from inbox.services import aspect_themes

    src = store.add_source("google", "Café")
    store.save_page(src.id, [Item("a1", "review", text="The scones were stale, but the tea was lovely.", rating=3,
                                  created_at=datetime(2026, 3, 1, tzinfo=UTC), author=Author("p1", "P"))])
    aspect_themes.backfill_all(store)  # what Insights reads in the background
    export_view(store, InboxFilter(), "csv", tmp_path / "before.csv")
    [row] = read_csv(tmp_path / "before.csv")
    assert row["aspects"] == "scone (negative), tea (positive)"
    aspect_themes.correct(store, item_id(store, "a1"), "scone", "neutral")
    aspect_themes.hide(store, "tea")
    export_view(store, InboxFilter(), "csv", tmp_path / "after.csv")
    assert read_csv(tmp_path / "after.csv")[0]["aspects"] == "scone (neutral)"


def test_the_sentiment_column_is_the_owners_correction_when_there_is_one(store, ids, tmp_path):
    from inbox.services import sentiment

    r3, r4 = item_id(store, "r3"), item_id(store, "r4")
    store.conn.execute("UPDATE items SET sentiment = 0.8, sentiment_label = 'positive' WHERE id IN (?, ?)", (r3, r4))
    sentiment.set_override(store, [r3], "negative")
    export_view(store, InboxFilter(), "csv", tmp_path / "s.csv")
    by_text = {r["text"]: r["sentiment"] for r in read_csv(tmp_path / "s.csv")}
    assert by_text["Review number 3 about coffee"] == "negative"
    assert by_text["Review number 4 about coffee"] == "positive"
    export_view(store, InboxFilter(sentiment="negative"), "xlsx", tmp_path / "s.xlsx")
    rows = list(openpyxl.load_workbook(tmp_path / "s.xlsx")["Feedback"].iter_rows(min_row=2, values_only=True))
    assert [(r[COLUMNS.index("text")], r[COLUMNS.index("sentiment")]) for r in rows] == [
        ("Review number 3 about coffee", "negative")]


def test_csv_quotes_every_cell_and_bom_is_optional(store, ids, tmp_path):
    export_view(store, InboxFilter(), "csv", tmp_path / "plain.csv")
    export_view(store, InboxFilter(), "csv", tmp_path / "excel.csv", bom=True)
    plain = (tmp_path / "plain.csv").read_bytes()
    excel = (tmp_path / "excel.csv").read_bytes()
    assert not plain.startswith(b"\xef\xbb\xbf")
    assert excel == b"\xef\xbb\xbf" + plain
    assert plain.startswith(b'"date","source","whose"')
    assert '"Café Google"'.encode() in plain


def test_csv_cells_can_never_be_formulas(store, ids, tmp_path):
    export_view(store, InboxFilter(whose="competitor"), "csv", tmp_path / "rival.csv")
    rows = read_csv(tmp_path / "rival.csv")
    cells = [v for r in rows for v in r.values()]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r", "\n")]
    texts = {r["text"] for r in rows} | {r["title"] for r in rows} | {r["author"] for r in rows}
    for hostile in HOSTILE:
        assert "'" + hostile in texts   # kept, readable, but inert


def test_xlsx_reads_back_typed_frozen_filtered_and_linked(store, ids, tmp_path):
    store.tag_items([item_id(store, f"r{n}") for n in (1, 2, 3)], "Coffee")
    store.tag_items([item_id(store, "r3"), item_id(store, "x1")], "Slow")
    result = export_view(store, InboxFilter(), "xlsx", tmp_path / "all.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "all.xlsx")
    assert wb.sheetnames == ["Feedback", "Summary"]
    ws = wb["Feedback"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == COLUMNS and len(rows) == result.rows + 1 == 40
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{chr(ord('A') + len(COLUMNS) - 1)}40"
    assert ws.column_dimensions["I"].width > ws.column_dimensions["F"].width  # text wider than rating
    by_text = {r[8]: r for r in rows[1:]}
    r3 = by_text["Review number 3 about coffee"]
    assert r3[0] == datetime(2026, 3, 4, 12, 0) and r3[5] == 3 and r3[9] == "Coffee, Slow"
    assert r3[6] == "unknown" and r3[13:] == ("yes", "Thanks for review 3!", None)  # no aspects read yet
    url_col = COLUMNS.index("URL") + 1
    links = {ws.cell(row=r, column=url_col).value: ws.cell(row=r, column=url_col).hyperlink
             for r in range(2, len(rows) + 1)}
    assert links["https://maps.example/r3"].target == "https://maps.example/r3"
    assert links["javascript:alert(0)"] is None                     # not http(s): plain text
    long_url = "https://rival.example/" + "x" * 3000
    assert links[long_url] is None                                  # over Excel's limit: text
    assert ws.cell(row=2, column=1).number_format == "yyyy-mm-dd hh:mm"
    summary = {(r[0], r[1]): r[2:] for r in wb["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary[("source", "Café Google")] == (30, 30, 3)        # ratings 1..5, six times
    assert summary[("source", "Café Reddit")] == (2, 0, None)
    assert summary[("source", "Rival Google")] == (7, 7, 5)
    assert summary[("tag", "Coffee")] == (3, 3, 2)                  # ratings 1, 2, 3
    assert summary[("tag", "Slow")] == (2, 2, 4)                    # ratings 3 and 5


def test_xlsx_cells_are_strings_never_formulas(store, ids, tmp_path):
    export_view(store, InboxFilter(whose="competitor"), "xlsx", tmp_path / "rival.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "rival.xlsx")["Feedback"]
    cells = [c for row in ws.iter_rows(min_row=2) for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {xlsx_text(c.value) for c in cells if c.data_type == "s"}
    for hostile in HOSTILE:
        assert hostile in texts   # exactly as written, stored as a string


@pytest.mark.parametrize(("flt", "expected"), [
    (InboxFilter(whose="competitor"), {f"x{n}" for n in range(7)}),
    (InboxFilter(since="2026-03-29", until="2026-03-31"), {"r28", "r29", "r30"}),
    (InboxFilter(query="Zanzibarquux"), {"p1"}),
    (InboxFilter(tags=["Coffee", "Slow"]), {"r3"}),
    (InboxFilter(view=View.DONE), {"r5", "r6"}),
    (InboxFilter(view=View.INBOX, whose="competitor"), {"x0", "x1", "x2", "x3", "x5", "x6"}),
])
def test_filters_of_the_view_are_honoured(store, ids, tmp_path, flt, expected):
    store.tag_items([item_id(store, n) for n in ("r1", "r3")], "Coffee")
    store.tag_items([item_id(store, n) for n in ("r3", "x4")], "Slow")
    store.set_status([item_id(store, "r5"), item_id(store, "r6")], "done")
    store.snooze([item_id(store, "x4")], datetime.now(UTC) + timedelta(days=2))
    export_view(store, flt, "csv", tmp_path / "v.csv")
    got = {r["URL"] for r in read_csv(tmp_path / "v.csv")}
    urls = dict(store.conn.execute("SELECT external_id, url FROM items"))
    assert got == {urls[e] for e in expected}


def test_sources_and_selected_ids(store, ids, tmp_path):
    export_view(store, InboxFilter(source_ids=[ids["reddit"]]), "csv", tmp_path / "s.csv")
    assert {r["author"] for r in read_csv(tmp_path / "s.csv")} == {"Jane Doe", "Bob"}
    picked = [item_id(store, "r7"), item_id(store, "x2")]
    export_view(store, InboxFilter(item_ids=picked), "xlsx", tmp_path / "sel.xlsx")
    rows = list(openpyxl.load_workbook(tmp_path / "sel.xlsx")["Feedback"].iter_rows(min_row=2, values_only=True))
    assert sorted(r[1] for r in rows) == ["Café Google", "Rival Google"]


def test_snoozed_items_show_as_snoozed(store, ids, tmp_path):
    store.snooze([item_id(store, "r2")], datetime.now(UTC) + timedelta(days=1))
    export_view(store, InboxFilter(view=View.SNOOZED), "csv", tmp_path / "z.csv")
    assert [(r["text"], r["status"]) for r in read_csv(tmp_path / "z.csv")] == [
        ("Review number 2 about coffee", "snoozed")]


def test_bad_query_is_reported_and_writes_nothing(store, ids, tmp_path):
    with pytest.raises(BadQuery, match="quote is not closed"):
        export_view(store, InboxFilter(query='"latte'), "csv", tmp_path / "q.csv")
    assert list(tmp_path.glob("q.csv*")) == [] and list(tmp_path.glob(".q.csv*")) == []


def many(store, n: int) -> None:
    src = store.add_source("rss", "Big feed")
    t0 = datetime(2025, 1, 1, tzinfo=UTC)
    store.save_page(src.id, [Item(f"m{i}", kind="mention", text=f"mention {i}",
                                  author=Author(f"a{i % 50}"), created_at=t0 + timedelta(minutes=i))
                             for i in range(n)])


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_cancel_midway_leaves_no_file_and_keeps_the_old_one(store, tmp_path, fmt):
    many(store, 3 * BATCH)
    target = tmp_path / f"big.{fmt}"
    target.write_bytes(b"the previous export")
    seen: list[tuple[int, int]] = []
    with pytest.raises(ExportCancelled):
        export_view(store, InboxFilter(), fmt, target, progress=lambda d, t: seen.append((d, t)),
                    should_cancel=lambda: len(seen) >= 2)
    assert seen == [(0, 3 * BATCH), (BATCH, 3 * BATCH)]
    assert target.read_bytes() == b"the previous export"      # never half-written
    assert [p.name for p in tmp_path.iterdir() if "big" in p.name] == [target.name]  # no temp file


def test_progress_reaches_the_total(store, tmp_path):
    many(store, 2 * BATCH + 7)
    seen: list[tuple[int, int]] = []
    result = export_view(store, InboxFilter(), "csv", tmp_path / "p.csv", progress=lambda d, t: seen.append((d, t)))
    total = 2 * BATCH + 7
    assert seen == [(0, total), (BATCH, total), (2 * BATCH, total), (total, total)]
    assert result.rows == total == len(read_csv(tmp_path / "p.csv"))


def test_owner_replies_are_fetched_per_batch_not_per_row(store, tmp_path):
    many(store, 2 * BATCH + 7)
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    export_view(store, InboxFilter(), "csv", tmp_path / "p.csv")
    store.conn.set_trace_callback(None)
    assert len([s for s in statements if "is_owner_reply = 1" in s]) == 3


def test_a_failure_while_writing_leaves_no_file(store, ids, tmp_path):
    def boom(done: int, total: int) -> None:
        if done:
            raise RuntimeError("disk on fire")
    with pytest.raises(RuntimeError):
        export_view(store, InboxFilter(), "xlsx", tmp_path / "f.xlsx", progress=boom)
    assert not [p for p in tmp_path.iterdir() if "f.xlsx" in p.name]


def test_bad_target_folders_get_a_clear_error(store, ids, tmp_path):
    with pytest.raises(ExportError, match="does not exist"):
        export_view(store, InboxFilter(), "csv", tmp_path / "missing" / "x.csv")
    (tmp_path / "afile").write_text("x")
    with pytest.raises(ExportError, match="does not exist"):
        export_view(store, InboxFilter(), "csv", tmp_path / "afile" / "x.csv")
    with pytest.raises(ExportError, match="is a folder"):
        export_view(store, InboxFilter(), "csv", tmp_path)
    with pytest.raises(ExportError, match=r"(cannot be written|Cannot write) .*proc"):
        export_view(store, InboxFilter(), "csv", "/proc/x.csv")
    with pytest.raises(ExportError, match="Unknown export format"):
        export_view(store, InboxFilter(), "pdf", tmp_path / "x.pdf")


def test_the_demo_workspace_exports_whole_and_sums_up(store, tmp_path):
    from inbox.services.demo import build_demo

    build_demo(store, seed=7)
    total = store.count_items(InboxFilter(conversations=False))  # every customer message
    result = export_view(store, InboxFilter(), "xlsx", tmp_path / "demo.xlsx")
    assert result.rows == total > 300
    wb = openpyxl.load_workbook(tmp_path / "demo.xlsx", read_only=True)
    assert sum(1 for _ in wb["Feedback"].iter_rows(min_row=2)) == total
    summary = {(r[0], r[1]): r[2] for r in wb["Summary"].iter_rows(min_row=2, values_only=True)}
    per_source = {s.id: store.count_items(InboxFilter(source_ids=[s.id], conversations=False))
                  for s in store.list_sources()}
    assert {name: n for (kind, name), n in summary.items() if kind == "source"} == {
        s.name: per_source.get(s.id, 0) for s in store.list_sources() if per_source.get(s.id)}
    assert {name: n for (kind, name), n in summary.items() if kind == "tag"} == {
        t.name: store.count_items(InboxFilter(tags=[t.name], conversations=False)) for t in store.list_tags()
        if store.count_items(InboxFilter(tags=[t.name], conversations=False))}
    wb.close()
    export_view(store, InboxFilter(), "csv", tmp_path / "demo.csv")
    assert len(read_csv(tmp_path / "demo.csv")) == total


def test_row_select_columns_are_item_row_fields_in_order(store, ids):
    """row_to_item builds ItemRow positionally (export speed): the order must agree."""
    import dataclasses

    from inbox.domain import ItemRow
    from inbox.store.queries import ROW_SELECT

    row = store.conn.execute(f"{ROW_SELECT} LIMIT 1").fetchone()
    fields = [f.name for f in dataclasses.fields(ItemRow)]
    # after `sentiment` come the conversation's figures, filled by a second query
    assert list(row.keys()) == [f for f in fields[:fields.index("sentiment") + 1] if f != "tags"]


def test_the_file_gets_ordinary_permissions(store, ids, tmp_path):
    """The temporary file is private (0600) while written; the export is not."""
    old = os.umask(0o022)
    try:
        export_view(store, InboxFilter(), "csv", tmp_path / "mode.csv")
    finally:
        os.umask(old)
    assert (tmp_path / "mode.csv").stat().st_mode & 0o777 == 0o644
    (tmp_path / "mode.csv").chmod(0o600)
    export_view(store, InboxFilter(), "xlsx", tmp_path / "mode.csv")
    assert (tmp_path / "mode.csv").stat().st_mode & 0o777 == 0o600   # a replaced file keeps its mode


def test_the_export_is_one_snapshot_while_the_app_writes(store, tmp_path):
    """Items arriving mid-export (a sync) neither appear half-way nor upset the count."""
    many(store, 2 * BATCH)
    reader = Store.open_reader(store.path)
    src = store.get_source("Big feed").id

    def sync_meanwhile(done: int, total: int) -> None:
        if done == BATCH:
            store.save_page(src, [Item(f"late{i}", kind="mention", text="late", created_at=datetime(2020, 1, 1, tzinfo=UTC))
                                  for i in range(10)])
    seen: list[tuple[int, int]] = []
    try:
        result = export_view(reader, InboxFilter(), "csv", tmp_path / "snap.csv",
                             progress=lambda d, t: (seen.append((d, t)), sync_meanwhile(d, t)))
    finally:
        reader.close()
    assert result.rows == 2 * BATCH and seen[-1] == (2 * BATCH, 2 * BATCH)
    assert store.count_items(InboxFilter()) == 2 * BATCH + 10
