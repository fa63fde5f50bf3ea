"""Mastodon through the engine against a fake instance on the replay server."""

from __future__ import annotations

from tests.replay.mastodon import FakeMastodon
from tests.sync_helpers import add_source, forget_test_secrets, item_count, run_sync, runs  # noqa: F401


def test_pages_cursor_and_incremental_second_run(store, replay):
    fake = FakeMastodon(n=200, token="tok-AAAA-1111").install(replay)
    src = add_source(store, "mastodon", "masto", {"base_url": replay.base_url},
                     {"token": "tok-AAAA-1111"})
    progress = []
    [summary] = run_sync(store, progress=progress)
    assert summary.ok, summary.error
    assert (summary.fetched, summary.new, summary.updated) == (200, 200, 0)
    assert item_count(store, src.id) == 200
    assert replay.count("GET", r"/api/v1/notifications") == 4  # 80 + 80 + 40 + empty
    assert store.get_source(src.id).cursor["min_id"] == fake.notes[-1]["id"]
    assert progress[0].state == "queued" and progress[-1].state == "done"
    assert progress[-1].pages == 3
    run = runs(store, src.id)[-1]
    assert (run["fetched"], run["new"], run["error"]) == (200, 200, None) and run["finished_at"]
    assert store.get_source(src.id).last_synced_at

    before = len(replay.requests)
    [again] = run_sync(store)
    assert again.ok and (again.fetched, again.new) == (0, 0)
    assert len(replay.requests) - before == 1  # one request finds nothing newer and stops
    fake.mention("Brand new 🎉 ünïcödé")
    [third] = run_sync(store)
    assert (third.new, third.fetched) == (1, 1)
    row = store.conn.execute("SELECT text FROM items WHERE id = ?", (third.new_item_ids[0],)).fetchone()
    assert row["text"] == "Brand new 🎉 ünïcödé"


def test_non_latin_text_html_sanitised_and_threads(store, replay):
    fake = FakeMastodon(n=0, token="t0ken-xyz").install(replay)
    weird = fake.mention("", html='<p>Привет <script>alert(1)</script><a href="javascript:alert(2)">клик</a> '
                          '<a href="https://ok.example/">ok</a> 日本語 🙂</p>')
    child = fake.mention("reply", in_reply_to=str(10**18 + 5))  # parent not seen yet
    fake.mention("the parent", status_id=str(10**18 + 5))
    add_source(store, "mastodon", "m", {"base_url": replay.base_url}, {"token": "t0ken-xyz"})
    [s] = run_sync(store)
    assert s.ok and s.new == 3
    first = store.conn.execute("SELECT text, html FROM items WHERE external_id = ?",
                               (weird["id"],)).fetchone()
    assert first["text"] == "Привет клик ok 日本語 🙂"
    assert "script" not in first["html"] and "javascript" not in first["html"]
    assert 'href="https://ok.example/"' in first["html"]
    threads = store.conn.execute(
        "SELECT external_id, thread_id FROM items WHERE external_id IN (?, ?)",
        (child["id"], str(10**18 + 5))).fetchall()
    assert len({t["thread_id"] for t in threads}) == 1  # the reply joined its parent's thread


def test_bad_token_is_credentials_rejected(store, replay):
    FakeMastodon(n=3, token="right-token").install(replay)
    src = add_source(store, "mastodon", "m", {"base_url": replay.base_url}, {"token": "wrong-token"})
    [s] = run_sync(store)
    assert not s.ok and "credentials rejected" in s.error and "wrong-token" not in s.error
    assert store.get_source(src.id).last_error == s.error
    assert runs(store, src.id)[-1]["error"] == s.error
