"""Charts as SVG, drawn on the server for the report (no JavaScript in a PDF).

The numbers are the same series the Patterns page draws (journal.patterns.stats); only the drawing
differs. Labels are escaped; everything else is a number. The colours are journal.palette's,
light, and ordered from light to dark so that a greyscale printer keeps their meaning.
"""

from __future__ import annotations

import calendar as month_names
import datetime as dt
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from journal import palette
from journal.models import INTENSITY_MAX
from journal.patterns.stats import Day

WIDTH, HEIGHT = 640, 180
LEFT, BOTTOM, TOP = 34, 30, 12
BAR = palette.BLUE  # the Patterns page's bars are blue too
# Room above the plot for the numbered markers of medication changes.
MARKER_ROOM = 16

# (position in bars from the first bar's left edge, the marker's number)
Marker = tuple[float, str]


def _svg(width: int, height: int, title: str, css_class: str, parts: list[str]) -> SafeString:
    return mark_safe(  # noqa: S308 - every label in parts is escaped by its maker
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" class="{css_class}">'
        f"<title>{escape(title)}</title>{''.join(parts)}</svg>"
    )


def bar_chart(
    title: str,
    labels: list[str],
    values: list[int],
    every: int = 1,
    markers: Sequence[Marker] = (),
) -> SafeString:
    """A bar chart with a y axis from 0, labelling every ``every``-th bar; each marker a
    dashed line with its number above the plot (the report lists what each one is)."""
    top_value = max(values, default=0) or 1
    top = TOP + (MARKER_ROOM if markers else 0)
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - BOTTOM - top
    step = plot_w / max(len(values), 1)
    parts = [
        f'<line x1="{LEFT}" y1="{top + plot_h}" x2="{WIDTH - 8}" y2="{top + plot_h}" '
        f'stroke="{palette.AXIS}" stroke-width="1"/>',
        f'<text x="{LEFT - 4}" y="{top + 4}" font-size="10" text-anchor="end">{top_value}</text>',
        f'<text x="{LEFT - 4}" y="{top + plot_h}" font-size="10" text-anchor="end">0</text>',
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = plot_h * value / top_value
        x = LEFT + i * step
        parts.append(
            f'<rect x="{x + step * 0.1:.1f}" y="{top + plot_h - h:.1f}" '
            f'width="{step * 0.8:.1f}" height="{h:.1f}" fill="{BAR}"/>'
        )
        if i % every == 0:
            parts.append(
                f'<text x="{x + step / 2:.1f}" y="{HEIGHT - BOTTOM + 14}" font-size="9" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    for position, number in markers:
        x = LEFT + position * step
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 2}" x2="{x:.1f}" y2="{top + plot_h}" '
            f'stroke="{palette.TEXT}" stroke-width="1" stroke-dasharray="3 2" class="marker"/>'
            f'<text x="{x:.1f}" y="{top - 5}" font-size="10" font-weight="bold" '
            f'text-anchor="middle" class="marker-number">{escape(number)}</text>'
        )
    return _svg(WIDTH, HEIGHT, title, "report-chart", parts)


# The calendar: one row a month, one cell a day.
CAL_LEFT, CAL_TOP, CAL_PITCH, CAL_CELL = 72, 14, 18, 16
CAL_LEGEND = 34
# At most this many months are drawn, the last ones of the range: a year's range starts
# and ends in the same month, so 13 rows show all of it.
CAL_MONTHS = 13


def intensity_step(worst: int) -> int:
    """Which of palette.INTENSITY_STEPS a day's worst intensity is drawn in."""
    steps = len(palette.INTENSITY_STEPS)
    return min(steps - 1, max(0, worst - 1) * steps // INTENSITY_MAX)


def step_labels() -> list[str]:
    """'1–2', '3–4', … : the intensities each step covers."""
    spans: dict[int, list[int]] = {}
    for worst in range(1, INTENSITY_MAX + 1):
        spans.setdefault(intensity_step(worst), []).append(worst)
    return [f"{v[0]}–{v[-1]}" if len(v) > 1 else f"{v[0]}" for _, v in sorted(spans.items())]


def _months(days: list[Day]) -> list[tuple[int, int]]:
    months: list[tuple[int, int]] = []
    for day in days:
        key = (day.date.year, day.date.month)
        if not months or months[-1] != key:
            months.append(key)
    return months[-CAL_MONTHS:]


class _Cells:
    """The calendar's cells, one path per kind of day (and per shade): a year is a few
    dozen SVG elements rather than a thousand, which WeasyPrint draws in a fraction of
    the time. Each cramp day's number is its own text, with the day and its worst."""

    def __init__(self) -> None:
        self.none: list[str] = []
        self.free: list[str] = []
        self.shades: dict[int, list[str]] = {}
        self.texts: list[str] = []
        self.dots: list[str] = []

    def add(self, day: Day, x: float, y: float, label: bool = True) -> None:
        box = f"M{x} {y}h{CAL_CELL}v{CAL_CELL}h-{CAL_CELL}z"
        if day.worst is None:
            if day.checked_in:
                # Checked in, no cramp: a white cell with a solid edge and a tick.
                self.free.append(f"{box}M{x + 4} {y + 8.5}l3 3l5 -6")
            else:
                self.none.append(
                    f"M{x + 0.5} {y + 0.5}h{CAL_CELL - 1}v{CAL_CELL - 1}h-{CAL_CELL - 1}z"
                )
            return
        step = intensity_step(day.worst)
        self.shades.setdefault(step, []).append(box)
        if label:
            self.texts.append(
                f'<text x="{x + CAL_CELL / 2}" y="{y + 11.5}" font-size="9" '
                f'text-anchor="middle" fill="{palette.INTENSITY_TEXT[step]}" '
                f'data-day="{day.date}" data-worst="{day.worst}">{day.worst}</text>'
            )
        if day.broke_sleep:
            self.dot(x, y, f' data-broke-sleep="{day.date}"')

    def dot(self, x: float, y: float, attrs: str = "") -> None:
        self.dots.append(
            f'<circle cx="{x + CAL_CELL - 2}" cy="{y + 2}" r="3" fill="{palette.TEXT}" '
            f'stroke="#fff" stroke-width="1"{attrs}/>'
        )

    def svg(self) -> list[str]:
        parts = []
        if self.none:
            parts.append(
                f'<path d="{"".join(self.none)}" fill="none" stroke="{palette.NO_RECORD}" '
                'stroke-width="1" stroke-dasharray="2 2"/>'
            )
        if self.free:
            parts.append(
                f'<path d="{"".join(self.free)}" fill="#fff" stroke="{palette.AXIS}" '
                'stroke-width="1"/>'
            )
        for step, boxes in sorted(self.shades.items()):
            parts.append(f'<path d="{"".join(boxes)}" fill="{palette.INTENSITY_STEPS[step]}"/>')
        return parts + self.texts + self.dots


def calendar(title: str, days: list[Day]) -> SafeString:
    """The range's days, one row a month: each cramp day shaded by its worst intensity
    and showing it, a dot for a night of broken sleep, a tick for a day checked in with
    no cramp, a dashed outline for a day with no record."""
    months = _months(days)
    row = {month: i for i, month in enumerate(months)}
    height = CAL_TOP + len(months) * CAL_PITCH + CAL_LEGEND
    parts = []
    for day_number in (1, 5, 10, 15, 20, 25, 31):
        x = CAL_LEFT + (day_number - 1) * CAL_PITCH + CAL_CELL / 2
        parts.append(f'<text x="{x}" y="10" font-size="9" text-anchor="middle">{day_number}</text>')
    for (year, month), i in row.items():
        parts.append(
            f'<text x="{CAL_LEFT - 6}" y="{CAL_TOP + i * CAL_PITCH + 12}" font-size="10" '
            f'text-anchor="end">{month_names.month_abbr[month]} {year}</text>'
        )
    cells = _Cells()
    for day in days:
        i = row.get((day.date.year, day.date.month))
        if i is not None:
            cells.add(day, CAL_LEFT + (day.date.day - 1) * CAL_PITCH, CAL_TOP + i * CAL_PITCH)
    parts += cells.svg() + _legend(CAL_TOP + len(months) * CAL_PITCH + 12)
    return _svg(WIDTH, height, title, "report-chart report-calendar", parts)


def _legend(y: int) -> list[str]:
    """What the cells mean, drawn with the cells' own marks."""
    sample = dt.date(2000, 1, 1)
    cells = _Cells()
    words = []
    x = 4.0

    def say(text: str) -> None:
        nonlocal x
        words.append(f'<text x="{x + CAL_CELL + 4}" y="{y + 12}" font-size="9">{text}</text>')
        x += CAL_CELL + 10 + 5.2 * len(text)

    cells.add(Day(sample, None, False, False), x, y)
    say("no record")
    cells.add(Day(sample, None, False, True), x, y)
    say("checked in, no cramp")
    cells.dot(x, y)
    say("sleep broken")
    words.append(f'<text x="{x}" y="{y + 12}" font-size="9">worst intensity:</text>')
    x += 80
    for step, label in enumerate(step_labels()):
        cells.shades.setdefault(step, []).append(f"M{x} {y}h{CAL_CELL}v{CAL_CELL}h-{CAL_CELL}z")
        say(label)
    return cells.svg() + words
