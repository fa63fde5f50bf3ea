"""Appearance: light, dark or the computer's colours, switched while the app runs, and the
time zone times are shown in (Settings ▸ This computer, or View ▸ Appearance).

A switch sets the application's palette; every widget that draws with palette colours
repaints itself (the sidebar, the reading pane's HTML and the window's banner restyle on
ApplicationPaletteChange)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from inbox.services import settings
from inbox.ui import local_time
from inbox.ui.settings_dialog import settings_changes

if TYPE_CHECKING:
    from inbox.ui.main_window import MainWindow

THEMES = ("system", "light", "dark")

_DARK = {
    QPalette.ColorRole.Window: "#202124", QPalette.ColorRole.WindowText: "#e8eaed",
    QPalette.ColorRole.Base: "#1b1b1d", QPalette.ColorRole.AlternateBase: "#26272a",
    QPalette.ColorRole.Text: "#e8eaed", QPalette.ColorRole.Button: "#2c2d30",
    QPalette.ColorRole.ButtonText: "#e8eaed", QPalette.ColorRole.Highlight: "#3b6fd6",
    QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.PlaceholderText: "#9aa0a6",
    QPalette.ColorRole.ToolTipBase: "#2c2d30", QPalette.ColorRole.ToolTipText: "#e8eaed",
    QPalette.ColorRole.Link: "#8ab4f8", QPalette.ColorRole.BrightText: "#ffffff",
    QPalette.ColorRole.Light: "#3c3d40", QPalette.ColorRole.Midlight: "#333437",
    QPalette.ColorRole.Mid: "#2a2b2e", QPalette.ColorRole.Dark: "#151517", QPalette.ColorRole.Shadow: "#000000",
}


def dark_palette() -> QPalette:
    pal = QPalette()
    for role, colour in _DARK.items():
        pal.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7c7f84"))
    return pal


_SYSTEM: dict[str, Any] = {}  # the computer's own style and palette, taken once per process


class Appearance:
    """Switches themes; remembers the computer's own style and palette so "system" can go
    back to them."""

    def __init__(self, app: QApplication) -> None:
        self.app = app
        if not _SYSTEM:
            _SYSTEM.update(style=app.style().name(), palette=QPalette(app.palette()))
        self.system_style: str = _SYSTEM["style"]
        self.system_palette: QPalette = _SYSTEM["palette"]
        self.theme = "system"

    def apply(self, theme: str) -> None:
        theme = theme if theme in THEMES else "system"
        if theme == "system":
            if self.app.style().name() != self.system_style:
                self.app.setStyle(self.system_style)
            self.app.setPalette(self.system_palette)
        else:
            if self.app.style().name().lower() != "fusion":  # native styles ignore a dark palette
                self.app.setStyle("Fusion")
            fusion = QStyleFactory.create("Fusion")
            self.app.setPalette(dark_palette() if theme == "dark" else fusion.standardPalette())
        self.theme = theme


def set_theme(window: MainWindow, theme: str) -> None:
    """Switch now and keep the choice for the next start."""
    appearance = window.extensions.get(Appearance)
    settings.set("display.theme", theme, local=window.settings)
    appearance.apply(theme)
    window.status_message({"dark": "Dark appearance.", "light": "Light appearance."}.get(
        theme, "Appearance follows the computer."), 3000)


def _setting_changed(window: MainWindow, name: str, value: Any) -> None:
    if name == "display.theme":
        window.extensions.get(Appearance).apply(str(value))
    elif name == "display.time_zone":
        local_time.set_zone(str(value or ""))
        window.list_view.viewport().update()
        pane = window.reading
        if pane.item is not None and pane.thread is not None:
            pane.show_thread(pane.item, pane.thread, pane.other_counts)


def install(window: MainWindow) -> Appearance:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    appearance = window.extensions.add(Appearance(app))
    local_time.set_zone(settings.get("display.time_zone", local=window.settings))
    theme = settings.get("display.theme", local=window.settings)
    if theme != "system":
        appearance.apply(theme)
    r = window.register_command
    r("view.theme_light", "Appearance: light", lambda: set_theme(window, "light"), menu="View")
    r("view.theme_dark", "Appearance: dark", lambda: set_theme(window, "dark"), menu="View")
    r("view.theme_system", "Appearance: same as the computer", lambda: set_theme(window, "system"), menu="View")
    settings_changes(window).changed.connect(lambda name, value: _setting_changed(window, name, value))
    return appearance
