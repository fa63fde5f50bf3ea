"""One entry the database cannot take never sinks its page (a sync's or an import's)."""

from __future__ import annotations

import dataclasses

from inbox.domain import Author
from tests.faults import item


def _deep(n: int) -> list:
    value: list = []
    for _ in range(n):
        value = [value]
    return value


def test_bad_entries_are_skipped_with_a_note_and_the_page_is_stored(store) -> None:
    sid = store.add_source("google", "Café").id
    good = [item(i) for i in range(6)]
    bad = [
        dataclasses.replace(item(100), text="half a character \ud800"),
        dataclasses.replace(item(101), text="x" * 200_000),
        dataclasses.replace(item(102), author=Author(external_id="a", display_name="\udcff")),
        dataclasses.replace(item(103), raw={"note": "\ud83d alone"}),   # found only by trying
        dataclasses.replace(item(104), raw={"deep": _deep(5000)}),      # json.dumps recursion
        dataclasses.replace(item(105), raw={"n": 10**30}, rating=10**30),
    ]
    page = [good[0], *bad[:3], *good[1:4], *bad[3:], *good[4:]]
    result = store.save_page(sid, page, {"page": 2})
    kept = {r[0] for r in store.conn.execute("SELECT external_id FROM items")}
    assert {i.external_id for i in good} <= kept
    assert not {"r100", "r101", "r102", "r103", "r104"} & kept
    assert result.skipped >= 5 and len(result.notes) >= 5
    assert any("not valid Unicode" in n for n in result.notes)
    assert any("longer than 100,000 characters" in n for n in result.notes)
    assert not any("Error" in n for n in result.notes)  # words, not Python's exception names
    assert store.get_source(sid).cursor == {"page": 2}  # the page's cursor still moved on
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_good_page_pays_no_second_pass(store) -> None:
    sid = store.add_source("google", "Café").id
    result = store.save_page(sid, [item(i) for i in range(50)])
    assert len(result.new_ids) == 50 and result.skipped == 0 and result.notes == []
