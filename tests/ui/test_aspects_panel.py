"""The aspects panel: the owner corrects a mention's polarity, moves and hides an aspect,
and the panel says which languages were read."""

from __future__ import annotations

from datetime import UTC, datetime

from inbox.domain import Author, Item
from inbox.services import aspect_themes
from inbox.services.pipeline import default_pipeline
from inbox.services.themes import Period
from inbox.ui.aspects_panel import AspectsPanel, highlight, languages_text, sparkline

PERIOD = Period("2026-01-01", "2026-01-31")


def test_corrections_moves_and_hides_from_the_panel(qtbot, make_window, store) -> None:
    src = store.add_source("google", "Cafe · Google")
    items = [Item(f"i{n}", "review", text="The scones were stale, but the tea was lovely.", rating=3,
                  created_at=datetime(2026, 1, 1 + n, 12, tzinfo=UTC), author=Author(f"a{n}", f"P{n}"))
             for n in range(8)]
    items.append(Item("fr", "review", text="Le thé était froid.", rating=2, language="fr",
                      created_at=datetime(2026, 1, 20, tzinfo=UTC), author=Author("f", "F")))
    store.save_page(src.id, items, pipeline=default_pipeline())
    window = make_window(store)
    panel = AspectsPanel(window, PERIOD, ("Cafe", [src.id]), [], ["2026-01-01"], lambda day: "2026-01-01")
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.figures is not None, timeout=10000)
    assert [s.term for s in panel.figures.complaints] == ["scone"]
    assert "8 English reviews" in panel.status.text() and "1 French" in panel.status.text()

    dialog = panel.open_mentions(term="scone")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: len(dialog.mentions) == 8, timeout=5000)
    dialog.correct(dialog.mentions[0], "positive")
    dialog.category_box.setCurrentIndex(dialog.category_box.findData("other"))
    dialog.accept()
    qtbot.waitUntil(lambda: panel.figures is not None and panel.figures.counts["scone"].positive == 1,
                    timeout=10000)
    assert next(c for c in panel.figures.categories if c.key == "other").count.total == 8
    aspect_themes.hide(store, "scone")
    assert "scone" not in aspect_themes.figures(store, [src.id], PERIOD).counts


def test_words_on_screen() -> None:
    assert highlight("the <wait> was long", 4, 10) == "the <b>&lt;wait&gt;</b> was long"
    assert sparkline([0.0, None, 1.0]) == "▁ █"
    figures = aspect_themes.AspectFigures(analysed={"not stated": 3}, not_analysed={"de": 2})
    assert languages_text(figures) == ("Themes read from 3 English reviews. "
                                       "Not read for themes, only their stars count: 2 German.")


def test_figures_show_once_the_newest_are_read_and_the_rest_follow(qtbot, make_window, store, monkeypatch) -> None:
    from inbox.ui import aspects_panel

    monkeypatch.setattr(aspects_panel, "BATCH", 2)
    monkeypatch.setattr(aspect_themes, "SAMPLE", 4)
    src = store.add_source("google", "Cafe · Google")
    store.save_page(src.id, [Item(f"i{n}", "review", text="The tea was lovely.", rating=5,
                                  created_at=datetime(2026, 1, 1 + n, 12, tzinfo=UTC), author=Author(f"a{n}", "P"))
                             for n in range(9)], pipeline=default_pipeline())
    window = make_window(store)
    panel = AspectsPanel(window, PERIOD, ("Cafe", [src.id]), [], ["2026-01-01"], lambda day: "2026-01-01")
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.figures is not None and panel.figures.counts.get("tea") is not None
                    and panel.figures.counts["tea"].positive == 9, timeout=10000)
    assert panel.shown_after is not None and panel.analysed == 9
    assert store.conn.execute("SELECT count(*) FROM items WHERE aspects_version IS NULL").fetchone()[0] == 0
