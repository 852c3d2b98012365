"""The weekly digest's chart: reporting rate by commune and difficulties by topic, as a PNG."""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING

from handlers.core.textfold import fold
from handlers.core.texts import t

if TYPE_CHECKING:
    from matplotlib.axes import Axes

MAX_COMMUNES = 25  # more would not be readable on a phone: the lowest rates are the ones to see
LABEL_WIDTH = 28


@dataclass(frozen=True)
class ChartData:
    """What the chart shows, already in words: (commune, rate 0..1) and (topic, count)."""

    commune_rates: list[tuple[str, float]]
    topic_counts: list[tuple[str, int]]
    title: str


def render_chart(data: ChartData, lang: str) -> bytes:
    """The two bar charts, one above the other, as PNG bytes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    rates = sorted(data.commune_rates, key=lambda item: (item[1], fold(item[0])))
    rate_title = t(lang, "chart.rate_title")
    if len(rates) > MAX_COMMUNES:
        rates = rates[:MAX_COMMUNES]
        rate_title = t(lang, "chart.rate_lowest", count=MAX_COMMUNES)
    topics = data.topic_counts
    rate_rows = max(len(rates), 1)
    topic_rows = max(len(topics), 1)
    height = 1.6 + 0.32 * (rate_rows + topic_rows) + 1.2

    figure = Figure(figsize=(8.0, height), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    grid = figure.add_gridspec(2, 1, height_ratios=[rate_rows + 1.5, topic_rows + 1.5])
    figure.suptitle(textwrap.fill(data.title, 80), fontsize=10)

    top = figure.add_subplot(grid[0])
    top.set_title(rate_title, fontsize=10, loc="left")
    if rates:
        labels = [_label(name) for name, _ in rates]
        values = [round(rate * 100) for _, rate in rates]
        bars = top.barh(labels, values, color="#2f6f9f")
        top.bar_label(bars, labels=[f"{v}%" for v in values], padding=2, fontsize=8)
        top.set_xlim(0, 110)
        top.invert_yaxis()
    else:
        _no_data(top, lang)
    top.tick_params(labelsize=8)

    bottom = figure.add_subplot(grid[1])
    bottom.set_title(t(lang, "chart.topic_title"), fontsize=10, loc="left")
    if topics:
        labels = [_label(name) for name, _ in topics]
        counts = [n for _, n in topics]
        bars = bottom.barh(labels, counts, color="#c0504d")
        bottom.bar_label(bars, padding=2, fontsize=8)
        bottom.set_xlim(0, max(counts) * 1.15 + 0.5)
        bottom.xaxis.set_major_locator(MaxNLocator(integer=True))
        bottom.invert_yaxis()
    else:
        _no_data(bottom, lang)
    bottom.tick_params(labelsize=8)

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _label(name: str) -> str:
    return name if len(name) <= LABEL_WIDTH else name[: LABEL_WIDTH - 1] + "…"


def _no_data(axes: Axes, lang: str) -> None:
    axes.text(0.5, 0.5, t(lang, "chart.no_data"), ha="center", va="center", fontsize=9)
    axes.set_xticks([])
    axes.set_yticks([])
