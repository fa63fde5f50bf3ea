"""The outbox: waits while offline or failing, retries with backoff, undo before it leaves,
and never posts a reply twice — not even after a crash between the request and the commit."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from inbox.domain import utcnow
from inbox.services.outbox import BACKOFF_FIRST, Outbox, can_post, openable_url
from inbox.sources.base import ReplyNotSupported
from inbox.store import Store
from tests.replay import ReplayServer, Reply
from tests.replies.support import add_item, factory, reply_http

TEXT = "Hi Jon, yes, the terrace is open this weekend and dogs are welcome."
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def http():
    client = reply_http()
    yield client
    await client.aclose()


class MastodonSite:
    """A Mastodon server that remembers the statuses posted to it."""

    def __init__(self, server: ReplayServer, post_delay: float = 0.0, fail_first: int = 0) -> None:
        self.posted: list[dict] = []
        self.fail_first = fail_first
        server.add("GET", r"/api/v1/statuses/1140", Reply(json={"id": "1140", "visibility": "public"}))
        server.add("GET", r"/api/v1/accounts/verify_credentials", Reply(json={"id": "77", "acct": "cafe"}))
        server.add("GET", r"/api/v1/statuses/1140/context", lambda req: Reply(json={
            "ancestors": [], "descendants": [
                {"id": s["id"], "in_reply_to_id": "1140", "account": {"id": "77"},
                 "content": f"<p>{s['status']}</p>", "url": f"https://m.example/@cafe/{s['id']}"}
                for s in self.posted]}))

        def post(req) -> Reply:
            self.posted.append({"id": str(1150 + len(self.posted)), **req.json()})
            if self.fail_first > 0:  # the site stored it, then the answer was lost
                self.fail_first -= 1
                return Reply(status=502, body="Bad Gateway")
            return Reply(json={"id": self.posted[-1]["id"], "account": {"id": "77"}}, delay=post_delay)
        server.add("POST", r"/api/v1/statuses", post)


def _item(store, base_url):
    return add_item(store, "mastodon", base_url, "1140", handle="jon", name="Jon",
                    text="Is the terrace open this weekend? Bringing the dog.")


async def test_undo_window_then_sent(store, replay, http) -> None:
    site = MastodonSite(replay)
    item = _item(store, replay.base_url)
    store.save_draft(item.id, TEXT)
    outbox = Outbox(store, factory(http, {"access_token": "m"}))
    entry = outbox.queue(item.id, TEXT, undo_seconds=5)
    assert store.get_draft(item.id) is None  # the text lives in the outbox now
    assert await outbox.flush() == []  # still inside the undo window
    assert site.posted == []
    [result] = await outbox.flush(utcnow() + timedelta(seconds=6))
    assert result.state == "sent" and len(site.posted) == 1
    assert outbox.entries() == [] and outbox.get(entry.id).state == "sent"


async def test_undo_puts_the_text_back_as_a_draft(store, replay, http) -> None:
    site = MastodonSite(replay)
    item = _item(store, replay.base_url)
    outbox = Outbox(store, factory(http, {"access_token": "m"}))
    entry = outbox.queue(item.id, TEXT)
    assert outbox.cancel(entry.id).state == "cancelled"
    assert store.get_draft(item.id).text == TEXT
    assert await outbox.flush(utcnow() + timedelta(minutes=1)) == []
    assert site.posted == []


async def test_after_a_500_it_waits_and_retries_without_posting_twice(store, replay, http) -> None:
    site = MastodonSite(replay, fail_first=1)  # the first POST is stored, but answered 502
    item = _item(store, replay.base_url)
    outbox = Outbox(store, factory(http, {"access_token": "m"}))
    entry = outbox.queue(item.id, TEXT, undo_seconds=0)
    [first] = await outbox.flush()
    assert first.state == "queued" and "502" in first.error
    waiting = outbox.get(entry.id)
    assert waiting.state == "queued" and waiting.attempts == 1 and "502" in waiting.last_error
    assert await outbox.flush(utcnow() + timedelta(seconds=BACKOFF_FIRST - 5)) == []  # backing off
    [second] = await outbox.flush(utcnow() + timedelta(seconds=BACKOFF_FIRST + 5))
    assert second.state == "sent" and second.already_there
    assert len(site.posted) == 1 and replay.count("POST", r"/api/v1/statuses") == 1
    owner = [i for i in store.get_thread(item.thread_id).items if i.is_owner_reply]
    assert [o.external_id for o in owner] == ["1150"] and owner[0].text == "@jon " + TEXT


async def test_offline_waits_in_the_outbox_then_goes(store, http, tmp_path) -> None:
    with socket.socket() as s:  # a port nobody listens on: "offline"
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    item = _item(store, dead)
    outbox = Outbox(store, factory(http, {"access_token": "m"}))
    entry = outbox.queue(item.id, TEXT, undo_seconds=0)
    [result] = await outbox.flush()
    assert result.state == "queued" and "could not reach" in outbox.get(entry.id).last_error
    assert [e.id for e in outbox.entries()] == [entry.id]
    with ReplayServer() as server:  # back online
        site = MastodonSite(server)
        store.update_source(item.source_id, settings={"base_url": server.base_url})
        [again] = await outbox.flush(utcnow() + timedelta(minutes=5))
    assert again.state == "sent" and len(site.posted) == 1


async def test_backoff_grows_and_then_gives_up(store, http) -> None:
    item = add_item(store, "google", "http://127.0.0.1:9", "accounts/1/locations/2/reviews/3")
    outbox = Outbox(store, factory(http, {"access_token": "t"}))
    entry = outbox.queue(item.id, TEXT, undo_seconds=0)
    now, waits = utcnow(), []
    for _ in range(8):
        await outbox.flush(now)
        e = outbox.get(entry.id)
        if e.state == "failed":
            break
        waits.append((outbox.next_due_at() - now).total_seconds())
        now = outbox.next_due_at()
    assert waits[:3] == [30, 60, 120] and waits == sorted(waits)
    assert outbox.get(entry.id).state == "failed" and "gave up" in outbox.get(entry.id).last_error


def test_sources_without_reply_api_copy_and_open(store) -> None:
    item = add_item(store, "yelp", "http://x", "y1", url="https://www.yelp.com/biz/x?hrid=1")
    assert not can_post(item)
    with pytest.raises(ReplyNotSupported, match="copy the reply"):
        Outbox(store).queue(item.id, TEXT)
    assert openable_url(item.url) == "https://www.yelp.com/biz/x?hrid=1"
    for bad in ("file:///etc/passwd", "javascript:alert(1)", "", "  ", "ftp://x"):
        assert openable_url(bad) is None


@pytest.mark.slow
async def test_no_duplicate_after_a_crash_between_request_and_commit(tmp_path, http) -> None:
    db = tmp_path / "crash.db"
    with ReplayServer() as server:
        site = MastodonSite(server, post_delay=30)  # the site has the reply; its answer never arrives
        with Store(db) as store:
            item = _item(store, server.base_url)
            Outbox(store).queue(item.id, TEXT, undo_seconds=0)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        proc = subprocess.Popen([sys.executable, "-m", "tests.replies.flush_outbox", str(db),
                                 json.dumps({"access_token": "m"})], cwd=ROOT, env=env)
        deadline = time.monotonic() + 30
        while not site.posted and time.monotonic() < deadline:
            time.sleep(0.05)
        assert site.posted, "the subprocess never posted"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        server.add("POST", r"/api/v1/statuses", lambda req: (site.posted.append(req.json()), Reply(status=500))[1])
        with Store(db) as store:
            outbox = Outbox(store, factory(http, {"access_token": "m"}))
            [entry] = outbox.entries()
            assert entry.state == "sending"  # the crashed process had claimed it
            assert await outbox.flush() == []  # its lease has not run out yet
            [result] = await outbox.flush(utcnow() + timedelta(minutes=6))
            assert result.state == "sent" and result.already_there
            assert outbox.get(entry.id).remote_id == "1150"
            assert [i.text for i in store.get_thread(item.thread_id).items if i.is_owner_reply] == ["@jon " + TEXT]
    assert len(site.posted) == 1


def test_one_reply_at_a_time_per_item(store) -> None:
    item = add_item(store, "reddit", "http://127.0.0.1:9", "t3_x")
    outbox = Outbox(store)
    outbox.queue(item.id, TEXT)
    with pytest.raises(ValueError, match="already waiting"):
        outbox.queue(item.id, TEXT)


def test_undo_window_setting() -> None:
    from inbox.services.outbox import undo_seconds_setting

    assert [undo_seconds_setting(v) for v in (None, "", "8", "-3", "999", "soon")] == [5, 5, 8, 0, 60, 5]


async def test_missing_secrets_fail_clearly_before_any_request(store, replay, monkeypatch) -> None:
    from inbox.secrets import MemorySecrets
    from inbox.services.outbox import default_connector_factory

    item = add_item(store, "google", replay.base_url, "accounts/1/locations/2/reviews/3")
    secrets = MemorySecrets({item.source_name: {"client_id": "c"}})
    http = reply_http()
    outbox = Outbox(store, default_connector_factory(http, secrets))
    entry = outbox.queue(item.id, TEXT, undo_seconds=0)
    [result] = await outbox.flush()
    await http.aclose()
    assert result.state == "failed"
    assert outbox.get(entry.id).last_error.endswith(
        "google source has no client_secret, refresh_token saved; add them in Sources to post replies")
    assert replay.requests == []
