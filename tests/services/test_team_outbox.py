"""A team's outbox on the server, posted through the services' one outbox: members' apps
flushing at the same moment post each reply exactly once (the claim is `FOR UPDATE SKIP
LOCKED`, the POST carries the reply's idempotency key), and a site that refuses (429, 500)
leaves the reply queued with the reason. Real PostgreSQL (tests/pg.py), real HTTP against
the local replay server playing a Mastodon instance (the same endpoints as
tests/services/test_outbox.py)."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta

import pytest

from inbox.domain import parse_time, utcnow
from inbox.secrets import MemorySecrets
from inbox.services.outbox import Outbox, flush_due
from inbox.services.team import save_password
from inbox.services.team_sync import sync_and_send
from inbox.store.team import TeamStore
from tests.replay import ReplayServer, Reply
from tests.replies.support import add_item, reply_http
from tests.store.team.conftest import team  # noqa: F401 - a new team inbox on the test server

TEXT = "Hi Jon, yes, the terrace is open this weekend and dogs are welcome."


class MastodonSite:
    """A Mastodon server that remembers each status posted to it, with its idempotency key."""

    def __init__(self, server: ReplayServer, post_delay: float = 0.0) -> None:
        self.posted: list[dict] = []
        self.post_delay = post_delay
        self.lock = threading.Lock()
        server.add("GET", r"/api/v1/statuses/1140", Reply(json={"id": "1140", "visibility": "public"}))
        server.add("GET", r"/api/v1/accounts/verify_credentials", Reply(json={"id": "77", "acct": "cafe"}))
        server.add("GET", r"/api/v1/statuses/1140/context", lambda req: Reply(json={
            "ancestors": [], "descendants": [
                {"id": s["id"], "in_reply_to_id": "1140", "account": {"id": "77"},
                 "content": f"<p>{s['status']}</p>"} for s in list(self.posted)]}))

        def post(req) -> Reply:
            with self.lock:
                self.posted.append({"id": str(1150 + len(self.posted)), "key": req.headers.get("idempotency-key"),
                                    **req.json()})
                return Reply(json={"id": self.posted[-1]["id"], "account": {"id": "77"}}, delay=self.post_delay)
        server.add("POST", r"/api/v1/statuses", post)


def shop(store: TeamStore, base_url: str):
    """An item on the team's Mastodon source, and this member's keyring with its sign-in
    (filed by the source's key, as for a local inbox)."""
    item = add_item(store, "mastodon", base_url, "1140", handle="jon", name="Jon",  # type: ignore[arg-type]
                    text="Is the terrace open this weekend? Bringing the dog.")
    source = store.get_source(item.source_id)
    assert source.secret_key  # keyed by the team inbox's id and the source's
    return item, MemorySecrets({source.secret_key: {"token": "m"}})


@pytest.mark.parametrize("rounds", [40, pytest.param(200, marks=pytest.mark.slow)])
def test_two_apps_flushing_at_once_post_each_reply_exactly_once(team, replay, rounds) -> None:  # noqa: F811
    site = MastodonSite(replay)
    item, keyring = shop(team, replay.base_url)
    apps = [TeamStore(team.url, password=team.pool.kwargs["password"]) for _ in range(2)]
    results: list[list[str]] = []

    def flush(app: TeamStore, start: threading.Barrier, out: list) -> None:
        start.wait()
        out.extend(asyncio.run(flush_due(app, keyring, shared=True)))

    try:
        box = Outbox(team)
        entries = []
        for n in range(rounds):
            site.post_delay = 0.05 if n % 2 else 0.0  # half the races with a slow site
            entry = box.queue(item.id, f"{TEXT} ({n})", undo_seconds=0)
            start, outs = threading.Barrier(2), [[], []]
            racers = [threading.Thread(target=flush, args=(app, start, out)) for app, out in zip(apps, outs, strict=True)]
            for r in racers:
                r.start()
            for r in racers:
                r.join(60)
            entries.append(entry)
            results.append(sorted(r.state for out in outs for r in out))
    finally:
        for app in apps:
            app.close()
    assert replay.count("POST", r"/api/v1/statuses") == rounds  # each reply once, no more
    assert sorted(p["status"] for p in site.posted) == sorted(f"@jon {TEXT} ({n})" for n in range(rounds))
    keys = [team.outbox_idempotency_key(e.id) for e in entries]
    assert sorted(p["key"] for p in site.posted) == sorted(keys) and len(set(keys)) == rounds
    assert all(r.count("sent") == 1 and set(r) <= {"sent", "skipped"} for r in results)
    assert {e.state for e in box.entries(include_sent=True)} == {"sent"}
    owner = [i for i in team.get_thread(item.thread_id).items if i.is_owner_reply]
    assert len(owner) == rounds and len({o.external_id for o in owner}) == rounds


async def test_a_site_that_refuses_leaves_the_reply_queued_with_the_reason(team, replay) -> None:  # noqa: F811
    MastodonSite(replay)
    item, keyring = shop(team, replay.base_url)
    box = Outbox(team)
    entry = box.queue(item.id, TEXT, undo_seconds=0)

    replay.add("POST", r"/api/v1/statuses", Reply(status=429, headers={"Retry-After": "120"}, body="slow down"))
    [limited] = await flush_due(team, keyring, shared=True)
    waiting = box.get(entry.id)
    assert limited.state == "queued" and waiting.state == "queued" and waiting.attempts == 1
    assert "rate" in waiting.last_error.lower() or "429" in waiting.last_error, waiting.last_error
    assert parse_time(waiting.not_before) >= utcnow() + timedelta(seconds=110)  # the site's Retry-After

    replay.add("POST", r"/api/v1/statuses", Reply(status=500, body="Internal Server Error"))
    [broken] = await flush_due(team, keyring, shared=True, now=utcnow() + timedelta(minutes=5))
    waiting = box.get(entry.id)
    assert broken.state == "queued" and waiting.state == "queued" and "500" in waiting.last_error
    assert team.get_thread(item.thread_id).items[-1].is_owner_reply is False  # nothing recorded as sent


async def test_a_member_without_the_sign_in_leaves_the_reply_to_one_who_has_it(team, replay) -> None:  # noqa: F811
    site = MastodonSite(replay)
    item, keyring = shop(team, replay.base_url)
    box = Outbox(team)
    entry = box.queue(item.id, TEXT, undo_seconds=0)
    [mine] = await flush_due(team, MemorySecrets(), shared=True)  # this laptop has no token
    assert mine.state == "queued" and "token" in box.get(entry.id).last_error
    assert site.posted == [] and box.get(entry.id).state == "queued"
    http = reply_http()  # a client of the caller's (the window's, say): used, not closed
    try:
        [theirs] = await flush_due(team, keyring, shared=True, http=http)
    finally:
        await http.aclose()
    assert theirs.state == "sent" and len(site.posted) == 1


def test_sync_now_on_a_team_inbox_sends_its_due_replies(team, replay) -> None:  # noqa: F811
    site = MastodonSite(replay)
    item, keyring = shop(team, replay.base_url)
    save_password(team.url, team.pool.kwargs["password"], keyring)  # the member's password, in the keyring
    team.update_source(item.source_id, enabled=False)  # only the replies here; syncing is tested elsewhere
    Outbox(team).queue(item.id, TEXT, undo_seconds=0)
    done = sync_and_send(team.url, keyring)
    assert done.replies_error is None and done.sent == 1 and done.not_sent == []
    assert len(site.posted) == 1 and site.posted[0]["status"] == f"@jon {TEXT}"
    again = sync_and_send(team.url, keyring)
    assert again.replies == [] and len(site.posted) == 1


def test_laptops_post_the_teams_due_replies_on_their_own_once(team, replay, tmp_path) -> None:  # noqa: F811
    """The window's timer (ui/controllers/team.py) calls `TeamLink.send_due`: a reply queued
    on one laptop leaves once its time to take back is over, without Sync now, and two
    laptops doing it at the same moment post it once."""
    from inbox.services.team_link import TeamLink, connect_replica

    site = MastodonSite(replay, post_delay=0.05)
    item, keyring = shop(team, replay.base_url)
    save_password(team.url, team.pool.kwargs["password"], keyring)
    paths = [connect_replica(team.url, keyring, tmp_path / name) for name in ("office", "home")]
    with TeamLink(paths[0], team.url, keyring) as office, TeamLink(paths[1], team.url, keyring) as home:
        office.store.queue_reply(item.id, item.source_id, TEXT, idempotency_key="laptop-reply-1",
                                 not_before="2026-02-01T09:00:00Z", mark_done=True,
                                 created_at="2026-02-01T09:00:00Z")
        assert office.send_due() == [] and site.posted == []  # still on the laptop
        assert office.push().sent == 1 and home.reach()
        start, out = threading.Barrier(2), []

        def send(link) -> None:
            start.wait()
            out.extend(link.send_due())
        racers = [threading.Thread(target=send, args=(link,)) for link in (office, home)]
        for r in racers:
            r.start()
        for r in racers:
            r.join(60)
        assert [r.state for r in out].count("sent") == 1 and len(site.posted) == 1
        assert site.posted[0]["key"] and site.posted[0]["status"] == f"@jon {TEXT}"
        assert office.send_due() == [] and home.send_due() == [] and len(site.posted) == 1
        office.catch_up()
        assert office.store.get_item(item.id).status == "done"  # marked done with the reply, on the server
