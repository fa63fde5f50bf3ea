"""Small QtCharts helpers shared by the dashboard and the profile: a chart that follows the
window's light or dark palette, readable axes, and colours that mean the same everywhere."""

from __future__ import annotations

from PySide6.QtCharts import QChart, QChartView
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QWidget

SENTIMENT_COLOURS = {"positive": "#46a758", "neutral": "#8d8d8d", "negative": "#e5484d", "unknown": "#c8c8c8"}
SERIES_COLOURS = ["#0090ff", "#f76b15", "#6e56cf", "#12a594", "#d6409f", "#ad7f58", "#ffc53d"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def is_dark(widget: QWidget | None = None) -> bool:
    palette = widget.palette() if widget is not None else QApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def make_chart(title: str, widget: QWidget | None = None) -> QChart:
    chart = QChart()
    chart.setTheme(QChart.ChartTheme.ChartThemeDark if is_dark(widget) else QChart.ChartTheme.ChartThemeLight)
    palette = widget.palette() if widget is not None else QApplication.palette()
    chart.setBackgroundBrush(palette.color(QPalette.ColorRole.Base))
    chart.setTitleBrush(palette.color(QPalette.ColorRole.Text))
    font = QFont(chart.titleFont())
    font.setPointSizeF(max(font.pointSizeF(), 10))
    font.setBold(True)
    chart.setTitleFont(font)
    chart.setTitle(title)
    chart.setMargins(QMargins(6, 6, 6, 6))
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.legend().setLabelColor(palette.color(QPalette.ColorRole.Text))
    return chart


def style_axis(axis, widget: QWidget | None = None, *, small: bool = False) -> None:
    palette = widget.palette() if widget is not None else QApplication.palette()
    axis.setLabelsColor(palette.color(QPalette.ColorRole.Text))
    font = QFont(axis.labelsFont())
    font.setPointSizeF(8 if small else 9)
    axis.setLabelsFont(font)
    grid = QColor(palette.color(QPalette.ColorRole.Text))
    grid.setAlpha(40)
    axis.setGridLineColor(grid)


def chart_view(chart: QChart, min_height: int = 240) -> QChartView:
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(min_height)
    return view


def bucket_label(key: str, bucket: str, previous: str | None = None) -> str:
    """At most three characters, so that fourteen points fit side by side: 'Jan' for a
    month; for a week the day it starts ('14'), or the month's name for the first week
    starting in a new month (the axis title names the years)."""
    month = int(key[5:7])
    if bucket == "month" or (previous is not None and previous[5:7] != key[5:7]):
        return MONTHS[month - 1]
    return str(int(key[8:10]))


def years_title(keys: list[str], bucket: str) -> str:
    years = sorted({k[:4] for k in keys})
    span = years[0] if len(years) == 1 else f"{years[0]}–{years[-1]}"
    return f"{'Month' if bucket == 'month' else 'Week starting (day of the month)'}, {span}"


def hours_text(hours: float | None) -> str:
    if hours is None:
        return "—"
    if hours < 1:
        return f"{round(hours * 60)} min"
    if hours < 48:
        return f"{hours:.1f} h".replace(".0 h", " h")
    return f"{hours / 24:.1f} days".replace(".0 days", " days")


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"
