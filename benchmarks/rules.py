"""Cost of rules: ingest with and without rules, preview and apply on a big inbox.

    python benchmarks/rules.py [items]      (default 100,000)
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from inbox.domain import Author, Item
from inbox.services import rules
from inbox.services.pipeline import Pipeline
from inbox.services.rules import Actions, Conditions, Rule
from inbox.store import Store

WORDS = ["coffee", "cold", "warm", "lovely", "slow", "queue", "croissant", "staff", "friendly", "rude", "price", "latte", "tea", "cake", "milk", "oat", "service", "table", "music", "wifi", "parking", "clean", "dirty", "noisy", "quiet"]
PAGE = 500


def items(n: int, offset: int, rng: random.Random) -> list[Item]:
    t0 = datetime(2025, 1, 1, tzinfo=UTC)
    return [Item(external_id=f"x{offset + i}", text=" ".join(rng.choices(WORDS, k=20)),
                 rating=rng.randint(1, 5), created_at=t0 + timedelta(minutes=offset + i),
                 author=Author(external_id=f"a{rng.randint(1, 5000)}", display_name=f"Author {rng.randint(1, 5000)}"))
            for i in range(n)]


def ingest(store: Store, source_id: int, total: int, seed: int, pipeline: Pipeline | None = None) -> float:
    rng = random.Random(seed)
    start = time.perf_counter()
    for offset in range(0, total, PAGE):
        store.save_page(source_id, items(min(PAGE, total - offset), offset, rng), pipeline=pipeline)
    return time.perf_counter() - start


def main() -> None:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    example_rules = [
        Rule("Cold", Conditions(keyword="cold", rating_max=2), Actions(tag="cold", mute=True)),
        Rule("Rude", Conditions(keyword="rude", keyword_mode="fts"), Actions(tag="rude")),
        Rule("Happy", Conditions(rating_min=5), Actions(mark_read=True)),
        Rule("Author", Conditions(author="author 12"), Actions(tag="regular")),
        Rule("Competitor", Conditions(whose="competitor", keyword="price"), Actions(tag="pricing")),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        plain = Store(Path(tmp) / "plain.db")
        src = plain.add_source("rss", "bench")
        t_plain = ingest(plain, src.id, total, 1)
        with_rules = Store(Path(tmp) / "rules.db")
        src2 = with_rules.add_source("rss", "bench")
        for r in example_rules:
            rules.save_rule(with_rules, r)
        in_hook = [0.0]

        def timed_hook(store, source_id, result):
            start = time.perf_counter()
            rules.on_ingest(store, source_id, result)
            in_hook[0] += time.perf_counter() - start
        t_rules = ingest(with_rules, src2.id, total, 1, Pipeline(page_steps=(timed_hook,)))
        pages = -(-total // PAGE)
        print(f"ingest {total:,} items in {pages} pages of {PAGE}: {t_plain:.2f} s without rules, "
              f"{t_rules:.2f} s with 5 rules, of which the rules took {in_hook[0]:.2f} s "
              f"({in_hook[0] / pages * 1000:.1f} ms per page, {in_hook[0] / t_rules * 100:.1f}% of ingest)")
        cond = Conditions(keyword="cold", rating_max=2)
        for label, c in (("substring + rating", cond),
                         ("fts", Conditions(keyword="rude", keyword_mode="fts")),
                         ("author", Conditions(author="author 12"))):
            start = time.perf_counter()
            p = rules.preview(plain, c)
            print(f"preview ({label}): {p.count:,} matches in {(time.perf_counter() - start) * 1000:.0f} ms")
        start = time.perf_counter()
        res = rules.apply_to_existing(plain, Rule("Cold", cond, Actions(tag="cold", mute=True)))
        t_apply = time.perf_counter() - start
        start = time.perf_counter()
        rules.undo_apply(plain, res.undo)
        t_undo = time.perf_counter() - start
        print(f"apply to existing: {res.matched:,} items in {t_apply * 1000:.0f} ms; undo {t_undo * 1000:.0f} ms")
        plain.close()
        with_rules.close()


if __name__ == "__main__":
    main()
