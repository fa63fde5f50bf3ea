"""What an item's text says, cheaply and deterministically: is it English, which recurring
phrases does it contain. No Qt, no I/O; used on ingest, in the migration and in tests.

Language check: the share of English function words against those of six other European
languages. A packaged detector (langdetect, lingua) is either slow (milliseconds per text)
or large; this check costs microseconds, never varies between runs, and only has to answer
"may VADER read this?" — when in doubt it says no, so a foreign text is never scored as if
it were English.
"""

from __future__ import annotations

import re
import unicodedata

WORD = re.compile(r"[^\W\d_]+")
CLAUSE = re.compile(r"[.,;:!?()\[\]\"/\n\r\t—–…]+|\s-\s")


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


EN_STOP = _wordset("""
a about above after again against all am an and any are aren as at be because been before
being below between both but by can cannot could couldn d did didn do does doesn doing don down
during each few for from further had hadn has hasn have haven having he her here hers herself him
himself his how i if in into is isn it its itself just ll m me more most mustn my myself no nor
not now o of off on once only or other our ours ourselves out over own re s same shan she should
shouldn so some such t than that the their theirs them themselves then there these they this
those through to too under until up ve very was wasn we were weren what when where which while
who whom why will with won would wouldn y you your yours yourself yourselves also get got go
went really even still much many one two back way every always never ever us im ive dont
""")

# Words that carry no theme on their own (too generic to be "what customers talk about").
FILLER = _wordset("""
place time thing things lot bit day days visit visited came come going went made make
make makes say said told tell know think thought try tried want wanted like need needed
well yes oh ok okay thanks thank please review star stars experience overall definitely
bit quite rather pretty little will would could should can may might must week weeks
month months year years today yesterday tomorrow morning afternoon evening night
keep kept last find found couple next ask asked along seemed seem bring nearby usual first
everything nothing something anything sure else via etc someone anyone everyone hope
seen see saw imo
""")

OTHER_STOP: dict[str, frozenset[str]] = {
    "fr": _wordset("le la les un une des et est en du au aux ce cette qui que pas pour sur avec "
                    "tres très mais nous vous ils elle je tu il était été sont dans par plus"),
    "de": _wordset("der die das und ist nicht ein eine mit zu den dem des auf für sehr aber ich "
                    "wir sie es war sind auch noch bei nach wie kaffee"),
    "es": _wordset("el la los las un una y es en de que por con para muy pero no se del al lo "
                    "su como más está fue son"),
    "it": _wordset("il lo la gli le un una e è di che per con non molto ma del della sono era "
                    "anche questo ottimo"),
    "nl": _wordset("de het een en is niet van op te met voor zeer maar ik wij zij was zijn ook "
                    "heel erg lekker"),
    "pt": _wordset("o a os as um uma e é de que por com para muito mas não do da no na foi "
                    "são também"),
}


def words(text: str) -> list[str]:
    """Lower-cased letter runs, split like SQLite's unicode61 tokenizer (don't -> don, t)."""
    return WORD.findall(text.lower())


def is_english(text: str, language: str = "", vocabulary: frozenset[str] | set[str] = frozenset()) -> bool:
    """True when the text may be scored as English.

    `language` (the item's column) wins when set. Otherwise: enough English function words
    (or, for very short texts, sentiment words from `vocabulary`) and more English than
    any other language's function words."""
    if language:
        return language.lower().startswith("en")
    tokens = words(text)
    if not tokens:
        return False
    if any(ord(ch) > 0x24F for ch in text if ch.isalpha()):  # beyond Latin scripts
        return False
    english = sum(1 for t in tokens if t in EN_STOP)
    known = english + sum(1 for t in tokens if t in vocabulary and t not in EN_STOP)
    other = max(sum(1 for t in tokens if t in stops and t not in EN_STOP) for stops in OTHER_STOP.values())
    if other > english:
        return False
    if english / len(tokens) >= 0.2:
        return True
    # Short notes ("Great flat white, friendly staff") have few function words.
    return other == 0 and (known >= 1 if len(tokens) <= 8 else known / len(tokens) >= 0.3)


def fold(word: str) -> str:
    """Simple plural folding (no lemmatiser ships its data in a small package)."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "ous")):
        return word[:-1]
    return word


def plural_forms(phrase: str) -> list[str]:
    """The surface forms the FTS query should match for a folded phrase."""
    *head, last = phrase.split(" ")
    forms = [last]
    if last.endswith("y") and len(last) > 2 and last[-2] not in "aeiou":
        forms.append(last[:-1] + "ies")
    elif last.endswith(("ch", "sh", "ss", "x")):
        forms.append(last + "es")
    else:
        forms.append(last + "s")
    return [" ".join([*head, f]) for f in forms]


def phrases(text: str, *, sentiment_words: frozenset[str] | set[str] = frozenset(),
            limit: int = 16) -> list[str]:
    """Recurring-phrase candidates in a text: adjacent content-word pairs within a clause
    ("flat white", "long wait"), and single content words that are not sentiment words
    ("staff", "queue"). Stop-words and punctuation break pairs; plurals are folded."""
    found: dict[str, None] = {}
    for clause in CLAUSE.split(text.lower()):
        run: list[str] = []
        for token in [*WORD.findall(clause), ""]:
            if token and len(token) > 1 and token not in EN_STOP and token not in FILLER:
                run.append(fold(token) if len(token) > 3 else token)
                continue
            for i, word in enumerate(run):
                if len(word) > 2 and word not in sentiment_words:
                    found.setdefault(word)
                if i + 1 < len(run):
                    found.setdefault(f"{run[i]} {run[i + 1]}")
            run = []
            if len(found) >= limit:
                return list(found)[:limit]
    return list(found)[:limit]


def normalise_name(name: str) -> str:
    """A display name or handle reduced for matching people across platforms:
    accents, case, punctuation, '@' and the server part of handles removed."""
    name = name.strip().lstrip("@").split("@")[0]
    for suffix in (".bsky.social",):
        name = name.removesuffix(suffix)
    name = name.removeprefix("u/")
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if ch.isalnum()).lower()
