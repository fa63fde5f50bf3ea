"""The sidebar's conversation counts, folded from grouped rows: the same rule for every
store backend (which view a conversation counts in, a source emptied showing 0)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from inbox.domain.filters import View


def tally(rows: Iterable[tuple[int, str, Any, int]], sources_whose: Iterable[tuple[int, str]],
          tags: dict[int, int]) -> dict[str, dict[Any, int]]:
    """Per view, source and own/competitor, from (source, status, snoozed now, n) rows;
    `sources_whose` is every source's (id, "own" or "competitor")."""
    views = dict.fromkeys(View.ALL_VIEWS, 0)
    sources: dict[int, int] = {}
    whose: dict[str, int] = {"own": 0, "competitor": 0}
    for source_id, status, snoozed, n in rows:
        views[View.ALL] += n
        sources[source_id] = sources.get(source_id, 0) + n
        if snoozed:
            views[View.SNOOZED] += n
        if status == "done":
            views[View.DONE] += n
        elif not snoozed:
            views[View.INBOX] += n
            if status == "unread":
                views[View.UNREAD] += n
    for sid, w in sources_whose:
        whose[w] = whose.get(w, 0) + sources.setdefault(sid, 0)  # a source emptied shows 0
    return {"views": views, "sources": sources, "whose": whose, "tags": tags}
