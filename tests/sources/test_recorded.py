"""Real responses of eight platforms (recorded by public client libraries' tests; provenance
in tests/fixtures/recorded/README.md) played over HTTP into our connectors: what an owner
would see from each, and the App Store storefront whose entries carry no time."""

from __future__ import annotations

import json
from pathlib import Path

from inbox.services.setup import preview
from inbox.services.sources import SourceDraft
from tests.replay import appstore as fake
from tests.replay.harness import add_source, connector, http_client, ingest, stored
from tests.replay.server import Reply

RECORDED = Path(__file__).resolve().parents[1] / "fixtures" / "recorded"


def recorded(name: str):
    text = (RECORDED / name).read_text(encoding="utf-8")
    return json.loads(text) if name.endswith(".json") else text


async def test_app_store_jp_feed_without_times(store, replay):
    feed = recorded("appstore-jp-feed.json")
    replay.add("GET", fake.PATH, lambda req: Reply(json=feed if req.match["page"] == "1"
                                                    else {"feed": {"author": feed["feed"]["author"]}}))
    src = add_source(store, "appstore", {"app_id": "1404176564", "country": "jp", "base_url": replay.base_url})
    async with http_client() as http:
        first = await ingest(store, src.id, {}, http)
        again = await ingest(store, src.id, {}, http)
    rows = stored(store, src.id)
    assert first.new == 10 and again.new == 0
    top = rows["jp:6290024630"]
    assert (top.rating, top.title, top.author_name) == (4, "神アプリ", "ヤミ。")
    assert top.text.startswith("とにかく周りの人皆んなが暖かく") and "\n" in top.text
    assert all(r.created_at for r in rows.values())  # dated by when they were first seen
    assert [r.match["page"] for r in replay.requests] == ["1", "2", "1"]  # the second sync: one page


async def test_bluesky_search_posts(store, replay):
    replay.add("POST", r"/xrpc/com.atproto.server.createSession",
               Reply(json={"did": "did:plc:me", "handle": "cafe.bsky.social", "accessJwt": "a", "refreshJwt": "r"}))
    replay.add("GET", r"/xrpc/app.bsky.notification.listNotifications", Reply(json={"notifications": []}))
    replay.add("GET", r"/xrpc/app.bsky.feed.searchPosts", Reply(json=recorded("bluesky-search-posts.json")))
    posts = {p["uri"]: p for p in recorded("bluesky-search-posts.json")["posts"]}
    replay.add("GET", r"/xrpc/app.bsky.feed.getPostThread",  # each post alone in its thread
               lambda req: Reply(json={"thread": {"$type": "app.bsky.feed.defs#threadViewPost",
                                                  "post": posts[req.arg("uri")], "replies": []}}))
    src = add_source(store, "bluesky", {"handle": "cafe.bsky.social", "query": "Hcéres", "base_url": replay.base_url})
    async with http_client() as http:
        result = await ingest(store, src.id, {"app_password": "abcd-efgh-ijkl-mnop"}, http)
    rows = stored(store, src.id)
    assert result.new == 3
    post = rows["at://did:plc:crmrddqmbqzyqd24yjlpibz2/app.bsky.feed.post/3lkizm6uvhc2b"]
    assert post.text.startswith("Autre extrait de cet article") and post.author_name == "Anthony Pecqueux"
    assert post.url.startswith("https://bsky.app/profile/")


async def test_google_alerts_feed(store, replay):
    replay.add("GET", r"/alerts/feeds/1/2", Reply(body=recorded("google-alerts.atom.xml"),
                                                  content_type="application/atom+xml; charset=utf-8"))
    src = add_source(store, "rss", {"url": replay.base_url + "/alerts/feeds/1/2"})
    async with http_client() as http:
        found = await preview(SourceDraft("rss", "Google Alert - Slack", settings={"url": src.settings["url"]}),
                              http, name="Google Alert - Slack")
        result = await ingest(store, src.id, {}, http)
    rows = list(stored(store, src.id).values())
    assert result.new == len(rows) >= 10
    first = next(r for r in rows if "Automotive" in r.title)
    assert first.title.startswith("Report offers Prediction of Automotive Slack Market")  # <b> gone
    assert first.url.startswith("https://www.aglobalmarketresearch.com/")  # Google's redirect unwrapped
    assert found.sentence().startswith(f"Found {len(rows)} articles of Google Alert - Slack, newest from ")


async def test_mastodon_mention(store, replay):
    body = recorded("mastodon-notifications.json")
    replay.add("GET", r"/api/v1/notifications",
               lambda req: Reply(json=body if req.arg("min_id") == "0" else []))
    replay.add("GET", r"/api/v1/accounts/verify_credentials",
               Reply(json={"id": "110", "username": "mastodonpy_test", "acct": "mastodonpy_test"}))
    replay.add("GET", r"/api/v1/statuses/[^/]+/context", Reply(json={"ancestors": [], "descendants": []}))
    src = add_source(store, "mastodon", {"base_url": replay.base_url})
    async with http_client() as http:
        result = await ingest(store, src.id, {"token": "t"}, http)
    [row] = stored(store, src.id).values()
    assert result.new == 1
    assert row.text == "@mastodonpy_test hello!" and row.author_name in ("admin", "@admin")


async def test_reddit_search(store, replay):
    replay.add("POST", r"/api/v1/access_token",
               Reply(json={"access_token": "a", "token_type": "bearer", "expires_in": 3600, "scope": "*"}))
    replay.add("GET", r"/search", lambda req: Reply(json=recorded("reddit-search.json") if not req.arg("after")
                                                    else {"kind": "Listing", "data": {"children": [], "after": None}}))
    listings = {c["data"]["id"]: c for c in recorded("reddit-search.json")["data"]["children"]}
    replay.add("GET", r"/comments/(?P<post>[^/?]+)",  # each post with no comments under it
               lambda req: Reply(json=[{"kind": "Listing", "data": {"children": [listings[req.match["post"]]]}},
                                       {"kind": "Listing", "data": {"children": []}}]))
    src = add_source(store, "reddit", {"query": "praw oauth search", "base_url": replay.base_url,
                                       "token_url": replay.base_url + "/api/v1/access_token"})
    secrets = {"client_id": "c", "client_secret": "s", "username": "u", "password": "p"}
    async with http_client() as http:
        result = await ingest(store, src.id, secrets, http)
    rows = stored(store, src.id)
    assert result.new == 6
    post = rows["t3_3gpbiu"]
    assert post.title.startswith("[PRAW][OAuth2Util] Problem using get_banned()")
    assert post.author_name == "dClauzel" and post.created_at == "2015-08-12T09:08:34Z"


async def test_yelp_business_search_lists_choices(store, replay):
    replay.add("GET", r"/v3/businesses/search", Reply(json=recorded("yelp-business-search.json")))
    src = add_source(store, "yelp", {"business_id": "x", "base_url": replay.base_url + "/v3"})
    async with http_client() as http:
        found = await connector(store, src.id, {"api_key": "k"}, http).search("tapas", "Portland, OR")
    assert [c.label for c in found] == ["Andina Restaurant", "Lechon", "Luc Lac"]
    assert found[0].settings == {"business_id": "andina-restaurant-portland"}
    assert found[0].detail == "1314 NW Glisan St, Portland, OR 97209 · 2990 reviews"
    assert replay.requests[-1].arg("location") == "Portland, OR"


async def test_trustpilot_review_as_trustpilot_sent_it(store, replay):
    """A real review, as Trustpilot's service-review-created event carried it, served in the
    reviews list (the event's review object is the list's review object; its consumer is
    named `name`, not `displayName`)."""
    from tests.replay import trustpilot as fake_tp

    review = recorded("trustpilot-review-event.json")["events"][0]["eventData"]
    fake_tp.install(replay, [review])
    src = add_source(store, "trustpilot", {"business_unit_id": fake_tp.UNIT, "base_url": replay.base_url + "/v1"})
    async with http_client() as http:
        result = await ingest(store, src.id, {"api_key": fake_tp.API_KEY}, http)
    [row] = stored(store, src.id).values()
    assert result.new == 1
    assert (row.external_id, row.rating, row.language) == ("62c8968be77911f2449e9f74", 4, "en")
    assert row.title == "Some of the screens are to hard to…" and row.text.startswith("Some of the screens")
    assert row.author_name == "pantelakis georgiou" and row.created_at == "2022-07-08T22:41:48Z"
    assert row.url == "https://www.trustpilot.com/reviews/62c8968be77911f2449e9f74"


async def test_facebook_ratings_of_three_graph_versions(store, replay):
    """Recorded ratings: a star rating with its reviewer (v2.5), a recommendation (v3.1,
    Facebook's own test Page), and an older places.rates story whose stars and text are only
    inside the story (v2.11)."""
    from tests.replay import facebook as fb

    fb.install(replay, fb.Graph(ratings=recorded("facebook-ratings.json")["data"], posts=[], comments={},
                                tagged=[]))
    src = add_source(store, "facebook", {"base_url": f"{replay.base_url}/{fb.VERSION}", "page_id": fb.PAGE})
    async with http_client() as http:
        result = await ingest(store, src.id, {"page_token": fb.TOKEN}, http)
    rows = stored(store, src.id)
    assert result.new == 3
    star = rows["rating:10205863986386268"]
    assert (star.rating, star.author_name, star.created_at) == (5, "Taylor Lynn Rudd", "2016-03-11T23:14:30Z")
    recommends = rows["rating:10150030749305470"]
    assert recommends.title == "Recommends" and recommends.rating is None
    story = rows["rating:10211119444292023"]
    assert (story.rating, story.text) == (5, "AAAAA")  # read from inside the story
