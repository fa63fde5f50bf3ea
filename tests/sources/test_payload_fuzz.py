"""APIs drift: whatever JSON a source sends, a parser keeps what it can read and counts or
drops the rest; it never crashes the sync with a TypeError or KeyError."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from inbox.sources import appstore, facebook, googleplay, trustpilot, yelp
from inbox.sources.base import BadPayload

KEYS = ["reviews", "data", "feed", "entry", "id", "text", "rating", "stars", "title", "user", "consumer",
        "companyReply", "createdAt", "time_created", "created_time", "message", "from", "parent", "label",
        "im:rating", "content", "updated", "author", "name", "uri", "reviewId", "comments", "userComment",
        "developerComment", "lastModified", "seconds", "nanos", "starRating", "review_text",
        "recommendation_type", "open_graph_story", "reviewer", "links", "rel", "businessUnit", "paging"]
scalars = st.none() | st.booleans() | st.integers(-10, 10**12) | st.floats(allow_nan=False) | \
    st.text(max_size=12) | st.sampled_from(["2026-03-01T10:00:00Z", "2026-03-09 14:22:31", "5", "FIVE", "\t"])
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.sampled_from(KEYS), inner, max_size=6), max_leaves=30)
payloads = st.dictionaries(st.sampled_from(KEYS), json_values, max_size=6)

PARSERS = [
    lambda p: yelp.parse_reviews(p, ZoneInfo("America/Los_Angeles")),
    trustpilot.parse_reviews,
    facebook.parse_ratings,
    lambda p: facebook.parse_comments(p, "123"),
    facebook.parse_tagged,
    lambda p: appstore.parse_feed(p, "gb"),
    lambda p: googleplay.parse_reviews(p, "com.example"),
]


def check(parse, payload) -> None:
    """The parser answers (items, skipped) with well-formed items, or BadPayload."""
    try:
        items, skipped = parse(payload)
    except BadPayload:
        return
    assert skipped >= 0
    for item in items:
        assert item.external_id and isinstance(item.text, str)
        assert item.rating is None or 1 <= item.rating <= 5
        assert item.html is None  # these sources send plain text


@settings(max_examples=300, deadline=None)
@given(payload=payloads, index=st.integers(0, len(PARSERS) - 1))
def test_parsers_survive_any_json(payload, index):
    check(PARSERS[index], payload)


def _paths(obj, prefix=()):
    """Every path into a JSON value."""
    yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _paths(v, (*prefix, i))


def _replace(obj, path, value):
    if not path:
        return value
    copy = dict(obj) if isinstance(obj, dict) else list(obj)
    copy[path[0]] = _replace(obj[path[0]], path[1:], value)
    return copy


def _samples():
    from tests.replay import appstore as fake_apple
    from tests.replay import facebook as fake_fb
    from tests.replay import googleplay as fake_gp
    from tests.replay import trustpilot as fake_tp
    from tests.replay import yelp as fake_yelp

    return [
        (PARSERS[0], fake_yelp.sample()),
        (PARSERS[1], {"reviews": fake_tp.sample()}),
        (PARSERS[2], {"data": fake_fb.sample_ratings()}),
        (PARSERS[3], {"data": fake_fb.sample_comments()}),
        (PARSERS[4], {"data": fake_fb.sample_tagged()}),
        (PARSERS[5], fake_apple.feed("gb", 1, fake_apple.sample())),
        (PARSERS[6], {"reviews": fake_gp.sample()}),
    ]


SAMPLES = _samples()


@settings(max_examples=400, deadline=None)
@given(data=st.data(), index=st.integers(0, len(SAMPLES) - 1), value=json_values)
def test_documented_payloads_with_one_field_drifted(data, index, value):
    parse, sample = SAMPLES[index]
    path = data.draw(st.sampled_from(list(_paths(sample))))
    check(parse, _replace(sample, path, value))


def test_out_of_range_google_timestamps_are_no_time_not_a_crash():
    from inbox.domain import parse_time

    assert parse_time({"seconds": "99999999999999999", "nanos": 0}) is None
    assert parse_time({"seconds": "1773402210", "nanos": 381000000}).isoformat() == "2026-03-13T11:43:30+00:00"
