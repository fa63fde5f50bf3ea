"""Python's cyclic garbage collection, on the GUI thread only.

Why: the collector runs on whichever thread happens to allocate when a threshold is
crossed: the sync's writer, a reader, an export. A cycle holding a Qt object (a timer, a
widget's Python wrapper) freed there deletes the C++ object off the GUI thread, and the
window crashes later inside Qt's event processing with no Python frame to blame (see
docs/engineering-notes.md). So automatic collection is off,
and the GUI thread collects, generation by generation as the thresholds say, on a timer.
Reference counting still frees everything that is not in a cycle at once.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 1000


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.collect)
        self.timer.start(INTERVAL_MS)

    def collect(self) -> int:
        return collect_due(self.thresholds)


def collect_due(thresholds: tuple[int, ...]) -> int:
    """Collect the oldest generation whose count passed its threshold, as the automatic
    collector would have; returns the number of objects freed."""
    counts = gc.get_count()
    for generation in (2, 1, 0):
        if counts[generation] > thresholds[generation]:
            return gc.collect(generation)
    return 0


def freeze_startup() -> None:
    """Keep what the start made (modules, classes, the window's widgets: ~90,000 objects)
    out of every later collection. Each collection of the oldest generation walked them
    all: ~30 ms on the GUI thread, two frames' stall, now and then during a sync. They live
    as long as the process anyway. No collection first: it found ~10 objects of garbage
    there, and would cost the start those 30 ms."""
    gc.freeze()


def collect_on_gui_thread(parent: QObject) -> GuiThreadCollector:
    """Call once, on the GUI thread, after the QApplication exists."""
    return GuiThreadCollector(parent)
