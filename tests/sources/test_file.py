"""File import: CSV / JSON / JSON Lines exports from anywhere else, into the real store."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from inbox.sources.base import BadPayload, SourceError
from inbox.sources.file import parse_mapping, resolve_mapping
from tests.replay.harness import add_source, connector, ingest, stored, thread_ids

MAPPING = "id=Review ID,text=Comment,rating=Stars,author=Name,created_at=Date,url=Link,title=Title"
CSV = (
    "Review ID,Date,Name,Stars,Title,Comment,Link,Branch\r\n"
    "R-1,2026-03-01 09:30:00,Ana,5,Lovely,\"Great flat white,\nfriendly staff\",https://example.com/r/1,Hove\r\n"
    "R-2,2026-03-02T10:00:00Z,Ben,2,Slow,Waited 20 minutes,,Hove\r\n"
    "R-3,02/03/2026,Cleo,4,,Nice cake,,Brighton\r\n"
)


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def source(store, path: Path, mapping: str | None = MAPPING, name: str = "export"):
    settings = {"path": str(path)}
    if mapping is not None:
        settings["mapping"] = mapping
    return add_source(store, "file", settings, name=name)


async def run(store, src):
    return await ingest(store, src.id, {}, None)  # type: ignore[arg-type]


async def test_csv_with_bom_and_mapping(store, tmp_path):
    path = write(tmp_path, "reviews.csv", b"\xef\xbb\xbf" + CSV.encode())
    src = source(store, path)
    result = await run(store, src)
    rows = stored(store, src.id)
    assert result.new == 3 and set(rows) == {"R-1", "R-2", "R-3"}
    ana = rows["R-1"]
    assert ana.text == "Great flat white,\nfriendly staff" and ana.rating == 5
    assert ana.author_name == "Ana" and ana.title == "Lovely" and ana.url == "https://example.com/r/1"
    assert ana.created_at == "2026-03-01T09:30:00Z"
    assert rows["R-3"].created_at == "2026-03-02T00:00:00Z"  # day first
    assert rows["R-2"].created_at == "2026-03-02T10:00:00Z"
    raw = store.conn.execute("SELECT raw FROM items WHERE id = ?", (ana.id,)).fetchone()[0]
    # unmapped columns are kept with the item; the mapped ones are its fields, not a second copy
    assert json.loads(raw) == {"Branch": "Hove"}


async def test_automatic_mapping_from_common_column_names(store, tmp_path):
    path = write(tmp_path, "export.csv", "review_id;date;reviewer;rating;review\n"
                                         "a1;2026-01-05;Dee;3/5;Okay-ish\n")
    src = source(store, path, mapping=None)
    await run(store, src)
    row = stored(store, src.id)["a1"]
    assert (row.text, row.rating, row.author_name, row.created_at) == ("Okay-ish", 3, "Dee", "2026-01-05T00:00:00Z")


async def test_json_list_with_nested_keys(store, tmp_path):
    data = [{"uuid": "j1", "body": "Loved it", "score": 5, "user": {"name": "Eve"}, "at": 1772323200},
            {"uuid": "j2", "body": "Meh", "score": "2", "user": {"name": "Finn"}, "at": "2026-03-02"}]
    path = write(tmp_path, "reviews.json", json.dumps(data))
    src = source(store, path, mapping="id=uuid,text=body,rating=score,author=user.name,created_at=at")
    result = await run(store, src)
    rows = stored(store, src.id)
    assert result.new == 2 and rows["j1"].author_name == "Eve" and rows["j2"].rating == 2
    assert rows["j1"].created_at == "2026-03-01T00:00:00Z"


async def test_json_object_wrapping_a_list_and_json_lines(store, tmp_path):
    wrapped = write(tmp_path, "wrapped.json", json.dumps({"count": 1, "reviews": [{"id": "w1", "text": "hi"}]}))
    lines = write(tmp_path, "lines.jsonl", '{"id": "l1", "text": "one"}\n\n{"id": "l2", "text": "two"}\n{broken\n')
    a, b = source(store, wrapped, None, "a"), source(store, lines, None, "b")
    await run(store, a)
    result = await run(store, b)
    assert set(stored(store, a.id)) == {"w1"}
    assert set(stored(store, b.id)) == {"l1", "l2"} and result.skipped == 1
    assert store.get_source(b.id).cursor["notes"] == ["line 4: not an object"]


async def test_bad_rows_are_skipped_counted_and_named_by_line(store, tmp_path, caplog):
    path = write(tmp_path, "bad.csv", "id,text,rating,date\n"
                                      "1,fine,5,2026-03-01\n"
                                      "2,,,2026-03-01\n"
                                      "3,bad stars,eleven,2026-03-01\n"
                                      "4,bad date,4,next tuesday\n"
                                      "5,also fine,,\n")
    src = source(store, path, mapping=None)
    result = await run(store, src)
    assert set(stored(store, src.id)) == {"1", "5"} and result.skipped == 3
    notes = store.get_source(src.id).cursor["notes"]
    assert notes == ["line 3: no text and no rating",
                     "line 4: rating 'eleven' is not a number from 1 to 5",
                     "line 5: date 'next tuesday' is not a date we can read"]
    assert "bad.csv: skipped line 4: rating 'eleven'" in caplog.text
    verdict = await connector(store, src.id, {}, None).test()  # type: ignore[arg-type]
    assert verdict.startswith("OK: 2 rows to import, 3 bad rows skipped (line 3: no text")


async def test_unknown_column_in_mapping_is_a_clear_error(store, tmp_path):
    path = write(tmp_path, "r.csv", CSV)
    src = source(store, path, mapping="id=Review ID,text=Feedback")
    with pytest.raises(SourceError, match=r"no column 'Feedback' \(for text\); its columns are 'Review ID', 'Date'"):
        await run(store, src)
    assert stored(store, src.id) == {}


@pytest.mark.parametrize(("mapping", "match"), [
    ("body=Comment", "unknown field 'body'"),
    ("text", "should look like field=Column"),
])
def test_malformed_mapping(mapping, match):
    with pytest.raises(SourceError, match=match):
        parse_mapping(mapping)


def test_no_text_column_found_says_how_to_map():
    with pytest.raises(SourceError, match="mapping text=Comment"):
        resolve_mapping({}, ["Foo", "Bar"])


async def test_hostile_text_is_stored_as_plain_text(store, tmp_path):
    formula = '=cmd|"/c calc"!A1'
    script = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    path = write(tmp_path, "evil.csv", f"id,text,title,link\nx1,\"{formula.replace(chr(34), 2 * chr(34))}\",{script},"
                                       "javascript:alert(3)\n")
    src = source(store, path, mapping="id=id,text=text,title=title,url=link")
    await run(store, src)
    row = stored(store, src.id)["x1"]
    assert row.text == formula and row.title == script and row.html is None
    assert row.url == ""  # only http(s) links are kept


async def test_rows_without_id_get_stable_ids_and_reimport_is_idempotent(store, tmp_path):
    path = write(tmp_path, "noid.csv", "text,rating,author\nGood,5,Gia\nBad,1,Hal\nGood,5,Gia\n")
    src = source(store, path, mapping=None)
    first = await run(store, src)
    ids = set(stored(store, src.id))
    # the same content again (a new export of the same data): same ids, nothing new
    path.write_text("text,rating,author\nGood,5,Gia\nBad,1,Hal\nNew one,4,Ivy\n", encoding="utf-8")
    second = await run(store, src)
    assert first.new == 2 and len(ids) == 2  # the duplicate row is one item
    assert second.new == 1 and second.updated == 0 and ids < set(stored(store, src.id))


async def test_unchanged_file_is_a_no_op_and_edits_update_in_place(store, tmp_path):
    path = write(tmp_path, "r.csv", CSV)
    src = source(store, path)
    await run(store, src)
    os.utime(path, (1, 1))  # touched, same content
    again = await run(store, src)
    assert again.new == again.updated == again.unchanged == 0  # not even read
    row = stored(store, src.id)["R-2"]
    store.set_status([row.id], "done")
    store.tag_items([row.id], "speed")
    path.write_text(CSV.replace("Waited 20 minutes", "Waited 20 minutes - but they said sorry"), encoding="utf-8")
    edited = await run(store, src)
    after = store.get_item(row.id)
    assert edited.updated == 1 and edited.new == 0 and edited.unchanged == 2
    assert after.text.endswith("said sorry") and after.status == "done" and after.tags[0][0] == "speed"
    assert store.get_source(src.id).cursor["file"]["size"] == path.stat().st_size


async def test_non_latin_and_emoji(store, tmp_path):
    path = write(tmp_path, "u.csv", "id,text,author\nu1,Очень вкусно 😋 — 美味しい,Zoë Ñandú\n")
    src = source(store, path, mapping=None)
    await run(store, src)
    row = stored(store, src.id)["u1"]
    assert (row.text, row.author_name) == ("Очень вкусно 😋 — 美味しい", "Zoë Ñandú")


async def test_big_file_arrives_in_pages_with_the_cursor_on_the_last(store, tmp_path):
    lines = ["id,text,rating"] + [f"{i},review {i},{1 + i % 5}" for i in range(1200)]
    path = write(tmp_path, "big.csv", "\n".join(lines))
    src = source(store, path, mapping=None)
    conn = connector(store, src.id, {}, None)  # type: ignore[arg-type]
    pages = [p async for p in conn.pages({})]
    assert [len(p.items) for p in pages] == [500, 500, 200]
    assert [("file" in p.cursor) for p in pages] == [False, False, True]
    # a run killed after page 1 resumes with the same time for rows without a date
    assert pages[0].cursor["undated_at"] == pages[-1].cursor["undated_at"]


@pytest.mark.parametrize(("content", "name", "error", "match"), [
    (b"id,text\n1,caf\xe9\n", "latin1.csv", BadPayload, "not UTF-8 \\(line 2\\)"),
    (b'[{"id": 1, "text": "x"', "cut.json", BadPayload, "JSON file cannot be read"),
    (b'"just a string"', "odd.json", BadPayload, "list of objects"),
])
async def test_unreadable_files(store, tmp_path, content, name, error, match):
    src = source(store, write(tmp_path, name, content), mapping=None)
    with pytest.raises(error, match=match):
        await run(store, src)


async def test_missing_file(store, tmp_path):
    src = source(store, tmp_path / "gone.csv")
    with pytest.raises(SourceError, match="file not found"):
        await run(store, src)


async def test_rows_without_a_date_keep_their_first_import_time(store, tmp_path):
    path = write(tmp_path, "undated.csv", "id,text\nu1,first\nu2,second\n")
    src = source(store, path, mapping=None)
    store.set_cursor(src.id, {"undated_at": "2026-01-01T00:00:00Z"})  # as if first imported then
    await run(store, src)
    path.write_text("id,text\nu1,first\nu2,second - edited\n", encoding="utf-8")
    again = await run(store, src)
    rows = stored(store, src.id)
    assert (again.updated, again.unchanged) == (1, 1)
    assert rows["u1"].created_at == rows["u2"].created_at == "2026-01-01T00:00:00Z"
    assert store.get_source(src.id).cursor["undated_at"] == "2026-01-01T00:00:00Z"


PLAY_CSV = (
    "Package Name,App Version Code,App Version Name,Reviewer Language,Device,Review Submit Date and Time,"
    "Review Submit Millis Since Epoch,Review Last Update Date and Time,Review Last Update Millis Since Epoch,"
    "Star Rating,Review Title,Review Text,Developer Reply Date and Time,Developer Reply Millis Since Epoch,"
    "Developer Reply Text,Review Link\n"
    "com.harbourcafe.orderahead,381,3.8.1,en,a53x,2025-06-13T11:43:30Z,1749815010000,2025-06-13T11:43:30Z,"
    "1749815010000,2,,App crashes when I add a second drink,2025-06-14T08:00:00Z,1749888000000,"
    "\"Thanks - fixed in 3.8.2, rolling out today.\",https://play.google.com/apps/publish?account=1#ReviewDetailsPlace:p=com.harbourcafe.orderahead&reviewid=gp:AOqp1\n"
    "com.harbourcafe.orderahead,380,3.8.0,de,,2025-06-12T09:05:40Z,1749719140000,2025-06-12T09:05:40Z,"
    "1749719140000,5,Super,Schnell und einfach 👍,,,,\n"
)


async def test_play_console_report_in_utf16_with_developer_replies(store, tmp_path):
    path = write(tmp_path, "reviews_reviews_com.harbourcafe.orderahead_202506.csv", PLAY_CSV.encode("utf-16"))
    src = source(store, path, mapping=None)
    result = await run(store, src)
    rows = stored(store, src.id)
    assert result.new == 3 and result.skipped == 0
    review = next(r for r in rows.values() if r.rating == 2)
    reply = rows[f"{review.external_id}:reply"]
    assert review.text == "App crashes when I add a second drink" and review.created_at == "2025-06-13T11:43:30Z"
    assert review.url.startswith("https://play.google.com/")
    assert reply.is_owner_reply and reply.text.startswith("Thanks - fixed")
    assert reply.created_at == "2025-06-14T08:00:00Z"
    assert thread_ids(store, reply) == [review.external_id, reply.external_id]
    german = next(r for r in rows.values() if r.rating == 5)
    assert (german.title, german.text) == ("Super", "Schnell und einfach 👍")
    verdict = await connector(store, src.id, {}, None).test()  # type: ignore[arg-type]
    assert verdict == "OK: 2 rows to import"


async def test_a_big_file_is_read_off_the_event_loop(store, tmp_path):
    """The UI runs sync on its event loop: parsing must leave it free to tick."""
    import asyncio
    import time

    lines = ["id,text,rating"] + [f"{i},review number {i} about coffee,{1 + i % 5}" for i in range(60000)]
    path = write(tmp_path, "big.csv", "\n".join(lines))
    src = source(store, path, mapping=None)
    conn = connector(store, src.id, {}, None)  # type: ignore[arg-type]
    gaps: list[float] = []

    async def ticker():
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.01)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    tick = asyncio.create_task(ticker())
    pages = [p async for p in conn.pages({})]
    tick.cancel()
    assert sum(len(p.items) for p in pages) == 60000
    assert len(gaps) > 5 and max(gaps) < 1.0  # the loop kept ticking while the file was parsed


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "exports"


async def test_a_trustpilot_business_export_imports_with_its_preset_found_by_its_columns(store):
    src = source(store, FIXTURES / "trustpilot-export.csv", mapping=None)
    result = await run(store, src)
    rows = stored(store, src.id)
    assert result.new == 3  # two reviews and the company's reply
    dana = rows["65f1c2a9b7e0d4001f3a9c11"]
    assert (dana.author_name, dana.rating, dana.title) == ("Dana F.", 5, "Best buns in town")
    assert dana.text == "Came for the cinnamon buns, stayed for the view."
    assert dana.created_at == "2026-03-09T14:22:31Z"  # the export's times are UTC
    reply = rows["65f1c2a9b7e0d4001f3a9c11:reply"]
    assert reply.text == "Thank you Dana, see you soon!" and reply.is_owner_reply
    assert rows["65f0aa10c3d2e1001f3a9b02"].rating == 2


async def test_a_google_play_monthly_report_in_utf16_imports_with_its_preset(store):
    path = FIXTURES / "googleplay-reviews_uk.co.harbourcafe.order_202603.csv"
    assert path.read_bytes().startswith(b"\xff\xfe")
    src = source(store, path, mapping=None)
    src = store.update_source(src.id, settings={**src.settings, "preset": "googleplay-report"})
    result = await run(store, src)
    rows = stored(store, src.id)
    assert result.new == 3
    stamps = next(r for r in rows.values() if r.rating == 2)
    assert stamps.text == "Since the update my loyalty stamps are gone."
    assert stamps.created_at == "2026-03-13T18:42:09Z" and stamps.url.startswith("https://play.google.com/")
    assert stamps.external_id.endswith("reviewid=gp:AOqpTOF1")  # the link names the review: re-imports match
    again = await run(store, store.get_source(src.id))  # the same file again: nothing new
    assert again.new == 0


def test_presets_are_found_by_their_columns_only():
    from inbox.sources.file_presets import detect

    assert detect(["Review Id", "Review Created (UTC)", "Review Stars"]).name == "trustpilot-export"
    assert detect(["Package Name", "Star Rating", "Review Submit Date and Time"]).name == "googleplay-report"
    assert detect(["Date", "Stars", "Comment"]) is None
