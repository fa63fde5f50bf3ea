"""Reddit: the comments under a matched post, and the parents of a matched comment, over
real HTTP against the fake Reddit, with a comment chain recorded by PRAW against reddit.com
(tests/replay/recorded.py)."""

from __future__ import annotations

from tests.replay.harness import add_source, http_client, ingest, stored, thread_ids
from tests.replay.recorded import REDDIT_CHAIN, REDDIT_POST, recorded, reddit_comment
from tests.replay.reddit import FakeReddit

SECRETS = {"client_id": "cid", "client_secret": "csecret", "username": "owner", "password": "hunter2-pw"}


def source(store, replay):
    return add_source(store, "reddit", {"query": '"Harbour Street Cafe"', "base_url": replay.base_url,
                                        "token_url": f"{replay.base_url}/api/v1/access_token"})


def comment(fake: FakeReddit, cid: str, body: str, parent: str, link: str, author: str, t: float) -> dict:
    c = reddit_comment(cid, body, t, parent, 0, author=author)
    c["link_id"] = link
    fake.comments.append(c)
    return c


async def test_comments_under_a_matched_post_with_the_owners_answer(store, replay):
    fake = FakeReddit(n=2).install(replay)
    post = fake.posts[1]
    a = comment(fake, "c1", "Their flat white is the best in town", post["name"], post["name"], "latte_fan", post["created_utc"] + 60)
    comment(fake, "c2", "Thank you, see you soon!", a["name"], post["name"], "owner", post["created_utc"] + 120)
    src = source(store, replay)
    async with http_client() as http:
        first = await ingest(store, src.id, SECRETS, http)
    rows = stored(store, src.id)
    assert first.new == 4 and {"t1_c1", "t1_c2"} <= set(rows)
    assert rows["t1_c2"].is_owner_reply and not rows["t1_c1"].is_owner_reply
    assert thread_ids(store, rows[post["name"]]) == [post["name"], "t1_c1", "t1_c2"]
    tree = next(r for r in replay.requests if r.path == f"/comments/{post['id']}")
    assert tree.arg("depth") == "8"
    assert replay.count("GET", r"/comments/.*") == 2       # both matched posts have one comment
    cursor = store.get_source(src.id).cursor
    assert cursor["threads"][post["name"]] == 1


async def test_a_post_is_fetched_again_only_when_its_comment_count_changes(store, replay):
    fake = FakeReddit(n=1).install(replay)
    src = source(store, replay)
    async with http_client() as http:
        await ingest(store, src.id, SECRETS, http)
        trees = replay.count("GET", r"/comments/.*")
        await ingest(store, src.id, SECRETS, http)              # unchanged: no tree
        assert replay.count("GET", r"/comments/.*") == trees
        # the post drops out of the search (newer ones push it down): /api/info keeps watching it
        post = fake.posts.pop(0)
        fake.extra_posts.append(post)
        await ingest(store, src.id, SECRETS, http)
        assert replay.count("GET", r"/api/info") == 1 and replay.count("GET", r"/comments/.*") == trees
        comment(fake, "c9", "Went back today, still great", post["name"], post["name"], "regular", post["created_utc"] + 999)
        post["num_comments"] = 2
        result = await ingest(store, src.id, SECRETS, http)     # an older post got a comment
    assert replay.count("GET", r"/comments/.*") == trees + 1
    assert result.new == 1 and "t1_c9" in stored(store, src.id)


async def test_a_matched_comment_brings_its_recorded_parent_chain(store, replay):
    fake = FakeReddit(n=0).install(replay)
    fake.extra_posts.append(recorded(REDDIT_POST))
    for depth, (cid, body, created, parent) in enumerate(REDDIT_CHAIN):
        fake.comments.append(reddit_comment(cid, body, created, parent, depth))
    # the search finds the last comment of the chain (it names the café)
    last = dict(fake.comments[-1], body="32 — and Harbour Street Cafe does the best 32nd coffee")
    fake.posts.append(last)
    src = source(store, replay)
    async with http_client() as http:
        await ingest(store, src.id, SECRETS, http)
    call = next(r for r in replay.requests if r.path == "/comments/6otocc/_/dkk4qjd")
    assert call.arg("context") == "8"
    rows = stored(store, src.id)
    # the 8 parents "24" .. "31" above it (Reddit's most), itself as the tree has it, and the post
    assert {rows[f"t1_{cid}"].text for cid, *_ in REDDIT_CHAIN} == {str(n) for n in range(24, 33)}
    assert "t3_6otocc" in rows and rows["t3_6otocc"].title == "Comment Chain"
    assert len({r.thread_id for r in rows.values()}) == 1      # one conversation, rooted at the post
