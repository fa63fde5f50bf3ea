"""A big sync scores sentiment in a helper process; the stored scores are those the writer
would have computed itself, and small syncs never start the process."""

from __future__ import annotations

import asyncio

from inbox.domain import Item
from inbox.services import sentiment
from inbox.sync import scoring
from inbox.sync.scoring import Scorer
from tests.replay.mastodon import FakeMastodon
from tests.sync_helpers import add_source, forget_test_secrets, run_sync  # noqa: F401

TOKEN = "mast-token-123"


def test_a_big_sync_is_scored_in_the_helper_process_as_the_writer_would(store, replay, monkeypatch):
    FakeMastodon(n=scoring.MIN_ITEMS + 60, token=TOKEN).install(replay)
    src = add_source(store, "mastodon", "masto", {"base_url": replay.base_url}, {"token": TOKEN})
    used = []
    real = Scorer.analyses

    async def counted(self, items):
        found = await real(self, items)
        used.append(len(found))
        return found
    monkeypatch.setattr(Scorer, "analyses", counted)
    inline = []
    real_analyse = sentiment.analyse

    def counting(row):
        inline.append(row)
        return real_analyse(row)
    monkeypatch.setattr(sentiment, "analyse", counting)

    [summary] = run_sync(store)
    assert summary.ok and summary.new == scoring.MIN_ITEMS + 60
    assert sum(used) >= scoring.MIN_ITEMS  # the helper process scored the big hand-over
    assert len(inline) < scoring.MIN_ITEMS  # and the writer did not score those again
    rows = store.conn.execute("SELECT title, text, rating, language, sentiment, sentiment_label FROM items "
                              "WHERE source_id = ? AND is_owner_reply = 0", (src.id,)).fetchall()
    assert rows and all(r["sentiment_label"] is not None for r in rows)
    for r in rows:
        assert (r["sentiment"], r["sentiment_label"]) == sentiment.score(r["title"], r["text"], r["rating"],
                                                                          r["language"])


def test_a_small_hand_over_starts_no_process():
    scorer = Scorer()
    items = [Item(f"m{i}", "mention", text=f"Lovely cake number {i}") for i in range(10)]
    assert asyncio.run(scorer.analyses(items)) == {}
    assert scorer.pool is None
