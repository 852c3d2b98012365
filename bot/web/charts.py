"""The dashboard's charts, drawn on the server as SVG (matplotlib's Figure, no pyplot).

The SVG goes inline into the page, so nothing is loaded from anywhere else; its fixed width and
height are dropped so it scales to the screen (a 375-pixel phone as well as a desk).
"""

from __future__ import annotations

import io
import re
from datetime import date

from handlers.digest.chart import LABEL_WIDTH

BLUE = "#2f6f9f"
_SIZE = re.compile(r'\s(width|height)="[^"]*pt"')


def _svg(figure: object) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")  # type: ignore[attr-defined]
    text = buffer.getvalue()
    start = text.index("<svg")
    return _SIZE.sub("", text[start:], count=2)


def _label(name: str) -> str:
    return name if len(name) <= LABEL_WIDTH else name[: LABEL_WIDTH - 1] + "…"


def rate_bars(rows: list[tuple[str, int]], empty: str) -> str:
    """Horizontal bars of reporting rates in percent, one per row, in the order given."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(4.8, 0.8 + 0.28 * max(len(rows), 1)), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    if rows:
        labels = [_label(name) for name, _ in rows]
        values = [value for _, value in rows]
        bars = axes.barh(labels, values, color=BLUE)
        axes.bar_label(bars, labels=[f"{v}%" for v in values], padding=2, fontsize=8)
        axes.set_xlim(0, 110)
        axes.invert_yaxis()
    else:
        axes.text(0.5, 0.5, empty, ha="center", va="center", fontsize=9)
        axes.set_xticks([])
        axes.set_yticks([])
    axes.tick_params(labelsize=8)
    return _svg(figure)


def trend_line(days: list[tuple[date, int | None]], empty: str) -> str:
    """The reporting rate day by day (working days), as a line with its points."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(4.8, 2.2), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    points = [(day, value) for day, value in days if value is not None]
    if points:
        labels = [day.strftime("%d/%m") for day, _ in points]
        values = [value for _, value in points]
        axes.plot(range(len(values)), values, marker="o", color=BLUE)
        step = max(1, len(labels) // 10)
        axes.set_xticks(range(0, len(labels), step), labels[::step])
        axes.set_ylim(0, 105)
        axes.set_ylabel("%", fontsize=8)
        axes.grid(axis="y", alpha=0.3)
    else:
        axes.text(0.5, 0.5, empty, ha="center", va="center", fontsize=9)
        axes.set_xticks([])
        axes.set_yticks([])
    axes.tick_params(labelsize=8)
    return _svg(figure)
