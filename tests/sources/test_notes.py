"""Notes a source leaves for its user reach whoever shows the source (dialog, CLI)."""

from __future__ import annotations

from inbox.domain import Source
from inbox.sources.facebook import RATINGS_NOTE
from inbox.sources.notes import source_notes
from tests.replay import facebook as fake
from tests.replay.harness import add_source, http_client, ingest


async def test_facebook_v22_note_is_shown(store, replay):
    fake.install(replay, fake.Graph(ratings=None))
    src = add_source(store, "facebook", {"base_url": f"{replay.base_url}/{fake.VERSION}", "page_id": fake.PAGE})
    async with http_client() as http:
        await ingest(store, src.id, {"page_token": fake.TOKEN}, http)
    assert source_notes(store.get_source(src.id)) == [RATINGS_NOTE]


async def test_file_import_bad_rows_are_shown(store, tmp_path):
    path = tmp_path / "cards.csv"
    path.write_text("id,text,rating\n1,ok,5\n2,,\n3,x,eleven\n", encoding="utf-8")
    src = add_source(store, "file", {"path": str(path)})
    await ingest(store, src.id, {}, None)  # type: ignore[arg-type]
    assert source_notes(store.get_source(src.id)) == [
        "2 rows skipped in the last import; the first 2:", "line 3: no text and no rating",
        "line 4: rating 'eleven' is not a number from 1 to 5"]


def test_sources_without_notes_and_odd_cursors():
    assert source_notes(Source(1, "yelp", "y", cursor={"total": 3})) == []
    assert source_notes({"note": None, "notes": "not a list"}) == []
