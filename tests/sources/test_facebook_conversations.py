"""Facebook: comments on posts older than the re-read window, found through the feed's
`updated_time`, over real HTTP against the fake Graph API, with posts and comments recorded
from the Graph API by python-facebook (tests/replay/recorded.py)."""

from __future__ import annotations

from tests.replay import facebook as fake
from tests.replay.harness import add_source, http_client, ingest, stored, thread_ids
from tests.replay.recorded import FACEBOOK_COMMENTS, FACEBOOK_POSTS, facebook_comment, recorded

SECRETS = {"page_token": fake.TOKEN}
OLD_POST = FACEBOOK_POSTS[1]["id"]


def source(store, replay):
    return add_source(store, "facebook", {"base_url": f"{replay.base_url}/{fake.VERSION}", "page_id": fake.PAGE})


def graph_with_old_posts() -> fake.Graph:
    graph = fake.Graph()
    graph.posts += recorded(FACEBOOK_POSTS)
    graph.comments[OLD_POST] = [facebook_comment(recorded(FACEBOOK_COMMENTS[0]), OLD_POST)]
    return graph


async def test_a_new_comment_on_a_months_old_post_is_read(store, replay):
    graph = graph_with_old_posts()
    fake.install(replay, graph)
    src = source(store, replay)
    async with http_client() as http:
        first = await ingest(store, src.id, SECRETS, http)
        # months later, someone answers under the old post (the recorded question, asked again)
        late = facebook_comment(recorded(FACEBOOK_COMMENTS[1]), OLD_POST)
        late.update(created_time="2026-03-20T09:00:00+0000", **{"from": {"name": "Ana", "id": "7001"}})
        graph.comments[OLD_POST].insert(0, late)
        second = await ingest(store, src.id, SECRETS, http)
    assert first.new == 8          # 7 as before, and the old post's recorded comment
    assert second.new == 1
    rows = stored(store, src.id)
    assert rows[late["id"]].text.startswith("Can someone from Instagram")
    assert late["id"] in thread_ids(store, rows[late["id"]])
    scan = [r for r in replay.requests if r.path.endswith("/feed") and "updated_time" in (r.arg("fields") or "")]
    assert len(scan) == 1          # the first sync reads every post anyway; the second scans once
    # the recent-posts read of the second sync left the old post out: only the scan found it
    recent = [r for r in replay.requests if r.path.endswith("/feed") and r.arg("since")]
    assert recent


async def test_old_posts_without_new_comments_are_not_read_again(store, replay):
    graph = graph_with_old_posts()
    fake.install(replay, graph)
    src = source(store, replay)
    async with http_client() as http:
        await ingest(store, src.id, SECRETS, http)
        before = replay.count("GET", rf"/{fake.VERSION}/{OLD_POST}/comments")
        await ingest(store, src.id, SECRETS, http)
    assert replay.count("GET", rf"/{fake.VERSION}/{OLD_POST}/comments") == before
