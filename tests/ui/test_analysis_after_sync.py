"""After a big sync the window analyses the new items in the background (the sync wrote
them without their sentiment), saying so in the status bar, until none is left."""

from __future__ import annotations

from inbox.services import sentiment
from inbox.ui import sync_controller
from tests.qt_async import aloop, run_until, window  # noqa: F401 (fixtures)


def test_the_window_analyses_a_big_imports_items_after_the_sync(window, aloop, store, tmp_path):  # noqa: F811
    path = tmp_path / "export.csv"
    path.write_text("Review ID,Date,Name,Stars,Comment\n" + "\n".join(
        f"R{i},2025-03-{1 + i % 28:02d},Guest {i % 30},{1 + i % 5},\"Cold coffee but lovely scones, visit {i}\""
        for i in range(700)), encoding="utf-8")
    store.add_source("file", "export", settings={"path": str(path)})
    controller = sync_controller.install(window)
    controller.startup_timer.stop()
    shown: list[str] = []
    real = controller.progress_label.setText
    controller.progress_label.setText = lambda text: (shown.append(text), real(text))  # type: ignore[method-assign]

    controller.sync_now()
    run_until(aloop, lambda: controller.task is not None and controller.task.done(), 30, "the sync")
    assert controller.task.result()[0].new == 700
    run_until(aloop, lambda: sentiment.pending(store) == 0 and controller.progress_label.text() == "", 60,
              "the analysis pass")
    assert any(t.startswith("Analysing new items…") for t in shown)
    labels = {r[0] for r in store.conn.execute("SELECT sentiment_label FROM items")}
    assert None not in labels and labels <= {"positive", "neutral", "negative", "unknown"}
