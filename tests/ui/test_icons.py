"""The icons the app and the packages use exist, are valid SVG, and match their PNGs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from inbox.domain.models import SourceKind
from inbox.paths import resources_dir

ROOT = Path(__file__).resolve().parents[2]
ICONS = resources_dir() / "icons"


def _painted_share(svg: Path, size: int = 32) -> float:
    renderer = QSvgRenderer(str(svg))
    assert renderer.isValid(), svg
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    opaque = sum(1 for x in range(size) for y in range(size) if image.pixelColor(x, y).alpha() > 200)
    return opaque / (size * size)


def test_every_source_kind_has_a_glyph(qapp) -> None:
    for kind in SourceKind:
        svg = ICONS / "sources" / f"{kind.value}.svg"
        assert svg.exists(), f"no icon for {kind.value}"
        assert _painted_share(svg) > 0.7  # a filled rounded square, not a blank


def test_app_icon_renders_and_pngs_are_current(qapp) -> None:
    assert _painted_share(ICONS / "feedback-inbox.svg") > 0.7
    res = subprocess.run([sys.executable, str(ROOT / "packaging" / "render_icons.py"), "--check"],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    for size in (16, 32, 48, 128, 256, 512):
        png = QImage(str(ICONS / "hicolor" / f"{size}x{size}" / "apps" / "feedback-inbox.png"))
        assert png.width() == png.height() == size
