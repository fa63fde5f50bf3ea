"""Forgotten for good: an erased customer stays out on every path back in (next sync, an
owner reply on a later page, a restored backup, a re-imported file), and what is kept
holds no readable identity."""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from click.testing import CliRunner

from inbox.cli import main
from inbox.domain import Author, InboxFilter, Item
from inbox.services import aspect_themes
from inbox.services import backup as backups
from inbox.services.authors import author_html, erase_author, erase_plan, export_author
from inbox.services.erasure import describe_reapplied
from inbox.store import Store
from inbox.store.migrations import MIGRATIONS, migrate
from tests.export_data import T0, fill, item_id
from tests.replay.harness import add_source, ingest

JANE_WORDS = ("jane", "Jane Doe", "@jane", "Review number 1 about", "Review number 2 about", "Zanzibarquux")


def jane(store: Store) -> int:
    return store.conn.execute(
        "SELECT id FROM authors WHERE external_id = 'jane' AND platform = 'google'").fetchone()[0]


def erasure_rows(store: Store) -> list[tuple]:
    return [tuple(r) for t in ("erasures", "erasure_digests", "erasure_salt")
            for r in store.conn.execute(f"SELECT * FROM {t}")]


def assert_no_readable_identity(store: Store, *words: str) -> None:
    """The erasure tables hold digests, dates and counts: none of the person's words."""
    dumped = json.dumps(erasure_rows(store)).casefold()
    for word in words:
        assert word.casefold() not in dumped, word
    for d, kind, salt, _ in store.conn.execute("SELECT * FROM erasure_digests"):
        assert re.fullmatch(r"[0-9a-f]{64}", d) and re.fullmatch(r"[0-9a-f]{64}", salt), (d, kind)


def test_erasure_keeps_only_digests_and_removes_every_derived_thing(store):
    ids = fill(store)
    r1 = item_id(store, "r1")
    store.tag_items([r1], "Regular")
    store.save_draft(r1, "Dear Jane")
    store.conn.execute("INSERT INTO item_phrases VALUES (?, 'flat white')", (r1,))
    aspect_themes.backfill_all(store)  # the themes read of her reviews, and a correction of hers
    aspect_themes.correct(store, r1, "coffee", "negative")
    assert store.conn.execute("SELECT count(*) FROM aspect_mentions WHERE item_id = ?", (r1,)).fetchone()[0]
    before_days = store.conn.execute("SELECT sum(n) FROM insight_days WHERE source_id = ?",
                                     (ids["cafe"],)).fetchone()[0]
    plan = erase_author(store, jane(store))
    r = plan.report
    assert (r.items, r.owner_replies, r.tags, r.drafts, r.phrases, r.figures) == (2, 1, 1, 1, 1, 2)
    assert store.conn.execute("SELECT count(*) FROM item_phrases").fetchone()[0] == 0
    for table in ("aspect_mentions", "aspect_corrections"):
        assert store.conn.execute(f"SELECT count(*) FROM {table} WHERE item_id = ?", (r1,)).fetchone()[0] == 0
    assert store.conn.execute("SELECT sum(n) FROM insight_days WHERE source_id = ?",
                              (ids["cafe"],)).fetchone()[0] == before_days - 2
    assert store.conn.execute("SELECT count(*) FROM insight_days WHERE n <= 0").fetchone()[0] == 0
    kinds = [k for (k,) in store.conn.execute("SELECT kind FROM erasure_digests ORDER BY kind")]
    assert kinds == ["author", "item", "item", "item"]
    assert_no_readable_identity(store, *JANE_WORDS, "r1", "r2", "r1-reply")
    assert "2 items they wrote" in plan.details() and "keep out" in plan.details()


def test_an_owner_reply_to_an_erased_item_on_a_later_page_stays_out(store):
    ids = fill(store)
    erase_author(store, jane(store))
    # The platform sends the owner's (later) reply to Jane's review on another page, alone.
    late = Item("r2-reply", kind="reply", text="Sorry Jane, we fixed the machine", is_owner_reply=True,
                author=Author("owner", display_name="Café"), parent_external_id="r2",
                created_at=T0 + timedelta(days=5))
    reply_to_reply = Item("r2-reply-2", kind="reply", text="And a coupon, Jane", is_owner_reply=True,
                          author=Author("owner", display_name="Café"), parent_external_id="r2-reply",
                          created_at=T0 + timedelta(days=6))
    result = store.save_page(ids["cafe"], [late, reply_to_reply], {"page": 3})
    assert (result.new, result.skipped) == (0, 2)
    assert store.conn.execute("SELECT count(*) FROM items WHERE text LIKE '%Jane%' AND source_id = ?",
                              (ids["cafe"],)).fetchone()[0] == 0
    # another customer's reply under her erased review is theirs, and an owner reply to
    # someone else still arrives
    other = Item("r3-reply-late", kind="reply", text="Thanks Guest 3", is_owner_reply=True,
                 author=Author("owner", display_name="Café"), parent_external_id="r3",
                 created_at=T0 + timedelta(days=7))
    assert store.save_page(ids["cafe"], [other]).new == 1


def test_next_sync_keeps_out_every_linked_identity(store):
    ids = fill(store)
    google, reddit = jane(store), store.conn.execute(
        "SELECT id FROM authors WHERE external_id = 'jane' AND platform = 'reddit'").fetchone()[0]
    store.link_authors(google, reddit)
    plan = erase_author(store, google)
    assert sorted(plan.report.identities) == ["google", "reddit"]
    assert store.count_items(InboxFilter(query="Zanzibarquux")) == 0
    back = store.save_page(ids["reddit"], [Item("p2", kind="mention", text="Jane again", created_at=T0,
                                                 author=Author("jane", display_name="Jane Doe"))])
    assert (back.new, back.skipped) == (0, 1)


def _backup(store: Store, path: Path) -> Path:
    target = path / "before.db"
    src = sqlite3.connect(store.path)
    dst = sqlite3.connect(target)
    src.backup(dst)
    dst.close()
    src.close()
    return target


def test_restoring_a_backup_made_before_the_erasure_reapplies_it(store, tmp_path):
    fill(store)
    old = _backup(store, tmp_path)
    erase_author(store, jane(store))
    result = backups.restore_into(store, old)
    reapplied = list(result.reapplied)
    assert not result.erasures_unread  # read from the open inbox: nothing for the owner to redo
    assert len(reapplied) == 1 and reapplied[0].report.items == 2 and reapplied[0].report.owner_replies == 1
    assert store.conn.execute("SELECT count(*) FROM authors WHERE external_id = 'jane' "
                              "AND platform = 'google'").fetchone()[0] == 0
    assert store.count_items(InboxFilter(query="\"Review number 1 about\"")) == 0
    assert "re-applied the erasure of" in describe_reapplied(reapplied)
    # the record is in the restored copy: her next sync stays out, and restoring again is a no-op
    assert store.conn.execute("SELECT count(*) FROM erasures").fetchone()[0] == 1
    assert backups.restore_into(store, old).reapplied[0].report.items == 2   # the old copy still has her...
    later = tmp_path / "later"
    later.mkdir()
    assert backups.restore_into(store, _backup(store, later)).reapplied == ()  # ...a copy made after does not
    assert_no_readable_identity(store, *JANE_WORDS)


def test_cli_restore_over_the_file_says_which_erasures_it_reapplied(tmp_path):
    db = tmp_path / "inbox.db"
    with Store(db) as store:
        fill(store)
        old = _backup(store, tmp_path)
        author = jane(store)
    runner = CliRunner()
    erased = runner.invoke(main, ["author", "erase", str(author), "--yes", "--db", str(db)])
    assert erased.exit_code == 0, erased.output
    restored = runner.invoke(main, ["backup", "restore", str(old), "--yes", "--db", str(db)])
    assert restored.exit_code == 0, restored.output
    assert "re-applied the erasure of" in restored.output and "removed 2 items and 1 reply" in restored.output
    with Store(db) as store:
        assert store.conn.execute("SELECT count(*) FROM items WHERE text LIKE 'Review number 1 %'"
                                  ).fetchone()[0] == 0


def test_a_reimported_file_does_not_bring_them_back(store, tmp_path):
    csv = tmp_path / "reviews.csv"
    csv.write_text("Review ID,Name,Stars,Comment,Date\r\nR-1,Ana,5,Great flat white,2026-03-01\r\n"
                   "R-2,Ben,2,Waited twenty minutes,2026-03-02\r\n", encoding="utf-8")
    src = add_source(store, "file", {"path": str(csv), "mapping": "id=Review ID,text=Comment,rating=Stars,"
                                                                  "author=Name,created_at=Date"})
    asyncio.run(ingest(store, src.id, {}, None))  # type: ignore[arg-type]
    ben = store.conn.execute("SELECT id FROM authors WHERE display_name = 'Ben'").fetchone()[0]
    erase_author(store, ben)
    store.conn.execute("UPDATE sources SET cursor = '{}' WHERE id = ?", (src.id,))  # read the whole file again
    again = asyncio.run(ingest(store, src.id, {}, None))  # type: ignore[arg-type]
    assert again.new == 0
    assert [r[0] for r in store.conn.execute("SELECT text FROM items")] == ["Great flat white"]
    assert_no_readable_identity(store, "Ben", "Waited twenty")


def test_cli_erase_says_what_was_removed_per_kind_and_what_stays_out(tmp_path):
    db = tmp_path / "inbox.db"
    with Store(db) as store:
        fill(store)
        store.tag_items([item_id(store, "r1")], "Regular")
        author = jane(store)
    runner = CliRunner()
    dry = runner.invoke(main, ["author", "erase", str(author), "--db", str(db)])
    assert dry.exit_code != 0 and "2 items they wrote" in dry.output and "1 tag on their items" in dry.output
    done = runner.invoke(main, ["author", "erase", str(author), "--yes", "--db", str(db)])
    assert done.exit_code == 0, done.output
    for line in ("2 items they wrote", "1 of your replies to them", "1 tag on their items",
                 "0 draft replies", "2 items counted in the charts"):
        assert line in done.output
    assert "keep out anything from their 1 account (Google)" in done.output
    assert "jane" not in done.output.split("Removed:")[1].casefold()


def test_author_export_writes_json_and_an_escaped_readable_page(store, tmp_path):
    ids = fill(store)
    store.save_page(ids["cafe"], [Item("r77", kind="review", text="<script>alert(1)</script> & <b>bold</b>",
                                       title="<img src=x onerror=alert(2)>", rating=1, created_at=T0,
                                       author=Author("jane", display_name="Jane <Doe>", handle="@jane"))])
    json_path, csv_path, html_path = export_author(store, jane(store), tmp_path / "jane.json")
    page = html_path.read_text(encoding="utf-8")
    assert "<script>" not in page and "<img" not in page and "<b>bold" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    assert "Data held about Jane &lt;Doe&gt;" in page
    assert "Thanks for review 1!" in page                   # the owner's reply to her, under her review
    assert "Content-Security-Policy" in page
    assert json.loads(json_path.read_text(encoding="utf-8"))["author"]["display_name"] == "Jane <Doe>"
    assert csv_path.exists()
    assert author_html({"author": {"display_name": "", "handle": "", "platform": "x", "external_id": "1",
                                   "profile_url": ""}, "items": [], "exported_at": "t", "exported_by": "b"})


def test_cli_author_export_names_the_readable_page(tmp_path):
    db = tmp_path / "inbox.db"
    with Store(db) as store:
        fill(store)
        author = jane(store)
    out = CliRunner().invoke(main, ["author", "export", str(author), "-o", str(tmp_path / "j.json"), "--db", str(db)])
    assert out.exit_code == 0, out.output
    assert "j.html (readable page)" in out.output and (tmp_path / "j.html").exists()


def test_old_tombstones_become_digests(tmp_path):
    conn = sqlite3.connect(tmp_path / "old.db", isolation_level=None)
    version = MIGRATIONS.index(next(m for m in MIGRATIONS if getattr(m, "__name__", "") == "m013_erasure_records"))
    migrate(conn, target=version)
    conn.execute("INSERT INTO tombstones VALUES ('google', 'jane-plain-id', '2026-01-01T00:00:00Z')")
    migrate(conn)
    conn.close()
    with Store(tmp_path / "old.db") as store:
        assert store.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'tombstones'").fetchone() is None
        assert_no_readable_identity(store, "jane-plain-id")
        src = store.add_source("google", "Café")
        result = store.save_page(src.id, [Item("r1", kind="review", text="back?", rating=3, created_at=T0,
                                               author=Author("jane-plain-id", display_name="J"))])
        assert (result.new, result.skipped) == (0, 1)
    assert b"jane-plain-id" not in (tmp_path / "old.db").read_bytes()


def test_erase_plan_is_a_read(store):
    fill(store)
    plan = erase_plan(store, jane(store))
    assert plan.report.items == 2 and erasure_rows(store) == [tuple(r) for r in store.conn.execute(
        "SELECT * FROM erasure_salt")]


def test_export_covers_every_linked_account_that_erase_would_remove(store, tmp_path):
    fill(store)
    google, reddit = jane(store), store.conn.execute(
        "SELECT id FROM authors WHERE external_id = 'jane' AND platform = 'reddit'").fetchone()[0]
    store.link_authors(google, reddit)
    json_path, csv_path, html_path = export_author(store, google, tmp_path / "jane.json")
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert [a["platform"] for a in data["linked_accounts"]] == ["reddit"]
    assert {i["external_id"] for i in data["items"]} == {"r1", "r2", "p1"}
    assert "Zanzibarquux" in html_path.read_text(encoding="utf-8")
    assert "Zanzibarquux" in csv_path.read_text(encoding="utf-8")
    assert erase_plan(store, google).report.items == 3


def test_a_backup_older_than_the_erasure_records_gets_the_erasure_too(tmp_path):
    """A copy from before migration M013 has no salt of its own yet: the records carried
    into it keep theirs, so they still match there."""
    old = tmp_path / "old.db"
    conn = sqlite3.connect(old, isolation_level=None)
    migrate(conn, target=MIGRATIONS.index(next(m for m in MIGRATIONS
                                              if getattr(m, "__name__", "") == "m013_erasure_records")))
    conn.execute("INSERT INTO sources (id, kind, name, created_at) VALUES (1, 'google', 'Café', '2026-01-01T00:00:00Z')")
    conn.execute("INSERT INTO authors (id, platform, external_id, display_name) VALUES (1, 'google', 'zoe', 'Zoe')")
    for n in (1, 2):
        conn.execute("INSERT INTO items (source_id, external_id, kind, author_id, text, created_at, fetched_at) "
                     "VALUES (1, ?, 'review', 1, ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
                     (f"z{n}", f"Zoe wrote {n}"))
    conn.close()
    current = tmp_path / "inbox.db"
    current.write_bytes(old.read_bytes())
    with Store(current) as store:
        erase_author(store, store.conn.execute("SELECT id FROM authors WHERE external_id = 'zoe'").fetchone()[0])
        reapplied = backups.restore_into(store, old).reapplied
        assert [r.report.items for r in reapplied] == [2]
        assert store.conn.execute("SELECT count(*) FROM items").fetchone()[0] == 0
        salts = {r[0] for r in store.conn.execute("SELECT salt FROM erasure_digests")}
        assert store.erasure_salt() not in salts        # the restored copy made its own salt
        again = store.save_page(1, [Item("z3", kind="review", text="Zoe is back", rating=5, created_at=T0,
                                         author=Author("zoe", display_name="Zoe"))])
        assert (again.new, again.skipped) == (0, 1)


def test_the_readable_page_says_times_in_local_words_the_json_keeps_utc(store, tmp_path, monkeypatch):
    import time

    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        fill(store)
        json_path, _, html_path = export_author(store, jane(store), tmp_path / "jane.json")
        page = html_path.read_text(encoding="utf-8")
        data = json.loads(json_path.read_text(encoding="utf-8"))
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", page)         # no ISO, no UTC on the page
    written = data["items"][0]["created_at"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", written)  # the file for machines is exact
    tokyo = datetime.fromisoformat(written.replace("Z", "+00:00")).astimezone(ZoneInfo("Asia/Tokyo"))
    assert f"{tokyo.day} {tokyo:%B %Y, %H:%M}" in page
