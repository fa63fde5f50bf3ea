"""Cyclic garbage is collected on the GUI thread, never by a worker that allocates."""

from __future__ import annotations

import gc
import threading
import weakref

from inbox.ui.gc_guard import GuiThreadCollector, collect_due


class Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the cyclic collector frees it


def test_workers_allocating_never_collect_and_the_gui_thread_does(qapp):
    gc.enable()  # as at the app's start (the test session itself runs with it off)
    collector = GuiThreadCollector()
    try:
        assert not gc.isenabled()
        doomed = Node()
        gone = weakref.ref(doomed)
        del doomed

        def allocate() -> None:  # far past every threshold: would have triggered a collection
            for _ in range(5 * sum(collector.thresholds)):
                Node()
        worker = threading.Thread(target=allocate)
        worker.start()
        worker.join()
        assert gone() is not None  # still there: the worker did not collect
        assert collect_due(collector.thresholds) > 0
        assert gone() is None
    finally:
        collector.timer.stop()
        collector.deleteLater()
        gc.disable()
