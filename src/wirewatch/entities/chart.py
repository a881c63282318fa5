"""The timeline chart's geometry: stacked bars of articles per period, one colour per source.

Server-rendered SVG (templates/entities/_timeline.html) rather than a JS chart: the page works without scripts,
the CSP stays strict, and the numbers are in the markup (each bar segment has ``data-count``, each period its
labelled total). Colours are classes (``src-0`` .. ``src-7``) styled in entities.css: no inline style.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from wirewatch.entities.queries import PeriodCount

MAX_PERIODS = 60  # the most recent ones; older periods are summed in the table, not drawn
PALETTE = 8
PLOT_HEIGHT, TOP, LEFT, BOTTOM = 160, 20, 36, 34
STEP_MONTH, STEP_WEEK = 44, 16
LABEL_WIDTH = 48  # px a period label needs ("2024-W10" at 10px), so labels never overlap


@dataclass
class Segment:
    source: str
    count: int
    css: str
    y: float
    height: float


@dataclass
class Bar:
    period: date
    label: str
    total: int
    x: float
    width: float
    center: float
    top: float = 0.0  # y of the bar's top, where its total is written
    segments: list[Segment] = field(default_factory=list)
    show_label: bool = True


@dataclass
class Chart:
    bars: list[Bar]
    sources: list[tuple[str, str, int]]  # (display name, css class, total)
    width: int
    height: int
    plot_bottom: int
    maximum: int
    total: int


def periods(first: date, last: date, by: str) -> list[date]:
    """Every period start from ``first`` to ``last``, empty ones included, so gaps show as gaps."""
    found = []
    current = first
    while current <= last:
        found.append(current)
        current = current + timedelta(weeks=1) if by == "week" else _next_month(current)
    return found[-MAX_PERIODS:]


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def period_label(period: date, by: str) -> str:
    return f"{period:%G}-W{period:%V}" if by == "week" else f"{period:%Y-%m}"


def build_chart(counts: list[PeriodCount], by: str = "month") -> Chart | None:
    if not counts:
        return None
    table: dict[date, dict[str, int]] = defaultdict(dict)
    totals: dict[str, int] = defaultdict(int)
    for row in counts:
        table[row.period][row.source] = row.articles
        totals[row.source] += row.articles
    order = sorted(totals, key=lambda s: (-totals[s], s))
    css = {source: f"src-{i % PALETTE}" for i, source in enumerate(order)}
    spans = periods(min(table), max(table), by)
    maximum = max(sum(table[p].values()) for p in spans) or 1
    step = STEP_WEEK if by == "week" else STEP_MONTH
    label_every = -(-LABEL_WIDTH // step)  # ceiling division
    bars = [
        _bar(p, i, table[p], order, css, maximum, step, by, i % label_every == 0) for i, p in enumerate(spans)
    ]
    width = LEFT + step * len(spans) + 8
    sources = [(s, css[s], totals[s]) for s in order]
    total = sum(b.total for b in bars)
    return Chart(bars, sources, width, TOP + PLOT_HEIGHT + BOTTOM, TOP + PLOT_HEIGHT, maximum, total)


def _bar(period, index, row, order, css, maximum, step, by, show_label) -> Bar:
    x = LEFT + index * step + 2
    bar = Bar(period, period_label(period, by), sum(row.values()), x, step - 4, x + (step - 4) / 2)
    bottom = float(TOP + PLOT_HEIGHT)
    for source in order:
        if count := row.get(source, 0):
            height = PLOT_HEIGHT * count / maximum
            bottom -= height
            bar.segments.append(Segment(source, count, css[source], round(bottom, 2), round(height, 2)))
    bar.top, bar.show_label = round(bottom, 2), show_label
    return bar
