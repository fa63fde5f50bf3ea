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


def test_what_the_start_made_is_left_out_of_later_collections(qapp):
    """The window's start freezes its objects (modules, widgets): a collection during a
    sync then walks only what came after, and still frees the garbage made since."""
    from inbox.ui.gc_guard import freeze_startup

    started = [Node() for _ in range(1000)]  # live objects of the start
    frozen_before = gc.get_freeze_count()
    try:
        freeze_startup()
        assert gc.get_freeze_count() >= frozen_before + len(started)
        assert not any(gc.is_tracked(n) and n in gc.get_objects(generation=2) for n in started[:3])
        doomed = Node()
        gone = weakref.ref(doomed)
        del doomed
        assert gc.collect(2) > 0 and gone() is None
    finally:
        gc.unfreeze()
