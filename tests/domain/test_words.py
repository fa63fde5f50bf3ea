"""Words on screen: local relative times (a fixed zone), plurals, chips, sentiment."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from inbox.domain.filter_words import date_words, names_words, rating_words
from inbox.domain.times import full_when, list_when, when_text, zone_named
from inbox.domain.wording import plural, sentiment_text

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 9, 2, 9, 30, tzinfo=UTC)  # Wednesday 11:30 in Berlin


@pytest.mark.parametrize(("then", "reading", "listed"), [
    (datetime(2026, 9, 2, 8, 0, tzinfo=UTC), "today 10:00", "10:00"),
    (datetime(2026, 9, 1, 12, 5, tzinfo=UTC), "yesterday 14:05", "yesterday"),
    (datetime(2026, 9, 1, 22, 30, tzinfo=UTC), "today 00:30", "00:30"),  # UTC's yesterday, Berlin's today
    (datetime(2026, 8, 29, 12, 5, tzinfo=UTC), "Sat 14:05", "Sat"),
    (datetime(2026, 8, 1, 12, 5, tzinfo=UTC), "1 Aug 14:05", "1 Aug"),
    (datetime(2025, 8, 1, 12, 5, tzinfo=UTC), "1 Aug 2025, 14:05", "1 Aug 2025"),
])
def test_times_read_in_the_local_zone_relative_to_today(then, reading, listed) -> None:
    assert when_text(then, NOW, BERLIN) == reading
    assert list_when(then, NOW, BERLIN) == listed
    assert "UTC" not in when_text(then, NOW, BERLIN)


def test_full_time_for_tooltips_and_the_zone_override() -> None:
    assert full_when(datetime(2026, 9, 1, 12, 5, tzinfo=UTC), BERLIN) == "Tuesday 1 September 2026, 14:05"
    assert full_when(datetime(2026, 9, 1, 12, 5, tzinfo=UTC), zone_named("America/New_York")).endswith("08:05")
    with pytest.raises(ValueError, match="Europe/London"):
        zone_named("Mars/Olympus")
    assert zone_named("") is not None  # this computer's


def test_plurals() -> None:
    assert [plural(n, "item") for n in (0, 1, 2, 1204)] == ["0 items", "1 item", "2 items", "1,204 items"]
    assert plural(1, "reply") == "1 reply" and plural(3, "reply") == "3 replies"


def test_chip_words() -> None:
    today = date(2026, 9, 20)
    assert rating_words(1, 2) == "1–2 ★" and rating_words(5, 5) == "5 ★" and rating_words(4, None) == "4–5 ★"
    assert rating_words(None, None) is None
    assert date_words("2026-09-01", None, today) == "Since 1 Sep"
    assert date_words(None, "2025-03-03", today) == "Until 3 Mar 2025"
    assert date_words("2026-09-01", "2026-09-03", today) == "1 Sep – 3 Sep"
    assert names_words(["Bean & Gone · Yelp"], "source") == "Bean & Gone · Yelp"
    assert names_words([f"s{n}" for n in range(9)], "source") == "9 sources"


@pytest.mark.parametrize(("args", "label", "tip"), [
    (("negative", None, -0.62, 1), "negative", "Score −0.62"),
    (("negative", None, 0.41, 2), "negative", "From the 2 ★ rating; the words alone read positive"),
    (("positive", "positive", -0.5, None), "positive", "You set this yourself"),
    (("unknown", None, None, None), "not known", "no words"),
])
def test_sentiment_label_with_the_score_in_the_tooltip(args, label, tip) -> None:
    shown, tooltip = sentiment_text(*args)
    assert shown == label and tip.replace("-", "−") in tooltip.replace("-", "−")


def test_sources_group_under_their_business() -> None:
    from inbox.domain.businesses import group_sources, short_name
    from inbox.domain.models import Source

    sources = [Source(1, "google", "Harbour Café · Google"), Source(2, "bluesky", "Bluesky mentions"),
               Source(3, "yelp", "Bean & Gone · Yelp", whose="competitor"),
               Source(4, "google", "Bean & Gone · Google", whose="competitor"),
               Source(5, "google", "Daily Grind", whose="competitor", settings={"business": "The Daily Grind"})]
    groups = group_sources(sources, "Harbour Café")
    assert [(g.label, [s.id for s in g.sources]) for g in groups] == [
        ("Harbour Café", [2, 1]), ("Bean & Gone", [4, 3]), ("The Daily Grind", [5])]
    assert [short_name(s, groups[1]) for s in groups[1].sources] == ["Google", "Yelp"]
    assert short_name(sources[0], groups[0]) == "Google" and short_name(sources[1], groups[0]) == "Bluesky mentions"
    assert group_sources([], "x") == []


@pytest.mark.parametrize(("name", "expected"), [
    ("Amara Okafor", "AO"), ("@jon@mastodon.social", "J"), ("kofie29", "K"), ("Ellie C.", "EC"),
    ("Mary Anne de la Cruz", "MC"), ("", "?"), ("   ", "?"), ("tomb.bsky.social", "T"), ("Zoë", "Z"),
])
def test_avatar_initials(name: str, expected: str) -> None:
    from inbox.domain.wording import initials

    assert initials(name) == expected
