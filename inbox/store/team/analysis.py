"""The team inbox's analysis data: what `inbox.store.insights` reads and writes for the
sentiment pass, on PostgreSQL, so the services' one pass (`services/sentiment.backfill`)
runs on a team inbox as on a local one.

Why phrases are not written: the server keeps no `item_phrases` (themes are read on each
laptop's replica, which analyses its own copy); only the sentiment columns are shared.
Why "nothing analysed twice" holds with several members: the pending rows are written by
one `UPDATE ... WHERE sentiment_label IS NULL`, so a second app's pass that analysed the
same items meanwhile writes none of them."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

BATCH = 2000


class TeamAnalysisMixin:
    def cursor(self) -> Any: ...  # TeamStore
    def transaction(self) -> Any: ...  # TeamStore

    def analysis_rows(self, ids: Sequence[int]) -> Iterator[tuple[int, str, str, int | None, str]]:
        """(id, title, text, rating, language) of the customers' items among `ids`."""
        for start in range(0, len(ids), BATCH):
            with self.cursor() as cur:
                rows = cur.execute("SELECT id, title, text, rating, language FROM items WHERE id = ANY(%s) "
                                   "AND NOT is_owner_reply", ([int(i) for i in ids[start:start + BATCH]],)).fetchall()
            yield from (tuple(r) for r in rows)

    def unanalysed_ids(self, limit: int) -> list[int]:
        """The customers' items stored last without a sentiment yet (a big sync left them to
        the analysis pass), through the partial index `items_pending_analysis` (M011)."""
        with self.cursor() as cur:
            return [r[0] for r in cur.execute(
                "SELECT id FROM items WHERE sentiment_label IS NULL AND NOT is_owner_reply ORDER BY id DESC LIMIT %s",
                (limit,))]

    def pending_analysis_count(self) -> int:
        with self.cursor() as cur:
            return cur.execute("SELECT count(*) FROM items WHERE sentiment_label IS NULL "
                               "AND NOT is_owner_reply").fetchone()[0]

    def write_analyses(self, scored: list[list[Any]], found: list[list[Any]], *, pending_only: bool = False) -> int:
        """Store scores ([id, score, label]...); `pending_only` writes only the items still
        without one. Returns how many rows were written. `found` (phrases) stays local."""
        if not scored:
            return 0
        with self.transaction(), self.cursor() as cur:
            # locked in id order first, as triage locks rows: two passes never wait in a cycle
            ids = [r[0] for r in cur.execute(
                "SELECT id FROM items WHERE id = ANY(%s)" + (" AND sentiment_label IS NULL" if pending_only else "")
                + " ORDER BY id FOR UPDATE", (sorted(int(s[0]) for s in scored),))]
            if not ids:
                return 0
            return len(cur.execute(
                "UPDATE items SET sentiment = s.value, sentiment_label = s.label FROM ("
                "SELECT (e ->> 0)::bigint AS id, (e ->> 1)::real AS value, e ->> 2 AS label "
                "FROM jsonb_array_elements(%s::jsonb) e) s WHERE items.id = s.id AND items.id = ANY(%s) "
                "RETURNING items.id", (json.dumps(scored), ids)).fetchall())
