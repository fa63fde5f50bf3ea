"""Render the hand-drawn app icon (resources/icons/feedback-inbox.svg) to the PNG sizes
desktops ask for, plus a Windows .ico, with Qt's own SVG renderer (no extra tools).

    QT_QPA_PLATFORM=offscreen python packaging/render_icons.py [--check]

`--check` renders into memory and fails if a committed PNG is missing or differs in size,
so a changed SVG without re-rendered PNGs is noticed. A contact sheet of every icon goes
to build/icons-preview.png for a human to look at.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
SVG = ICONS / "feedback-inbox.svg"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def png_path(size: int) -> Path:
    return ICONS / "hicolor" / f"{size}x{size}" / "apps" / "feedback-inbox.png"


def render(svg: Path, size: int) -> QImage:
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: not a valid SVG for Qt")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def contact_sheet(out: Path) -> None:
    """Every app size and every source glyph on one light and one dark strip."""
    sources = sorted((ICONS / "sources").glob("*.svg"))
    width = sum(SIZES) + 10 * len(SIZES) + 10
    sheet = QImage(max(width, 80 * len(sources)), 512 + 2 * 90 + 40, QImage.Format.Format_ARGB32)
    sheet.fill(QColor("#ffffff"))
    p = QPainter(sheet)
    x = 10
    for size in SIZES:
        p.drawImage(x, 10, render(SVG, size))
        x += size + 10
    for row, bg in enumerate(("#f4f4f5", "#27272a")):
        y = 512 + 30 + row * 90
        p.fillRect(0, y - 10, sheet.width(), 90, QColor(bg))
        for i, svg in enumerate(sources):
            p.drawImage(10 + i * 80, y, render(svg, 64 if row == 0 else 24))
            if row == 1:
                p.drawImage(44 + i * 80, y, render(svg, 16))
    p.end()
    out.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(str(out))


def main(argv: list[str]) -> int:
    _app = QGuiApplication.instance() or QGuiApplication(["render_icons"])
    check = "--check" in argv
    problems = []
    for size in SIZES:
        image = render(SVG, size)
        path = png_path(size)
        if check:
            existing = QImage(str(path))
            if existing.isNull() or existing.size() != image.size():
                problems.append(f"{path.relative_to(ROOT)} missing or wrong size; run packaging/render_icons.py")
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(path), "PNG"):
            problems.append(f"could not write {path}")
    if not check:
        if not render(SVG, 256).save(str(ICONS / "feedback-inbox.ico"), "ICO"):
            print("note: this Qt has no ICO writer; the Windows build converts a PNG instead")
        contact_sheet(ROOT / "build" / "icons-preview.png")
    for line in problems:
        print(line, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
