"""Aspects on hand-written review sentences of a café, a hairdresser, an app and a shop:
what is found, and the polarity of each aspect's own clause (contrast, negation,
comparatives), with the stars only as the fallback."""

from __future__ import annotations

import pytest

from inbox.services.aspect_categories import category_of
from inbox.services.aspect_ranking import AspectCount, standouts, wilson_lower
from inbox.services.aspects import analyse


def polarities(text: str, rating: int | None = None) -> dict[str, str]:
    return {m.term: m.polarity for m in analyse(text, rating)}


@pytest.mark.parametrize(("text", "expected"), [
    # café
    ("Great food but the service was dreadful!", {"food": "positive", "service": "negative"}),
    ("The oat milk latte was not as good as last time, although the staff were lovely.",
     {"oat milk latte": "negative", "staff": "positive"}),
    ("Although the barista was friendly, the croissants were stale.",
     {"barista": "positive", "croissant": "negative"}),
    ("The cake was delicious and the music was far too loud.", {"cake": "positive", "music": "negative"}),
    ("The coffee wasn't bad at all.", {"coffee": "positive"}),
    ("The Thai curry was bland and the grilled salmon was rubbery.",
     {"thai curry": "negative", "grilled salmon": "negative"}),
    ("Cold brew on a hot day was perfect.", {"cold brew": "positive"}),       # a name, not "cold"
    ("Despite the queue, the flat white was great.", {"queue": "neutral", "flat white": "positive"}),
    ("Service was quick even with a queue.", {"service": "positive", "queue": "negative"}),
    ("The brownies are to die for, but the cappuccino could have been hotter.",
     {"brownie": "positive", "cappuccino": "negative"}),
    # hairdresser
    ("My stylist was brilliant, but the prices are ridiculous.", {"stylist": "positive", "price": "negative"}),
    ("The colourist was not friendly at all.", {"colourist": "negative"}),
    # app
    ("The app keeps crashing at the checkout, however the support team fixed my refund quickly.",
     {"app": "negative", "checkout": "negative", "support team": "positive", "refund": "positive"}),
    ("The new update is worse than the old version.", {"update": "negative", "version": "positive"}),
    # shop
    ("Prices can't be beat, though the packaging was a joke.", {"price": "positive", "packaging": "negative"}),
    ("Lovely shop assistants, but the delivery was late and the parcel arrived damaged.",
     {"shop assistant": "positive", "delivery": "negative", "parcel": "negative"}),
])
def test_each_aspect_takes_its_own_clause(text: str, expected: dict[str, str]) -> None:
    found = polarities(text)
    for term, polarity in expected.items():
        assert found.get(term) == polarity, (term, found)


def test_generic_words_and_pronouns_are_no_aspects() -> None:
    found = polarities("Everything was fine this time, the people were nice and the way they work is great.")
    assert not {"everything", "time", "way", "people"} & set(found)


def test_plurals_and_case_merge_into_one_aspect() -> None:
    terms = {m.term for m in analyse("Croissants were stale. The croissant yesterday was fine. CROISSANTS!")}
    assert terms == {"croissant"}


def test_stars_decide_only_when_the_clause_has_no_opinion() -> None:
    plain = analyse("We had the banana bread and a flat white.", rating=5)
    assert {m.polarity for m in plain} == {"positive"} and {m.by for m in plain} == {"stars"}
    said = analyse("The banana bread was awful.", rating=5)
    assert said[0].polarity == "negative" and said[0].by == "text"
    assert analyse("We had the banana bread.", rating=3)[0].polarity == "neutral"


def test_the_clause_and_the_aspect_are_located_for_highlighting() -> None:
    text = "Great coffee. But the queue was out of the door and nobody said sorry."
    queue = next(m for m in analyse(text) if m.term == "queue")
    assert text[queue.start:queue.end] == "queue"
    assert "queue was out" in text[queue.clause_start:queue.clause_end]
    assert "Great coffee" not in text[queue.clause_start:queue.clause_end]
    assert queue.polarity == "negative"


def test_other_languages_get_no_aspects() -> None:
    assert analyse("Le café était froid et le service est lent.", 2, language="fr") == []


def test_categories_an_owner_recognises() -> None:
    assert category_of("oat milk latte") == "food"
    assert category_of("wait staff") == "service"
    assert category_of("price") == "price"
    assert category_of("queue") == "wait"
    assert category_of("toilet") == "clean"
    assert category_of("delivery") == "ordering"
    assert category_of("checkout") == "app"
    assert category_of("window seat") == "ambience"
    assert category_of("zorblax") == "other"


def test_standouts_rank_by_margin_over_the_average_not_by_count() -> None:
    counts = {"food": AspectCount(60, 10, 30), "service": AspectCount(50, 10, 40),
              "wait": AspectCount(2, 1, 17), "toilet": AspectCount(0, 0, 2), "cake": AspectCount(30, 2, 1)}
    complaints = [s.term for s in standouts(counts, "negative")]
    assert complaints[0] == "wait"
    assert "food" not in complaints          # mentioned most, but mostly praised
    assert "toilet" not in complaints        # two mentions cannot clear the bound
    assert next(s.term for s in standouts(counts, "positive")) == "cake"
    assert wilson_lower(0, 10) == pytest.approx(0.0) and 0 < wilson_lower(5, 10) < 0.5


@pytest.mark.parametrize(("text", "expected"), [
    # café: review words a general lexicon misses or rates kindly
    ("The soup was very salty, but the bread was lovely.", {"soup": "negative", "bread": "positive"}),
    ("The music was loud and the terrace was crowded.", {"music": "negative", "terrace": "negative"}),
    ("The scones lacked flavour.", {"scone": "negative"}),
    # adequate is no praise
    ("The coffee was okay.", {"coffee": "neutral"}),
    ("The sandwiches are fine, but the staff are wonderful.", {"sandwich": "neutral", "staff": "positive"}),
    # hairdresser: idioms
    ("My haircut could not have been better.", {"haircut": "positive"}),
    ("The colour could have been a lot better.", {"colour": "negative"}),
    ("I can't imagine a better stylist.", {"stylist": "positive"}),
    ("The manicure was nothing out of the ordinary.", {"manicure": "negative"}),
    # shop: price idioms and comparisons with the average
    ("The candles are reasonably priced.", {"candle": "positive"}),
    ("The mugs are way over priced.", {"mug": "negative"}),
    ("Customer service is above average.", {"customer service": "positive"}),
    # café: waiting
    ("The queue was really long, although the barista was friendly.",
     {"queue": "negative", "barista": "positive"}),
    ("Our pancakes took forever.", {"pancake": "negative"}),
    # a wait is praised for being short; praise beside it is for what it was endured for
    ("The flat whites are worth the wait.", {"flat white": "positive", "wait": "negative"}),
    ("The wait was short and the staff were lovely.", {"wait": "positive", "staff": "positive"}),
    ("Lovely brunch, hence the queue.", {"brunch": "positive", "queue": "negative"}),
    ("The speed of the new app is great.", {"speed": "positive"}),
    # recommendations
    ("Try the carrot cake!", {"carrot cake": "positive"}),
    ("Skip the smoothies.", {"smoothie": "negative"}),
    ("You must try the cinnamon buns.", {"cinnamon bun": "positive"}),
    ("Order the pie and you will be disappointed.", {"pie": "negative"}),
    ("The receptionist was pretty rude.", {"receptionist": "negative"}),   # "pretty" only boosts
    ("The prices are a bit high for a trim.", {"price": "negative"}),
    ("Good luck getting an appointment before Christmas.", {"appointment": "negative"}),
    ("The search could be improved.", {"search": "negative"}),
    ("The gift boxes were a steal.", {"gift box": "positive"}),
    ("The prices are low for the area.", {"price": "positive"}),
    ("I can't fault the colourist.", {"colourist": "positive"}),
    ("Shoutout to the barista who fixed my order without a fuss.", {"barista": "positive"}),
    ("The ramen was nothing out of ordinary.", {"ramen": "negative"}),
    # words joined by a hyphen are read as their parts
    ("The scones and jam were superb-the staff too.",
     {"scone": "positive", "jam": "positive", "staff": "positive"}),
])
def test_review_words_and_idioms(text: str, expected: dict[str, str]) -> None:
    found = polarities(text)
    for term, polarity in expected.items():
        assert found.get(term) == polarity, (term, found)


def test_quantifiers_and_nouns_carry_no_opinion() -> None:
    # Pattern rates "chicken" (as in cowardly) and "most", "own", "available": none of
    # them says the food was good or bad
    assert polarities("The chicken came with rice.") == {"chicken": "neutral", "rice": "neutral"}
    assert polarities("Most of the pastries were available.").get("pastry") == "neutral"
    assert polarities("The salon has its own parking.").get("parking") == "neutral"


def test_a_colour_names_the_dish_it_does_not_rate_it() -> None:
    # Pattern rates "green" (inexperienced) and "black" below zero
    assert polarities("Try the green curry.") == {"curry": "positive"}
    assert polarities("We ordered black coffee and a green tea.") == {"coffee": "neutral", "tea": "neutral"}
    assert polarities("The dark chocolate was lovely.") == {"chocolate": "positive"}


def test_fixed_phrases_and_body_words_are_no_aspects() -> None:
    terms = set(polarities("Of course the barista made an effort, in order to please my eye."))
    assert terms.isdisjoint({"course", "order", "effort", "eye"}), terms
    assert "night" not in set(polarities("Came in late at nite, the chips were great."))


def test_a_misspelt_opinion_counts_and_a_dish_is_not_read_as_one() -> None:
    found = polarities("The croissants were delicous, the barista was freindly and the prices outragous.")
    assert found == {"croissant": "positive", "barista": "positive", "price": "negative"}
    # real words no lexicon rates stay as they are ("terrine" is no "terrible")
    assert polarities("We had the terrine.") == {"terrine": "neutral"}


def test_a_range_of_something_names_what_is_rated() -> None:
    assert polarities("The selection of teas is superb.") == {"selection of tea": "positive"}
    assert polarities("A glass of wine was overpriced.") == {"glass of wine": "negative"}
