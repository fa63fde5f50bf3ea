"""The trained polarity model on hand-written sentences of a café, a hairdresser, an app and a
shop: what it reads where the clause rules alone go wrong (something only mentioned beside an
opinion about something else), and that it ships small, with its provenance, and runs
without numpy or scikit-learn."""

from __future__ import annotations

import subprocess
import sys

import pytest

from inbox.services import aspect_model
from inbox.services.aspects import analyse, polarity_at, rule_polarity_at


def polarities(text: str) -> dict[str, str]:
    return {m.term: m.polarity for m in analyse(text)}


@pytest.mark.parametrize(("text", "expected"), [
    # café: the window and the menu are where it happened, not what was good or bad
    ("We sat by the window and the waiter was rude to us the whole evening.",
     {"window": "neutral", "waiter": "negative"}),
    ("I came for the brunch menu and left with a stomach ache from the eggs.",
     {"brunch menu": "neutral", "egg": "negative"}),
    # contrast: what made up for it is praised
    ("Our table was next to the kitchen door, but the food made up for it.", {"table": "neutral", "food": "positive"}),
    ("Prices have gone up but the portions have shrunk.", {"portion": "negative"}),
    # hairdresser: negation and a subordinate contrast
    ("I went in for a fringe trim and the hairdresser was lovely.", {"fringe": "neutral", "hairdresser": "positive"}),
    ("The colour is not what I asked for, although the stylist was kind.",
     {"colour": "negative", "stylist": "positive"}),
    # app
    ("The new update looks nice but the app crashes every time I open the camera.",
     {"update": "positive", "camera": "negative"}),
    # shop: where the assistant looked is no praise of the stockroom
    ("The shop assistant found my size in the stockroom, which saved the trip.",
     {"shop assistant": "positive", "stockroom": "neutral"}),
])
def test_the_model_reads_what_is_only_mentioned_beside_an_opinion(text: str, expected: dict[str, str]) -> None:
    found = polarities(text)
    for term, polarity in expected.items():
        assert found.get(term) == polarity, (term, found)


def test_the_model_overrules_the_rules_where_they_read_the_whole_clause() -> None:
    text = "We sat by the window and the waiter was rude to us the whole evening."
    at = text.index("window")
    assert rule_polarity_at(text, at, at + 6) == "negative"   # the clause's opinion
    assert polarity_at(text, at, at + 6) == "neutral"


def test_stars_still_decide_what_neither_reads_as_an_opinion() -> None:
    assert polarities("We ordered the club sandwich.") == {"club sandwich": "neutral"}
    assert {m.term: (m.polarity, m.by) for m in analyse("We ordered the club sandwich.", 5)} == {
        "club sandwich": ("positive", "stars")}


def test_without_the_model_file_the_rules_decide(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    text = "We sat by the window and the waiter was rude to us the whole evening."
    monkeypatch.setattr(aspect_model, "MODELS", tmp_path)
    aspect_model.load.cache_clear()
    try:
        assert polarities(text)["window"] == "negative"
    finally:
        monkeypatch.undo()
        aspect_model.load.cache_clear()
    assert polarities(text)["window"] == "neutral"


def test_the_model_ships_small_with_its_provenance() -> None:
    path = aspect_model.MODELS / aspect_model.POLARITY
    assert path.stat().st_size < 300_000
    model = aspect_model.load(aspect_model.POLARITY)
    assert model is not None and model["labels"] == ["positive", "neutral", "negative"]
    assert model["source"]["licence"] == "Apache-2.0"
    notice = (aspect_model.MODELS / "SOURCE.md").read_text(encoding="utf-8")
    assert "MAMS" in notice and "Apache" in notice and "SemEval" in notice


def test_analysis_runs_without_numpy_or_scikit_learn() -> None:
    code = ("import sys; from inbox.services.aspects import analyse; "
            "assert analyse('Great food but the service was dreadful!')[1].polarity == 'negative'; "
            "print(sorted(m for m in ('numpy', 'sklearn', 'scipy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_term_model_drops_what_reviewers_do_not_rate() -> None:
    assert polarities("I would give it zero stars if I could, the burger was raw.") == {"burger": "negative"}


@pytest.mark.parametrize(("text", "term"), [
    ("The checkout kept failing on my phone.", "checkout"),           # shop
    ("My stylist listened to what I wanted.", "stylist"),             # hairdresser
    ("The new update is worse than the old version.", "update"),      # app
    ("Cold brew on a hot day was perfect.", "cold brew"),             # café: a name it never saw
])
def test_the_term_model_keeps_what_other_businesses_name(text: str, term: str) -> None:
    assert term in polarities(text)
