"""The ingest pipeline: what runs on each page is what the caller passes, and analyses
made ahead of a write travel with that write only."""

from __future__ import annotations

from datetime import UTC, datetime

from inbox.domain import Author, Item
from inbox.services import rules, sentiment
from inbox.services.pipeline import Pipeline, default_pipeline
from inbox.services.rules import Actions, Conditions, Rule

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def review(ext: str, text: str, rating: int | None = None) -> Item:
    return Item(ext, "review", text=text, rating=rating, created_at=T0, author=Author("a", "Ann"))


def labels(store) -> dict[str, str | None]:
    return dict(store.conn.execute("SELECT external_id, sentiment_label FROM items").fetchall())


def test_without_a_pipeline_ingest_derives_nothing_of_the_services(store) -> None:
    src = store.add_source("google", "Cafe")
    rules.save_rule(store, Rule("Cold", Conditions(keyword="cold"), Actions(tag="cold")))
    store.save_page(src.id, [review("a", "Cold coffee, awful")])
    assert labels(store) == {"a": None}
    assert store.list_tags() == []


def test_the_default_pipeline_scores_new_and_changed_items_then_runs_rules(store) -> None:
    src = store.add_source("google", "Cafe")
    rules.save_rule(store, Rule("Cold", Conditions(keyword="cold"), Actions(tag="cold")))
    pipeline = default_pipeline()
    result = store.save_page(src.id, [review("a", "Cold coffee, awful"), review("b", "Lovely cake")],
                             pipeline=pipeline)
    assert labels(store) == {"a": "negative", "b": "positive"}
    assert [t[0] for t in store.get_item(result.new_ids[0]).tags] == ["cold"]
    store.save_page(src.id, [review("b", "Edit: stale cake, rude staff, awful")], pipeline=pipeline)
    assert labels(store)["b"] == "negative"


def test_analyses_made_ahead_are_used_for_that_batch_only(store, monkeypatch) -> None:
    src = store.add_source("google", "Cafe")
    analysed: list[tuple] = []
    real = sentiment.analyse

    def counting(row):
        analysed.append(tuple(row))
        return real(row)
    monkeypatch.setattr(sentiment, "analyse", counting)
    pipeline = default_pipeline()
    ahead = {sentiment.key("", "Lovely cake", None, ""): (0.42, "positive", ["cake"])}
    store.save_page(src.id, [review("a", "Lovely cake")], pipeline=pipeline.for_batch(ahead))
    assert analysed == []  # the analysis given ahead was used as it was
    assert store.conn.execute("SELECT sentiment FROM items").fetchone()[0] == 0.42
    store.save_page(src.id, [review("b", "Lovely cake")], pipeline=pipeline)
    assert len(analysed) == 1  # a later write without them analyses for itself
    assert pipeline.ahead == {}


def test_page_steps_run_in_order_inside_the_page_transaction(store) -> None:
    src = store.add_source("google", "Cafe")
    seen: list[tuple[str, int, list[int]]] = []
    pipeline = Pipeline(page_steps=(lambda s, sid, r: seen.append(("first", sid, r.new_ids)),
                                    lambda s, sid, r: seen.append(("second", sid, [s.conn.in_transaction]))))
    result = store.save_page(src.id, [review("a", "hi")], pipeline=pipeline)
    assert seen == [("first", src.id, result.new_ids), ("second", src.id, [True])]
