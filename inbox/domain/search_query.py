"""The search box's query language, parsed without a database: words (all must appear),
"a phrase", crois* (a prefix), OR, NOT, parentheses, and title:, text: or author: before a
word, a phrase or a parenthesis to look in one field.

Why here: the SQLite store hands the text to FTS5, which parses this language itself; the
team store (PostgreSQL) has no such parser, so it compiles this tree to a `tsquery`. The
errors say what is wrong in the same words as the SQLite store's."""

from __future__ import annotations

import re
from dataclasses import dataclass

FIELDS = ("title", "text", "author")


class QuerySyntaxError(ValueError):
    """A query that cannot be parsed; the message is fit for the user."""


@dataclass(frozen=True, slots=True)
class Term:
    """Words that must appear one after the other (one word, or a phrase); `prefix`: the
    last word may continue (crois*)."""

    words: tuple[str, ...]
    prefix: bool = False
    field: str | None = None


@dataclass(frozen=True, slots=True)
class Not:
    inner: Node


@dataclass(frozen=True, slots=True)
class And:
    parts: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    parts: tuple[Node, ...]


Node = Term | Not | And | Or

_TOKEN = re.compile(r'\s+|(?P<lp>\()|(?P<rp>\))|"(?P<phrase>[^"]*)"|(?P<open>")|(?P<word>[^\s()"]+)')
_WORDS = re.compile(r"\w+")


def _fail(query: str, hint: str) -> QuerySyntaxError:
    return QuerySyntaxError(f"Can't search for {query!r}: {hint}. Put a phrase in double quotes, "
                            "or use plain words.")


def _tokens(query: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for m in _TOKEN.finditer(query):
        if m.group("open") is not None:
            raise _fail(query, "a quote is not closed")
        for kind in ("lp", "rp", "phrase", "word"):
            if m.group(kind) is not None:
                out.append((kind, m.group(kind)))
                break
    return out


class _Parser:
    """Precedence as in FTS5: NOT binds tighter than the implicit AND, which binds tighter
    than OR. A leading NOT (no left side) means "without"."""

    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = _tokens(query)
        self.pos = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def keyword(self, word: str) -> bool:
        tok = self.peek()
        return tok is not None and tok == ("word", word)

    def parse(self) -> Node | None:
        if not self.tokens:
            return None
        node = self.or_()
        if self.peek() is not None:
            raise _fail(self.query, "a ')' has no '(' before it")
        return node

    def or_(self) -> Node:
        parts = [self.and_()]
        while self.keyword("OR"):
            self.take()
            if self.peek() is None or self.peek() == ("rp", ")"):
                raise _fail(self.query, "'OR' needs words on both sides")
            parts.append(self.and_())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def and_(self) -> Node:
        parts = [self.not_()]
        while (tok := self.peek()) is not None and tok != ("rp", ")") and not self.keyword("OR"):
            if self.keyword("AND"):
                self.take()
                if self.peek() is None:
                    raise _fail(self.query, "'AND' needs words on both sides")
            parts.append(self.not_())
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def not_(self) -> Node:
        if self.keyword("NOT"):
            self.take()
            if self.peek() is None:
                raise _fail(self.query, "'NOT' needs words on both sides")
            return Not(self.primary())
        node = self.primary()
        while self.keyword("NOT"):
            self.take()
            if self.peek() is None:
                raise _fail(self.query, "'NOT' needs words on both sides")
            node = And((node, Not(self.primary())))
        return node

    def primary(self, field: str | None = None) -> Node:
        if self.peek() is None:
            raise _fail(self.query, "it ends too early")
        kind, value = self.take()
        if kind == "lp":
            node = self.or_()
            if self.peek() != ("rp", ")"):
                raise _fail(self.query, "a '(' is not closed")
            self.take()
            return _with_field(node, field) if field else node
        if kind == "rp":
            raise _fail(self.query, "a ')' has no '(' before it")
        if kind == "phrase":
            words = tuple(_WORDS.findall(value))
            if not words:
                raise _fail(self.query, "a phrase in quotes needs a word")
            return Term(words, False, field)
        if value in ("AND", "OR", "NEAR") or value.startswith("NEAR("):
            raise _fail(self.query, f"'{value}' needs words on both sides")
        head, colon, rest = value.partition(":")
        if colon and field is None and head.lower() in FIELDS and head.isalpha():
            if rest:  # title:croissant
                self.tokens.insert(self.pos, ("word", rest))
            elif self.peek() is None:
                raise _fail(self.query, f"'{head}:' needs a word after it")
            return self.primary(head.lower())
        if colon and head.isalpha() and (rest or self.peek() is not None) and head.lower() not in FIELDS:
            raise _fail(self.query, "a word before ':' must be title, text or author")
        prefix = value.endswith("*")
        words = tuple(_WORDS.findall(value))
        if not words:
            if "*" in value:
                raise _fail(self.query, "'*' must follow the start of a word, as in crois*")
            # punctuation alone ("&", "-"): nothing to look for, matches like an empty search
            return And(())
        return Term(words, prefix, field)


def _with_field(node: Node, field: str) -> Node:
    if isinstance(node, Term):
        return node if node.field else Term(node.words, node.prefix, field)
    if isinstance(node, Not):
        return Not(_with_field(node.inner, field))
    return type(node)(tuple(_with_field(p, field) for p in node.parts))


def parse_query(query: str) -> Node | None:
    """The tree of what the user typed, or None for an empty search. Raises
    QuerySyntaxError (with the user's words) for what cannot be parsed."""
    return _Parser(query.strip()).parse()
