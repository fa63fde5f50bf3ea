"""A bar of controls that wraps onto more rows when it is narrow (a larger system font, a
short screen) instead of growing wider than its pane: groups stay together, each row
takes as many groups as fit."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

GAP = 8


class WrappingRows(QWidget):
    def __init__(self, groups: Sequence[Sequence[QWidget]], parent: QWidget | None = None,
                 stretch_before: int = -1) -> None:
        """`groups`: widgets kept on one row together, in order; `stretch_before`: from this
        group on, a row's groups sit at its right edge (-1: every group at the left)."""
        super().__init__(parent)
        self.groups = [list(g) for g in groups]
        self.stretch_before = stretch_before if stretch_before >= 0 else len(self.groups)
        self.outer = QVBoxLayout(self)
        self.outer.setContentsMargins(4, 2, 4, 2)
        self.outer.setSpacing(2)
        # One row per group at most, made once: a row is its left part, a stretch and its
        # right part; arranging moves widgets between the parts (nothing is deleted).
        self.parts: list[tuple[QHBoxLayout, QHBoxLayout]] = []
        for _ in self.groups:
            row, left, right = QHBoxLayout(), QHBoxLayout(), QHBoxLayout()
            for part in (left, right):
                part.setSpacing(6)
            row.addLayout(left)
            row.addStretch(1)
            row.addLayout(right)
            self.outer.addLayout(row)
            self.parts.append((left, right))
        self._plan_now: list[list[int]] = []
        self._arrange(10**6)

    @staticmethod
    def _width(group: list[QWidget]) -> int:
        shown = [w for w in group if not w.isHidden()]
        return sum(w.sizeHint().width() for w in shown) + 6 * max(0, len(shown) - 1)

    def _plan(self, width: int) -> list[list[int]]:
        margins = self.outer.contentsMargins()
        room = width - margins.left() - margins.right()
        rows: list[list[int]] = [[]]
        used = 0
        for n, group in enumerate(self.groups):
            w = self._width(group)
            if rows[-1] and w and used + GAP + w > room:
                rows.append([])
                used = 0
            used += (GAP if rows[-1] else 0) + w
            rows[-1].append(n)
        return rows

    def _arrange(self, width: int) -> None:
        plan = self._plan(width)
        if plan == self._plan_now:
            return
        self._plan_now = plan
        for r, groups in enumerate(plan):
            left, right = self.parts[r]
            for n in groups:
                part = left if n < self.stretch_before else right
                for w in self.groups[n]:
                    part.addWidget(w)  # taken out of the part it was in

    def rearrange(self) -> None:
        """After a group's widgets were shown, hidden or changed text."""
        self._arrange(self.width() if self.width() > 0 else 10**6)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._arrange(self.width())

    def minimumSizeHint(self) -> QSize:
        """As narrow as its widest group."""
        margins = self.outer.contentsMargins()
        need = max((self._width(g) for g in self.groups), default=0) + margins.left() + margins.right()
        return QSize(need, super().minimumSizeHint().height())
