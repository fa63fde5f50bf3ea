"""Mastodon: a mention's whole conversation (statuses/{id}/context) over real HTTP against
the fake instance, with statuses recorded from a real server (tests/replay/recorded.py)."""

from __future__ import annotations

from tests.replay.harness import add_source, http_client, ingest, stored, thread_ids
from tests.replay.mastodon import STATUS_BASE, FakeMastodon, account
from tests.replay.recorded import MASTODON_EMPTY_CONTEXT, MASTODON_REPLY, MASTODON_TOOT, recorded
from tests.replay.server import Reply

TOKEN = "mast-token-123"
ME = "109998877665544332"  # verify_credentials of the fake instance


def source(store, replay):
    return add_source(store, "mastodon", {"base_url": replay.base_url})


def status(sid: int, text: str, reply_to: str | None, acc: dict) -> dict:
    return {"id": str(sid), "created_at": "2026-03-20T10:00:00.000Z", "in_reply_to_id": reply_to,
            "spoiler_text": "", "visibility": "public", "language": "en", "url": f"https://x.example/{sid}",
            "edited_at": None, "content": f"<p>{text}</p>", "reblog": None, "account": acc}


async def test_a_mention_brings_the_post_it_answers_and_the_replies_under_it(store, replay):
    fake = FakeMastodon(n=0).install(replay)
    # Recorded: "Toot!" by one account; the mention of us is its reply "Reply!".
    fake.post(recorded(MASTODON_TOOT))
    mention = fake.mention("unused", status_id=MASTODON_REPLY["id"])
    mention.update(recorded(MASTODON_REPLY))
    ours = fake.post(status(STATUS_BASE + 900, "Thanks John, glad you liked it", MASTODON_REPLY["id"],
                            {"id": ME, "acct": "harbourcafe", "display_name": "Harbour Café"}))
    fake.post(status(STATUS_BASE + 901, "Me too!", MASTODON_REPLY["id"], account(5)))
    src = source(store, replay)
    async with http_client() as http:
        result = await ingest(store, src.id, {"token": TOKEN}, http)
    rows = stored(store, src.id)
    assert set(rows) == {MASTODON_TOOT["id"], MASTODON_REPLY["id"], ours["id"], str(STATUS_BASE + 901)}
    assert result.new == 4
    assert thread_ids(store, rows[MASTODON_REPLY["id"]])[0] == MASTODON_TOOT["id"]   # the post it answers
    assert rows[MASTODON_TOOT["id"]].text == "Toot!"
    assert rows[ours["id"]].is_owner_reply and not rows[str(STATUS_BASE + 901)].is_owner_reply
    assert len(set(thread_ids(store, rows[ours["id"]]))) == 4
    assert replay.count("GET", r"/api/v1/statuses/\d+/context") == 1


async def test_only_conversations_that_changed_are_fetched_again(store, replay):
    fake = FakeMastodon(n=3).install(replay)
    src = source(store, replay)
    async with http_client() as http:
        await ingest(store, src.id, {"token": TOKEN}, http)
        assert replay.count("GET", r"/api/v1/statuses/\d+/context") == 3
        await ingest(store, src.id, {"token": TOKEN}, http)          # nothing new: no context call
        assert replay.count("GET", r"/api/v1/statuses/\d+/context") == 3
        first = fake.status(0)
        fake.mention("@harbourcafe and another thing", in_reply_to=first["id"])
        await ingest(store, src.id, {"token": TOKEN}, http)          # one conversation changed
    assert replay.count("GET", r"/api/v1/statuses/\d+/context") == 4
    assert replay.count("GET", r"/api/v1/accounts/verify_credentials") == 1   # kept in the cursor


async def test_the_rate_limit_budget_stops_context_calls(store, replay):
    fake = FakeMastodon(n=60).install(replay)
    fake.remaining = 61          # the reserve is 60: one call is still allowed
    src = source(store, replay)
    async with http_client() as http:
        result = await ingest(store, src.id, {"token": TOKEN}, http)
    assert result.new == 60
    assert replay.count("GET", r"/api/v1/statuses/\d+/context") == 1


async def test_a_recorded_empty_context_and_a_gone_status_are_fine(store, replay):
    FakeMastodon(n=2).install(replay)
    replay.add("GET", rf"/api/v1/statuses/{STATUS_BASE + 1}/context", Reply(json=recorded(MASTODON_EMPTY_CONTEXT)))
    replay.add("GET", rf"/api/v1/statuses/{STATUS_BASE}/context", Reply(status=404, json={"error": "Record not found"}))
    src = source(store, replay)
    async with http_client() as http:
        result = await ingest(store, src.id, {"token": TOKEN}, http)
    assert result.new == 2 and len(stored(store, src.id)) == 2
