"""The search box's language (`inbox.domain.search_query`) as a PostgreSQL `tsquery`.

Every word is given to `to_tsquery` quoted, so the server's own dictionary stems it as it
stemmed the items ("croissants" finds "croissant"); a field becomes a weight (title A, text
B, author C: `items_search_vector`); a phrase becomes `<->`, a prefix `:*`."""

from __future__ import annotations

from inbox.domain.search_query import And, Node, Not, QuerySyntaxError, Term, parse_query
from inbox.store.errors import BadQuery

WEIGHTS = {"title": "A", "text": "B", "author": "C"}


def _term(term: Term) -> str:
    weight = WEIGHTS.get(term.field or "", "")
    lexemes = []
    for n, word in enumerate(term.words):
        quoted = "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"
        star = "*" if term.prefix and n == len(term.words) - 1 else ""
        lexemes.append(quoted + (f":{star}{weight}" if star or weight else ""))
    return lexemes[0] if len(lexemes) == 1 else "(" + " <-> ".join(lexemes) + ")"


def compile_node(node: Node) -> str:
    """tsquery text for a tree ("" for one that asks for nothing)."""
    if isinstance(node, Term):
        return _term(node)
    if isinstance(node, Not):
        inner = compile_node(node.inner)
        return f"!{inner}" if inner else ""
    parts = [p for p in (compile_node(x) for x in node.parts) if p]
    if not parts:
        return ""
    joiner = " & " if isinstance(node, And) else " | "
    return parts[0] if len(parts) == 1 else "(" + joiner.join(parts) + ")"


def tsquery_text(query: str) -> str:
    """What to give `to_tsquery` for what the user typed ("" for no search), or BadQuery."""
    try:
        node = parse_query(query)
    except QuerySyntaxError as exc:
        raise BadQuery(str(exc)) from None
    if node is None:
        return ""
    return compile_node(node)
