"""The search statement's pieces and the check of what the user typed: shared by the full
store's lists (`queries`) and the quick reader (`reader`), in a module that imports neither
the domain nor the other mixins (`inbox search` reads them; docs/benchmarks.md, issue 19)."""

from __future__ import annotations

import re
import sqlite3

from inbox.store.errors import BadQuery

ROW_COLUMNS = """
i.id, i.source_id, s.name AS source_name, s.kind AS source_kind, s.whose,
       i.kind, i.external_id, i.author_id,
       coalesce(nullif(a.display_name, ''), nullif(a.handle, ''), 'Anonymous') AS author_name,
       coalesce(a.handle, '') AS author_handle,
       i.rating, i.title, i.text, i.html, i.url, i.language, i.created_at, i.updated_at,
       i.status, i.snoozed_until, i.thread_id, i.is_owner_reply, i.deleted_at IS NOT NULL AS deleted,
       coalesce(i.sentiment_override, i.sentiment_label, 'unknown') AS sentiment
"""
ROW_JOINS = """
CROSS JOIN sources s ON s.id = i.source_id
LEFT JOIN authors a ON a.id = i.author_id
"""
# Search: matches come from the index newest first (see migrations.time_key_sql).
SEARCH_SELECT = (f"SELECT {ROW_COLUMNS} FROM items_fts f JOIN items i ON i.id = (f.rowid & 4294967295) "
                 f"{ROW_JOINS}")

_FTS_SYNTAX = re.compile(r'["()*:^]|\b(AND|OR|NOT|NEAR)\b')


def fts_query(text: str) -> str:
    """The FTS5 expression for what the user typed.

    Plain words are matched as they are; punctuation inside plain words (drive-thru,
    e-mail, 5*) would be a syntax error, so such words become quoted phrases. Text that
    uses FTS syntax on purpose (quotes, AND/OR/NOT, prefix *, parentheses) is passed on.
    """
    text = text.strip()
    if not text:
        return ""
    if _FTS_SYNTAX.search(text):
        return text
    parts = []
    for word in text.split():
        if re.fullmatch(r"\w+", word):
            parts.append(word)
        else:
            cleaned = word.replace('"', "")
            if re.search(r"\w", cleaned):
                parts.append(f'"{cleaned}"')
    return " ".join(parts)


def explain_fts_error(query: str, error: sqlite3.Error) -> str:
    detail = str(error).removeprefix("fts5: ")
    if "unterminated string" in detail or query.count('"') % 2:
        hint = "a quote is not closed"
    elif "no such column" in detail:
        hint = "a word before ':' must be title, text or author"
    elif re.fullmatch(r"\s*(NOT|AND|OR|NEAR)\s*", query):
        hint = f"'{query.strip()}' needs words on both sides"
    else:
        hint = detail
    return f"Can't search for {query!r}: {hint}. Put a phrase in double quotes, or use plain words."


def check_query(conn: sqlite3.Connection, query: str) -> str:
    """Return the FTS expression for `query`, or raise BadQuery with a clear message."""
    expr = fts_query(query)
    if not expr:
        return ""
    if re.fullmatch(r"[\s*]+", expr):
        raise BadQuery(f"Can't search for {query!r}: '*' must follow the start of a word, as in crois*.")
    try:
        conn.execute("SELECT rowid FROM items_fts WHERE items_fts MATCH ? LIMIT 1", (expr,)).fetchall()
    except sqlite3.OperationalError as exc:
        raise BadQuery(explain_fts_error(query, exc)) from None
    return expr
