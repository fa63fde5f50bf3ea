"""Part-of-speech tags for English text, offline: the Brill tagger of Pattern (its lexicon,
morphology and context rules ship inside the TextBlob wheel).

TextBlob's package imports NLTK (about two seconds) for things we do not use, so the
tagger's own module (`textblob/_text.py`, standard library only) is loaded from its file,
once, where analysis first runs; the command line never pays for it.
"""

from __future__ import annotations

import importlib.util
import io
import sys
from functools import cache
from pathlib import Path
from typing import Any

MODULE = "inbox_pattern_text"


@cache
def _parser() -> Any:
    spec = importlib.util.find_spec("textblob")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the textblob package is missing: reinstall Feedback Inbox")
    root = Path(spec.submodule_search_locations[0])
    loader_spec = importlib.util.spec_from_file_location(MODULE, root / "_text.py")
    assert loader_spec and loader_spec.loader
    text = importlib.util.module_from_spec(loader_spec)
    sys.modules[MODULE] = text
    loader_spec.loader.exec_module(text)
    text._read = _closing_reader(text._read)
    en = root / "en"
    lexicon = text.Lexicon(path=str(en / "en-lexicon.txt"), morphology=str(en / "en-morphology.txt"),
                           context=str(en / "en-context.txt"), entities=str(en / "en-entities.txt"),
                           language="en")
    parser = text.Parser(lexicon=lexicon, default=("NN", "NNP", "CD"), language="en")
    parser.find_tags(["The", "first", "Sentence", "runs", "."], tokenize=False)
    for part in (lexicon, lexicon.morphology, lexicon.context, lexicon.entities):
        part.load() if hasattr(part, "load") else None
    return parser


def tag(tokens: list[str]) -> list[str]:
    """Penn Treebank tags ("NN", "JJ", "VBD", ...) for a sentence's tokens."""
    if not tokens:
        return []
    return [t[1] for t in _parser().find_tags(list(tokens), tokenize=False,
                                               map=lambda token, t: (token, t))]


def warm_up() -> None:
    """Load the lexicon (~0.3 s) before the first analysis needs it."""
    _parser()


def known_tag(word: str) -> str | None:
    """The tag the lexicon gives a word out of context (None for words it doesn't know)."""
    return _parser().lexicon.get(word)


@cache
def spelling() -> Any:
    """Pattern's English word list with counts (`word in spelling()`, `spelling()[word]`),
    from the same wheel, for reading a misspelt word as the word it most likely is."""
    _parser()
    root = Path(importlib.util.find_spec("textblob").submodule_search_locations[0])  # type: ignore[union-attr]
    words = sys.modules[MODULE].Spelling(path=str(root / "en" / "en-spelling.txt"))
    words.load()
    return words


def _closing_reader(read: Any) -> Any:
    """Pattern's line reader, given each file's text instead of its path. Pattern opens
    its files in a generator and leaves them to the garbage collector (a ResourceWarning
    wherever that happens); silencing it would change the process's warning filters, which
    are not the thread's own."""
    def read_closed(path: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(path, str) and Path(path).is_file():
            path = io.StringIO(Path(path).read_text(encoding="utf-8"))
        return read(path, *args, **kwargs)
    return read_closed
