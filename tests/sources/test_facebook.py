"""Facebook Page connector over real HTTP against the replay server (source-apis.md §9)."""

from __future__ import annotations

import pytest

from inbox.sources.base import BadPayload, CredentialsRejected, RateLimited, SourceError
from inbox.sources.facebook import RATINGS_NOTE, parse_comments, parse_ratings
from tests.replay import facebook as fake
from tests.replay.harness import add_source, connector, http_client, ingest, stored, thread_ids

SECRETS = {"page_token": fake.TOKEN}
TOM = "998877665544332_1234567890123456"
OWNER_ANSWER = "998877665544332_1234567890124000"


def source(store, replay):
    return add_source(store, "facebook", {"base_url": f"{replay.base_url}/{fake.VERSION}",
                                          "page_id": fake.PAGE})


def test_ratings_become_reviews_with_recommendation_as_title():
    items, skipped = parse_ratings({"data": fake.sample_ratings()})
    assert skipped == 0
    good, bad = items
    assert good.external_id == "rating:1023456789012345" and good.title == "Recommends"
    assert good.created_at.isoformat() == "2026-03-11T19:22:05+00:00"
    assert good.author.display_name == "Aisha Rahman"
    assert bad.title == "Doesn't recommend" and bad.author is None and bad.rating is None


def test_page_comments_are_owner_replies_and_stickers_are_skipped():
    data = [*fake.sample_comments(), fake.comment("1_2", None, "2026-03-13T18:00:00+0000")]
    items, skipped = parse_comments({"data": data}, fake.PAGE)
    assert skipped == 1
    owner = items[0]
    assert owner.is_owner_reply and owner.parent_external_id == TOM
    assert not items[1].is_owner_reply and items[1].parent_external_id is None
    assert items[2].text.endswith("🐶") and items[2].author is None


async def test_sync_reads_ratings_and_comments_and_threads_replies(store, replay):
    graph = fake.Graph()
    fake.install(replay, graph)
    src = source(store, replay)
    async with http_client() as http:
        first = await ingest(store, src.id, SECRETS, http)
        second = await ingest(store, src.id, SECRETS, http)
    assert first.new == 7 and first.skipped == 1  # 2 ratings, 1 mention, 4 comments; 1 photo post
    assert second.new == 0 and second.updated == 0
    rows = stored(store, src.id)
    mention = rows["5544332211009988_776655443322"]
    assert mention.kind == "mention" and mention.text.endswith("🎂 thanks team!")
    assert thread_ids(store, rows[TOM]) == [TOM, OWNER_ANSWER]
    assert rows[OWNER_ANSWER].is_owner_reply
    # the token travels in a header, never in a URL
    assert all(fake.TOKEN not in str(r.query) for r in replay.requests)
    assert all(r.headers["authorization"] == f"Bearer {fake.TOKEN}" for r in replay.requests)
    comments = next(r for r in replay.requests if r.path.endswith("/comments"))
    assert comments.arg("filter") == "stream" and comments.arg("order") == "reverse_chronological"
    cursor = store.get_source(src.id).cursor
    assert cursor["comments"]["newest"] == "2026-03-14T10:02:11Z" and "note" not in cursor
    assert cursor["ratings"]["newest"] == "2026-03-11T19:22:05Z"
    assert cursor["tagged"]["newest"] == "2026-03-12T20:15:00Z"
    feed = [r for r in replay.requests if r.path.endswith("/feed") and "updated_time" not in r.arg("fields", "")]
    assert feed[0].arg("since") is None and feed[-1].arg("since") is not None


async def test_paging_follows_after_cursors(store, replay):
    graph = fake.Graph()
    graph.comments[fake.POST] = [fake.comment(f"998877665544332_{i}", f"comment {i}",
                                              f"2026-03-{28 - i // 10:02d}T10:{i % 60:02d}:00+0000",
                                              who={"name": f"P{i}", "id": str(i)}) for i in range(230)]
    fake.install(replay, graph)
    src = source(store, replay)
    async with http_client() as http:
        result = await ingest(store, src.id, SECRETS, http)
    assert result.new == 233  # 230 comments + 2 ratings + 1 mention
    pages = [r for r in replay.requests if r.path.endswith("/comments")]
    assert len(pages) == 3 and pages[1].arg("after") and pages[2].arg("after")


async def test_ratings_gone_in_v22_are_skipped_with_a_note(store, replay):
    graph = fake.Graph(ratings=None)
    fake.install(replay, graph)
    src = source(store, replay)
    async with http_client() as http:
        result = await ingest(store, src.id, SECRETS, http)
        verdict = await connector(store, src.id, SECRETS, http).test()
    assert result.new == 5  # the comments and mentions still arrive
    assert store.get_source(src.id).cursor["note"] == RATINGS_NOTE
    assert "v22" in verdict and verdict.startswith("OK")


async def test_edited_comment_updates_in_place_keeping_triage(store, replay):
    graph = fake.Graph()
    fake.install(replay, graph)
    src = source(store, replay)
    async with http_client() as http:
        await ingest(store, src.id, SECRETS, http)
        row = stored(store, src.id)[TOM]
        store.set_status([row.id], "done")
        store.tag_items([row.id], "terrace")
        graph.comments[fake.POST][1]["message"] = "Is the terrace open this weekend? Asking for 6 people"
        result = await ingest(store, src.id, SECRETS, http)
    after = store.get_item(row.id)
    assert result.updated == 1 and after.text.endswith("6 people")
    assert after.status == "done" and after.tags[0][0] == "terrace"


async def test_page_without_posts_or_ratings(store, replay):
    fake.install(replay, fake.Graph(ratings=[], posts=[], comments={}, tagged=[]))
    src = source(store, replay)
    async with http_client() as http:
        assert (await ingest(store, src.id, SECRETS, http)).new == 0


@pytest.mark.parametrize(("reply", "error"), [
    (fake.TOKEN_EXPIRED, CredentialsRejected),
    (fake.PAGE_LIMIT, RateLimited),
    (fake.error(17, "(#17) User request limit reached", status=403), RateLimited),
    (fake.error(613, "Calls to this api have exceeded the rate limit."), RateLimited),
    (fake.error(100, "Unsupported get request."), SourceError),
    (fake.TRUNCATED, BadPayload),
])
async def test_faults(store, replay, reply, error):
    fake.install(replay, fake.Graph())
    replay.add("GET", rf"/{fake.VERSION}/{fake.PAGE}/feed", reply)
    src = source(store, replay)
    async with http_client() as http:
        with pytest.raises(error) as caught:
            await ingest(store, src.id, SECRETS, http)
    assert fake.TOKEN not in str(caught.value)
    assert not store.get_source(src.id).cursor.get("comments")  # comments not claimed as read


async def test_rate_limit_reads_time_to_regain_access(store, replay):
    fake.install(replay, fake.Graph())
    usage = '{"104455667788990":[{"type":"pages","call_count":100,"total_cputime":20,"total_time":25,' \
            '"estimated_time_to_regain_access":7}]}'
    reply = fake.error(80001, "too many calls")
    reply.headers["X-Business-Use-Case-Usage"] = usage
    replay.add("GET", rf"/{fake.VERSION}/{fake.PAGE}/ratings", reply)
    src = source(store, replay)
    async with http_client() as http:
        with pytest.raises(RateLimited) as caught:
            await ingest(store, src.id, SECRETS, http)
    assert caught.value.retry_after == 420


async def test_expired_token_from_the_server(store, replay):
    fake.install(replay, fake.Graph())
    src = source(store, replay)
    async with http_client() as http:
        with pytest.raises(CredentialsRejected, match="page token"):
            await ingest(store, src.id, {"page_token": "EAAold"}, http)


async def test_mentions_without_permission_are_skipped_with_a_note(store, replay):
    fake.install(replay, fake.Graph(ratings=None, tagged=None))
    src = source(store, replay)
    async with http_client() as http:
        result = await ingest(store, src.id, SECRETS, http)
    note = store.get_source(src.id).cursor["note"]
    assert result.new == 4 and "v22" in note and "pages_read_user_content" in note


async def test_a_fault_half_way_keeps_the_old_watermarks(store, replay):
    graph = fake.Graph()
    fake.install(replay, graph)
    src = source(store, replay)
    async with http_client() as http:
        await ingest(store, src.id, SECRETS, http)
        before = store.get_source(src.id).cursor
        graph.comments[fake.POST].insert(0, fake.comment("998877665544332_9", "new one", "2026-03-20T10:00:00+0000"))
        graph.ratings.insert(0, fake.rating("2026-03-21T10:00:00+0000", "positive", "Again great", "1023456789099999"))
        replay.add("GET", rf"/{fake.VERSION}/{fake.PAGE}/feed", fake.PAGE_LIMIT)
        with pytest.raises(RateLimited):
            await ingest(store, src.id, SECRETS, http)
    after = store.get_source(src.id).cursor
    assert "rating:1023456789099999" in stored(store, src.id)  # saved before the fault
    assert after["comments"] == before["comments"]  # comments not claimed as read
