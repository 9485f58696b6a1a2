"""The geometry of the report's small charts, drawn as inline SVG by its template.

Shapes only, in SVG user units: the template writes them, so every word in a chart goes
through Jinja2's escaping like the rest of the page. Bars of one series are a single path
(``M x y h w v h h -w z`` per bar): 200 features' charts stay a few hundred kilobytes, where
one element per bar, or a plotting library's figure per feature, would weigh megabytes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Path:
    """One or several shapes of one style; ``title`` is the tooltip a reader hovers."""

    css: str
    d: str
    title: str = ""


@dataclass(frozen=True)
class Line:
    """A straight line: an axis, a threshold, a diagonal."""

    css: str
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Text:
    """A label; ``anchor`` is SVG's text-anchor (start, middle, end)."""

    text: str
    x: float
    y: float
    anchor: str = "middle"
    css: str = ""


@dataclass(frozen=True)
class Dot:
    """A point with its tooltip."""

    css: str
    x: float
    y: float
    r: float
    title: str = ""


@dataclass(frozen=True)
class Chart:
    """One SVG: its size, what it shows in words (``label``), and its shapes."""

    width: int
    height: int
    label: str
    paths: list[Path] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    dots: list[Dot] = field(default_factory=list)


def coordinate(x: float) -> str:
    """A coordinate with at most one decimal and no trailing zero: the path stays short."""
    return f"{round(x, 1):g}"


def bar(x: float, base: float, width: float, height: float) -> str:
    """One bar standing on ``base`` (SVG's y grows downwards), as path commands."""
    c = coordinate
    return f"M{c(x)} {c(base)}h{c(width)}v{c(-height)}h{c(-width)}z"


def top(values: Sequence[float | None], floor: float) -> float:
    """The scale's top: the largest value with 10 % headroom, never below ``floor``."""
    known = [v for v in values if v is not None and math.isfinite(v)]
    return max([floor, *known]) * 1.1


@dataclass(frozen=True)
class Frame:
    """The plotting area inside a chart: left, top, right and bottom in user units."""

    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top

    def h(self, value: float, scale: float) -> float:
        """The height of ``value`` on a 0-to-``scale`` vertical axis."""
        return self.height * min(value, scale) / scale

    def y(self, value: float, scale: float) -> float:
        """Where ``value`` stands on a 0-to-``scale`` vertical axis."""
        return self.bottom - self.h(value, scale)


def shares(
    reference: Sequence[float],
    current: Sequence[float],
    bins: int,
    with_missing: bool,
    words: tuple[str, str, str, str],
    width: int = 320,
    height: int = 118,
) -> Chart:
    """Reference against current share of each of the first ``bins`` value bins, then the
    missing bin apart (``with_missing``). ``words``: the chart's label, "lower values",
    "higher values", "missing". Current bars in a bin training never filled are marked."""
    label, lower, higher, missing = words
    frame = Frame(4, 6, width - 4, height - 22)
    gap, apart = (10, 48) if with_missing else (0, 0)  # the missing bin, wide enough for its name
    slot = (frame.width - gap - apart) / bins
    columns = [*range(bins), *([len(reference) - 1] if with_missing else [])]
    scale = top([*(reference[c] for c in columns), *(current[c] for c in columns if current)], 0.05)
    ref: list[str] = []
    cur: list[str] = []
    unseen: list[str] = []
    for position, column in enumerate(columns):
        x = frame.left + position * slot + (gap + (apart - slot) / 2 if position == bins else 0)
        ref.append(
            bar(x + slot * 0.08, frame.bottom, slot * 0.4, frame.h(reference[column], scale))
        )
        if current:
            new = reference[column] == 0.0 and position < bins and current[column] > 0
            now = bar(x + slot * 0.52, frame.bottom, slot * 0.4, frame.h(current[column], scale))
            (unseen if new else cur).append(now)
    chart = Chart(width, height, label)
    chart.paths.extend(
        Path(css, "".join(d)) for css, d in (("ref", ref), ("cur", cur), ("new", unseen)) if d
    )
    value_end = frame.left + bins * slot
    chart.lines.append(Line("axis", frame.left, frame.bottom, frame.right, frame.bottom))
    chart.texts.append(Text(lower, frame.left, height - 8, "start"))
    if bins > 1:
        chart.texts.append(Text(higher, value_end, height - 8, "end"))
    if with_missing:
        chart.texts.append(Text(missing, frame.right - apart / 2, height - 8, "middle", "miss"))
    return chart


def columns(
    values: Sequence[float | None],
    levels: Sequence[str],
    titles: Sequence[str],
    thresholds: Sequence[tuple[float, tuple[str, str]]],
    ticks: Sequence[tuple[int, str]],
    label: str,
    width: int = 720,
    height: int = 190,
) -> Chart:
    """One bar per value (None: a stub), styled by its level, with a dashed line at each
    threshold (value, (label, level)) and ``ticks`` (index, text) under the axis."""
    frame = Frame(8, 10, width - 124, height - 24)  # threshold names in the right margin
    scale = top([*values, *(t for t, _ in thresholds)], 0.01)
    slot = frame.width / max(len(values), 1)
    chart = Chart(width, height, label)
    for i, (value, level, title) in enumerate(zip(values, levels, titles, strict=True)):
        x = frame.left + i * slot + slot * 0.15
        if value is None:
            chart.paths.append(Path("none", bar(x, frame.bottom, slot * 0.7, 2), title))
        else:
            h = max(frame.h(value, scale), 1)
            chart.paths.append(Path(level, bar(x, frame.bottom, slot * 0.7, h), title))
    for value, name in thresholds:
        y = frame.y(value, scale)
        chart.lines.append(Line(f"threshold {name[1]}", frame.left, y, frame.right, y))
        chart.texts.append(Text(name[0], frame.right + 6, y + 4, "start", f"thr {name[1]}"))
    chart.lines.append(Line("axis", frame.left, frame.bottom, frame.right, frame.bottom))
    for index, text in ticks:
        anchor = "start" if index == 0 else "end" if index == len(values) - 1 else "middle"
        x = (
            frame.left
            + index * slot
            + (0 if anchor == "start" else slot if anchor == "end" else slot / 2)
        )
        chart.texts.append(Text(text, x, height - 8, anchor))
    return chart


def pairs(
    expected: Sequence[float | None],
    observed: Sequence[float | None],
    titles: Sequence[str],
    ticks: Sequence[str],
    fmt: Callable[[float], str],
    label: str,
    pending: str,
    width: int = 720,
    height: int = 190,
) -> Chart:
    """Per period, a bar of the expected rate and a dot of the observed rate, where known, else
    ``pending`` above the bar; ``fmt`` writes the scale's values."""
    frame = Frame(44, 10, width - 8, height - 24)
    scale = top([*expected, *observed], 0.01)
    slot = frame.width / max(len(expected), 1)
    chart = Chart(width, height, label)
    for i, (rate, seen, title) in enumerate(zip(expected, observed, titles, strict=True)):
        middle = frame.left + (i + 0.5) * slot
        if rate is not None:
            h = frame.h(rate, scale)
            chart.paths.append(
                Path("ref", bar(middle - slot * 0.3, frame.bottom, slot * 0.6, h), title)
            )
        if seen is not None:
            chart.dots.append(Dot("cur", middle, frame.y(seen, scale), 5, title))
        elif rate is not None:
            chart.texts.append(Text(pending, middle, frame.y(rate, scale) - 6, "middle", "name"))
    chart.lines.append(Line("axis", frame.left, frame.bottom, frame.right, frame.bottom))
    chart.lines.append(Line("axis", frame.left, frame.top, frame.left, frame.bottom))
    chart.texts.append(Text(fmt(0.0), frame.left - 4, frame.bottom, "end"))
    chart.texts.append(Text(fmt(scale), frame.left - 4, frame.top + 8, "end"))
    for i, text in enumerate(ticks):
        chart.texts.append(Text(text, frame.left + (i + 0.5) * slot, height - 8))
    return chart


def calibration(
    points: Sequence[tuple[float, float, int]],
    titles: Sequence[str],
    names: tuple[str, str],
    fmt: Callable[[float], str],
    label: str,
    size: int = 260,
) -> Chart:
    """Observed against predicted rate (predicted, observed, count) with the diagonal;
    ``names`` of the x and y axes; ``fmt`` writes the scale's values."""
    frame = Frame(40, 10, size - 10, size - 36)
    scale = top([v for p, o, _ in points for v in (p, o)], 0.01)
    biggest = max((c for _, _, c in points), default=1)
    chart = Chart(size, size, label)
    chart.lines.append(Line("diagonal", frame.left, frame.bottom, frame.right, frame.top))
    chart.lines.append(Line("axis", frame.left, frame.bottom, frame.right, frame.bottom))
    chart.lines.append(Line("axis", frame.left, frame.top, frame.left, frame.bottom))
    for (predicted, observed, count), title in zip(points, titles, strict=True):
        x = frame.left + frame.width * min(predicted, scale) / scale
        r = 3 + 5 * math.sqrt(count / biggest)
        chart.dots.append(Dot("cur", x, frame.y(observed, scale), r, title))
    x_name, y_name = names
    chart.texts.extend(
        [
            Text(fmt(0.0), frame.left, frame.bottom + 14, "middle"),
            Text(fmt(scale), frame.right, frame.bottom + 14, "end"),
            Text(fmt(scale), frame.left - 4, frame.top + 8, "end"),
            Text(x_name, (frame.left + frame.right) / 2, size - 6, "middle", "name"),
            Text(y_name, frame.left + 4, frame.top + 8, "start", "name"),
        ]
    )
    return chart
