"""Aspects: the things a customer talks about in a review ("oat milk latte", "the wait",
"staff"), each with the sentiment of its own clause, and the category it belongs to.

`analyse(text, rating, language)` is a pure function (no store, no Qt), cheap enough to
run on ingest or in a background pass. English text only: other languages get no aspects
(never a guess); their polarity stays the stars' (see `sentiment.py`).

How, in short (docs/insights.md says it in an owner's words):
- aspects are runs of nouns found by a part-of-speech tagger (`pos_tags`), merged by case
  and plural; a word is dropped as too generic by evidence: its frequency in everyday
  English (wordfreq: "time", "place", "thing" are said about anything);
- each mention takes the polarity of its clause: sentences are cut at contrast words
  ("but", "although", "however"), and at "and" between two opinions; VADER scores the
  clause (it handles negation and "very"); the thing after "than" in a comparison gets the
  opposite; with no opinion in the clause, the review's decisive stars decide, else neutral.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache

from inbox.services import aspect_model
from inbox.services.aspect_categories import COMPOUNDS, category_of, opinion_category
from inbox.services.text_signals import fold

POLARITIES = ("positive", "neutral", "negative")
# Everyday words at or above this Zipf frequency (wordfreq; "place" 5.7, "time" 6.3,
# "food" 5.4, "staff" 5.1) name no particular thing on their own.
GENERIC_ZIPF = 5.6
OPINION_AT = 0.05    # VADER's documented threshold on the compound score
PATTERN_AT = 0.1     # Pattern adjectives weaker than this are no opinion
PATTERN_SUBJECTIVE = 0.0   # senses less subjective than this describe ("cold" brew), not judge
PATTERN_SCALE = 4.0
SPELLING_VALENCE = 1.5
RULES_VOTE = 0.5
TERM_AT = 0.3      # candidates the term model finds less likely an aspect are dropped   # the rules' reading added to the polarity model's probabilities   # only strong opinions are looked for behind a misspelling

TOKEN = re.compile(r"\w+(?=n['’]t\b)|n['’]t\b|['’](?:re|ve|s|ll|d|m)\b|\w+(?:[-&]\w+)*|[^\w\s]", re.IGNORECASE)
SENTENCE_END = frozenset(".!?\n")
CONTRAST = frozenset(["but", "although", "though", "however", "yet", "whereas", "except", "while", "unfortunately", "sadly", "otherwise", "despite"])
# Subordinate contrast: "although X, Y" -> the comma closes X's clause.
SUBORDINATE = frozenset(["although", "though", "whereas", "while", "despite"])
NOUN_TAGS = frozenset(("NN", "NNS", "NNP", "NNPS"))
# Indefinite pronouns tagged as nouns ("everything", "someone").
PRONOUN_ENDS = ("thing", "one", "body")
MEASURES = frozenset(["glass", "glasses", "bottle", "bottles", "cup", "cups", "mug", "pot", "jug", "plate",
                      "plates", "bowl", "bowls", "slice", "slices", "portion", "portions", "basket", "pint",
                      "carafe", "scoop", "scoops"])
RANGES = frozenset(["quality", "selection", "selections", "variety", "choice", "choices", "range", "assortment",
                    "array"])
NEGATIONS = frozenset(["not", "no", "never", "n't", "nothing", "none", "nobody", "neither", "nor", "without", "hardly"])


@dataclass(frozen=True, slots=True)
class AspectMention:
    """One mention of an aspect in a text. `term` is the merged key ("oat milk latte",
    plurals folded); `start`/`end` locate it and `clause_start`/`clause_end` its clause
    (character offsets into the text analysed). `by` says what set the polarity: the
    clause's "text", or the review's "stars" when the clause holds no opinion."""

    term: str
    surface: str
    category: str
    polarity: str
    start: int
    end: int
    clause_start: int
    clause_end: int
    by: str = "text"


# Review words VADER (written for social media) lacks or reads otherwise.
REVIEW_WORDS = {"overpriced": -2.0, "pricey": -1.2, "overcooked": -1.8, "undercooked": -1.8,
                "stale": -1.8, "soggy": -1.6, "bland": -1.6, "greasy": -1.4, "slow": -1.4,
                "understaffed": -1.6, "inattentive": -1.8, "cramped": -1.4, "filthy": -2.4,
                "sticky": -1.0, "noisy": -1.2, "prompt": 1.4, "attentive": 1.8, "tasty": 2.0,
                "affordable": 1.4, "reasonable": 1.2, "cozy": 1.6, "cosy": 1.6, "spotless": 2.0,
                "crash": -1.5, "crashes": -1.5, "crashing": -1.5, "crashed": -1.5, "buggy": -1.8,
                "glitchy": -1.6, "laggy": -1.4, "freezes": -1.4, "unusable": -2.2,
                "favourite": 2.0, "favourites": 2.0, "nightmare": -2.5, "shambles": -2.0,
                "overrated": -2.0, "lukewarm": -1.5, "tiny": -0.8, "forgot": -1.5, "forgotten": -1.5,
                "waited": -0.8, "rushed": -1.2, "mediocre": -1.8, "meh": -1.2, "flavorless": -1.8,
                "flavourless": -1.8, "tasteless": -1.8, "inedible": -2.5, "watery": -1.2, "rubbery": -1.5,
                # said of food, noise and crowds in reviews, where a general lexicon has them
                # mild or kind ("loud" +0.4 from Pattern), or not at all
                "salty": -1.0, "loud": -1.2, "crowded": -1.0, "overcrowded": -1.6, "inconsistent": -1.4,
                "lacked": -1.2, "lacking": -1.2, "lacks": -1.2, "unavailable": -1.0, "burnt": -1.6,
                "chewy": -1.0, "unattentive": -1.8, "aweful": -2.5, "overdone": -1.4, "underwhelming": -1.8,
                "unprofessional": -2.0, "unfriendly": -2.0, "dirty": -2.0, "disorganized": -1.6,
                # adequate is no praise: "the food was okay", "the bagels are fine"
                "ok": 0.0, "okay": 0.0, "fine": 0.0, "alright": 0.0, "average": 0.0}
ADEQUATE = frozenset(w for w, v in REVIEW_WORDS.items() if v == 0.0)
# Review idioms whose words mislead a word list ("to die for", "can't be beat").
IDIOMS = [(re.compile(p, re.IGNORECASE), v) for p, v in (
    (r"\b(could|can|would)(?:n['’]?t| not) (?:have |['’]ve )?(?:been|be|get|ask for) (?:any )?better", 2.5),
    (r"\b(could|should|would)(?: have|['’]ve)? been (?:a lot |much |way |far |a bit |a little )?"
     r"(better|nicer|hotter|warmer|fresher|bigger|more|less)", -2.0),
    (r"\b(can ?not|can['’]?t|couldn['’]?t) imagine (a |any )?better", 2.5),
    (r"\bnothing (?:out of (?:the )?)?ordinary", -1.0),
    (r"\b(?:price|prices|cost|costs|bill|fee|fees)(?: are| is| were| was)? (?:a bit |a little |way |too |much |very |so |quite |rather )?(?:high|higher|steep|steeper)\b"
     r"|\b(?:high|higher|steep) (?:price|prices|cost|costs|bill|fee|fees)\b", -1.5),
    (r"\b(?:low|lower|fair) (?:price|prices|cost|costs|fee|fees)\b"
     r"|\b(?:price|prices|cost|costs|fee|fees)(?: are| is| were| was)? (?:very |so |quite |really )?(?:low|lower|fair)\b", 1.5),
    (r"\ba(?:n absolute| real)? steal\b", 2.0),
    (r"\bno[- ]nonsense\b|\b(?:without (?:a|any) fuss|no fuss|fuss[- ]free)\b|\bshout[- ]?outs?\b", 1.5),
    (r"\b(?:can['’]?t|cannot|couldn['’]?t|could not|impossible to|hard to) (?:fault|criticize|criticise)\b", 2.0),
    (r"\bgood luck (?:getting|finding|trying|with)\b", -1.5),
    (r"\b(?:could|can|should) (?:be|use some) (?:improved|improvement|better|work)\b|\bneeds? (?:improvement|improving|work)\b",
     -1.5),
    (r"\babove average\b", 1.5),
    (r"\bbelow average\b", -1.5),
    (r"\b(reasonably|fairly|well|decently|modestly|affordably) priced", 2.0),
    (r"\b(over|high|highly|too high|too highly) priced", -2.0),
    (r"\bover ?(cooked|done|salted|seasoned)", -1.8),
    (r"\b(long|endless|huge) (wait|queue|line)s?\b|\b(wait|queue|line)s? (is|was|were|are) (so |very |too |really )?long",
     -1.5),
    (r"\b(took|takes|take|waited|wait) (forever|ages)", -2.0),
    (r"\b(stay away|steer clear)", -2.5),
    (r"\bcan['’]?t wait to\b", 2.0),
    (r"\bleft (a lot|much|something) to be desired", -2.5),
    (r"\bto die for\b", 2.5),
    (r"\b(can ?not|can['’]?t|couldn['’]?t) (be )?beat", 2.5),
    (r"\b(can ?not|can['’]?t) go wrong", 2.0),
    (r"\ba (joke|rip-?off)\b", -2.0),
    (r"\bnothing (special|to write home about)", -1.5),
    (r"\bnever (again|coming back|going back)", -2.5),
    (r"\b(won['’]?t|will not) be (back|returning)", -2.5),
    (r"\b(will|we['’]ll|i['’]ll) (definitely |certainly )?be back", 2.0),
)]
# A recommendation ("Try the pho", "must have the tiramisu", "skip the smoothies") counts
# only where the clause says nothing else: "order the pie, it's awful" is a warning.
RECOMMENDATIONS = [(re.compile(p, re.IGNORECASE), v) for p, v in (
    (r"^(?:also |definitely |just |so |and |but )?(?:try|get|order|stick to|go for|don['’]?t miss|do not miss)"
     r" (?:the|their|a|an|some|any)\b", 1.5),
    (r"\b(?:must|should) (?:try|have|order|get)\b|\bmust-try\b|\blook(?:ing)? forward to\b", 2.0),
    (r"^(?:also |so |and |but )?(?:skip|avoid)\b", -2.0),
)]
FIXED_PHRASES = frozenset([("of", "course"), ("in", "order"), ("great", "deal"), ("good", "deal"),
                           ("in", "fact"), ("in", "time"), ("on", "time"), ("by", "far"), ("in", "general")])


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words tagged as nouns that say when, not what.
WHEN = frozenset(["yesterday", "today", "tonight", "tonite", "nite", "tomorrow", "lunchtime", "teatime", "weekday", "weekdays"])
# Closed classes of nouns that are never what a review rates, for any business: the
# business itself, who came along, time and quantity, the visit and the review, places
# around, the body, and abstract words.
NOT_ASPECTS = _wordset("""
    restaurant restaurants business establishment company shop store cafe café salon venue joint
    spot gem imo tbh lol touch
    husband wife boyfriend girlfriend partner friend friends family kid kids child children son daughter
    mom mum dad parents mother father sister brother colleague colleagues coworker coworkers group
    guest guests person folks
    minute minutes hour hours week weeks weekend weekends month months year years evening afternoon
    morning monday tuesday wednesday thursday friday saturday sunday night nights
    bit couple half lot lots amount sum rest piece plenty buck bucks dollar dollars cent cents quid euro euros
    visit visits trip return occasion birthday anniversary date review reviews reviewer experience
    reason fact point matter chance mind feeling opinion surprise kind sort type
    idea sense case job moment plan stuff fan try share everytime effort excuse comparison attempt
    neighborhood neighbourhood town area street village city block corner middle door side
    head hand hands mouth stomach eye eyes face
    """)


# Quantifiers, ordinals and sentence adverbs Pattern rates ("most" +0.5, "own" +0.6,
# "available" +0.4, "definitely" +0.4): they say how much or which, not how good. Colours
# name a dish or a drink ("green curry" -0.2, "black beans", "dark chocolate", "pink salmon").
NO_OPINION = _wordset("""
    most more many much few several enough least less little own other same whole full real
    right sure first last next new old available definitely certainly surely absolutely
    possible due
    green black pink dark red white blue yellow brown grey gray orange purple
    """)


@cache
def _vader():
    """A VADER of our own whose lexicon also holds Pattern's adjectives (its polarity lexicon
    ships in the TextBlob wheel and was made from reviews): "exceptional", "prompt",
    "magnificent" are opinions VADER alone does not know. The item-level sentiment keeps
    plain VADER."""
    import xml.etree.ElementTree as ET
    from importlib.util import find_spec
    from pathlib import Path

    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from inbox.services import pos_tags

    vader = SentimentIntensityAnalyzer()
    spec = find_spec("textblob")
    if spec and spec.submodule_search_locations:
        path = Path(spec.submodule_search_locations[0]) / "en" / "en-sentiment.xml"
        sums: dict[str, list[float]] = {}
        for node in ET.parse(path).getroot().iter("word"):
            form = (node.get("form") or "").lower()
            if form.isalpha():
                sums.setdefault(form, []).append(float(node.get("polarity") or 0)
                                                 * (float(node.get("subjectivity") or 0) >= PATTERN_SUBJECTIVE))
        for form, values in sums.items():
            mean = sum(values) / len(values)
            if form not in vader.lexicon and abs(mean) >= PATTERN_AT and form not in NO_OPINION \
                    and (pos_tags.known_tag(form) or "JJ").startswith(("JJ", "RB")):
                vader.lexicon[form] = round(mean * PATTERN_SCALE, 2)   # Pattern's -1..1 onto VADER's -4..4
    vader.lexicon.update(REVIEW_WORDS)
    return vader


@cache
def _boosters() -> frozenset[str]:
    from vaderSentiment.vaderSentiment import BOOSTER_DICT

    return frozenset(BOOSTER_DICT)


@cache
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en", wordlist="small")  # the 124 kB list: every word of Zipf ≥ 3


def warm_up() -> None:
    """Load the tagger, word frequencies and VADER before the first analysis."""
    from inbox.services import pos_tags

    pos_tags.tag(["The", "coffee", "was", "good"])
    pos_tags.spelling()
    _zipf("coffee")
    _singular("coffees")
    _vader()


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in TOKEN.finditer(text)]


def _sentences(tokens: list[tuple[str, int, int]]) -> list[list[int]]:
    out: list[list[int]] = [[]]
    for i, (tok, _, _) in enumerate(tokens):
        out[-1].append(i)
        if tok in SENTENCE_END or tok == "\n":
            out.append([])
    return [s for s in out if s]


def _clauses(words: list[str], tags: list[str]) -> list[tuple[int, int, int, int]]:
    """(start, end, segment start, segment end) token ranges of a sentence's clauses.
    Segments are cut before contrast words and after the comma closing a subordinate
    contrast ("although X, Y"); within a segment, clauses are cut at "and"/"," between two
    verb phrases ("the food was great and the service slow")."""
    cuts = {0}
    open_sub = False
    for i, w in enumerate(words):
        lw = w.lower()
        if lw in CONTRAST and i > 0:
            cuts.add(i)
        if lw in SUBORDINATE:
            open_sub = True
        elif open_sub and w in (",", ";", "-", "—"):
            cuts.add(i + 1)
            open_sub = False
        elif w in (";", "—", "–"):
            cuts.add(i + 1)
    bounds = [*sorted(cuts), len(words)]
    out = []
    for a, b in itertools.pairwise(bounds):
        if b <= a:
            continue
        marks = [a]
        for i in range(a + 1, b - 1):
            if words[i].lower() in ("and", ",") and _has_verb(tags[marks[-1]:i]) and _has_opinion_or_verb(
                    words[i + 1:b], tags[i + 1:b]):
                marks.append(i)
        marks.append(b)
        out += [(s, e, a, b) for s, e in itertools.pairwise(marks) if e > s]
    return out


def _has_verb(tags: list[str]) -> bool:
    return any(t.startswith("VB") or t == "MD" for t in tags)


def _has_opinion_or_verb(words: list[str], tags: list[str]) -> bool:
    return _has_verb(tags) and any(t in NOUN_TAGS for t in tags)


def _candidates(words: list[str], tags: list[str], lexicon: dict[str, float]) -> list[tuple[int, int]]:
    """Token ranges of noun runs that may name an aspect."""
    found: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        if tags[i] not in NOUN_TAGS or not _nounish(words[i], lexicon, head=False):
            i += 1
            continue
        j = i
        while j + 1 < len(words) and tags[j + 1] in NOUN_TAGS and _nounish(words[j + 1], lexicon, head=False):
            j += 1
        # an opinion noun may modify ("support team") but not be the thing ("love")
        while j >= i and not _nounish(words[j], lexicon) and not _in_compound(words, j):
            j -= 1
        if j < i:
            i += 1
            continue
        # generic or opinion leading words fall off ("crappy service"; "night staff" stays)
        while i < j and (_generic(words[i]) or _opinion_modifier(words[i], lexicon)) and not _in_compound(
                words, i):
            i += 1
        # names (capitals mid-sentence: places, people) are not aspects unless they name one
        if all(tags[k].startswith("NNP") for k in range(i, j + 1)) and category_of(
                _key(words[i:j + 1])) == "other":
            i = j + 1
            continue
        # a measure of something names the thing served: "glass of wine", "bowl of ramen";
        # so does a range of it: "selection of teas", "quality of the cuts" is rated as such
        if words[j].lower() in MEASURES | RANGES and j + 2 < len(words) and words[j + 1].lower() == "of" \
                and tags[j + 2] in NOUN_TAGS:
            k = j + 2
            while k + 1 < len(words) and tags[k + 1] in NOUN_TAGS:
                k += 1
            found.append((i, k + 1))
            i = k + 1
            continue
        if not (i == j and _generic(words[i])):
            start = i
            # a proper adjective ("Thai food", "French fare") or a way of cooking ("fried
            # rice", "grilled salmon") is part of the dish's name
            while start > (found[-1][1] if found else 0) and (
                    (tags[start - 1] in ("JJ", "NNP") and words[start - 1][:1].isupper() and start - 1 > 0)
                    or ((tags[start - 1] == "VBN" or (tags[start - 1] == "JJ" and words[start - 1].endswith("ed")))
                        and category_of(_key(words[i:j + 1])) == "food")):
                start -= 1
            found.append((start, j + 1))
        i = j + 1
    return found


def _nounish(word: str, lexicon: dict[str, float], head: bool = True) -> bool:
    lw = word.lower()
    if not word[0].isalpha() or len(lw) < 2:
        return False
    if head and (lw in WHEN or lw in NOT_ASPECTS):  # "shop assistant" is one, "shop" is not
        return False
    if lw.endswith(PRONOUN_ENDS) and lw in ("everything", "something", "anything", "nothing", "someone",
                                             "anyone", "everyone", "noone", "somebody", "anybody",
                                             "everybody", "nobody", "one"):
        return False
    # opinion nouns ("love", "disappointment") are what is said, not what it is about
    return not head or abs(lexicon.get(lw, 0.0)) < 1.0 or category_of(lw) != "other"


def _opinion_modifier(word: str, lexicon: dict[str, float]) -> bool:
    """An opinion word the tagger took for a noun ("crappy service"), not a noun that
    happens to carry feeling ("support team")."""
    from inbox.services import pos_tags

    lw = word.lower()
    return abs(lexicon.get(lw, 0.0)) >= 0.5 and not (pos_tags.known_tag(lw) or "").startswith("NN")


def _generic(word: str) -> bool:
    return _zipf(fold(word.lower())) >= GENERIC_ZIPF


def _key(words: list[str]) -> str:
    low = [w.lower().replace("’", "'") for w in words]
    return " ".join([*low[:-1], _singular(low[-1])])


@cache
def _singular(word: str) -> str:
    """A plural head noun's singular: simplemma's English dictionary ("brownies" ->
    "brownie", "knives" -> "knife", "children" -> "child"); the simple folding rule when the
    dictionary does not know the word or offers a verb's lemma ("seating" stays)."""
    from simplemma import lemmatize

    lemma = lemmatize(word, lang="en")
    if lemma != word and word.endswith(("s", "ren", "men", "ice")) and lemma[:2] == word[:2] \
            and len(word) - len(lemma) <= 3:
        return lemma
    return fold(word)


def _known(word: str) -> bool:
    """A word the tagger's lexicon, the spelling list or wordfreq knows ("braised", "terrine")."""
    from inbox.services import pos_tags

    return _zipf(word) > 0 or pos_tags.known_tag(word) is not None or word in pos_tags.spelling()


@lru_cache(maxsize=65536)   # unknown words keep coming in a long stream of reviews
def _spelled(word: str) -> str:
    """A misspelt strong opinion ("delicous", "freindly", "outragous") read as the word it
    most likely is, one letter away (Pattern's spelling list, Norvig's method); only for
    words no word list knows, and only when the likeliest word is a strong opinion."""
    lw = word.lower()
    lexicon = _vader().lexicon
    if len(lw) < 6 or not lw.isalpha() or lw in lexicon or _known(lw):
        return word
    from inbox.services import pos_tags

    spelling = pos_tags.spelling()
    near = spelling._known(spelling._edit1(lw))
    if not near:
        return word
    best = max(near, key=lambda w: (spelling[w], w))
    return best if abs(lexicon.get(best, 0.0)) >= SPELLING_VALENCE else word


def _polarity(vader, words: list[str], tags: list[str] | None = None) -> float:
    """The clause's opinion: VADER's compound, and the adjectives VADER takes for mere
    intensifiers when they stand alone ("the food was exceptional")."""
    if tags:  # the words of a name ("cold brew") are no opinion
        words = [w if not (t == "NN" and abs(vader.lexicon.get(w.lower(), 0.0)) and _in_compound(words, k))
                 else "it" for k, (w, t) in enumerate(zip(words, tags, strict=False))]
        # an adjective used as an adverb before another ("pretty rude", "real slow") only
        # strengthens it, as VADER's own boosters do
        words = [("quite" if _adjective_as_booster(words, tags, k) and w.lower() in vader.lexicon else w)
                 for k, w in enumerate(words)]
    # "coffee-amazing", "superb-the staff": a joined word VADER does not know is read
    # as its parts
    text = " ".join(w.replace("-", " ") if "-" in w and w.lower() not in vader.lexicon else _spelled(w)
                    for w in words)
    score = vader.polarity_scores(text)["compound"]
    said = [v for pattern, v in IDIOMS if pattern.search(text.replace(" n't", "n't").replace(" 's", "'s"))]
    if said:
        score = sum(said) / 4
    elif abs(score) < OPINION_AT:
        said = [v for pattern, v in RECOMMENDATIONS if pattern.search(text)]
        score = sum(said) / 4 if said else score
    if tags:
        # "too loud", "overly sweet": excess is a complaint whatever the adjective
        for i in range(len(words) - 1):
            if words[i].lower() in ("too", "overly") and tags[i + 1].startswith("JJ"):
                score = min(score, 0.0) - 0.4
    if tags and abs(score) < OPINION_AT:
        lexicon = vader.lexicon
        for i, (w, t) in enumerate(zip(words, tags, strict=False)):
            lw = w.lower()
            if t.startswith("JJ") and lw in _boosters() and lw in lexicon:
                negated = any(x.lower() in NEGATIONS for x in words[max(0, i - 3):i])
                score += -lexicon[lw] / 4 if negated else lexicon[lw] / 4
    return score


def _adjective_as_booster(words: list[str], tags: list[str], k: int) -> bool:
    """An adjective used as an adverb before another ("pretty rude", "real slow")."""
    return tags[k] == "RB" and k + 1 < len(tags) and tags[k + 1].startswith("JJ") \
        and not words[k].lower().endswith("ly")


def _in_compound(words: list[str], k: int) -> bool:
    lw = [w.lower() for w in words]
    return (k + 1 < len(lw) and f"{lw[k]} {fold(lw[k + 1])}" in COMPOUNDS) or (
        k > 0 and f"{lw[k - 1]} {fold(lw[k])}" in COMPOUNDS)


def _score(vader, words: list[str], tags: list[str], segment: list[str], segment_tags: list[str]) -> float:
    """The clause's opinion, or its segment's when the clause has none ("we had the salmon,
    and it was amazing")."""
    score = _polarity(vader, words, tags)
    if abs(score) < OPINION_AT and len(segment) > len(words):
        score = _polarity(vader, segment, segment_tags)
    return score


def _label(score: float) -> str:
    return "positive" if score >= OPINION_AT else "negative" if score <= -OPINION_AT else "neutral"


def _star_label(rating: int | None) -> str | None:
    if rating in (4, 5):
        return "positive"
    if rating in (1, 2):
        return "negative"
    return None


def _clause_runs(text: str):
    """(tokens, sentence token indexes, clause start, clause end, words, tags) per clause."""
    from inbox.services import pos_tags

    tokens = _tokens(text)
    for sentence in _sentences(tokens):
        words = [tokens[i][0] for i in sentence]
        # A capital at the start of a sentence is no name ("Great food" is not a place).
        tag_words = [w.lower() if k == 0 or words[k - 1] in ('"', "(") else w for k, w in enumerate(words)]
        tags = pos_tags.tag(tag_words)
        # "the wait", "the new update": a base verb after a determiner or adjective is a noun
        for k in range(1, len(tags)):
            if tags[k] in ("VB", "VBP") and tags[k - 1] in ("DT", "PRP$", "JJ", "POS", "NNP"):
                tags[k] = "NN"
        # "of course", "in order to", "a great deal": phrases whose noun names nothing
        for k in range(1, len(tags)):
            if (words[k - 1].lower(), words[k].lower()) in FIXED_PHRASES:
                tags[k] = "RB"
        # "flat white", "cold brew": names made of describing words are nouns, not opinions
        for k in range(len(words) - 1):
            if f"{words[k].lower()} {fold(words[k + 1].lower())}" in COMPOUNDS:
                tags[k] = tags[k + 1] = "NN"
        for cs, ce, ss, se in _clauses(words, tags):
            yield tokens, sentence, cs, ce, words[cs:ce], tags[cs:ce], words[ss:se], tags[ss:se], words, tags, ss


def _near_score(vader, words: list[str], tags: list[str], a: int, b: int, clause_score: float) -> float:
    """When a clause holds opinions of both signs ("gorgeously moist, yet let down by bland
    seasoning"), each aspect takes the nearer ones: valences weighted by distance, negation
    within three words flipping them. Otherwise the clause's score stands."""
    lexicon = vader.lexicon
    weighted, signs = 0.0, set()
    for k, w in enumerate(words):
        if a <= k < b:
            continue
        lw = _spelled(w).lower()
        v = lexicon.get(lw, 0.0)
        # "pretty rude": a booster before a describing word only strengthens it
        if not v or _adjective_as_booster(words, tags, k) or (lw in _boosters() and (
                not tags[k].startswith("JJ") or (k + 1 < len(tags) and tags[k + 1].startswith(("JJ", "RB"))))):
            continue
        if any(x.lower() in NEGATIONS for x in words[max(0, k - 3):k]):
            v *= -0.74   # VADER's own negation factor
        signs.add(v > 0)
        distance = a - k if k < a else k - b + 1
        weighted += v / (1 + distance)
    if len(signs) < 2:
        return clause_score
    return weighted


# What praises a wait is its shortness. Other praise in the clause of a wait or a queue is
# about something else, and the wait is what it was endured for: "always busy, always a
# wait", "worth the wait".
SHORT_WAIT = frozenset(["quick", "quickly", "quicker", "fast", "faster", "speedy", "prompt", "promptly", "short",
                        "shorter", "no", "little", "minimal", "efficient", "efficiently", "immediately", "instantly",
                        "moved", "moves", "moving", "reasonable", "bearable", "manageable", "never"])
WAITS = frozenset(["wait", "queue", "waiting", "wait time", "waiting time", "queuing", "queueing"])


def _wait_score(score: float, key: str, lower: list[str]) -> float:
    if score > 0 and (key in WAITS or key.endswith((" wait", " queue"))) and SHORT_WAIT.isdisjoint(lower):
        return -score
    return score


def _mention_label(score: float, than: int | None, at: int, stars: str | None) -> tuple[str, str]:
    label = _label(score)
    # after "than" (a comparison) or "despite"/"even with" (a concession), the thing named
    # is what the opinion is set against: "quick even with a queue" praises no queue
    if label != "neutral" and than is not None and at > than:
        label = "negative" if label == "positive" else "positive"
    if label == "neutral" and stars:
        return stars, "stars"
    return label, "text"


def _than(lower: list[str]) -> int | None:
    for k, w in enumerate(lower):
        if w in ("than", "despite") or (w in ("with", "though", "after") and k and lower[k - 1] == "even") or (
                w == "of" and k > 1 and lower[k - 2:k] == ["in", "spite"]):
            return k
    return None


@dataclass
class _Clause:
    """A clause with what reading its mentions needs: the sentence's words and tags, the
    clause's and its segment's token ranges in it, and (when asked) the rules' score."""

    words: list[str]
    tags: list[str]
    start: int          # clause [start, end) in the sentence's tokens
    end: int
    segment: int        # its contrast segment [segment, segment_end)
    segment_end: int

    @cached_property
    def spans(self) -> list[tuple[int, int]]:
        """The clause's candidate aspects (clause token ranges)."""
        return _candidates(self.words[self.start:self.end], self.tags[self.start:self.end], _vader().lexicon)

    @cached_property
    def score(self) -> float:
        s, e, ss, se = self.start, self.end, self.segment, self.segment_end
        return _score(_vader(), self.words[s:e], self.tags[s:e], self.words[ss:se], self.tags[ss:se])

    @property
    def lower(self) -> list[str]:
        return [w.lower() for w in self.words[self.start:self.end]]


def _rule_reading(vader, clause: _Clause, a: int, b: int) -> tuple[float, int | None]:
    """The rules' score of the mention at clause tokens [a, b), and where a comparison
    ("than", "despite") turns what follows it."""
    cwords, ctags = clause.words[clause.start:clause.end], clause.tags[clause.start:clause.end]
    lower = clause.lower
    score = _wait_score(_near_score(vader, cwords, ctags, a, b, clause.score), _key(cwords[a:b]), lower)
    return score, _than(lower)


def _read(vader, clause: _Clause, a: int, b: int, stars: str | None) -> tuple[str, str]:
    """(polarity, by) of the mention at clause tokens [a, b): the trained model's reading of
    the rules' score and the words around it when the model ships, else the rules'."""
    rule, than = _rule_reading(vader, clause, a, b)
    model = aspect_model.load(aspect_model.POLARITY)
    # what is set against an opinion ("than", "even with") and what is called adequate
    # ("okay", "fine") the rules read by construction; the model saw too few of either
    if model is None or (than is not None and a > than) or ADEQUATE.intersection(clause.lower):
        return _mention_label(rule, than, a, stars)
    probabilities = aspect_model.probabilities(model, _features(vader, clause, a, b, rule, than))
    # the rules keep half a vote: the model overrules them only when it is at least half
    # surer of another reading (it learnt from sentences the rules read worst)
    probabilities[_mention_label(rule, than, a, None)[0]] += RULES_VOTE
    label = max(probabilities, key=probabilities.__getitem__)
    if label == "neutral" and stars:
        return stars, "stars"
    return label, "text"


def _negated(lower: list[str], k: int, lo: int) -> bool:
    """A negation within three words before k, not across a comma ("not the best")."""
    for j in range(k - 1, max(lo, k - 4) - 1, -1):
        if lower[j] in NEGATIONS:
            return True
        if lower[j] in (",", ".", ";", "!", "?") or lower[j] in CONTRAST:
            return False
    return False


def _features(vader, clause: _Clause, a: int, b: int, rule: float, than: int | None) -> dict[str, float]:
    """What the polarity model weighs for the mention at clause tokens [a, b): the rules'
    reading, the words of its clause and sentence (negated words marked, near ones weighted
    by distance), the opinion words of both signs in its clause and next to it, contrast and comparison marks, and the term's own words. Training
    (scripts/train_aspect_model.py) and analysis both call this, so they cannot drift."""
    words, tags, cs, ce = clause.words, clause.tags, clause.start, clause.end
    lower = [w.lower() for w in words]
    start, end = cs + a, cs + b
    label = _mention_label(rule, than, a, None)[0]
    f: dict[str, float] = {"rule:" + label: 1.0, "rule": {"positive": 1.0, "negative": -1.0}.get(label, 0.0)
                           * min(1.0, abs(rule)), "clause": clause.score}
    lexicon = vader.lexicon
    opinions = 0
    for k, w in enumerate(lower):
        if start <= k < end or not (w[:1].isalnum() or w in ("!", "?")):
            continue
        in_clause = cs <= k < ce
        token = ("~" if _negated(lower, k, cs if in_clause else 0) else "") + w
        f["s:" + token] = 1.0
        distance = start - k if k < start else k - end + 1
        if in_clause:
            f["c:" + token] = 1.0
            f["d:" + token] = max(f.get("d:" + token, 0.0), 1.0 / distance)
            v = lexicon.get(_spelled(w).lower(), 0.0)
            if v and not (w in _boosters() and not tags[k].startswith("JJ")):
                v = -0.74 * v if token[0] == "~" else v
                side = "op+" if v > 0 else "op-"
                f[side] = f.get(side, 0.0) + abs(v) / (1 + distance)
                if distance <= 4:   # the opinions next to it
                    f["near" + side[-1]] = f.get("near" + side[-1], 0.0) + abs(v)
                opinions += 1
        elif distance <= 3:
            f["w:" + token] = 1.0 / distance
    if not opinions:
        f["no opinion"] = 1.0
    # the rules read a clause well when it names one thing and says one thing of it; the
    # model learns how far to trust them where it names several or says both
    others = sum(1 for x, y in clause.spans if y <= a or x >= b)
    mixed = f.get("op+", 0.0) > 0 and f.get("op-", 0.0) > 0
    shape = f"{min(others, 2)} others{' mixed' if mixed else ''}"
    f["shape:" + shape] = 1.0
    f[f"rule:{label}|{shape}"] = 1.0
    for w in lower[start:end]:
        f["t:" + w] = 1.0
    f["h:" + _singular(lower[end - 1])] = 1.0
    if any(w in CONTRAST for w in lower[:start]):
        f["after contrast"] = 1.0
    if any(w in CONTRAST for w in lower[end:]):
        f["before contrast"] = 1.0
    if lower[clause.segment] in SUBORDINATE:
        f["subordinate"] = 1.0
    if than is not None:
        f["than " + ("before" if than < a else "after")] = 1.0
    f["prev:" + (tags[start - 1] if start > cs else "^")] = 1.0
    f["next:" + (tags[end] if end < ce else "$")] = 1.0
    if start == cs:
        f["first"] = 1.0
    return f


def _clauses_of(text: str):
    """(tokens, sentence token indexes, clause) for each clause of the text."""
    for tokens, sentence, cs, ce, _cw, _ct, swords, _st, words, tags, ss in _clause_runs(text):
        yield tokens, sentence, _Clause(words, tags, cs, ce, ss, ss + len(swords))


def analyse(text: str, rating: int | None = None, language: str = "",
            exclude: frozenset[str] = frozenset()) -> list[AspectMention]:
    """The aspect mentions of one English text (empty for other languages). `exclude`
    holds lower-cased words that make no aspect (the business's own name)."""
    if language and not language.lower().startswith("en"):
        return []
    vader = _vader()
    stars = _star_label(rating)
    mentions: list[AspectMention] = []
    for tokens, sentence, clause in _clauses_of(text):
        cwords = clause.words[clause.start:clause.end]
        spans = clause.spans
        if not spans:
            continue
        hint = next((c for w in clause.lower if (c := opinion_category(w))), None)
        terms = aspect_model.load(aspect_model.TERMS)
        for a, b in spans:
            key = _key(cwords[a:b])
            if exclude.intersection(key.split()):
                continue
            category = category_of(key)
            if terms is not None and _not_a_term(terms, clause, a, b, key, category):
                continue
            label, by = _read(vader, clause, a, b, stars)
            if category == "other" and hint:
                category = hint
            cs = clause.start
            start, end = tokens[sentence[cs + a]][1], tokens[sentence[cs + b - 1]][2]
            mentions.append(AspectMention(
                key, text[start:end], category, label, start, end,
                tokens[sentence[cs]][1], tokens[sentence[clause.end - 1]][2], by))
    return mentions


def _span_features(clause: _Clause, a: int, b: int, key: str, category: str) -> dict[str, float]:
    """What the term model weighs for a candidate at clause tokens [a, b): its words, head,
    length, category and how everyday its head is, the words and tags around it, and how
    many other candidates share its clause."""
    words, tags, cs = clause.words, clause.tags, clause.start
    start, end = cs + a, cs + b
    lower = [w.lower() for w in words]
    head = lower[end - 1]
    # no category: which categories restaurant reviewers name is no evidence for a shop's
    f = {"h:" + _singular(head): 1.0, "n:" + str(min(b - a, 3)): 1.0,
         "zipf:" + str(int(_zipf(fold(head)))): 1.0, "htag:" + tags[end - 1]: 1.0,
         "others:" + str(min(len(clause.spans) - 1, 3)): 1.0}
    for k in range(start, end):
        f["w:" + lower[k]] = 1.0
    if b - a > 1:
        f["first:" + lower[start]] = 1.0
    for d in (1, 2):
        before = lower[start - d] if start - d >= 0 else "^"
        after = lower[end + d - 1] if end + d - 1 < len(words) else "$"
        f[f"p{d}:{before}"] = 1.0
        f[f"x{d}:{after}"] = 1.0
    f["ptag:" + (tags[start - 1] if start > 0 else "^")] = 1.0
    f["xtag:" + (tags[end] if end < len(tags) else "$")] = 1.0
    if words[start][:1].isupper() and start > 0:
        f["capital"] = 1.0
    if abs(_vader().lexicon.get(head, 0.0)) >= 0.5:
        f["opinion head"] = 1.0
    return f


def _not_a_term(model: dict, clause: _Clause, a: int, b: int, key: str, category: str) -> bool:
    """The term model's judgement of a candidate, for head words it learnt about: it learnt
    from restaurant reviews, so the rules keep what it never saw ("stylist", "checkout")."""
    if key in COMPOUNDS or category != "other":   # what our own categories name stays
        return False
    features = _span_features(clause, a, b, key, category)
    head = next(k for k in features if k.startswith("h:"))
    return head in model["weights"] and aspect_model.probabilities(model, features)["aspect"] < TERM_AT


def candidate_features(text: str) -> list[tuple[str, dict[str, float]]]:
    """(surface, term model features) of every candidate aspect of a text (for training)."""
    out = []
    for tokens, sentence, clause in _clauses_of(text):
        cwords = clause.words[clause.start:clause.end]
        for a, b in clause.spans:
            key = _key(cwords[a:b])
            cs = clause.start
            start, end = tokens[sentence[cs + a]][1], tokens[sentence[cs + b - 1]][2]
            out.append((text[start:end], _span_features(clause, a, b, key, category_of(key))))
    return out


def _locate(text: str, start: int, end: int) -> tuple[_Clause, int, int] | None:
    """The clause holding text[start:end] and the span's token range in it."""
    for tokens, sentence, clause in _clauses_of(text):
        cs, ce = clause.start, clause.end
        if tokens[sentence[cs]][1] <= start < tokens[sentence[ce - 1]][2] + 1:
            at = next((k for k in range(cs, ce) if tokens[sentence[k]][2] > start), cs) - cs
            upto = next((k for k in range(cs, ce) if tokens[sentence[k]][1] >= end), ce) - cs
            return clause, at, max(upto, at + 1)
    return None


def polarity_at(text: str, start: int, end: int, rating: int | None = None) -> str:
    """The polarity of whatever is named at text[start:end], read as `analyse` reads its own
    mentions (the benchmark asks this for the data set's own aspect terms)."""
    found = _locate(text, start, end)
    if found is None:
        return _star_label(rating) or "neutral"
    return _read(_vader(), *found, _star_label(rating))[0]


def rule_polarity_at(text: str, start: int, end: int) -> str:
    """The rules' polarity alone (no model, no stars), to compare them with the model."""
    found = _locate(text, start, end)
    if found is None:
        return "neutral"
    return _mention_label(*_rule_reading(_vader(), *found), found[1], None)[0]


def polarity_features_at(text: str, start: int, end: int) -> dict[str, float] | None:
    """The model's features for whatever is named at text[start:end] (for training)."""
    found = _locate(text, start, end)
    if found is None:
        return None
    vader = _vader()
    clause, a, b = found
    return _features(vader, clause, a, b, *_rule_reading(vader, clause, a, b))


def text_polarity(text: str, rating: int | None = None) -> str:
    """The polarity of a whole text by the same review-aware reading (review words, idioms,
    misspellings), for what names no aspect ("We'll be back!"); the stars when it has none."""
    from inbox.services import pos_tags

    words = [t for t, _, _ in _tokens(text)]
    score = _polarity(_vader(), words, pos_tags.tag(words)) if words else 0.0
    label = _label(score)
    return label if label != "neutral" else _star_label(rating) or "neutral"
