"""Mastodon through the engine against a fake instance on the replay server."""

from __future__ import annotations

from tests.replay.mastodon import TEXTS, FakeMastodon
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


def test_saved_search_query_collects_matching_posts_once(store, replay):
    fake = FakeMastodon(n=10, token="tok-search-1").install(replay)
    src = add_source(store, "mastodon", "m", {"base_url": replay.base_url, "query": "кофе"},
                     {"token": "tok-search-1"})
    [s] = run_sync(store)
    assert s.ok and s.new == 10  # the matching posts are mentions too: stored once, not twice
    assert replay.count("GET", r"/api/v2/search") == 2  # one page, then nothing newer
    assert [r for r in replay.requests if r.path == "/api/v2/search"][-1].arg("min_id") == fake.status(7)["id"]
    fake.mention("Кофе снова отличный")  # not a mention of us in real life, found by search
    [again] = run_sync(store)
    assert again.ok and again.new == 1 and item_count(store, src.id) == 11


def test_entries_without_id_or_text_are_skipped_and_counted(store, replay):
    fake = FakeMastodon(n=5, token="tok-skip-1").install(replay)
    fake.notes[1]["status"] = None                    # a mention whose post is gone
    fake.notes[2]["status"]["content"] = "<p> </p>"   # nothing to read
    fake.notes[3]["status"]["id"] = None              # no id
    fake.notes[4]["status"]["surprise_field"] = {"x": [1, 2]}  # unknown fields are ignored
    src = add_source(store, "mastodon", "m", {"base_url": replay.base_url}, {"token": "tok-skip-1"})
    [s] = run_sync(store)
    assert s.ok and (s.new, s.skipped) == (2, 3)
    assert item_count(store, src.id) == 2
    assert runs(store, src.id)[-1]["skipped"] == 3


def test_a_page_with_half_an_emoji_nan_or_infinity_still_gives_every_entry(store, replay):
    """JSON that strict readers refuse but `json` takes: a lone surrogate escape (`\\ud83d`,
    half an emoji cut by a buggy client), NaN, Infinity. Every entry of such a page is stored.
    The half emoji used to fail the whole source ("unexpected error in the mastodon
    connector": nh3 refused the text); it is now shown as U+FFFD."""
    fake = FakeMastodon(n=4, token="tok-odd-1").install(replay)
    fake.notes[1]["status"]["content"] = "<p>half an emoji \ud83d</p>"  # sent as the escape \ud83d
    fake.notes[2]["status"]["surprise_number"] = float("nan")            # sent as NaN
    fake.notes[3]["status"]["surprise_number"] = float("inf")            # sent as Infinity
    src = add_source(store, "mastodon", "m", {"base_url": replay.base_url}, {"token": "tok-odd-1"})
    [s] = run_sync(store)
    assert s.ok and (s.new, s.skipped) == (4, 0), s.error
    texts = {r[0] for r in store.conn.execute("SELECT text FROM items WHERE source_id = ?", (src.id,))}
    assert texts == {f"{TEXTS[0]} #0", "half an emoji \ufffd", f"{TEXTS[2]} #2", f"{TEXTS[3]} #3"}
