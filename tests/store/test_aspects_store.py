"""Aspects in a real store: the background analysis, what the dashboard reads, the owner's
polarity corrections and category moves/hides (kept across re-analysis), and languages."""

from __future__ import annotations

from datetime import UTC, datetime

from inbox.domain import Author, Item
from inbox.services import aspect_themes
from inbox.services.pipeline import default_pipeline
from inbox.services.themes import Period
from inbox.store import Store

PERIOD = Period("2025-03-01", "2025-03-31")


def review(ext: str, day: int, text: str, rating: int | None = None, language: str = "") -> Item:
    return Item(ext, "review", text=text, rating=rating, language=language,
                created_at=datetime(2025, 3, day, 12, tzinfo=UTC), author=Author(f"a{ext}", f"P {ext}"))


def test_analysis_runs_in_the_background_and_corrections_win(store: Store) -> None:
    src = store.add_source("google", "Cafe · Google")
    items = [review(f"w{i}", 1 + i % 20, "Lovely coffee, but the wait was far too long.", 3) for i in range(12)]
    items += [review(f"c{i}", 2 + i % 20, "The cake was delicious and the staff were friendly.", 5) for i in range(12)]
    items += [review("fr", 5, "Le café était froid et le service est lent.", 2, language="fr")]
    store.save_page(src.id, items, pipeline=default_pipeline())
    assert aspect_themes.figures(store, [src.id], PERIOD).counts == {}
    assert aspect_themes.backfill_all(store, batch=5) == 25
    assert aspect_themes.backfill(store) == 0

    figures = aspect_themes.figures(store, [src.id], PERIOD)
    assert [s.term for s in figures.complaints] == ["wait"]
    assert {s.term for s in figures.praise} >= {"cake", "staff"}
    assert figures.analysed == {"not stated": 24} and figures.not_analysed == {"fr": 1}
    cats = {c.key: c for c in figures.categories}
    assert cats["wait"].count.negative == 12 and cats["food"].count.positive >= 12

    shown = aspect_themes.mentions(store, [src.id], PERIOD, term="wait")
    assert len(shown) == 12
    first = shown[0]
    assert first["clause"][first["term_start"]:first["term_end"]] == "wait"
    assert "Lovely coffee" not in first["clause"]

    # The owner says one of them was not a complaint: the correction wins and survives re-analysis.
    aspect_themes.correct(store, first["item_id"], "wait", "neutral")
    store.conn.execute("UPDATE items SET aspects_version = NULL")
    aspect_themes.backfill_all(store)
    again = aspect_themes.mentions(store, [src.id], PERIOD, term="wait")
    assert sum(m["polarity"] == "neutral" for m in again) == 1
    assert next(m for m in again if m["item_id"] == first["item_id"])["corrected"]

    # Moves and hides are kept and applied everywhere.
    aspect_themes.move(store, "cake", "other")
    aspect_themes.hide(store, "staff")
    figures = aspect_themes.figures(store, [src.id], PERIOD)
    assert "staff" not in figures.counts
    assert ("cake", 12) in {c.key: c for c in figures.categories}["other"].top_terms
    assert aspect_themes.mentions(store, [src.id], PERIOD, term="staff") == []


def test_editing_an_item_sends_it_back_for_analysis(store: Store) -> None:
    src = store.add_source("google", "Cafe · Google")
    store.save_page(src.id, [review("x", 3, "The scones were stale.", 2)], pipeline=default_pipeline())
    aspect_themes.backfill_all(store)
    store.save_page(src.id, [review("x", 3, "The scones were fresh today.", 4)], pipeline=default_pipeline())
    assert aspect_themes.backfill_all(store) == 1
    assert [m["polarity"] for m in aspect_themes.mentions(store, [src.id], PERIOD)] == ["positive"]


def test_rises_against_the_previous_period(store: Store) -> None:
    src = store.add_source("google", "Cafe · Google")
    items = [review(f"a{i}", 1 + i, "The latte was lovely.", 5) for i in range(5)]
    items += [review(f"b{i}", 10 + i, "The latte was cold and bitter, awful.", 1) for i in range(5)]
    items += [review(f"c{i}", 15 + i, "The staff were lovely.", 5) for i in range(8)]
    store.save_page(src.id, items, pipeline=default_pipeline())
    aspect_themes.backfill_all(store)
    later = aspect_themes.figures(store, [src.id], Period("2025-03-10", "2025-03-27"), compare=True)
    latte = next(s for s in later.complaints if s.term == "latte")
    assert aspect_themes.trend(later, latte) == ("up", 0.0)


def test_an_upgrade_reads_reviews_again_and_keeps_the_owners_corrections(tmp_path) -> None:
    from inbox.store.migrations import M018_REREAD_ASPECTS, MIGRATIONS

    path = tmp_path / "inbox.db"
    with Store(path) as store:
        src = store.add_source("google", "Salon · Google")
        store.save_page(src.id, [review("a", 3, "The colourist was lovely.", 5),
                                 review("b", 4, "The trim was okay.", 3)], pipeline=default_pipeline())
        aspect_themes.backfill_all(store)
        item_a = next(m["item_id"] for m in aspect_themes.mentions(store, [src.id], PERIOD, term="colourist"))
        aspect_themes.correct(store, item_a, "colourist", "neutral")
        # as an older version left them: read, with its verdict on "okay"
        store.conn.execute("UPDATE aspect_mentions SET polarity = 'positive' WHERE term = 'trim'")
        store.conn.execute(f"PRAGMA user_version = {MIGRATIONS.index(M018_REREAD_ASPECTS)}")
    with Store(path) as store:
        assert aspect_themes.backfill_all(store) == 2
        polarity = {m["term"]: m["polarity"] for m in aspect_themes.mentions(store, [src.id], PERIOD)}
        assert polarity == {"colourist": "neutral", "trim": "neutral"}
