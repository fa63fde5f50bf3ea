"""The tone check, as a table of replies a person might write: good ones get no flags."""

from __future__ import annotations

import pytest

from inbox.domain.tone import (
    ReplyContext,
    check_tone,
    count_graphemes,
    first_name,
    parse_phrases,
)
from inbox.paths import resources_dir
from inbox.sources.registry import connector_class


def limits(kind: str):
    """A kind's reply limits as its connector class declares them (the one declaration)."""
    return connector_class(kind).reply_limits


PHRASES = parse_phrases((resources_dir() / "tone_phrases.txt").read_text(encoding="utf-8"))

SOUP = ReplyContext("Jane Smith", "The soup was cold and the waiter ignored us for twenty minutes.", rating=2,
                    source_kind="google", limits=limits("google"))
PRAISE = ReplyContext("Tom Ellery", "Best flat white in Brighton, and the cinnamon buns are amazing.", rating=5,
                      source_kind="google", limits=limits("google"))
QUESTION = ReplyContext("@jon@mastodon.social", "Is the terrace open this weekend? Bringing the dog.",
                        source_kind="mastodon", limits=limits("mastodon"))
NOTEXT = ReplyContext("Sam", "", rating=4, source_kind="google", limits=limits("google"))
ANGRY_NO_RATING = ReplyContext("Lena", "Charged twice for one coffee, nobody at the till cared.", sentiment=-0.6,
                               source_kind="facebook", limits=limits("facebook"))

CASES = [
    # (id, context, reply, expected flag codes)
    ("good apology with offer", SOUP,
     "Hi Jane, I'm so sorry the soup was cold and that you waited twenty minutes. "
     "Next time it's on us — ask for me, Maria.", set()),
    ("good praise", PRAISE, "Thanks Tom! The cinnamon buns are Ana's recipe, she'll be thrilled.", set()),
    ("good answer to question", QUESTION, "@jon yes, the terrace is open Saturday and Sunday, dogs welcome.", set()),
    ("good short reply, no text to match", NOTEXT, "Thanks Sam, see you soon.", set()),
    ("good angry no rating", ANGRY_NO_RATING,
     "Lena, sorry about the double charge at the till. I've refunded the second coffee today.", set()),
    ("corporate stock phrases", SOUP,
     "Dear valued customer, we value your feedback and apologize for any inconvenience. Jane",
     {"jargon", "no_greeting", "off_topic", "no_offer"}),
    ("we apologize for any inconvenience", SOUP,
     "Hi Jane, we apologize for any inconvenience with the soup. We'll make it right.", {"jargon"}),
    ("reach out and at this time", PRAISE,
     "Hi Tom, glad you liked the buns. Please reach out at this time if you need anything.", {"jargon"}),
    ("synergy", PRAISE, "Tom, the flat white and buns are pure synergy.", {"jargon"}),
    ("no greeting by name", PRAISE, "Glad you liked the flat white and the cinnamon buns!", {"no_greeting"}),
    ("name only at the end does not count as a greeting", PRAISE,
     "So glad the flat white and the cinnamon buns hit the spot on your visit last week, thanks a lot for "
     "coming by, Tom.", {"no_greeting"}),
    ("off topic", SOUP, "Hi Jane, sorry! We'll make it up to you.", {"off_topic"}),
    ("negative without apology", SOUP, "Hi Jane, the soup is made fresh daily. Come back and try it again.",
     {"no_apology"}),
    ("negative without offer", SOUP, "Hi Jane, sorry the soup was cold and the wait was long.", {"no_offer"}),
    ("negative sentiment without apology or offer", ANGRY_NO_RATING,
     "Lena, the till shows a single charge for the coffee.", {"no_apology", "no_offer"}),
    ("positive rating needs no apology", PRAISE, "Tom, the buns are baked at six every morning.", set()),
    ("very long sentence", PRAISE,
     "Hi Tom, thank you so much for the kind words about the flat white because our baristas work really "
     "hard every single morning to get the milk right and the beans come from a small roaster down the "
     "road who we have known for years and years now.", {"long_sentence"}),
    ("all caps", PRAISE, "Hi Tom, THANK YOU SO MUCH for the lovely words about the buns.", {"all_caps"}),
    ("whole reply in caps", PRAISE, "HI TOM GLAD YOU LIKED THE BUNS", {"all_caps"}),
    ("one acronym is fine", PRAISE, "Hi Tom, the buns are also on our WIFI menu board.", set()),
    ("exclamation marks in a row", PRAISE, "Hi Tom, so glad you liked the buns!!", {"exclamations"}),
    ("spaced exclamation marks", PRAISE, "Hi Tom, the buns are back! ! !", {"exclamations"}),
    ("single exclamation marks are fine", PRAISE, "Hi Tom! The buns are back tomorrow!", set()),
    ("google play limit", ReplyContext("Sam Patel", "App crashes when I add a second drink.", rating=4,
                                       source_kind="googleplay", limits=limits("googleplay")),
     "Hi Sam, the crash when adding a second drink is fixed in 3.8.2. " + "More detail here. " * 20,
     {"too_long"}),
    ("mastodon counts urls as 23", QUESTION,
     "@jon the terrace is open, map: https://example.com/" + "a" * 600, set()),
    ("mastodon over 500", QUESTION, "@jon the terrace is open. " + "x" * 500, {"too_long"}),
    ("empty reply has no flags", SOUP, "   ", set()),
    ("anonymous author needs no greeting", ReplyContext("", "Lovely cake and friendly staff.", rating=5),
     "Thanks for the kind words about the cake — the staff will be pleased.", set()),
    ("title before name", ReplyContext("Dr. Amira Haddad", "Great quiet spot to work.", rating=5),
     "Hi Amira, glad it was a quiet spot to work. See you soon.", set()),
    ("a saved reply appended to a draft greets twice", PRAISE,
     "Hi Tom, glad you liked the buns.\n\nHi Tom, thank you! See you again soon — Maria", {"two_greetings"}),
    ("a second greeting mid-paragraph", PRAISE, "Hi Tom, the buns are back. Hello again from the team!",
     {"two_greetings"}),
    ("two dash sign-offs", PRAISE, "Hi Tom, glad you liked the buns. — Maria\n\nSee you soon. — Maria",
     {"two_sign_offs"}),
    ("unfilled sign-offs count too", PRAISE,
     "Hi Tom, the buns are back. — {owner_name}\nThanks for coming. — {owner_name}", {"two_sign_offs"}),
    ("a closing word and a dash sign-off", PRAISE, "Hi Tom, the buns are back.\nBest wishes,\nMaria — Maria",
     {"two_sign_offs"}),
    ("dashes inside sentences are not sign-offs", SOUP,
     "Hi Jane, sorry — the soup was cold — we fixed the heater. Next bowl is on us. — Maria", set()),
    ("one greeting and one sign-off are fine", PRAISE, "Hello Tom, the buns are back.\n\nCheers, Maria", set()),
]


@pytest.mark.parametrize(("context", "reply", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_tone_cases(context: ReplyContext, reply: str, expected: set[str]) -> None:
    flags = check_tone(reply, context, PHRASES)
    assert {f.code for f in flags} == expected, [f.message for f in flags]
    for flag in flags:  # every flag explains itself and suggests something
        assert flag.message and flag.suggestion


def test_jargon_flag_locates_the_phrase_and_suggests() -> None:
    reply = "Hi Jane, sorry the soup was cold. We value your feedback; next time it's on us."
    [flag] = check_tone(reply, SOUP, PHRASES)
    assert reply[flag.start:flag.end] == "We value your feedback"
    assert "soup was cold" in flag.suggestion


def test_curly_apostrophes_match_phrases() -> None:
    phrases = parse_phrases("don't hesitate to contact us | Give a name.")
    flags = check_tone("Don’t hesitate to contact us", ReplyContext(), phrases)
    assert [f.code for f in flags] == ["jargon"]


def test_phrase_list_is_the_users_to_edit() -> None:
    phrases = parse_phrases("# comment\n\n  cheers mate |  Too casual here.\nno suggestion\n")
    assert [(p.text, p.suggestion) for p in phrases] == [("cheers mate", "Too casual here."),
                                                       ("no suggestion", "Say it in your own words.")]
    assert [f.code for f in check_tone("Cheers   mate", ReplyContext(), phrases)] == ["jargon"]


def test_bluesky_counts_graphemes_and_bytes() -> None:
    ctx = ReplyContext(source_kind="bluesky", limits=limits("bluesky"))
    family = "👨‍👩‍👧‍👦"  # one grapheme, 25 bytes
    assert count_graphemes(family * 3 + "🇬🇧" + "é") == 5
    assert check_tone(family * 120, ctx) == []  # 120 graphemes, exactly 3000 bytes
    [flag] = check_tone(family * 121, ctx)  # 121 graphemes are fine, 3025 bytes are not
    assert flag.code == "too_long" and "3025 of 3000 bytes" in flag.message
    assert [f.code for f in check_tone("a" * 301, ctx)] == ["too_long"]
    assert check_tone("a" * 300, ctx) == []


def test_google_business_limit_is_bytes() -> None:
    ctx = ReplyContext(source_kind="google", limits=limits("google"))
    assert check_tone("é" * 2048, ctx) == []
    assert [f.code for f in check_tone("é" * 2049, ctx)] == ["too_long"]


@pytest.mark.parametrize(("name", "first"), [
    ("Jane Smith", "Jane"), ("@jon@mastodon.social", "jon"), ("harbourfan.bsky.social", "harbourfan"),
    ("Mrs. Okafor", "Okafor"), ("", ""), ("   ", ""), ("<b>Bob</b>", "<b>Bob</b>"),
    ("\u202eBob\u200b Smith", "Bob"),
])
def test_first_name(name: str, first: str) -> None:
    assert first_name(name) == first


def test_overlapping_phrases_flag_once() -> None:
    flags = check_tone("Hi Jane, sorry for any inconvenience caused by the cold soup; lunch is on us.", SOUP, PHRASES)
    assert [(f.code, f.message) for f in flags] == [
        ("jargon", "“sorry for any inconvenience caused” sounds like a form letter.")]


def test_phrases_with_punctuation_match_literally() -> None:
    phrases = parse_phrases("best-in-class | Describe it plainly.\nas per | Plainer: as.")
    assert [f.code for f in check_tone("Our best-in-class coffee", ReplyContext(), phrases)] == ["jargon"]
    assert check_tone("Our best in class coffee", ReplyContext(), phrases) == []
    assert check_tone("as perhaps", ReplyContext(), phrases) == []


def test_mastodon_counts_the_mention_the_app_adds() -> None:
    ctx = ReplyContext(source_kind="mastodon", limits=limits("mastodon"), prefix="@jon@mastodon.social ")
    assert check_tone("x" * 479, ctx) == []  # 21 + 479 = 500
    assert [f.code for f in check_tone("x" * 480, ctx)] == ["too_long"]
    assert check_tone("@jon@mastodon.social " + "x" * 479, ctx) == []  # already mentioned: not twice
