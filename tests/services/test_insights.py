"""Insights on a small known dataset: sentiment labels, corrections, figures per month,
response rate and time, themes rising and falling, competitors, people linking."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest

from inbox.domain import Author, InboxFilter, Item
from inbox.services import insights, people, sentiment, workspace
from inbox.services.pipeline import default_pipeline
from inbox.services.text_signals import is_english, phrases
from inbox.services.themes import Period, theme_filter, themes
from inbox.store import Store
from inbox.store.migrations import MIGRATIONS, m005_insights, migrate

PIPELINE = default_pipeline()


def at(day: str, hour: int = 12) -> datetime:
    when = datetime.fromisoformat(day)
    return (when if "T" in day else when.replace(hour=hour)).replace(tzinfo=UTC)


def review(ext: str, day: str, text: str, rating: int | None = None, *, who: str = "",
           language: str = "") -> Item:
    author = Author(who or f"a-{ext}", who or f"Person {ext}")
    return Item(ext, "review", text=text, rating=rating, created_at=at(day), author=author, language=language)


def reply(ext: str, parent: str, when: datetime) -> Item:
    return Item(ext, "reply", text="Thank you!", created_at=when, is_owner_reply=True,
                parent_external_id=parent, author=Author("owner", "Owner"))


def label_of(store: Store, ext: str) -> tuple[str, float | None]:
    row = store.conn.execute("SELECT sentiment_label, sentiment FROM items WHERE external_id = ?", (ext,)).fetchone()
    return row[0], row[1]


# -- sentiment ---------------------------------------------------------------------------

def test_english_is_scored_by_text_and_other_languages_by_rating_or_unknown(store: Store) -> None:
    src = store.add_source("google", "Cafe · Google")
    store.save_page(src.id, [
        review("pos", "2025-03-01", "The staff were friendly and the flat white was lovely.", 3),
        review("neg", "2025-03-02", "The wait was terrible and the coffee was cold."),
        review("clash", "2025-03-02", "Croissant was stale. Hope someone reads this.", 1),
        review("flat", "2025-03-02", "Cold coffee and a long wait.", 2),
        review("fr-rated", "2025-03-03", "Le café était très bon et le personnel est adorable.", 5),
        review("fr-bare", "2025-03-04", "Le café était froid et le service est lent."),
        review("ja-col", "2025-03-05", "Great coffee", 1, language="ja"),
        review("stars-only", "2025-03-06", "", 4),
    ], pipeline=PIPELINE)
    # English text wins over the stars: the text is what the customer said.
    assert label_of(store, "pos")[0] == "positive" and label_of(store, "pos")[1] > 0.05
    assert label_of(store, "neg")[0] == "negative" and label_of(store, "neg")[1] < -0.05
    # VADER reads this one-star review as positive; the customer's stars win the label.
    assert label_of(store, "clash")[0] == "negative" and label_of(store, "clash")[1] > 0.05
    assert label_of(store, "flat")[0] == "negative" and label_of(store, "flat")[1] == 0.0
    # Not English: the star rating, or unknown — never a guess from an English lexicon.
    assert label_of(store, "fr-rated") == ("positive", 1.0)
    assert label_of(store, "fr-bare") == ("unknown", None)
    # The item's language column wins over the text's look.
    assert label_of(store, "ja-col") == ("negative", -1.0)
    assert label_of(store, "stars-only") == ("positive", 0.5)


def test_an_updated_item_is_rescored(store: Store) -> None:
    src = store.add_source("google", "Cafe · Google")
    store.save_page(src.id, [review("x", "2025-03-01", "Lovely cakes, wonderful staff.")], pipeline=PIPELINE)
    assert label_of(store, "x")[0] == "positive"
    store.save_page(src.id, [review("x", "2025-03-01", "Edit: rude staff, awful cakes, never again.")], pipeline=PIPELINE)
    assert label_of(store, "x")[0] == "negative"


def test_language_check() -> None:
    assert is_english("The coffee was great but the queue was long")
    assert is_english("Great coffee!", vocabulary=sentiment.sentiment_words())
    assert not is_english("Der Kaffee war sehr gut und die Bedienung ist nett")
    assert not is_english("El café estaba muy bueno pero la cola era larga")
    assert not is_english("コーヒーがとても美味しかったです")
    assert not is_english("Kaffee lecker")  # no English evidence: not scored as English
    assert is_english("Kaffee lecker", language="en")


def test_owner_correction_wins_in_filters_and_figures(store: Store) -> None:
    src = store.add_source("google", "Cafe · Google")
    store.save_page(src.id, [review("a", "2025-03-01", "Absolutely wonderful, best cake ever", 5),
                             review("b", "2025-03-02", "Lovely people, great tea", 5)], pipeline=PIPELINE)
    a = store.conn.execute("SELECT id FROM items WHERE external_id = 'a'").fetchone()[0]
    period = Period("2025-03-01", "2025-03-31")
    before = sentiment.set_override(store, [a], "negative")  # sarcasm VADER can't see
    assert store.count_items(InboxFilter(sentiment="negative")) == 1
    assert [(r.id, r.sentiment) for r in store.list_items(InboxFilter(sentiment="negative"))[0]] == [(a, "negative")]
    own = insights.compute(store, period).own
    assert own is not None and own.sentiment["negative"] == 1 and own.sentiment["positive"] == 1
    assert sentiment.item_sentiment(store, a)[:2] == ("negative", "negative")
    sentiment.restore_overrides(store, before)
    assert store.count_items(InboxFilter(sentiment="positive")) == 2
    with pytest.raises(ValueError):
        sentiment.set_override(store, [a], "furious")


def test_opening_scores_existing_items_then_backfill_finishes(tmp_path, monkeypatch) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=MIGRATIONS.index(m005_insights))  # a workspace from before insights existed
    conn.execute("INSERT INTO sources (kind, name, created_at) VALUES ('google', 'Old', '2025-01-01T00:00:00Z')")
    for n, text in enumerate(["Wonderful scones and friendly staff", "Terrible coffee, rude staff",
                              "Amazing cake", "Awful wait"]):
        conn.execute("INSERT INTO items (source_id, external_id, kind, text, created_at, fetched_at) "
                     "VALUES (1, ?, 'review', ?, ?, '2025-01-01T00:00:00Z')", (str(n), text, f"2025-01-0{n + 1}T10:00:00Z"))
    conn.close()
    monkeypatch.setattr(sentiment, "MIGRATION_LIMIT", 2)
    with Store(path) as store:  # the migration itself analyses nothing
        assert dict(store.conn.execute("SELECT external_id, sentiment_label FROM items").fetchall()) == {
            "0": None, "1": None, "2": None, "3": None}
    with workspace.open_store(path) as store:
        labels = dict(store.conn.execute("SELECT external_id, sentiment_label FROM items").fetchall())
        assert labels == {"0": None, "1": None, "2": "positive", "3": "negative"}  # newest first
        assert sentiment.backfill(store) == 2
        assert sentiment.backfill(store) == 0
        labels = dict(store.conn.execute("SELECT external_id, sentiment_label FROM items").fetchall())
        assert labels == {"0": "positive", "1": "negative", "2": "positive", "3": "negative"}
        assert store.conn.execute("SELECT count(*) FROM item_phrases WHERE phrase = 'scone'").fetchone()[0] == 1


# -- figures -----------------------------------------------------------------------------

@pytest.fixture
def cafe(store: Store) -> Store:
    """An own café (Google + Yelp) and a rival with two sources, over Jan-Feb 2025."""
    own = store.add_source("google", "Cafe · Google")
    yelp = store.add_source("yelp", "Cafe · Yelp")
    rival = store.add_source("google", "Rival · Google", whose="competitor")
    rival_yelp = store.add_source("yelp", "Rival · Yelp", whose="competitor")
    store.save_page(own.id, [
        review("j1", "2025-01-05", "Great flat white, friendly staff", 5),
        review("j2", "2025-01-20", "Slow service and a long wait", 2),
        review("f1", "2025-02-10", "Lovely flat white again", 4),
        reply("j1r", "j1", at("2025-01-05", 14)),       # answered after 2 hours
        reply("f1r", "f1", at("2025-02-10", 18)),       # answered after 6 hours
    ], pipeline=PIPELINE)
    store.save_page(yelp.id, [review("y1", "2025-02-11", "Nice cosy corner", 4)], pipeline=PIPELINE)
    store.save_page(rival.id, [review("r1", "2025-01-07", "Their loyalty card is great", 5),
                               review("r2", "2025-02-07", "Loyalty cards are a nice touch, excellent", 5)], pipeline=PIPELINE)
    store.save_page(rival_yelp.id, [review("r3", "2025-02-08", "Awful rude staff", 1)], pipeline=PIPELINE)
    return store


def test_rating_per_month_volume_and_response_time(cafe: Store) -> None:
    fig = insights.compute(cafe, Period("2025-01-01", "2025-12-31"))
    assert fig.bucket == "month" and fig.buckets[:2] == ["2025-01", "2025-02"]
    own = fig.own
    assert own is not None and own.business.label == "Your business"
    assert own.rating_by_bucket["2025-01"] == (3.5, 2)
    assert own.rating_by_bucket["2025-02"] == (4.0, 2)
    assert own.volume == 4 and own.volume_by_bucket == {"2025-01": 2, "2025-02": 2}
    assert own.threads == 4 and own.answered == 2 and own.response_rate == 0.5
    assert own.median_reply_hours == 4.0
    assert own.response_by_bucket == {"2025-01": (1, 2), "2025-02": (1, 2)}
    names = [(name, n) for _, name, _, n in fig.volume_by_source]
    assert names[0] == ("Cafe · Google", 3) and ("Rival · Yelp", 1) in names
    # A chart point opens exactly its items.
    flt = insights.items_filter(own.business, fig.bucket_period("2025-01"), rating_min=1)
    assert {r.external_id for r in cafe.list_items(flt)[0]} == {"j1", "j2"}


def test_competitors_are_grouped_and_compared(cafe: Store) -> None:
    cafe.set_setting("business_name", "Harbour Cafe")
    fig = insights.compute(cafe, Period("2025-01-01", "2025-02-28"))
    assert [b.business.label for b in fig.businesses] == ["Harbour Cafe", "Rival"]
    rival = fig.businesses[1]
    assert rival.volume == 3 and rival.rating == pytest.approx(11 / 3)
    assert rival.sentiment["positive"] == 2 and rival.sentiment["negative"] == 1
    assert "loyalty card" in [t.phrase for t in rival.praised_not_own]
    assert "flat white" in [t.phrase for t in rival.own_not_praised]
    # A source filter narrows every figure.
    only_google = insights.compute(cafe, Period("2025-01-01", "2025-02-28"), [1, 3])
    assert [b.volume for b in only_google.businesses] == [3, 2]
    assert fig.bucket == "week"


def test_themes_rise_and_fall_and_open_their_items(store: Store) -> None:
    src = store.add_source("google", "Cafe · Google")
    before = [review(f"p{n}", f"2025-05-{10 + n}", "The coffee was cold again, awful.", 2) for n in range(3)]
    now = [review(f"c{n}", f"2025-06-{10 + n}", "Terrible long waits at lunch, awful.", 2) for n in range(2)]
    now += [review("c9", "2025-06-20", "A long wait and bad coffee, awful.", 2),
            review("c8", "2025-06-21", "The coffee was cold, awful.", 2)]
    store.save_page(src.id, before + now, pipeline=PIPELINE)
    period = Period("2025-06-01", "2025-06-30")
    assert period.previous() == Period("2025-05-02", "2025-05-31")
    assert Period.months(12, "2026-01-15") == Period("2025-02-01", "2026-01-15")
    found = {t.phrase: t for t in themes(store, [src.id], "negative", period)}
    assert found["long wait"].count == 3 and found["long wait"].trend == "up"
    assert found["cold"].previous_count == 3 and found["cold"].count == 1 and found["cold"].trend == "down"
    # Opening a theme lists the items that mention it, plural or not.
    flt = theme_filter(found["long wait"], [src.id], period)
    assert {r.external_id for r in store.list_items(flt)[0]} == {"c0", "c1", "c9"}
    assert themes(store, [src.id], "positive", period) == []


def test_phrases_skip_stop_words_and_fold_plurals() -> None:
    found = phrases("The flat whites were great; long waits, though!",
                    sentiment_words=sentiment.sentiment_words())
    assert "flat white" in found and "long wait" in found
    assert "the" not in found and "great" not in found and "white were" not in found


# -- people ------------------------------------------------------------------------------

def test_link_two_authors_and_unlink(store: Store) -> None:
    google = store.add_source("google", "Cafe · Google")
    masto = store.add_source("mastodon", "Mastodon mentions")
    store.save_page(google.id, [
        Item("g1", "review", text="Lovely scones", rating=5, created_at=at("2025-01-02"),
             author=Author("Zoë Kowalski", "Zoë Kowalski")),
        Item("g2", "review", text="Too slow today", rating=2, created_at=at("2025-03-02"),
             author=Author("Zoë Kowalski", "Zoë Kowalski")),
        reply("g2r", "g2", at("2025-03-02", 15)),
        Item("g3", "review", text="Fine", rating=3, created_at=at("2025-02-02"), author=Author("Sam", "Sam Lee")),
    ], pipeline=PIPELINE)
    store.save_page(masto.id, [Item("m1", "mention", text="Best scones in town @cafe", created_at=at("2025-02-01"),
                                    author=Author("zoek@mastodon.social", "Zoe Kowalski", "@zoek@mastodon.social"))], pipeline=PIPELINE)
    ids = dict(store.conn.execute("SELECT display_name, id FROM authors").fetchall())
    zoe_g, zoe_m = ids["Zoë Kowalski"], ids["Zoe Kowalski"]
    assert [s["id"] for s in people.suggestions(store, zoe_g)] == [zoe_m]  # accents and case ignored

    alone = people.profile(store, zoe_g)
    assert [i.external_id for i in alone.items] == ["g2", "g1"] and not alone.linked
    assert [r.external_id for r in alone.replies] == ["g2r"]
    assert alone.ratings == [("2025-01-02T12:00:00Z", 5, alone.items[1].id), ("2025-03-02T12:00:00Z", 2, alone.items[0].id)]

    people.link(store, zoe_m, zoe_g)
    both = people.profile(store, zoe_m)
    assert both.linked and [i.external_id for i in both.items] == ["g2", "m1", "g1"]
    assert both.first_contact == "2025-01-02T12:00:00Z" and both.last_contact == "2025-03-02T12:00:00Z"
    assert people.suggestions(store, zoe_g) == []

    people.unlink(store, zoe_m)
    assert [i.external_id for i in people.profile(store, zoe_g).items] == ["g2", "g1"]
    assert store.conn.execute("SELECT count(*) FROM authors WHERE person_id IS NOT NULL").fetchone()[0] == 0


def test_linking_merges_groups_and_unlinking_keeps_the_rest(store: Store) -> None:
    src = store.add_source("google", "Cafe · Google")
    store.save_page(src.id, [review(str(n), "2025-01-0" + str(n + 1), "ok", 3, who=f"p{n}") for n in range(3)], pipeline=PIPELINE)
    a, b, c = [r[0] for r in store.conn.execute("SELECT id FROM authors ORDER BY id")]
    people.link(store, a, b)
    people.link(store, c, b)
    assert store.person_group(c) == [a, b, c]
    people.unlink(store, a)
    assert store.person_group(b) == [b, c] and store.person_group(a) == [a]
    assert len(people.profile(store, c).items) == 2


def test_the_daily_aggregate_follows_every_kind_of_write(cafe: Store) -> None:
    """insight_days (kept by triggers) always equals a recount from the items."""
    def recount() -> set[tuple]:
        return {tuple(r) for r in cafe.conn.execute(
            "SELECT source_id, substr(created_at, 1, 10), coalesce(rating, 0), "
            "coalesce(sentiment_override, sentiment_label, 'unknown'), parent_external_id IS NULL, "
            "count(*), count(reply_seconds) FROM items WHERE is_owner_reply = 0 AND deleted_at IS NULL "
            "GROUP BY 1, 2, 3, 4, 5")}

    def kept() -> set[tuple]:
        return {tuple(r) for r in cafe.conn.execute("SELECT * FROM insight_days WHERE n > 0")}

    assert kept() == recount()
    j2 = cafe.conn.execute("SELECT id FROM items WHERE external_id = 'j2'").fetchone()[0]
    sentiment.set_override(cafe, [j2], "negative")
    cafe.save_page(1, [review("j2", "2025-01-21", "Slow service, long wait, cold food", 1),
                       reply("j2r", "j2", at("2025-01-21", 20))], pipeline=PIPELINE)
    cafe.mark_deleted(1, ["f1"])
    cafe.conn.execute("DELETE FROM items WHERE external_id = 'y1'")
    cafe.remove_source(4)
    assert kept() == recount()
    own = insights.compute(cafe, Period("2025-01-01", "2025-12-31")).own
    assert own is not None and own.answered == 2 and own.threads == 2 and own.median_reply_hours == 5.0
    cafe.conn.execute("DELETE FROM items WHERE external_id = 'j2r'")  # a reply removed for good
    cafe.save_page(1, [review("j1", "2025-01-05T10:00:00", "Great flat white, friendly staff", 5)], pipeline=PIPELINE)  # moved 2 h
    assert kept() == recount()
    own = insights.compute(cafe, Period("2025-01-01", "2025-12-31")).own
    assert own is not None and own.answered == 1 and own.median_reply_hours == 4.0
