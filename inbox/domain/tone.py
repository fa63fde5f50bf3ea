"""A human tone check for replies: pure rules, no Qt, no I/O (the phrase list is passed in).

Every flag says what it noticed and suggests what to do instead; none blocks sending —
the owner knows their customers better than a list of rules does.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from inbox.domain.reply_length import ReplyLimit, count_graphemes, over_limits

__all__ = ["Phrase", "ReplyContext", "ReplyLimit", "ToneFlag", "check_tone", "count_graphemes", "first_name",
           "meaningful_words", "parse_phrases"]

LONG_SENTENCE_WORDS = 35
NEGATIVE_SENTIMENT = -0.3

_STOPWORD_TEXT = """
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had has
have having he her here hers herself him himself his how i if in into is it its itself just me more
most my myself no nor not now of off on once only or other our ours ourselves out over own same she
should so some such than that the their theirs them themselves then there these they this those
through to too under until up very was we were what when where which while who whom why will with
would you your yours yourself yourselves really thanks thank much many get got go went one two
dont didnt cant wont isnt wasnt im ive youre were weve well still even though back time times
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

_APOLOGY = re.compile(r"\b(sorry|apologi[sz]e\w*|apologies|regret|my bad|our fault|we messed up)\b", re.I)
_OFFER = re.compile(
    r"\b(refund\w*|replace\w*|redo|remake|on us|on the house|free|voucher|credit|discount|"
    r"make (it|this|that|things) (right|up)|on me|put (it|this|that|things) right|fix\w*|sort (it|this|that) out|"
    r"call (me|us)|email (me|us)|e-mail (me|us)|message (me|us)|ring (me|us)|write to (me|us)|"
    r"get in touch|contact (me|us)|drop (me|us)|come (back|in|by)|pop (in|by|back)|"
    r"next time|we'?ll|we will|i'?ll|i will|let me|let us|happy to|send (you|it)|"
    r"speak to|talk to|reach (me|us)|\d{3}[ -]?\d{3,})\b", re.I)
# A greeting opens the reply, a line or a sentence; a sign-off closes a line ("— Maria",
# "Best wishes, Maria"). Two of either usually means a saved reply was added to a draft.
_GREETING = re.compile(
    r"(?:^|[.!?\n])[ \t]*((?:hi|hello|hey|hiya|dear|good (?:morning|afternoon|evening))\b)", re.I | re.M)
_NAME = r"(?-i:[^\W\d_a-z])[\w'-]*(?:[ \t]+[^\W\d_][\w'-]*){0,2}|\{\w+\}"  # "Maria", "The team"
_SIGN_OFF = re.compile(
    r"(?:(?:^|\s)[—–][ \t]*(?:" + _NAME + r")"
    r"|^[ \t]*(?:best(?: wishes| regards)?|kind regards|warm(?:est)? regards|regards|cheers|sincerely|"
    r"yours(?: sincerely| truly)?|all the best|many thanks|thanks again|take care)[,.!]?"
    r"(?:[ \t]+(?:" + _NAME + r"))?)[ \t.!]*$", re.I | re.M)
_GREETING_WINDOW = 80  # characters from the start where a greeting by name is expected
_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "madam"})


@dataclass(frozen=True, slots=True)
class Phrase:
    """A stock phrase to avoid and what to say instead."""

    text: str
    suggestion: str


@dataclass(frozen=True, slots=True)
class ToneFlag:
    """One thing the check noticed. `start`/`end` locate it in the reply (-1: the whole)."""

    code: str
    message: str
    suggestion: str
    start: int = -1
    end: int = -1


@dataclass(frozen=True, slots=True)
class ReplyContext:
    """What the reply answers: the customer's words, name, rating and where it goes."""

    author_name: str = ""
    customer_text: str = ""
    rating: int | None = None
    sentiment: float | None = None  # -1 .. 1 (VADER compound), when known
    sentiment_override: str | None = None  # the owner's correction (positive/neutral/negative): wins over the score
    source_kind: str = ""
    limits: tuple[ReplyLimit, ...] = ()  # the site's, from its connector class (no limits: none)
    prefix: str = ""  # what the site will put before the reply (Mastodon's "@acct "), counted too


def parse_phrases(text: str) -> list[Phrase]:
    """Read a phrase list: one `phrase | suggestion` a line; `#` starts a comment."""
    phrases = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        phrase, _, suggestion = line.partition("|")
        phrase = " ".join(phrase.split())
        if phrase:
            phrases.append(Phrase(phrase, suggestion.strip() or "Say it in your own words."))
    return phrases


def first_name(author_name: str) -> str:
    """The name a person would greet: "Dr Jane Smith" → "Jane", "@jon@mastodon.social" → "jon"."""
    # control and format characters (bidi overrides, zero-width) are never part of a name
    author_name = "".join(c for c in author_name if unicodedata.category(c)[0] != "C" or c.isspace())
    words = [w.strip(".,;:!?()[]\"'") for w in author_name.split()]
    words = [w for w in words if w]
    while words and words[0].lower().rstrip(".") in _TITLES and len(words) > 1:
        words = words[1:]
    if not words:
        return ""
    word = words[0].lstrip("@")
    word = word.split("@")[0]  # a fediverse handle: user@instance
    if "." in word and len(words) == 1:  # a Bluesky handle: name.bsky.social
        word = word.split(".")[0]
    return word


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def meaningful_words(text: str) -> set[str]:
    words = re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", text.lower())
    return {_stem(w.replace("'", "")) for w in words if len(w) >= 3 and w.replace("'", "") not in STOPWORDS}


def _phrase_key(text: str) -> str:
    return " ".join(text.casefold().replace("’", "").replace("'", "").split())


@functools.lru_cache(maxsize=8)
def _phrase_index(phrases: tuple[Phrase, ...]) -> tuple[re.Pattern[str] | None, dict[str, Phrase]]:
    """All phrases as one alternation (longest first), and each phrase by its normal form."""
    by_key = {_phrase_key(p.text): p for p in phrases}
    if not by_key:
        return None, {}
    alternatives = []
    for key in sorted(by_key, key=len, reverse=True):
        # an apostrophe may be typed straight, curly or not at all ("dont", "don't", "don’t")
        alternatives.append(r"\s+".join("['’]?".join(re.escape(c) for c in w) for w in key.split()))
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.I), by_key


def _sentences(text: str) -> Iterable[tuple[int, int, str]]:
    for m in re.finditer(r"[^.!?\n]+[.!?]*", text):
        if m.group().strip():
            yield m.start(), m.end(), m.group()


def check_tone(reply: str, ctx: ReplyContext, phrases: Sequence[Phrase] = ()) -> list[ToneFlag]:
    """Flags for `reply` to the customer in `ctx`, in reading order of importance."""
    flags: list[ToneFlag] = []
    if not reply.strip():
        return flags

    pattern, by_key = _phrase_index(tuple(phrases))
    if pattern is not None:
        for m in pattern.finditer(reply):  # one pass; the longest phrase wins at a position
            phrase = by_key.get(_phrase_key(m.group()))
            if phrase is not None:
                flags.append(ToneFlag("jargon", f"“{m.group()}” sounds like a form letter.",
                                      phrase.suggestion, m.start(), m.end()))

    name = first_name(ctx.author_name)
    if name and name.casefold() not in reply[:_GREETING_WINDOW].casefold():
        flags.append(ToneFlag("no_greeting", f"The reply doesn't greet {name} by name.",
                              f"Start with “Hi {name},” — people read replies that use their name."))

    greetings = list(_GREETING.finditer(reply))
    if len(greetings) >= 2:
        second = greetings[1]
        flags.append(ToneFlag("two_greetings", "The reply greets the customer twice.",
                              "Keep one greeting at the start and remove the other.",
                              second.start(1), second.end(1)))
    sign_offs = list(_SIGN_OFF.finditer(reply))
    if len(sign_offs) >= 2:
        first_end = sign_offs[0]
        flags.append(ToneFlag("two_sign_offs", "The reply signs off twice.",
                              "Keep one sign-off at the end and remove the other.",
                              first_end.start() + len(first_end.group()) - len(first_end.group().lstrip()),
                              first_end.end()))

    customer = meaningful_words(ctx.customer_text)
    if len(customer) >= 3 and not (customer & meaningful_words(reply)):
        flags.append(ToneFlag("off_topic", "The reply doesn't mention anything the customer wrote about.",
                              "Answer their actual point — name the dish, the delay, the person they mentioned."))

    if ctx.sentiment_override in ("positive", "neutral", "negative"):
        unhappy = ctx.sentiment_override == "negative"
    else:
        unhappy = ctx.sentiment is not None and ctx.sentiment <= NEGATIVE_SENTIMENT
    negative = (ctx.rating is not None and ctx.rating <= 2) or unhappy
    if negative:
        if not _APOLOGY.search(reply):
            flags.append(ToneFlag("no_apology", "This customer was unhappy and the reply doesn't say sorry.",
                                  "A plain “I'm sorry about …” naming what went wrong goes a long way."))
        if not _OFFER.search(reply):
            flags.append(ToneFlag("no_offer", "The reply doesn't offer to make it right.",
                                  "Offer something concrete: a refund, a redo, or a way to reach you directly."))

    for start, end, sentence in _sentences(reply):
        if len(sentence.split()) > LONG_SENTENCE_WORDS:
            flags.append(ToneFlag("long_sentence", f"A sentence of {len(sentence.split())} words is hard to read.",
                                  "Split it into two or three short sentences.", start, end))

    shouted = [m for m in re.finditer(r"\b[^\W\d_a-z]{4,}\b", reply) if m.group().isupper()]
    letters = [c for c in reply if c.isalpha()]
    if len(shouted) >= 2 or (len(letters) >= 12 and sum(c.isupper() for c in letters) > 0.6 * len(letters)):
        first = shouted[0] if shouted else None
        flags.append(ToneFlag("all_caps", "Capital letters read as shouting.",
                              "Write in normal case; use a short sentence for emphasis instead.",
                              first.start() if first else -1, first.end() if first else -1))

    for m in re.finditer(r"!(?:\s*!)+", reply):
        flags.append(ToneFlag("exclamations", "Several exclamation marks in a row can read as forced.",
                              "One is plenty.", m.start(), m.end()))

    for over in over_limits(reply, ctx.limits, ctx.prefix):
        flags.append(ToneFlag("too_long", f"{over.message}: too long for this site.",
                              f"Cut {over.excess} {over.limit.unit_word}; the site will reject a longer reply."))
    return flags
