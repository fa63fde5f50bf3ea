"""One bad row never sinks an import: each kind of broken row is skipped with a note naming
its line, every good row is stored; whole-file problems give one sentence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inbox.sources.base import BadPayload
from tests.replay.harness import stored
from tests.sources.test_file import run, source, write

GOOD = [f"r{i},Great coffee number {i},5,Ana,2026-11-01" for i in range(10)]
HEADER = "id,text,rating,author,date"


def _csv(bad: str | bytes, at: int = 4) -> bytes:
    rows = [line.encode() for line in [HEADER, *GOOD]]
    rows.insert(at, bad if isinstance(bad, bytes) else bad.encode())
    return b"\n".join(rows) + b"\n"


@pytest.mark.parametrize(("bad", "note"), [
    ('rq,"a quote that never closes,5,Bob,2026-11-01', "line 5: a quote that never closes"),
    ("rbig," + "x" * 300_000 + ",5,Bob,2026-11-01", "line 5: a cell longer than"),
    ("rlong," + "x" * 120_000 + ",5,Bob,2026-11-01", "line 5: the text is longer than 100,000 characters"),
    (b"rlatin,caf\xe9 au lait,5,Bob,2026-11-01", "line 5: text that is not valid Unicode"),
    ("rstars,Fine,1e400,Bob,2026-11-01", "line 5: rating"),
    ("rdate,Fine,5,Bob,99999999999999999999", "line 5: date"),
], ids=["quote", "huge-cell", "long-text", "not-utf8", "rating", "date"])
async def test_a_broken_csv_row_is_skipped_with_its_line_and_the_rest_stored(store, tmp_path: Path, bad, note):
    src = source(store, write(tmp_path, "export.csv", _csv(bad)), mapping=None)
    result = await run(store, src)
    assert set(stored(store, src.id)) == {f"r{i}" for i in range(10)}
    assert result.skipped == 1
    notes = store.get_source(src.id).cursor["notes"]
    assert len(notes) == 1 and notes[0].startswith(note), notes
    assert "Traceback" not in notes[0] and "field_size_limit" not in notes[0]


async def test_broken_json_entries_are_skipped_by_position(store, tmp_path: Path) -> None:
    rows = [{"id": f"r{i}", "text": f"Great {i}", "rating": 5} for i in range(10)]
    rows[2]["text"] = "\ud800 half a character"
    rows[3]["rating"] = 10**40
    rows[4]["date"] = 1e300
    rows[5]["extra"] = json.loads("[" * 60 + "]" * 60)
    rows[6] = "just a string"  # type: ignore[call-overload]
    src = source(store, write(tmp_path, "export.json", json.dumps(rows)), mapping=None)
    result = await run(store, src)
    assert set(stored(store, src.id)) == {"r0", "r1", "r7", "r8", "r9"}
    assert result.skipped == 5
    notes = store.get_source(src.id).cursor["notes"]
    assert [n.split(":")[0] for n in notes] == ["row 3", "row 4", "row 5", "row 6", "row 7"]
    assert "not valid Unicode" in notes[0] and "nested more than" in notes[3]


async def test_a_json_lines_row_nested_past_reason_is_skipped(store, tmp_path: Path) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    path = write(tmp_path, "export.jsonl", f'{{"id": "a", "text": "x"}}\n{deep}\n{{"id": "b", "text": "y"}}\n')
    src = source(store, path, mapping=None)
    result = await run(store, src)
    assert set(stored(store, src.id)) == {"a", "b"} and result.skipped == 1
    assert store.get_source(src.id).cursor["notes"] == ["line 2: nested far deeper than any export"]


@pytest.mark.parametrize(("name", "content", "sentence"), [
    ("empty.csv", b"", "the file is empty"),
    ("blank.csv", b"\n\n  \n", "the file is empty"),
    ("photo.csv", bytes(range(256)) * 20, "not a CSV or JSON file"),
    ("deep.json", b"[" + b"[" * 100_000 + b"]" * 100_000 + b"]", "nested far deeper"),
    ("latin.csv", "id,text\n1,café\n2,crème\n".encode("latin-1"), "not UTF-8 (line 2)"),
])
async def test_whole_file_problems_are_one_sentence(store, tmp_path: Path, name, content, sentence) -> None:
    src = source(store, write(tmp_path, name, content), mapping=None)
    with pytest.raises(BadPayload) as caught:
        await run(store, src)
    message = str(caught.value)
    assert sentence in message and "\n" not in message
    assert "recursion" not in message.lower() and "sys." not in message and "field_size_limit" not in message
    assert stored(store, src.id) == {} or not stored(store, src.id)
